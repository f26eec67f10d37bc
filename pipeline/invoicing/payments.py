"""Payments received, as the ledger keeps them: one row per payment, never changed.

The table lives in the invoice ledger (schema 2, appended to
``ledger_schema.MIGRATIONS``). Like the invoices, it refuses by triggers to change or
delete a row: a payment recorded by mistake is not erased, it is answered by
another entry (history is never rewritten). Partial payments add up; what is
paid is never more than what is due (checked in the same transaction that
records the payment, :mod:`pipeline.invoicing.settlement`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

PAYMENTS_MIGRATION: tuple[str, ...] = (
    """CREATE TABLE payments (
        id INTEGER PRIMARY KEY,
        invoice_number TEXT NOT NULL REFERENCES invoices (number),
        paid_on TEXT NOT NULL,
        amount TEXT NOT NULL CHECK (CAST(amount AS REAL) > 0),
        recorded_on TEXT NOT NULL
    )""",
    "CREATE INDEX payments_by_invoice ON payments (invoice_number)",
    """CREATE TRIGGER payments_of_an_invoice BEFORE INSERT ON payments
        WHEN (SELECT kind FROM invoices WHERE number = NEW.invoice_number) IS NOT '380' BEGIN
        SELECT RAISE(ABORT, 'un paiement se rapporte à une facture émise');
    END""",
    """CREATE TRIGGER payments_no_update BEFORE UPDATE ON payments BEGIN
        SELECT RAISE(ABORT, 'un paiement enregistré ne se modifie pas');
    END""",
    """CREATE TRIGGER payments_no_delete BEFORE DELETE ON payments BEGIN
        SELECT RAISE(ABORT, 'un paiement enregistré ne se supprime pas');
    END""",
)


@dataclass(frozen=True)
class Payment:
    """A payment received for an invoice: its date, its amount TTC, the day it was recorded."""

    id: int
    invoice_number: str
    paid_on: date
    amount: Decimal
    recorded_on: date


def payment_of(row: sqlite3.Row) -> Payment:
    return Payment(
        id=row["id"],
        invoice_number=row["invoice_number"],
        paid_on=date.fromisoformat(row["paid_on"]),
        amount=Decimal(row["amount"]),
        recorded_on=date.fromisoformat(row["recorded_on"]),
    )
