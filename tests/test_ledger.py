"""The invoice ledger: gapless numbers across processes and crashes, avoirs, export.

Every test uses a real SQLite file; the concurrency and crash tests run real
processes (``python -c`` importing :func:`make_draft` from this module).
"""

from __future__ import annotations

import csv
import io
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.config import load_config
from pipeline.invoicing.csv_export import to_csv
from pipeline.invoicing.differences import differences, fingerprint
from pipeline.invoicing.document import Buyer, Invoice, InvoiceKind, Line, Pricing
from pipeline.invoicing.ledger import Ledger
from pipeline.invoicing.ledger_schema import SCHEMA_VERSION, LedgerError
from pipeline.invoicing.records import InvoiceRecord, InvoiceStatus
from pipeline.state import State
from pipeline.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent
SELLER = load_config(ROOT / "amoor.toml").seller
FORMAT = "F-{annee}-{numero:04d}"
D = Decimal
DAY = date(2026, 3, 2)


def make_draft(
    reference: str = "2026-014",
    *,
    amounts: tuple[str, ...] = ("5000",),
    buyer: str = "Commune de Saint-Exemple",
    issue_date: date = DAY,
) -> Invoice:
    """A PROFORMA invoice, as the build would hand it to the ledger."""
    lines = tuple(
        Line(
            "Concertation citoyenne — Place du marché" if i == 0 else f"Option {i}",
            D(1),
            D(amount),
            D(20),
        )
        for i, amount in enumerate(amounts)
    )
    return Invoice(
        kind=InvoiceKind.INVOICE,
        number=None,
        issue_date=issue_date,
        due_date=issue_date,
        service_end=issue_date,
        seller=SELLER,
        buyer=Buyer(buyer, "1 place de la Mairie", "99100", "Saint-Exemple", "21990100000019"),
        reference=reference,
        title="Concertation citoyenne — Place du marché",
        pricing=Pricing(lines, vat_exempt=False, warnings=("pour le consultant",)),
    )


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    return Ledger(State.of(tmp_path).ledger, FORMAT)


def plain(text: str) -> str:
    return re.sub(r"[\u00a0\u202f]", " ", text)


def story(ledger: Ledger) -> list[tuple[str, str, str, str, str | None, str | None]]:
    return [
        (r.number, r.kind.value, r.status.value, r.reference, r.preceding_number, r.cancelled_by)
        for r in ledger.list_invoices()
    ]


# -- numbering ----------------------------------------------------------------------


def test_the_workspace_ledger_is_created_on_first_use(workspace: Workspace) -> None:
    ledger = Ledger.of(workspace)
    assert ledger.path == workspace.root / ".amoor" / "factures.sqlite3"
    assert not ledger.path.exists()
    assert ledger.list_invoices() == []
    with sqlite3.connect(ledger.path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_numbers_follow_each_other_in_the_configured_format(ledger: Ledger) -> None:
    numbers = [ledger.issue(make_draft(f"2026-{i:03d}")).record.number for i in range(1, 4)]
    assert numbers == ["F-2026-0001", "F-2026-0002", "F-2026-0003"]
    other = replace(ledger, number_format="FA/{annee}/{numero:06d}")
    assert other.issue(make_draft("2026-004")).record.number == "FA/2026/000004"


def test_the_counter_goes_on_across_years(ledger: Ledger) -> None:
    dates = [date(2026, 12, 30), date(2026, 12, 31), date(2027, 1, 4)]
    numbers = [
        ledger.issue(make_draft(f"R{i}", issue_date=day)).record.number
        for i, day in enumerate(dates)
    ]
    assert numbers == ["F-2026-0001", "F-2026-0002", "F-2027-0003"]


def test_issue_dates_must_follow_the_numbers(ledger: Ledger) -> None:
    ledger.issue(make_draft("A", issue_date=date(2026, 3, 10)))
    with pytest.raises(LedgerError) as caught:
        ledger.issue(make_draft("B", issue_date=date(2026, 3, 9)))
    assert str(caught.value) == (
        "La date de facture 09/03/2026 est antérieure à celle de la dernière pièce émise, "
        "F-2026-0001 du 10/03/2026 : les numéros doivent suivre l'ordre des dates. Laissez "
        "« Date de facture » vide (date du jour) ou indiquez une date égale ou postérieure."
    )
    # Refused before a number was taken: the next one is still 2.
    assert ledger.issue(make_draft("B", issue_date=date(2026, 3, 10))).record.number == (
        "F-2026-0002"
    )


# -- what is stored -------------------------------------------------------------------


def test_the_record_keeps_the_whole_document(ledger: Ledger) -> None:
    draft = make_draft(amounts=("5000", "2.5"))
    issued = ledger.issue(draft)
    record = issued.record
    assert issued.created is True
    assert issued.differences == ()
    assert record.kind is InvoiceKind.INVOICE
    assert record.status is InvoiceStatus.ISSUED
    assert (record.reference, record.key, record.issue_date) == ("2026-014", "facture", DAY)
    assert (record.total_ht, record.total_vat, record.total_ttc) == (
        D("5002.50"),
        D("1000.50"),
        D("6003.00"),
    )
    assert re.fullmatch(r"[0-9a-f]{64}", record.fingerprint)
    assert record.fingerprint == fingerprint(draft.pricing, draft.buyer)
    # The document as issued: number set, consultant's warnings dropped.
    expected = replace(draft, number="F-2026-0001", pricing=replace(draft.pricing, warnings=()))
    assert record.invoice == expected
    assert ledger.get("F-2026-0001") == record
    assert ledger.live_invoice("2026-014") == record
    assert ledger.get("F-2026-0099") is None


def test_the_ledger_refuses_to_rewrite_history(ledger: Ledger) -> None:
    ledger.issue(make_draft())
    with sqlite3.connect(ledger.path) as db:
        for statement in (
            "DELETE FROM invoices",
            "UPDATE invoices SET total_ht = '1.00'",
            "UPDATE invoices SET status = 'avoir'",
            "UPDATE counter SET last = 0",
            "UPDATE counter SET last = last + 5",
        ):
            with pytest.raises(sqlite3.IntegrityError):
                db.execute(statement)
    db.close()
    assert story(ledger) == [("F-2026-0001", "380", "émise", "2026-014", None, None)]


# -- rebuilding --------------------------------------------------------------------------


def test_rebuilding_reuses_the_number(ledger: Ledger) -> None:
    first = ledger.issue(make_draft())
    again = ledger.issue(make_draft(issue_date=date(2026, 4, 1)))  # processed a month later
    assert again.created is False
    assert again.differences == ()
    assert again.record == first.record  # the original issue date included
    assert len(ledger.list_invoices()) == 1


def test_several_invoices_of_one_engagement_have_their_own_keys(ledger: Ledger) -> None:
    deposit = ledger.issue(make_draft(), key="acompte").record
    balance = ledger.issue(make_draft(), key="solde").record
    assert (deposit.number, balance.number) == ("F-2026-0001", "F-2026-0002")
    assert ledger.issue(make_draft(), key="acompte").record == deposit


def test_changed_amounts_leave_the_invoice_untouched_and_are_reported(ledger: Ledger) -> None:
    original = ledger.issue(make_draft()).record
    changed = make_draft(amounts=("5000", "1500"), buyer="Mairie de Saint-Exemple")
    result = ledger.issue(changed)
    assert result.created is False
    assert result.record == original
    assert ledger.get(original.number) == original
    assert [plain(d) for d in result.differences] == [
        "Total HT : 5 000,00 € → 6 500,00 €",
        "TVA : 1 000,00 € → 1 300,00 €",
        "Total TTC : 6 000,00 € → 7 800,00 €",
        "Acheteur : « Commune de Saint-Exemple » → « Mairie de Saint-Exemple »",
        "Ligne ajoutée : Option 1 (1 × 1 500,00 € HT = 1 500,00 € HT)",
    ]


def test_line_differences_name_the_line() -> None:
    before = make_draft(amounts=("5000", "800", "300"))
    record = _record_of(before)
    after = replace(
        before.pricing,
        lines=(
            replace(before.pricing.lines[0], unit_price=D("2500"), detail="Démarche arrêtée"),
            before.pricing.lines[2],  # the order does not matter
        ),
    )
    assert [plain(d) for d in differences(record, after, before.buyer)] == [
        "Total HT : 6 100,00 € → 2 800,00 €",
        "TVA : 1 220,00 € → 560,00 €",
        "Total TTC : 7 320,00 € → 3 360,00 €",
        "Ligne « Concertation citoyenne — Place du marché » : 1 × 5 000,00 € HT = 5 000,00 € HT"
        " → 1 × 2 500,00 € HT = 2 500,00 € HT",
        "Ligne « Concertation citoyenne — Place du marché », mention : (vide) → "
        "« Démarche arrêtée »",
        "Ligne retirée : Option 1 (1 × 800,00 € HT = 800,00 € HT)",
    ]


def _record_of(invoice: Invoice) -> InvoiceRecord:
    pricing = invoice.pricing
    return InvoiceRecord(
        seq=1,
        number="F-2026-0001",
        kind=invoice.kind,
        status=InvoiceStatus.ISSUED,
        reference=invoice.reference,
        key="facture",
        issue_date=invoice.issue_date,
        total_ht=pricing.total_ht,
        total_vat=pricing.total_vat,
        total_ttc=pricing.total_ttc,
        fingerprint=fingerprint(pricing, invoice.buyer),
        invoice=invoice,
    )


line_variants = st.builds(
    Line,
    st.sampled_from(["Base", "Option A", "Option B"]),
    st.sampled_from([D("1"), D("1.0"), D("2"), D("2.5")]),
    st.sampled_from([D("800"), D("800.00"), D("333.33")]),
    st.sampled_from([D("20"), D("0")]),
    st.sampled_from(["", "Démarche arrêtée"]),
)
buyer_variants = st.builds(
    Buyer,
    st.sampled_from(["Commune A", "Commune B"]),
    st.just("1 rue"),
    st.just("99100"),
    st.just("Ville"),
    st.sampled_from(["21990100000019", ""]),
    st.sampled_from(["", "SERV"]),
)


@given(
    st.lists(line_variants, min_size=1, max_size=4),
    st.lists(line_variants, min_size=1, max_size=4),
    buyer_variants,
    buyer_variants,
    st.booleans(),
)
def test_differences_are_empty_exactly_when_fingerprints_match(
    old_lines: list[Line], new_lines: list[Line], old_buyer: Buyer, new_buyer: Buyer, flip: bool
) -> None:
    old = replace(make_draft(), buyer=old_buyer, pricing=Pricing(tuple(old_lines), False))
    new_pricing = Pricing(tuple(new_lines), flip)
    same = fingerprint(old.pricing, old_buyer) == fingerprint(new_pricing, new_buyer)
    assert (differences(_record_of(old), new_pricing, new_buyer) == []) is same
    shuffled = Pricing(tuple(reversed(old_lines)), False)
    assert fingerprint(shuffled, old_buyer) == fingerprint(old.pricing, old_buyer)


# -- credit notes -----------------------------------------------------------------------


def test_a_credit_note_cancels_an_invoice_and_frees_the_engagement(ledger: Ledger) -> None:
    first = ledger.issue(make_draft("2026-014", amounts=("5000", "2.5"))).record
    ledger.issue(make_draft("2026-015"))
    credit = ledger.credit_note(first.number, "Erreur de prix de base", date(2026, 3, 20))

    assert credit.number == "F-2026-0003"
    assert credit.kind is InvoiceKind.CREDIT_NOTE
    assert credit.status is InvoiceStatus.CREDIT_NOTE
    assert (credit.preceding_number, credit.preceding_date) == ("F-2026-0001", DAY)
    assert credit.reason == "Erreur de prix de base"
    assert (credit.reference, credit.key) == ("2026-014", "facture")
    assert [(line.quantity, line.unit_price) for line in credit.pricing.lines] == [
        (D(-1), D("5000")),
        (D(-1), D("2.5")),
    ]
    assert (credit.total_ht, credit.total_vat, credit.total_ttc) == (
        -first.total_ht,
        -first.total_vat,
        -first.total_ttc,
    )
    document = credit.invoice
    assert document.number == "F-2026-0003"
    assert document.preceding_number == "F-2026-0001"
    assert document.buyer == first.buyer
    assert document.issue_date == date(2026, 3, 20)

    cancelled = ledger.get(first.number)
    assert cancelled is not None
    assert cancelled.status is InvoiceStatus.CANCELLED
    assert cancelled.cancelled_by == "F-2026-0003"
    assert cancelled.invoice == first.invoice  # the document itself is untouched
    assert ledger.live_invoice("2026-014") is None

    reissued = ledger.issue(make_draft("2026-014", amounts=("4000",), issue_date=date(2026, 3, 20)))
    assert reissued.created is True
    assert reissued.record.number == "F-2026-0004"

    assert story(ledger) == [
        ("F-2026-0001", "380", "annulée par avoir", "2026-014", None, "F-2026-0003"),
        ("F-2026-0002", "380", "émise", "2026-015", None, None),
        ("F-2026-0003", "381", "avoir", "2026-014", "F-2026-0001", None),
        ("F-2026-0004", "380", "émise", "2026-014", None, None),
    ]


def test_a_credit_note_may_carry_the_current_seller(ledger: Ledger) -> None:
    number = ledger.issue(make_draft()).record.number
    moved = replace(SELLER, address="3 avenue Nouvelle")
    credit = ledger.credit_note(number, "Annulation", DAY, seller=moved)
    assert credit.invoice.seller == moved


def test_credit_notes_that_make_no_sense_are_refused(ledger: Ledger) -> None:
    number = ledger.issue(make_draft()).record.number
    with pytest.raises(LedgerError, match=r"^Indiquez le motif de l'avoir sur la facture F-2026"):
        ledger.credit_note(number, "  ", DAY)
    with pytest.raises(LedgerError) as unknown:
        ledger.credit_note("F-2026-0042", "Erreur", DAY)
    assert str(unknown.value) == (
        "Aucune facture ne porte le numéro « F-2026-0042 » dans le registre des factures. "
        "Vérifiez le numéro dans la liste des factures."
    )
    credit = ledger.credit_note(number, "Erreur", DAY)
    with pytest.raises(LedgerError) as twice:
        ledger.credit_note(number, "Erreur", DAY)
    assert str(twice.value) == (
        "La facture F-2026-0001 est déjà annulée par l'avoir F-2026-0002 : rien n'a été émis."
    )
    with pytest.raises(LedgerError) as on_credit:
        ledger.credit_note(credit.number, "Erreur", DAY)
    assert str(on_credit.value).startswith(
        "« F-2026-0002 » est un avoir (il annule la facture F-2026-0001) : un avoir ne "
        "s'annule pas."
    )
    assert [r.number for r in ledger.list_invoices()] == ["F-2026-0001", "F-2026-0002"]


# -- export -------------------------------------------------------------------------------


def test_csv_export_for_a_french_excel(ledger: Ledger) -> None:
    first = ledger.issue(make_draft("2026-014", amounts=("5000", "2.5"))).record
    ledger.issue(make_draft("2026-015", buyer='=HYPERLINK("http://x")'))
    ledger.credit_note(first.number, "Erreur; prix", date(2026, 3, 20))
    text = to_csv(ledger.list_invoices())

    assert text.startswith("\ufeffNuméro;Type;Date;Client;")
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=";"))
    assert rows == [
        [
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
        ],
        [
            "F-2026-0001",
            "Facture",
            "02/03/2026",
            "Commune de Saint-Exemple",
            "21990100000019",
            "2026-014",
            "5002,50",
            "1000,50",
            "6003,00",
            "annulée par avoir",
            "",
            "F-2026-0003",
            "",
        ],
        [
            "F-2026-0002",
            "Facture",
            "02/03/2026",
            '\'=HYPERLINK("http://x")',  # shown, not computed
            "21990100000019",
            "2026-015",
            "5000,00",
            "1000,00",
            "6000,00",
            "émise",
            "",
            "",
            "",
        ],
        [
            "F-2026-0003",
            "Avoir",
            "20/03/2026",
            "Commune de Saint-Exemple",
            "21990100000019",
            "2026-014",
            "-5002,50",
            "-1000,50",
            "-6003,00",
            "avoir",
            "F-2026-0001",
            "",
            "Erreur; prix",
        ],
    ]
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")


# -- a ledger that cannot be used ------------------------------------------------------------


def test_a_ledger_from_a_newer_amoor_is_refused(ledger: Ledger) -> None:
    ledger.list_invoices()
    with sqlite3.connect(ledger.path) as db:
        db.execute("PRAGMA user_version = 99")
    db.close()
    with pytest.raises(LedgerError, match="version plus récente d'amoor"):
        ledger.list_invoices()


def test_a_damaged_ledger_is_reported_not_replaced(ledger: Ledger) -> None:
    ledger.path.parent.mkdir(parents=True)
    ledger.path.write_bytes(b"ceci n'est pas une base SQLite" * 100)
    with pytest.raises(LedgerError, match="endommagé"):
        ledger.issue(make_draft())
    assert ledger.path.read_bytes().startswith(b"ceci n'est pas")


# -- real processes ----------------------------------------------------------------------------

CHILD = """
import sys, time
from pathlib import Path
from pipeline.invoicing.ledger import Ledger
from tests.test_ledger import FORMAT, make_draft

mode, path, name = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
ledger = Ledger(path, FORMAT)
if mode == "many":
    count, go, template = int(sys.argv[4]), Path(sys.argv[5]), sys.argv[6]
    (go.parent / f"ready-{name}").touch()
    while not go.exists():
        time.sleep(0.005)
    for i in range(count):
        reference = template.format(name=name, i=i)
        print(ledger.issue(make_draft(reference)).record.number, flush=True)
elif mode == "hang":
    def hang(number):
        print(number, flush=True)
        time.sleep(120)
    ledger.issue(make_draft(name), before_commit=hang)
"""


def child(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_together(
    path: Path, names: list[str], count: int, reference: str = "{name}-{i}"
) -> list[list[str]]:
    """Start one process per name, release them at once, return what each printed.

    Each issues ``count`` invoices for the references ``reference.format(name, i)``.
    """
    go = path.parent / "go"
    path.parent.mkdir(parents=True, exist_ok=True)
    processes = [child("many", str(path), name, str(count), str(go), reference) for name in names]
    try:
        deadline = time.monotonic() + 60
        while not all((path.parent / f"ready-{n}").exists() for n in names):
            assert time.monotonic() < deadline, "the processes did not start"
            assert all(p.poll() is None for p in processes), [p.stderr for p in processes]
            time.sleep(0.01)
        go.touch()
        outputs = [p.communicate(timeout=120) for p in processes]
    finally:
        for p in processes:
            if p.poll() is None:
                p.kill()
                p.wait()
    for p, (_, err) in zip(processes, outputs, strict=True):
        assert p.returncode == 0, err
    return [out.split() for out, _ in outputs]


@pytest.mark.slow
def test_concurrent_processes_get_distinct_numbers_without_gap(ledger: Ledger) -> None:
    # The file does not exist yet: the processes also race to create it.
    printed = run_together(ledger.path, ["a", "b", "c", "d"], 25)
    numbers = [n for out in printed for n in out]
    assert sorted(numbers) == [f"F-2026-{i:04d}" for i in range(1, 101)]
    for out in printed:  # each process saw its own numbers increase
        assert out == sorted(out)
    records = ledger.list_invoices()
    assert [r.seq for r in records] == list(range(1, 101))
    assert len({r.reference for r in records}) == 100


@pytest.mark.slow
def test_concurrent_processes_issuing_one_engagement_share_one_number(ledger: Ledger) -> None:
    printed = run_together(ledger.path, ["a", "b", "c"], 5, reference="2026-014")
    assert {n for out in printed for n in out} == {"F-2026-0001"}
    assert story(ledger) == [("F-2026-0001", "380", "émise", "2026-014", None, None)]


def test_a_process_killed_before_commit_consumes_no_number(ledger: Ledger) -> None:
    ledger.issue(make_draft("2026-001"))
    hanging = child("hang", str(ledger.path), "2026-002")
    try:
        assert hanging.stdout is not None
        taken = hanging.stdout.readline().strip()
        assert taken == "F-2026-0002"  # inside its transaction, not committed
        # Meanwhile the ledger is held: another writer waits, then gives up politely.
        impatient = replace(ledger, timeout=0.2)
        with pytest.raises(LedgerError, match="occupé par un autre traitement"):
            impatient.issue(make_draft("2026-003"))
        assert [r.number for r in ledger.list_invoices()] == ["F-2026-0001"]  # WAL: reads go on
        os.kill(hanging.pid, signal.SIGKILL)
        hanging.wait(timeout=10)
    finally:
        if hanging.poll() is None:
            hanging.kill()
            hanging.wait()
        for stream in (hanging.stdout, hanging.stderr):
            if stream is not None:
                stream.close()
    assert hanging.returncode == -signal.SIGKILL
    after = ledger.issue(make_draft("2026-003")).record
    assert after.number == "F-2026-0002"  # the killed process's number, never issued: no gap
    assert ledger.issue(make_draft("2026-002")).record.number == "F-2026-0003"
    assert [r.seq for r in ledger.list_invoices()] == [1, 2, 3]
