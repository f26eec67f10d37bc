"""How a draft differs from the invoice issued for it: its fingerprint, and the French list.

An issued invoice never changes (ledger.py). When the workbook later implies
other amounts or another buyer, :func:`fingerprint` tells (a digest of what
the invoice says, wording aside) and :func:`differences` says what, in
French, for the run's report.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import fields
from decimal import Decimal
from typing import TYPE_CHECKING

from pipeline.formats import money, number
from pipeline.invoicing.document import Buyer, Line, Pricing

if TYPE_CHECKING:
    from pipeline.invoicing.records import InvoiceRecord


def fingerprint(pricing: Pricing, buyer: Buyer) -> str:
    """sha256 of a canonical JSON of the buyer, the VAT regime and the lines.

    Line order and the writing of a number (2,5 or 2,50) do not count; notes
    and warnings, which are wording, do not either.
    """
    lines = sorted(
        json.dumps(_canonical_line(line), sort_keys=True, ensure_ascii=False)
        for line in pricing.lines
    )
    payload = {
        "buyer": {f.name: getattr(buyer, f.name) for f in fields(Buyer)},
        "vat_exempt": pricing.vat_exempt,
        "lines": lines,
        "totals": [_canon(pricing.total_ht), _canon(pricing.total_vat), _canon(pricing.total_ttc)],
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _canon(value: Decimal) -> str:
    return "0" if value == 0 else format(value.normalize(), "f")


def _canonical_line(line: Line) -> dict[str, str]:
    return {
        "description": line.description,
        "detail": line.detail,
        "quantity": _canon(line.quantity),
        "unit_price": _canon(line.unit_price),
        "vat_rate": _canon(line.vat_rate),
    }


_BUYER_LABELS = {
    "name": "Acheteur",
    "address": "Adresse de l'acheteur",
    "postal_code": "Code postal de l'acheteur",
    "city": "Ville de l'acheteur",
    "siret": "SIRET de l'acheteur",
    "service_code": "Code service",
    "engagement_number": "Numéro d'engagement",
    "country": "Pays de l'acheteur",
}


def differences(record: InvoiceRecord, pricing: Pricing, buyer: Buyer) -> list[str]:
    """How ``pricing``/``buyer`` differ from the issued ``record``, in French; [] if alike.

    Empty exactly when the fingerprints are equal.
    """
    old = record.pricing
    found: list[str] = []
    for label, before, after in (
        ("Total HT", old.total_ht, pricing.total_ht),
        ("TVA", old.total_vat, pricing.total_vat),
        ("Total TTC", old.total_ttc, pricing.total_ttc),
    ):
        if before != after:
            found.append(f"{label} : {money(before)} → {money(after)}")
    for field in fields(Buyer):
        label = _BUYER_LABELS[field.name]  # a new Buyer field needs its French label
        before_text, after_text = getattr(record.buyer, field.name), getattr(buyer, field.name)
        if before_text != after_text:
            found.append(f"{label} : {_quoted(before_text)} → {_quoted(after_text)}")
    if old.vat_exempt != pricing.vat_exempt:
        found.append(f"Régime de TVA : {_regime(old.vat_exempt)} → {_regime(pricing.vat_exempt)}")
    found.extend(_line_differences(old.lines, pricing.lines))
    return found


def _line_differences(old: Sequence[Line], new: Sequence[Line]) -> list[str]:
    # Lines are matched by description; identical lines are set aside first so
    # that order never matters (as in the fingerprint).
    removed = list(old)
    added: list[Line] = []
    for line in new:
        twin = next((o for o in removed if _canonical_line(o) == _canonical_line(line)), None)
        if twin is None:
            added.append(line)
        else:
            removed.remove(twin)
    found: list[str] = []
    for line in added[:]:
        before = next((o for o in removed if o.description == line.description), None)
        if before is None:
            continue
        removed.remove(before)
        added.remove(line)
        found.extend(_changed_line(before, line))
    found.extend(f"Ligne retirée : {_describe(line)}" for line in removed)
    found.extend(f"Ligne ajoutée : {_describe(line)}" for line in added)
    return found


def _changed_line(before: Line, after: Line) -> list[str]:
    name = f"Ligne « {after.description} »"
    found: list[str] = []
    if (before.quantity, before.unit_price) != (after.quantity, after.unit_price):
        found.append(f"{name} : {_amounts(before)} → {_amounts(after)}")
    if before.vat_rate != after.vat_rate:
        found.append(f"{name}, taux de TVA : {_rate(before.vat_rate)} → {_rate(after.vat_rate)}")
    if before.detail != after.detail:
        found.append(f"{name}, mention : {_quoted(before.detail)} → {_quoted(after.detail)}")
    return found


def _describe(line: Line) -> str:
    return f"{line.description} ({_amounts(line)})"


def _amounts(line: Line) -> str:
    return f"{number(line.quantity)} × {money(line.unit_price)} HT = {money(line.total)} HT"


def _rate(rate: Decimal) -> str:
    return f"{number(rate)} %"


def _regime(exempt: bool) -> str:
    return "franchise en base (TVA non applicable)" if exempt else "TVA applicable"


def _quoted(text: str) -> str:
    return f"« {text} »" if text else "(vide)"
