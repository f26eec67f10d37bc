"""The invoice ledger: gapless numbering and the memory of what was issued.

One SQLite file per workspace, ``<workspace>/.amoor/factures.sqlite3``, holds
one continuous counter (never reset, never reused) and one row per issued
document, invoice (380) or credit note (381). A number is allocated in the
same ``BEGIN IMMEDIATE`` transaction that records its invoice: two processes
never get the same number, and a process killed before ``COMMIT`` consumes
none, so the sequence has no gap.

What an invoice says is stored with it (the whole document, as JSON): an
issued invoice is rebuilt from the ledger, never from the workbook, and a
credit note is built from the invoice it cancels. The workbook may later
imply other amounts; :func:`differences` says which, in French, and the way
out is :meth:`Ledger.credit_note`, after which :meth:`Ledger.issue` allocates
a new number.

The table refuses, by triggers, to delete a row, to change what an issued
document says, or to move the counter other than by one: mistakes in the code
(or a hand-edited file) fail loudly instead of rewriting history.

Statuses::

    émise ──credit_note()──▶ annulée par avoir      (the invoice, kind 380)
                 └─────────▶ avoir                   (the credit note, kind 381)

Partial credit notes and payments (settlement.py, payments.py) leave the
invoice « émise » until nothing remains; status.py derives paid / late.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from pipeline.config import Seller
from pipeline.formats import short_date
from pipeline.invoicing.credit import credit_note_of, remainder_credit
from pipeline.invoicing.differences import differences, fingerprint
from pipeline.invoicing.document import Invoice, InvoiceKind
from pipeline.invoicing.ledger_schema import LedgerError, ensure_schema
from pipeline.invoicing.records import InvoiceRecord, InvoiceStatus
from pipeline.invoicing.stored import document_json, invoice_from_json, optional_date
from pipeline.workspace import Workspace

log = logging.getLogger(__name__)

DEFAULT_KEY = "facture"  # one invoice per engagement unless the caller names others
BUSY_TIMEOUT = 10.0  # seconds to wait for another process's allocation

BeforeCommit = Callable[[str], None]


@dataclass(frozen=True)
class Issued:
    """What :meth:`Ledger.issue` did: a new number, or the one already issued."""

    record: InvoiceRecord
    created: bool
    # When not created: how the draft differs from what was issued (empty: same).
    differences: tuple[str, ...] = ()


@dataclass(frozen=True)
class Ledger:
    path: Path
    number_format: str  # "F-{annee}-{numero:04d}"
    timeout: float = BUSY_TIMEOUT

    @classmethod
    def of(cls, workspace: Workspace) -> Ledger:
        return cls(workspace.state.ledger, workspace.config.number_format)

    # -- operations -----------------------------------------------------------

    def issue(
        self,
        draft: Invoice,
        *,
        key: str = DEFAULT_KEY,
        before_commit: BeforeCommit | None = None,
    ) -> Issued:
        """Number ``draft`` (a PROFORMA invoice), once per engagement reference and key.

        If the engagement already has a live invoice under ``key``, it is
        returned unchanged with the differences between it and ``draft``.
        ``before_commit`` is for tests: it is called with the new number inside
        the transaction, after the row is written and before ``COMMIT``.
        """
        if draft.kind is not InvoiceKind.INVOICE or draft.number is not None:
            raise ValueError("issue() numbers a PROFORMA invoice (kind 380, no number)")
        with self._transaction() as db:
            row = db.execute(
                "SELECT * FROM invoices WHERE reference = ? AND invoice_key = ? AND kind = ? "
                "AND status = ?",
                (draft.reference, key, InvoiceKind.INVOICE.value, InvoiceStatus.ISSUED.value),
            ).fetchone()
            if row is not None:
                record = _record(row)
                return Issued(record, False, tuple(differences(record, draft.pricing, draft.buyer)))
            record = _allocate(
                db, self.number_format, draft, key, InvoiceStatus.ISSUED, before_commit
            )
        log.info("facture %s émise pour %s", record.number, record.reference)
        return Issued(record, True)

    def credit_note(
        self,
        number: str,
        reason: str,
        today: date,
        *,
        seller: Seller | None = None,
        before_commit: BeforeCommit | None = None,
    ) -> InvoiceRecord:
        """Cancel invoice ``number`` by a credit note (381) with its own number.

        The credit note's lines are the original's with negated quantities (an
        item's net price may not be negative in EN 16931, BR-27). ``seller``
        defaults to the seller printed on the original invoice.
        """
        reason = reason.strip()
        if not reason:
            raise LedgerError(
                f"Indiquez le motif de l'avoir sur la facture {number} : il figure sur l'avoir."
            )
        with self._transaction() as db:
            row = db.execute("SELECT * FROM invoices WHERE number = ?", (number,)).fetchone()
            if row is None:
                raise LedgerError(
                    f"Aucune facture ne porte le numéro « {number} » dans le registre des "
                    f"factures. Vérifiez le numéro dans la liste des factures."
                )
            original = _record(row)
            if original.kind is InvoiceKind.CREDIT_NOTE:
                raise LedgerError(
                    f"« {number} » est un avoir (il annule la facture "
                    f"{original.preceding_number}) : un avoir ne s'annule pas. Si l'annulation "
                    f"était une erreur, émettez une nouvelle facture."
                )
            if original.status is InvoiceStatus.CANCELLED:
                raise LedgerError(
                    f"La facture {number} est déjà annulée par l'avoir {original.cancelled_by} : "
                    f"rien n'a été émis."
                )
            # Partly credited already (credit.py): the cancellation credits what remains.
            earlier = [
                _record(r).invoice
                for r in db.execute(
                    "SELECT * FROM invoices WHERE kind = ? AND preceding_number = ?",
                    (InvoiceKind.CREDIT_NOTE.value, number),
                )
            ]
            credit = (
                remainder_credit(original.invoice, earlier, reason, today, seller)
                if earlier
                else _credit_note_of(original.invoice, reason, today, seller)
            )
            record = _allocate(
                db,
                self.number_format,
                credit,
                original.key,
                InvoiceStatus.CREDIT_NOTE,
                before_commit,
            )
            db.execute(
                "UPDATE invoices SET status = ?, cancelled_by = ? WHERE seq = ?",
                (InvoiceStatus.CANCELLED.value, record.number, original.seq),
            )
        log.info("avoir %s émis sur la facture %s", record.number, number)
        return record

    def get(self, number: str) -> InvoiceRecord | None:
        with self._reading() as db:
            row = db.execute("SELECT * FROM invoices WHERE number = ?", (number,)).fetchone()
        return None if row is None else _record(row)

    def live_invoice(self, reference: str, key: str = DEFAULT_KEY) -> InvoiceRecord | None:
        """The engagement's standing invoice under ``key``, if any."""
        with self._reading() as db:
            row = db.execute(
                "SELECT * FROM invoices WHERE reference = ? AND invoice_key = ? AND kind = ? "
                "AND status = ?",
                (reference, key, InvoiceKind.INVOICE.value, InvoiceStatus.ISSUED.value),
            ).fetchone()
        return None if row is None else _record(row)

    def list_invoices(self) -> list[InvoiceRecord]:
        """Every invoice and credit note, in number order."""
        with self._reading() as db:
            rows = db.execute("SELECT * FROM invoices ORDER BY seq").fetchall()
        return [_record(row) for row in rows]

    # -- connections ----------------------------------------------------------

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with closing(
                sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
            ) as db:
                db.row_factory = sqlite3.Row
                db.execute("PRAGMA synchronous = FULL")  # a committed number survives a power cut
                ensure_schema(db, self.timeout)
                yield db
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise LedgerError(
                    f"Le registre des factures ({self.path}) est occupé par un autre "
                    f"traitement depuis plus de {self.timeout:g} s. Réessayez dans un instant."
                ) from exc
            raise LedgerError(
                f"Le registre des factures ({self.path}) est illisible : {exc}."
            ) from exc
        except sqlite3.IntegrityError as exc:
            raise LedgerError(
                f"Le registre des factures ({self.path}) a refusé l'opération : {exc}. "
                f"Rien n'a été enregistré."
            ) from exc
        except sqlite3.DatabaseError as exc:
            raise LedgerError(
                f"Le registre des factures ({self.path}) est endommagé ou n'est pas une base "
                f"SQLite : {exc}. Restaurez-le depuis une sauvegarde ; ne le supprimez pas, "
                f"les numéros déjà attribués seraient perdus."
            ) from exc

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; taken at once (IMMEDIATE), so allocations queue up."""
        with self._connection() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        with self._connection() as db:
            db.execute("BEGIN")  # one consistent snapshot
            try:
                yield db
            finally:
                if db.in_transaction:
                    db.execute("ROLLBACK")


def _allocate(
    db: sqlite3.Connection,
    number_format: str,
    draft: Invoice,
    key: str,
    status: InvoiceStatus,
    before_commit: BeforeCommit | None,
) -> InvoiceRecord:
    """Inside the caller's transaction: take the next number and record the document."""
    last = db.execute(
        "SELECT number, issue_date FROM invoices ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    if last is not None and draft.issue_date < date.fromisoformat(last["issue_date"]):
        raise LedgerError(
            f"La date de facture {short_date(draft.issue_date)} est antérieure à celle de la "
            f"dernière pièce émise, {last['number']} du "
            f"{short_date(date.fromisoformat(last['issue_date']))} : les numéros doivent suivre "
            f"l'ordre des dates. Laissez « Date de facture » vide (date du jour) ou indiquez "
            f"une date égale ou postérieure."
        )
    seq: int = db.execute("UPDATE counter SET last = last + 1 RETURNING last").fetchone()[0]
    number = number_format.format(annee=draft.issue_date.year, numero=seq)
    invoice = replace(draft, number=number, pricing=replace(draft.pricing, warnings=()))
    pricing = invoice.pricing
    record = InvoiceRecord(
        seq=seq,
        number=number,
        kind=invoice.kind,
        status=status,
        reference=invoice.reference,
        key=key,
        issue_date=invoice.issue_date,
        total_ht=pricing.total_ht,
        total_vat=pricing.total_vat,
        total_ttc=pricing.total_ttc,
        fingerprint=fingerprint(pricing, invoice.buyer),
        invoice=invoice,
        preceding_number=invoice.preceding_number,
        preceding_date=invoice.preceding_date,
        reason=invoice.reason,
    )
    try:
        db.execute(
            "INSERT INTO invoices (seq, number, kind, status, reference, invoice_key, issue_date, "
            "buyer_name, buyer_siret, total_ht, total_vat, total_ttc, fingerprint, document, "
            "preceding_number, preceding_date, reason) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                seq,
                number,
                record.kind.value,
                status.value,
                record.reference,
                key,
                record.issue_date.isoformat(),
                invoice.buyer.name,
                invoice.buyer.siret,
                str(record.total_ht),
                str(record.total_vat),
                str(record.total_ttc),
                record.fingerprint,
                json.dumps(document_json(invoice), ensure_ascii=False, sort_keys=True),
                record.preceding_number,
                None if record.preceding_date is None else record.preceding_date.isoformat(),
                record.reason,
            ),
        )
    except sqlite3.IntegrityError as exc:
        raise LedgerError(
            f"Le numéro {number} ne peut pas être attribué ({exc}) : le format de numéro "
            f"« {number_format} » a-t-il changé ? Aucun numéro n'a été consommé."
        ) from exc
    if before_commit is not None:
        before_commit(number)
    return record


def _credit_note_of(original: Invoice, reason: str, today: date, seller: Seller | None) -> Invoice:
    """The credit note cancelling the whole of ``original`` (its lines, negated)."""
    lines = tuple(replace(line, quantity=-line.quantity) for line in original.pricing.lines)
    return credit_note_of(original, replace(original.pricing, lines=lines), reason, today, seller)


def _record(row: sqlite3.Row) -> InvoiceRecord:
    return InvoiceRecord(
        seq=row["seq"],
        number=row["number"],
        kind=InvoiceKind(row["kind"]),
        status=InvoiceStatus(row["status"]),
        reference=row["reference"],
        key=row["invoice_key"],
        issue_date=date.fromisoformat(row["issue_date"]),
        total_ht=Decimal(row["total_ht"]),
        total_vat=Decimal(row["total_vat"]),
        total_ttc=Decimal(row["total_ttc"]),
        fingerprint=row["fingerprint"],
        invoice=invoice_from_json(json.loads(row["document"])),
        preceding_number=row["preceding_number"],
        preceding_date=optional_date(row["preceding_date"]),
        reason=row["reason"],
        cancelled_by=row["cancelled_by"],
    )
