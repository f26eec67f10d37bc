"""An invoice as the ledger stores it: JSON with exact Decimals and ISO dates, and back.

What an issued invoice says is kept whole with it (ledger.py): it is rebuilt
from this, never from the workbook.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from decimal import Decimal
from typing import Any

from pipeline.config import Seller
from pipeline.invoicing.document import Buyer, Instalment, Invoice, InvoiceKind, Line, Pricing


def document_json(invoice: Invoice) -> dict[str, Any]:
    """The invoice as JSON: Decimals as exact strings, dates in ISO form."""
    return {
        "kind": invoice.kind.value,
        "number": invoice.number,
        "issue_date": invoice.issue_date.isoformat(),
        "due_date": invoice.due_date.isoformat(),
        "service_start": _iso(invoice.service_start),
        "service_end": invoice.service_end.isoformat(),
        "seller": {f.name: _plain(getattr(invoice.seller, f.name)) for f in fields(Seller)},
        "buyer": {f.name: getattr(invoice.buyer, f.name) for f in fields(Buyer)},
        "reference": invoice.reference,
        "title": invoice.title,
        "pricing": {
            "vat_exempt": invoice.pricing.vat_exempt,
            "notes": list(invoice.pricing.notes),
            "lines": [
                {f.name: _plain(getattr(line, f.name)) for f in fields(Line)}
                for line in invoice.pricing.lines
            ],
        },
        "preceding_number": invoice.preceding_number,
        "preceding_date": _iso(invoice.preceding_date),
        "reason": invoice.reason,
        "instalment": None if invoice.instalment is None else invoice.instalment.to_json(),
    }


def _plain(value: object) -> object:
    return str(value) if isinstance(value, Decimal) else value


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def optional_date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def invoice_from_json(data: dict[str, Any]) -> Invoice:
    seller = dict(data["seller"])
    seller["vat_rate"] = Decimal(seller["vat_rate"])
    pricing = data["pricing"]
    lines = tuple(
        Line(
            description=line["description"],
            quantity=Decimal(line["quantity"]),
            unit_price=Decimal(line["unit_price"]),
            vat_rate=Decimal(line["vat_rate"]),
            detail=line["detail"],
        )
        for line in pricing["lines"]
    )
    return Invoice(
        kind=InvoiceKind(data["kind"]),
        number=data["number"],
        issue_date=date.fromisoformat(data["issue_date"]),
        due_date=date.fromisoformat(data["due_date"]),
        service_end=date.fromisoformat(data["service_end"]),
        service_start=optional_date(data["service_start"]),
        seller=Seller(**seller),
        buyer=Buyer(**data["buyer"]),
        reference=data["reference"],
        title=data["title"],
        pricing=Pricing(lines, pricing["vat_exempt"], tuple(pricing["notes"])),
        preceding_number=data["preceding_number"],
        preceding_date=optional_date(data["preceding_date"]),
        reason=data["reason"],
        instalment=Instalment.from_json(data.get("instalment")),
    )
