"""The sales journal in the format of the « fichier des écritures comptables » (FEC).

Pure: the ledger's pieces and payments in, the file's bytes out. What the
format asks (art. A. 47 A-1 du livre des procédures fiscales, commented in
BOI-CF-IOR-60-40-20) and how it is met here:

- a flat file, one record per line (CR LF), fields of variable length separated
  by ``|``, a character that is therefore removed from every text written;
- the first line names the 18 fields, in the order of the article
  (:data:`HEADER`);
- characters of ISO 8859-15 (one of the three sets the article allows; UTF-8
  is not one), what it cannot encode replaced by its nearest plain letter;
- amounts with a decimal comma, no thousands separator, no currency sign;
  one of ``Debit``/``Credit`` is zero (« 0,00 ») on each line;
- dates ``AAAAMMJJ``, without separators;
- ``EcritureNum`` numbers the entries of each journal in one continuous
  sequence, in the chronological order of their validation; an entry holds
  several lines with the same number and is balanced (debit = credit);
- ``Montantdevise`` and ``Idevise`` are empty: every amount is in euros.

Entries (accounts from ``[comptabilite]`` of amoor.toml, settings.py):

- invoice, journal VE, dated its issue date: debit 411 (the client's
  auxiliary account) TTC; credit 706 HT and 44571 VAT, one line per rate (no
  VAT line under franchise en base);
- credit note, journal VE: the same, the other way round;
- payment, journal BQ, dated the day it was received, validated the day it was
  recorded: debit 512, credit 411 (the client's account).

Lettering (optional in the format) matches the 411 lines of an invoice that
is settled — paid, credited, or both, to the cent — with its credit notes and
payments: one code per invoice (A, B, …, Z, AA…), ``DateLet`` the day the last
of them happened.

The file's name, by the administration's convention, is
``<SIREN>FEC<AAAAMMJJ>.txt``, the date being the closing date of the financial
year: the caller's choice (``amoor factures --fec FICHIER``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pipeline.config_accounting import Accounting
from pipeline.formats import decimal, number
from pipeline.invoicing.document import InvoiceKind
from pipeline.invoicing.payments import Payment
from pipeline.invoicing.records import InvoiceRecord
from pipeline.invoicing.status import Standing

HEADER = (
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
)
SEPARATOR = "|"
ENCODING = "iso8859-15"
JOURNAL_NAMES = {"sales": "Journal des ventes", "bank": "Banque"}


@dataclass(frozen=True)
class EntryLine:
    account: str
    account_label: str
    debit: Decimal
    credit: Decimal
    auxiliary: str = ""  # CompAuxNum: the client's account on 411 lines
    auxiliary_label: str = ""
    letter: str = ""
    lettered_on: date | None = None


@dataclass(frozen=True)
class Entry:
    """One balanced entry: a piece (invoice, credit note) or a payment."""

    journal: str
    journal_label: str
    day: date  # EcritureDate
    piece: str  # PieceRef
    piece_day: date
    label: str  # EcritureLib
    validated: date
    lines: tuple[EntryLine, ...]
    order: int  # the ledger's order, to break ties

    @property
    def balanced(self) -> bool:
        return sum(x.debit for x in self.lines) == sum(x.credit for x in self.lines)


def sales_journal(
    standings: Sequence[Standing], payments: Iterable[Payment], accounting: Accounting
) -> list[Entry]:
    """Every entry of the pieces and payments, in the chronological order of validation."""
    letters = _letters(standings)
    records = {s.record.number: s.record for s in standings}
    entries = [_piece_entry(s.record, accounting, letters) for s in standings]
    for index, payment in enumerate(sorted(payments, key=lambda p: p.id)):
        entries.append(
            _payment_entry(payment, records[payment.invoice_number], accounting, letters, index)
        )
    # The file follows the order of validation (A. 47 A-1); each journal keeps its own sequence.
    return sorted(
        entries, key=lambda e: (e.validated, e.journal != accounting.sales_journal, e.day, e.order)
    )


def fec_text(entries: Sequence[Entry]) -> str:
    """The FEC as text: header, then one line per entry line, entries numbered per journal."""
    rows = [SEPARATOR.join(HEADER)]
    numbers: dict[str, int] = {}
    for entry in entries:
        if not entry.balanced:  # a bug, never the user's doing: refuse to write it
            raise ValueError(f"unbalanced entry for {entry.piece}")
        numbers[entry.journal] = numbers.get(entry.journal, 0) + 1
        for line in entry.lines:
            fields = (
                entry.journal,
                entry.journal_label,
                str(numbers[entry.journal]),
                _day(entry.day),
                line.account,
                line.account_label,
                line.auxiliary,
                line.auxiliary_label,
                entry.piece,
                _day(entry.piece_day),
                entry.label,
                _amount(line.debit),
                _amount(line.credit),
                line.letter,
                _day(line.lettered_on),
                _day(entry.validated),
                "",
                "",
            )
            rows.append(SEPARATOR.join(_field(f) for f in fields))
    return "\r\n".join(rows) + "\r\n"


def fec_bytes(entries: Sequence[Entry]) -> bytes:
    """:func:`fec_text` encoded in ISO 8859-15, unencodable characters made plain."""
    return _latin9(fec_text(entries)).encode(ENCODING)


# -- entries --------------------------------------------------------------------


def _piece_entry(
    record: InvoiceRecord, acc: Accounting, letters: dict[str, tuple[str, date]]
) -> Entry:
    invoice = record.invoice
    buyer = invoice.buyer
    credit_note = record.kind is InvoiceKind.CREDIT_NOTE
    owner = record.preceding_number if credit_note and record.preceding_number else record.number
    letter, lettered_on = letters.get(owner, ("", None))
    ttc = abs(record.total_ttc)
    client = EntryLine(
        acc.clients_account,
        "Clients",
        Decimal(0) if credit_note else ttc,
        ttc if credit_note else Decimal(0),
        acc.client_account(buyer.siret),
        buyer.name,
        letter,
        lettered_on,
    )
    lines = [client]
    for vat in invoice.pricing.vat_totals:
        base, amount = abs(vat.base), abs(vat.amount)
        lines.append(_other(acc.sales_account, "Prestations de services", base, credit_note))
        if not invoice.pricing.vat_exempt and amount:
            label = f"TVA collectée {number(vat.rate)} %"
            lines.append(_other(acc.vat_account, label, amount, credit_note))
    noun = "Avoir" if credit_note else "Facture"
    return Entry(
        journal=acc.sales_journal,
        journal_label=JOURNAL_NAMES["sales"],
        day=record.issue_date,
        piece=record.number,
        piece_day=record.issue_date,
        label=f"{noun} {record.number} {buyer.name}",
        validated=record.issue_date,  # issued = final: the ledger never changes it
        lines=tuple(lines),
        order=record.seq,
    )


def _other(account: str, label: str, amount: Decimal, credit_note: bool) -> EntryLine:
    """A 706 or 44571 line: credit for an invoice, debit for a credit note."""
    return EntryLine(
        account, label, amount if credit_note else Decimal(0), Decimal(0) if credit_note else amount
    )


def _payment_entry(
    payment: Payment,
    record: InvoiceRecord,
    acc: Accounting,
    letters: dict[str, tuple[str, date]],
    index: int,
) -> Entry:
    buyer = record.invoice.buyer
    letter, lettered_on = letters.get(record.number, ("", None))
    return Entry(
        journal=acc.bank_journal,
        journal_label=JOURNAL_NAMES["bank"],
        day=payment.paid_on,
        piece=record.number,  # the transfer's reference is the invoice number
        piece_day=payment.paid_on,
        label=f"Règlement facture {record.number} {buyer.name}",
        validated=max(payment.recorded_on, payment.paid_on),
        lines=(
            EntryLine(acc.bank_account, "Banque", payment.amount, Decimal(0)),
            EntryLine(
                acc.clients_account,
                "Clients",
                Decimal(0),
                payment.amount,
                acc.client_account(buyer.siret),
                buyer.name,
                letter,
                lettered_on,
            ),
        ),
        order=index,
    )


def _letters(standings: Sequence[Standing]) -> dict[str, tuple[str, date]]:
    """Invoice number -> (lettering code, day settled), for the invoices settled to the cent."""
    found: dict[str, tuple[str, date]] = {}
    credit_days = {
        s.record.number: s.record.issue_date
        for s in standings
        if s.record.kind is InvoiceKind.CREDIT_NOTE
    }
    for standing in standings:
        record = standing.record
        if record.kind is InvoiceKind.CREDIT_NOTE:
            continue
        settled = record.total_ttc - standing.credited_ttc - standing.paid == 0
        if not settled or not (standing.paid or standing.credited_ttc):
            continue
        days = [credit_days[n] for n in standing.credit_notes if n in credit_days]
        if record.cancelled_by and record.cancelled_by in credit_days:
            days.append(credit_days[record.cancelled_by])
        if standing.last_payment is not None:
            days.append(standing.last_payment)
        found[record.number] = (_code(len(found)), max(days))
    return found


def _code(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the lettering codes, as accounting software writes them."""
    code = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        code = chr(ord("A") + rest) + code
    return code


# -- formats --------------------------------------------------------------------


def _day(value: date | None) -> str:
    return "" if value is None else value.strftime("%Y%m%d")


def _amount(value: Decimal) -> str:
    return decimal(value, 2, grouped=False)


def _field(text: str) -> str:
    """No separator nor line break inside a field."""
    return " ".join(text.replace(SEPARATOR, "/").split())


_PLAIN = {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}


def _latin9(text: str) -> str:
    out = []
    for char in text:
        char = _PLAIN.get(char, char)
        try:
            char.encode(ENCODING)
        except UnicodeEncodeError:
            if unicodedata.category(char) == "Zs":
                char = " "
            else:
                plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
                char = plain or "?"
        out.append(char)
    return "".join(out)
