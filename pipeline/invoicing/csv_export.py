"""The ledger as a CSV table for a French Excel (``amoor factures --csv``)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import TYPE_CHECKING

from pipeline.formats import decimal, short_date
from pipeline.invoicing.document import InvoiceKind

if TYPE_CHECKING:
    from pipeline.invoicing.records import InvoiceRecord


CSV_HEADERS = (
    "Numéro",
    "Type",
    "Date",
    "Client",
    "SIRET client",
    "Référence",
    "Total HT",
    "TVA",
    "Total TTC",
    "Statut",
    "Pièce d'origine",
    "Annulée par",
    "Motif",
)
_KIND_LABELS = {InvoiceKind.INVOICE: "Facture", InvoiceKind.CREDIT_NOTE: "Avoir"}


def to_csv(records: Iterable[InvoiceRecord]) -> str:
    """The ledger as a CSV table for Excel in French, as text to write as-is.

    Choices: ``;`` as separator and ``,`` as decimal mark without grouping
    (what a French Excel reads as numbers); dates as ``JJ/MM/AAAA``; CRLF line
    ends (RFC 4180); the text starts with a BOM (U+FEFF) so that Excel detects
    UTF-8; write it with ``encoding="utf-8", newline=""``. Text typed by a
    person that starts like a formula (= + - @) is prefixed with an apostrophe
    so that Excel shows it instead of computing it.
    """
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    for r in records:
        writer.writerow(
            (
                r.number,
                _KIND_LABELS[r.kind],
                short_date(r.issue_date),
                _cell(r.buyer.name),
                r.buyer.siret,
                _cell(r.reference),
                decimal(r.total_ht, grouped=False),
                decimal(r.total_vat, grouped=False),
                decimal(r.total_ttc, grouped=False),
                r.status.value,
                r.preceding_number or "",
                r.cancelled_by or "",
                _cell(r.reason),
            )
        )
    return out.getvalue()


def _cell(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
