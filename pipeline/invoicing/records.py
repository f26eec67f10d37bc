"""One row of the invoice ledger, as issued: what the ledger, its CSV export and
the differences with a draft share (ledger.py, csv_export.py, differences.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from pipeline.invoicing.document import Buyer, Invoice, InvoiceKind, Pricing


class InvoiceStatus(StrEnum):
    ISSUED = "émise"
    CREDIT_NOTE = "avoir"
    CANCELLED = "annulée par avoir"


@dataclass(frozen=True)
class InvoiceRecord:
    """One row of the ledger: an issued invoice or credit note, as issued."""

    seq: int  # the counter value
    number: str
    kind: InvoiceKind
    status: InvoiceStatus
    reference: str  # the engagement's reference
    key: str  # which invoice of the engagement (ledger.DEFAULT_KEY unless several)
    issue_date: date
    total_ht: Decimal
    total_vat: Decimal
    total_ttc: Decimal
    fingerprint: str  # see differences.fingerprint()
    invoice: Invoice  # the whole document, number included: rebuild it from here
    preceding_number: str | None = None  # credit note: the invoice it cancels
    preceding_date: date | None = None
    reason: str = ""  # credit note: the motive
    cancelled_by: str | None = None  # invoice: the credit note that cancelled it

    @property
    def buyer(self) -> Buyer:
        return self.invoice.buyer

    @property
    def pricing(self) -> Pricing:
        return self.invoice.pricing

    @property
    def is_live(self) -> bool:
        """An invoice that stands (not a credit note, not cancelled)."""
        return self.status is InvoiceStatus.ISSUED
