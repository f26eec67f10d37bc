"""What happens to an invoice after it is issued: partial credit notes and payments.

Both are written in the invoice ledger, each in one ``BEGIN IMMEDIATE``
transaction that also checks it against what the ledger already holds:

- :func:`partial_credit_note` credits part of an invoice (amount HT, VAT at the
  invoice's rates, credit.py) with its own number from the same counter. It
  never credits more than remains to credit; crediting exactly what remains
  cancels the invoice (status « annulée par avoir »), after which a new
  invoice can be issued, as after a full credit note.
- :func:`record_payment` records a payment received (default: what remains
  due, TTC); never more than what remains due.

Statuses (émise, échue, partiellement payée, payée, annulée) are not stored:
status.py derives them from these rows and today's date.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import date
from decimal import Decimal

from pipeline.config import Seller
from pipeline.formats import money, short_date
from pipeline.invoicing.credit import partial_credit, remainder_credit, remaining_by_rate
from pipeline.invoicing.document import InvoiceKind
from pipeline.invoicing.ledger import BeforeCommit, Ledger, _allocate, _record
from pipeline.invoicing.ledger_schema import LedgerError
from pipeline.invoicing.payments import Payment, payment_of
from pipeline.invoicing.records import InvoiceRecord, InvoiceStatus

log = logging.getLogger(__name__)


def partial_credit_note(
    ledger: Ledger,
    number: str,
    amount: Decimal,
    reason: str,
    today: date,
    *,
    seller: Seller | None = None,
    before_commit: BeforeCommit | None = None,
) -> InvoiceRecord:
    """Credit ``amount`` HT of invoice ``number`` by a credit note (381) with its own number."""
    reason = reason.strip()
    if not reason:
        raise LedgerError(
            f"Indiquez le motif de l'avoir sur la facture {number} : il figure sur l'avoir."
        )
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise LedgerError(
            f"Le montant de l'avoir ({amount}) doit être positif, en euros et centimes HT "
            f"(par exemple 500 ou 1 250,50)."
        )
    with ledger._transaction() as db:  # the ledger's own write transaction
        original = _invoice(db, number)
        earlier = [c.invoice for c in _credits(db, number)]
        remaining = sum(remaining_by_rate(original.invoice, earlier).values(), Decimal(0))
        if amount > remaining:
            credited = original.total_ht - remaining
            raise LedgerError(
                f"L'avoir de {money(amount)} HT dépasse ce qui reste à créditer sur la facture "
                f"{number} : {money(remaining)} HT (facture de {money(original.total_ht)} HT"
                + (f", déjà créditée de {money(credited)} HT" if credited else "")
                + f"). Indiquez au plus {money(remaining)}, ou annulez la facture par "
                f'« amoor facture avoir {number} --motif "…" ». Rien n\'a été émis.'
            )
        whole = amount == remaining
        credit = (
            remainder_credit(original.invoice, earlier, reason, today, seller)
            if whole and earlier
            else partial_credit(original.invoice, amount, reason, today, seller, earlier)
        )
        record = _allocate(
            db,
            ledger.number_format,
            credit,
            original.key,
            InvoiceStatus.CREDIT_NOTE,
            before_commit,
        )
        if whole:  # nothing left: the invoice no longer stands (a new one may be issued)
            db.execute(
                "UPDATE invoices SET status = ?, cancelled_by = ? WHERE seq = ?",
                (InvoiceStatus.CANCELLED.value, record.number, original.seq),
            )
    log.info("partial credit note %s on %s: %s HT", record.number, number, amount)
    return record


def record_payment(
    ledger: Ledger,
    number: str,
    today: date,
    *,
    paid_on: date | None = None,
    amount: Decimal | None = None,
) -> Payment:
    """Record a payment of invoice ``number``: ``amount`` TTC (default: what remains due)."""
    day = paid_on or today
    if day > today:
        raise LedgerError(
            f"La date de paiement {short_date(day)} est dans le futur : indiquez la date à "
            f"laquelle le virement a été reçu (--date AAAA-MM-JJ), au plus tard aujourd'hui."
        )
    with ledger._transaction() as db:
        original = _invoice(db, number, paying=True)
        if day < original.issue_date:
            raise LedgerError(
                f"La date de paiement {short_date(day)} précède l'émission de la facture "
                f"{number} ({short_date(original.issue_date)}) : vérifiez la date."
            )
        due = _due(db, original)
        if due <= 0:
            raise LedgerError(
                f"La facture {number} est déjà entièrement réglée : aucun paiement n'a été "
                f"enregistré. Un trop-perçu se rembourse, il ne s'enregistre pas ici."
            )
        paid = due if amount is None else amount
        if paid <= 0 or paid != paid.quantize(Decimal("0.01")):
            raise LedgerError(
                f"Le montant payé ({paid}) doit être positif, en euros et centimes (par exemple "
                f"1 200 ou 600,50)."
            )
        if paid > due:
            raise LedgerError(
                f"Le paiement de {money(paid)} dépasse ce qui reste dû sur la facture {number} : "
                f"{money(due)} TTC. Vérifiez le montant reçu ; un trop-perçu se rembourse. "
                f"Rien n'a été enregistré."
            )
        row = db.execute(
            "INSERT INTO payments (invoice_number, paid_on, amount, recorded_on) "
            "VALUES (?, ?, ?, ?) RETURNING *",
            (number, day.isoformat(), str(paid), today.isoformat()),
        ).fetchone()
    log.info("payment of %s recorded for %s", paid, number)
    return payment_of(row)


def list_payments(ledger: Ledger) -> list[Payment]:
    """Every payment recorded, in the order they were recorded."""
    with ledger._reading() as db:
        rows = db.execute("SELECT * FROM payments ORDER BY id").fetchall()
    return [payment_of(row) for row in rows]


def _invoice(db: sqlite3.Connection, number: str, *, paying: bool = False) -> InvoiceRecord:
    row = db.execute("SELECT * FROM invoices WHERE number = ?", (number,)).fetchone()
    if row is None:
        raise LedgerError(
            f"Aucune facture ne porte le numéro « {number} » dans le registre des factures. "
            f"Vérifiez le numéro dans la liste des factures (amoor factures)."
        )
    record = _record(row)
    if record.kind is InvoiceKind.CREDIT_NOTE:
        raise LedgerError(
            f"« {number} » est un avoir (sur la facture {record.preceding_number}) : "
            + (
                "il ne se paie pas."
                if paying
                else "un avoir ne se crédite pas. Émettez, si besoin, une nouvelle facture."
            )
        )
    if record.status is InvoiceStatus.CANCELLED:
        raise LedgerError(
            f"La facture {number} est annulée par l'avoir {record.cancelled_by} : "
            + ("aucun paiement n'y est attendu." if paying else "il n'y a plus rien à créditer.")
        )
    return record


def _credits(db: sqlite3.Connection, number: str) -> list[InvoiceRecord]:
    rows = db.execute(
        "SELECT * FROM invoices WHERE kind = ? AND preceding_number = ? ORDER BY seq",
        (InvoiceKind.CREDIT_NOTE.value, number),
    ).fetchall()
    return [_record(row) for row in rows]


def _due(db: sqlite3.Connection, record: InvoiceRecord) -> Decimal:
    """TTC still to pay: the invoice, less its credit notes and the payments received."""
    credited = sum((abs(c.total_ttc) for c in _credits(db, record.number)), Decimal(0))
    rows = db.execute(
        "SELECT amount FROM payments WHERE invoice_number = ?", (record.number,)
    ).fetchall()
    paid = sum((Decimal(r["amount"]) for r in rows), Decimal(0))
    return record.total_ttc - credited - paid
