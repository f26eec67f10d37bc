"""The invoice ledger's SQLite schema: its tables and triggers, and how a file reaches it.

``PRAGMA user_version`` N means MIGRATIONS[0..N-1] have run; a migration is
appended, never edited. The triggers are the ledger's guard rails (see
ledger.py): no row deleted, no issued document changed, the counter moved by
one only.
"""

from __future__ import annotations

import logging
import sqlite3

from pipeline.errors import AmoorError
from pipeline.invoicing.payments import PAYMENTS_MIGRATION
from pipeline.sqlite_schema import ensure_wal, migrate, user_version

log = logging.getLogger(__name__)


class LedgerError(AmoorError):
    """The ledger refuses an operation, or cannot be used."""


# user_version N is reached by running MIGRATIONS[N - 1]; append, never edit.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE counter (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            last INTEGER NOT NULL CHECK (last >= 0)
        )""",
        "INSERT INTO counter (id, last) VALUES (1, 0)",
        """CREATE TABLE invoices (
            seq INTEGER PRIMARY KEY,
            number TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('380', '381')),
            status TEXT NOT NULL CHECK (status IN ('émise', 'avoir', 'annulée par avoir')),
            reference TEXT NOT NULL,
            invoice_key TEXT NOT NULL,
            issue_date TEXT NOT NULL,
            buyer_name TEXT NOT NULL,
            buyer_siret TEXT NOT NULL,
            total_ht TEXT NOT NULL,
            total_vat TEXT NOT NULL,
            total_ttc TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            document TEXT NOT NULL,
            preceding_number TEXT REFERENCES invoices (number),
            preceding_date TEXT,
            reason TEXT NOT NULL DEFAULT '',
            cancelled_by TEXT REFERENCES invoices (number)
        )""",
        # At most one standing invoice per engagement and key, whatever the code does.
        """CREATE UNIQUE INDEX one_live_invoice ON invoices (reference, invoice_key)
            WHERE kind = '380' AND status = 'émise'""",
        """CREATE TRIGGER invoices_no_delete BEFORE DELETE ON invoices BEGIN
            SELECT RAISE(ABORT, 'une facture émise ne se supprime pas');
        END""",
        """CREATE TRIGGER invoices_immutable BEFORE UPDATE OF
            seq, number, kind, reference, invoice_key, issue_date, buyer_name, buyer_siret,
            total_ht, total_vat, total_ttc, fingerprint, document, preceding_number,
            preceding_date, reason
            ON invoices BEGIN
            SELECT RAISE(ABORT, 'une facture émise ne se modifie pas');
        END""",
        """CREATE TRIGGER invoices_cancel_only BEFORE UPDATE OF status, cancelled_by
            ON invoices
            WHEN NOT (OLD.kind = '380' AND OLD.status = 'émise' AND OLD.cancelled_by IS NULL
                      AND NEW.status = 'annulée par avoir' AND NEW.cancelled_by IS NOT NULL)
            BEGIN
            SELECT RAISE(ABORT, 'seule une facture émise peut être annulée, une fois');
        END""",
        """CREATE TRIGGER counter_steps_by_one BEFORE UPDATE ON counter
            WHEN NEW.last IS NOT OLD.last + 1 OR NEW.id IS NOT OLD.id BEGIN
            SELECT RAISE(ABORT, 'le compteur des factures avance de un en un');
        END""",
        """CREATE TRIGGER counter_no_delete BEFORE DELETE ON counter BEGIN
            SELECT RAISE(ABORT, 'le compteur des factures ne se supprime pas');
        END""",
    ),
    PAYMENTS_MIGRATION,  # 2: payments received (payments.py)
)
SCHEMA_VERSION = len(MIGRATIONS)


def ensure_schema(db: sqlite3.Connection, timeout: float) -> None:
    if user_version(db) != SCHEMA_VERSION:
        migrate(db, MIGRATIONS, _newer)
    ensure_wal(db, timeout)


def _newer(found: int, known: int) -> LedgerError:
    return LedgerError(
        f"Le registre des factures a été créé par une version plus récente d'amoor "
        f"(schéma {found}, celle-ci connaît le schéma {known}). Mettez amoor à jour."
    )


# -- allocation ---------------------------------------------------------------
