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

import csv
import hashlib
import io
import json
import logging
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from pipeline.errors import AmoorError
from pipeline.formats import decimal, money, number, short_date
from pipeline.invoicing.credit import remainder_credit
from pipeline.invoicing.document import Buyer, Instalment, Invoice, InvoiceKind, Line, Pricing
from pipeline.invoicing.payments import PAYMENTS_MIGRATION
from pipeline.workspace import Seller, Workspace

log = logging.getLogger(__name__)

LEDGER_NAME = "factures.sqlite3"
DEFAULT_KEY = "facture"  # one invoice per engagement unless the caller names others
BUSY_TIMEOUT = 10.0  # seconds to wait for another process's allocation

BeforeCommit = Callable[[str], None]


class InvoiceStatus(StrEnum):
    ISSUED = "émise"
    CREDIT_NOTE = "avoir"
    CANCELLED = "annulée par avoir"


class LedgerError(AmoorError):
    """The ledger refuses an operation, or cannot be used."""


@dataclass(frozen=True)
class InvoiceRecord:
    """One row of the ledger: an issued invoice or credit note, as issued."""

    seq: int  # the counter value
    number: str
    kind: InvoiceKind
    status: InvoiceStatus
    reference: str  # the engagement's reference
    key: str  # which invoice of the engagement (DEFAULT_KEY unless several)
    issue_date: date
    total_ht: Decimal
    total_vat: Decimal
    total_ttc: Decimal
    fingerprint: str  # see fingerprint()
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
        return cls(workspace.state / LEDGER_NAME, workspace.config.number_format)

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
                _ensure_schema(db, self.timeout)
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


# -- schema -------------------------------------------------------------------

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


def _ensure_schema(db: sqlite3.Connection, timeout: float) -> None:
    if _user_version(db) != SCHEMA_VERSION:
        _migrate(db)
    _ensure_wal(db, timeout)


def _migrate(db: sqlite3.Connection) -> None:
    db.execute("BEGIN IMMEDIATE")  # two first uses at once: one creates, the other waits
    try:
        version = _user_version(db)
        if version > SCHEMA_VERSION:
            raise LedgerError(
                f"Le registre des factures a été créé par une version plus récente d'amoor "
                f"(schéma {version}, celle-ci connaît le schéma {SCHEMA_VERSION}). "
                f"Mettez amoor à jour."
            )
        for statements in MIGRATIONS[version:]:
            for statement in statements:
                db.execute(statement)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _ensure_wal(db: sqlite3.Connection, timeout: float) -> None:
    """WAL: readers (the listing) never block an allocation; the mode is kept in the file.

    Switching needs every other connection gone, and SQLite reports a busy
    database at once for it, without waiting: so wait here, within ``timeout``.
    """
    deadline = time.monotonic() + timeout
    while db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        try:
            db.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _user_version(db: sqlite3.Connection) -> int:
    version: int = db.execute("PRAGMA user_version").fetchone()[0]
    return version


# -- allocation ---------------------------------------------------------------


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
                json.dumps(_document_json(invoice), ensure_ascii=False, sort_keys=True),
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
    lines = tuple(replace(line, quantity=-line.quantity) for line in original.pricing.lines)
    return Invoice(
        kind=InvoiceKind.CREDIT_NOTE,
        number=None,
        issue_date=today,
        due_date=today,  # nothing to pay: the amount is owed back or set off
        service_end=original.service_end,
        service_start=original.service_start,
        seller=original.seller if seller is None else seller,
        buyer=original.buyer,
        reference=original.reference,
        title=original.title,
        pricing=replace(original.pricing, lines=lines),
        preceding_number=original.number,
        preceding_date=original.issue_date,
        reason=reason,
    )


# -- what was issued, and how a new draft differs -------------------------------


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


# -- storage of the document --------------------------------------------------


def _document_json(invoice: Invoice) -> dict[str, Any]:
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


def _date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _invoice_from_json(data: dict[str, Any]) -> Invoice:
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
        service_start=_date(data["service_start"]),
        seller=Seller(**seller),
        buyer=Buyer(**data["buyer"]),
        reference=data["reference"],
        title=data["title"],
        pricing=Pricing(lines, pricing["vat_exempt"], tuple(pricing["notes"])),
        preceding_number=data["preceding_number"],
        preceding_date=_date(data["preceding_date"]),
        reason=data["reason"],
        instalment=Instalment.from_json(data.get("instalment")),
    )


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
        invoice=_invoice_from_json(json.loads(row["document"])),
        preceding_number=row["preceding_number"],
        preceding_date=_date(row["preceding_date"]),
        reason=row["reason"],
        cancelled_by=row["cancelled_by"],
    )


# -- export -------------------------------------------------------------------

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
