"""Where each piece of the ledger stands today, and what a late invoice may claim.

Pure: the ledger's rows (invoices, credit notes, payments) and ``today`` in,
one :class:`Standing` per piece out. Nothing here is stored: the status of an
invoice is derived each time from what the ledger holds, which never changes.

Statuses of an invoice::

    émise ──(due date passed)──▶ échue (N jours de retard)
      │                              │
      ├──(partial payment)───────────┴──▶ partiellement payée [, échue …]
      ├──(paid in full)──────────────────▶ payée
      └──(credit note for all of it)─────▶ annulée par avoir

Late interest (:func:`late_interest`), for a public buyer (art. L. 2192-13 and
R. 2192-31 à R. 2192-36 du code de la commande publique; between businesses,
art. L. 441-10 du code de commerce, whose minimum the invoice's rate exceeds)::

    intérêts = reste dû TTC × (taux BCE + 8 points) × jours de retard / 365

The interest runs from the day after the due date (R. 2192-32), so the days
late are ``today - due_date``; it is rounded half-up to the cent. The fixed
recovery indemnity is 40 € (D. 2192-35 CCP; D. 441-5 C. com.), once per
invoice paid late.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pipeline.formats import money, plural
from pipeline.invoicing.document import InvoiceKind, cents
from pipeline.invoicing.payments import Payment
from pipeline.invoicing.records import InvoiceRecord, InvoiceStatus

RECOVERY_INDEMNITY = Decimal(40)  # euros, art. D. 2192-35 CCP / D. 441-5 C. com.
DAYS_IN_YEAR = 365


class Status:
    """The words of the listing (French, as the consultant reads them)."""

    ISSUED = "émise"
    LATE = "échue"
    PARTLY_PAID = "partiellement payée"
    PAID = "payée"
    CANCELLED = "annulée par avoir"
    CREDIT_NOTE = "avoir"


@dataclass(frozen=True)
class Standing:
    record: InvoiceRecord
    status: str  # one of Status
    credited_ht: Decimal = Decimal(0)  # by credit notes, positive
    credited_ttc: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)  # TTC received
    due: Decimal = Decimal(0)  # TTC still to pay (0 for a credit note or a cancelled invoice)
    days_late: int = 0
    credit_notes: tuple[str, ...] = ()  # their numbers
    last_payment: date | None = None

    @property
    def remaining_ht(self) -> Decimal:
        """What remains of the invoice HT once its credit notes are deducted."""
        return self.record.total_ht - self.credited_ht

    @property
    def is_late(self) -> bool:
        return self.days_late > 0 and self.due > 0

    @property
    def label(self) -> str:
        """« échue (12 jours de retard) », « annulée par avoir (F-2026-0004) »…"""
        record = self.record
        if record.kind is InvoiceKind.CREDIT_NOTE:
            return f"{Status.CREDIT_NOTE} (sur {record.preceding_number})"
        if self.status == Status.CANCELLED:
            return f"{Status.CANCELLED} ({record.cancelled_by})"
        late = plural(self.days_late, "jour") + " de retard"
        text = {
            Status.LATE: f"{Status.LATE} ({late})",
            Status.PARTLY_PAID: Status.PARTLY_PAID + (f", échue ({late})" if self.is_late else ""),
        }.get(self.status, self.status)
        if self.credit_notes:
            text += f", avoir{'s' if len(self.credit_notes) > 1 else ''} "
            text += f"{', '.join(self.credit_notes)} (−{money(self.credited_ht)} HT)"
        return text


def standings(
    records: Sequence[InvoiceRecord], payments: Iterable[Payment], today: date
) -> list[Standing]:
    """Each piece of ``records`` as it stands on ``today``, in the same order."""
    by_invoice: dict[str, list[Payment]] = {}
    for payment in payments:
        by_invoice.setdefault(payment.invoice_number, []).append(payment)
    credits: dict[str, list[InvoiceRecord]] = {}
    for record in records:
        if record.kind is InvoiceKind.CREDIT_NOTE and record.preceding_number:
            credits.setdefault(record.preceding_number, []).append(record)
    return [
        _standing(r, credits.get(r.number, []), by_invoice.get(r.number, []), today)
        for r in records
    ]


def _standing(
    record: InvoiceRecord,
    credits: Sequence[InvoiceRecord],
    payments: Sequence[Payment],
    today: date,
) -> Standing:
    if record.kind is InvoiceKind.CREDIT_NOTE:
        return Standing(record, Status.CREDIT_NOTE)
    credited_ht = sum((abs(c.total_ht) for c in credits), Decimal(0))
    credited_ttc = sum((abs(c.total_ttc) for c in credits), Decimal(0))
    paid = sum((p.amount for p in payments), Decimal(0))
    numbers = tuple(c.number for c in credits)
    last = max((p.paid_on for p in payments), default=None)
    if record.status is InvoiceStatus.CANCELLED:
        return Standing(
            record, Status.CANCELLED, credited_ht, credited_ttc, paid, Decimal(0), 0, (), last
        )
    due = record.total_ttc - credited_ttc - paid
    days_late = max((today - record.invoice.due_date).days, 0) if due > 0 else 0
    if due <= 0:
        status = Status.PAID
    elif paid > 0:
        status = Status.PARTLY_PAID
    elif days_late > 0:
        status = Status.LATE
    else:
        status = Status.ISSUED
    return Standing(record, status, credited_ht, credited_ttc, paid, due, days_late, numbers, last)


def late_interest(amount: Decimal, rate: Decimal, days: int) -> Decimal:
    """``amount`` × ``rate`` % × ``days`` / 365, rounded half-up to the cent."""
    return cents(amount * rate / 100 * days / DAYS_IN_YEAR)
