"""After an invoice is issued: partial credit notes, payments and statuses, reminders, FEC.

Every test issues a real invoice through the build (the example workbook whose
« Facture » is « À émettre », dated today) in a workspace whose seller is not
the demonstration identity, then drives the commands as a consultant does.
Dates come from AMOOR_TODAY, never from the clock.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
import xml.etree.ElementTree as ElementTree
from datetime import date
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner, Result

from pipeline.build import build
from pipeline.cli import cli
from pipeline.config import set_seller
from pipeline.formats import money
from pipeline.invoicing.document import InvoiceKind
from pipeline.invoicing.fec import HEADER
from pipeline.invoicing.ledger import Ledger
from pipeline.invoicing.ledger_schema import LedgerError
from pipeline.invoicing.records import InvoiceRecord
from pipeline.invoicing.settlement import list_payments, record_payment
from pipeline.workspace import Workspace
from tests.conftest import EXAMPLES, TODAY
from tests.samples import set_mission_field
from tests.test_facturx import JAVA, NS, RULE_SETS, SAXON, needs_saxon

FOLDER = "Commune de Val-de-Brume - 2026-009"
STOPPED = next(p for p in EXAMPLES if "arretee" in p.name)  # Facture « À émettre »
# A firm that is not the demonstration identity (valid SIREN / SIRET / VAT number).
FIRM: dict[str, str | bool] = {
    "raison_sociale": "Cabinet Exemple SAS",
    "siren": "812345676",
    "siret": "81234567600017",
    "tva_intracommunautaire": "FR19812345676",
}
KNOWN_RATE = ('taux_bce = "2.15"', 'taux_bce = "3.15"')  # 3,15 % + 8 points = 11,15 %


@pytest.fixture
def firm(workspace: Workspace, tmp_path: Path) -> tuple[Workspace, InvoiceRecord]:
    """The workspace with a real seller, and the invoice F-2026-0001 issued on TODAY."""
    set_seller(workspace.config_path, FIRM)
    text = workspace.config_path.read_text(encoding="utf-8")
    assert KNOWN_RATE[0] in text
    workspace.config_path.write_text(text.replace(*KNOWN_RATE), encoding="utf-8")
    workspace = Workspace.open(workspace.root)  # configuration read afresh
    source = set_mission_field(STOPPED, tmp_path / "vdb.xlsx", "Date de facture", None)
    assert build(source, workspace, TODAY).invoice_number == "F-2026-0001"
    record = Ledger.of(workspace).get("F-2026-0001")
    assert record is not None and record.issue_date == TODAY
    return workspace, record


def amoor(workspace: Workspace, *args: str, today: date = TODAY) -> Result:
    return CliRunner().invoke(
        cli,
        ["--workspace", str(workspace.root), *args],
        env={"AMOOR_TODAY": today.isoformat()},
    )


def listing_line(workspace: Workspace, number: str, today: date = TODAY) -> str:
    result = amoor(workspace, "factures", today=today)
    assert result.exit_code == 0, result.output
    return plain(next(line for line in result.output.splitlines() if line.startswith(number)))


def plain(text: str) -> str:
    return re.sub(r"[\u00a0\u202f]", " ", text)


# -- partial credit notes -------------------------------------------------------


@pytest.mark.libreoffice
def test_a_partial_credit_note_of_500_has_its_own_number_and_leaves_the_rest_due(
    firm: tuple[Workspace, InvoiceRecord],
) -> None:
    workspace, invoice = firm
    result = amoor(
        workspace, "facture", "avoir", "F-2026-0001", "--montant", "500", "--motif", "Geste"
    )
    assert result.exit_code == 0, result.output
    assert "Avoir F-2026-0002 émis : il crédite 500,00 € HT (600,00 € TTC)" in plain(result.output)
    credit = Ledger.of(workspace).get("F-2026-0002")
    assert credit is not None and credit.kind is InvoiceKind.CREDIT_NOTE
    assert (credit.preceding_number, credit.preceding_date) == ("F-2026-0001", TODAY)
    # VAT at the invoice's rate (20 %): 500 HT + 100 VAT = 600 TTC, stored negative.
    assert (credit.total_ht, credit.total_vat, credit.total_ttc) == (
        Decimal(-500),
        Decimal(-100),
        Decimal(-600),
    )
    folder = workspace.outbox / FOLDER
    assert (folder / "Avoir F-2026-0002 - 2026-009.docx").is_file()
    # The invoice stands, for what remains: its TTC less the credit note's.
    line = listing_line(workspace, "F-2026-0001")
    assert plain(money(invoice.total_ttc - 600)) in line
    assert "avoir F-2026-0002 (−500,00 € HT)" in line
    assert "avoir (sur F-2026-0001)" in listing_line(workspace, "F-2026-0002")


@pytest.mark.libreoffice
def test_a_partial_credit_cannot_exceed_what_remains_and_the_cancellation_credits_the_rest(
    firm: tuple[Workspace, InvoiceRecord],
) -> None:
    workspace, invoice = firm
    assert amoor(workspace, "facture", "avoir", "F-2026-0001", "--montant", "500", "--motif", "a")
    rest = invoice.total_ht - 500
    too_much = amoor(
        workspace, "facture", "avoir", "F-2026-0001", "--montant", str(rest + 1), "--motif", "b"
    )
    assert too_much.exit_code == 1
    assert f"dépasse ce qui reste à créditer sur la facture F-2026-0001 : {money(rest)} HT" in (
        too_much.output
    )
    assert "Rien n'a été émis" in too_much.output
    assert [r.number for r in Ledger.of(workspace).list_invoices()] == [
        "F-2026-0001",
        "F-2026-0002",
    ]
    cancel = amoor(workspace, "facture", "avoir", "F-2026-0001", "--motif", "Mission arrêtée")
    assert cancel.exit_code == 0, cancel.output
    third = Ledger.of(workspace).get("F-2026-0003")
    assert third is not None and third.total_ht == -rest  # what remained, not the whole
    assert "annulée par avoir (F-2026-0003)" in listing_line(workspace, "F-2026-0001")


@pytest.mark.slow
@needs_saxon
def test_the_partial_credit_note_passes_the_xsd_and_both_rule_sets(
    firm: tuple[Workspace, InvoiceRecord], tmp_path: Path
) -> None:
    from pipeline.invoicing.facturx import invoice_xml
    from pipeline.invoicing.settlement import partial_credit_note

    workspace, _ = firm
    record = partial_credit_note(Ledger.of(workspace), "F-2026-0001", Decimal(500), "Geste", TODAY)
    xml = invoice_xml(record.invoice)  # checked against the XSD on the way
    root = ElementTree.fromstring(xml)
    assert root.findtext("rsm:ExchangedDocument/ram:TypeCode", namespaces=NS) == "381"
    settlement = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    reference = f"{settlement}/ram:InvoiceReferencedDocument"
    assert root.findtext(f"{reference}/ram:IssuerAssignedID", namespaces=NS) == "F-2026-0001"
    summation = f"{settlement}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
    assert root.findtext(f"{summation}/ram:TaxBasisTotalAmount", namespaces=NS) == "500.00"
    assert root.findtext(f"{summation}/ram:GrandTotalAmount", namespaces=NS) == "600.00"
    source = tmp_path / "avoir-partiel.xml"
    source.write_bytes(xml)
    assert JAVA is not None
    for name, rules in RULE_SETS.items():
        report = tmp_path / f"{name}.svrl"
        subprocess.run(
            [
                JAVA,
                "-cp",
                str(SAXON),
                "net.sf.saxon.Transform",
                f"-s:{source}",
                f"-o:{report}",
                f"-xsl:{rules}",
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        failed = ElementTree.parse(report).getroot().findall(".//svrl:failed-assert", NS)
        assert not failed, f"{name}: " + " | ".join(" ".join(f.itertext()).split() for f in failed)


# -- payments and statuses ------------------------------------------------------


@pytest.mark.libreoffice
def test_partial_then_full_payment_changes_the_status(
    firm: tuple[Workspace, InvoiceRecord],
) -> None:
    workspace, invoice = firm
    assert "émise" in listing_line(workspace, "F-2026-0001")
    due_day = invoice.invoice.due_date  # 30 days after TODAY
    assert due_day == date(2026, 12, 25)
    late = date(2027, 1, 4)  # ten days after the due date
    assert "échue (10 jours de retard)" in listing_line(workspace, "F-2026-0001", late)

    part = amoor(workspace, "facture", "payée", "F-2026-0001", "--montant", "1 000", today=late)
    assert part.exit_code == 0, part.output
    line = listing_line(workspace, "F-2026-0001", late)
    assert "partiellement payée, échue (10 jours de retard)" in line
    assert plain(money(invoice.total_ttc - 1000)) in line

    over = amoor(workspace, "facture", "payée", "F-2026-0001", "--montant", "99999", today=late)
    assert over.exit_code == 1 and "dépasse ce qui reste dû" in over.output

    rest = amoor(workspace, "facture", "payée", "F-2026-0001", "--date", "2027-01-03", today=late)
    assert rest.exit_code == 0, rest.output
    line = listing_line(workspace, "F-2026-0001", late)
    assert "payée" in line and "partiellement" not in line and "échue" not in line
    payments = list_payments(Ledger.of(workspace))
    assert [(p.paid_on, p.amount) for p in payments] == [
        (late, Decimal(1000)),
        (date(2027, 1, 3), invoice.total_ttc - 1000),
    ]
    again = amoor(workspace, "facture", "payée", "F-2026-0001", today=late)
    assert again.exit_code == 1 and "déjà entièrement réglée" in again.output


def test_payments_are_never_rewritten(firm: tuple[Workspace, InvoiceRecord]) -> None:
    workspace, _ = firm
    ledger = Ledger.of(workspace)
    record_payment(ledger, "F-2026-0001", TODAY, amount=Decimal(100))
    with pytest.raises(LedgerError, match="dans le futur"):
        record_payment(ledger, "F-2026-0001", TODAY, paid_on=date(2026, 12, 1))
    with pytest.raises(LedgerError, match="Aucune facture"):
        record_payment(ledger, "F-2099-0001", TODAY)
    with sqlite3.connect(ledger.path) as db:
        for statement, message in (
            ("UPDATE payments SET amount = '1'", "ne se modifie pas"),
            ("DELETE FROM payments", "ne se supprime pas"),
            (
                "INSERT INTO payments (invoice_number, paid_on, amount, recorded_on) "
                "VALUES ('F-2099-0001', '2026-11-25', '5', '2026-11-25')",
                "se rapporte à une facture",
            ),
        ):
            with pytest.raises(sqlite3.IntegrityError, match=message):
                db.execute(statement)
    db.close()
    assert [p.amount for p in list_payments(ledger)] == [Decimal(100)]


# -- the reminder letter ---------------------------------------------------------


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    return plain("\n".join(parts))


@pytest.mark.libreoffice
def test_no_reminder_for_an_invoice_not_late(firm: tuple[Workspace, InvoiceRecord]) -> None:
    workspace, _ = firm
    result = amoor(workspace, "facture", "relance", "F-2026-0001", today=date(2026, 12, 25))
    assert result.exit_code == 1
    assert "n'est pas en retard : elle est payable jusqu'au 25 décembre 2026 inclus" in (
        result.output
    )
    assert not list((workspace.outbox / FOLDER).glob("Relance*"))


@pytest.mark.libreoffice
def test_the_reminder_letter_claims_the_interest_and_the_40_euros(
    firm: tuple[Workspace, InvoiceRecord],
) -> None:
    workspace, invoice = firm
    # Paid so that exactly 2 000,00 € TTC remain due.
    paid = invoice.total_ttc - 2000
    ledger = Ledger.of(workspace)
    record_payment(ledger, "F-2026-0001", date(2026, 12, 1), amount=paid)
    today = date(2027, 2, 23)
    # Days late: from the due date (25/12/2026) to today: 6 (December) + 31 + 23 = 60.
    # Interest: 2 000,00 × (3,15 % + 8 points = 11,15 %) × 60 / 365
    #         = 2000 × 0,1115 × 60 / 365 = 13 380 / 365 = 36,657… → 36,66 €.
    # Claimed: 2 000,00 + 36,66 + 40,00 = 2 076,66 €.
    result = amoor(workspace, "facture", "relance", "F-2026-0001", today=today)
    assert result.exit_code == 0, result.output
    assert "2 000,00 € dus depuis 60 jours" in plain(result.output)
    letter = workspace.outbox / FOLDER / "Relance F-2026-0001 - 2027-02-23 - 2026-009.docx"
    text = docx_text(letter)
    assert "Reste dû TTC\n2 000,00 €" in text
    assert "Intérêts moratoires (11,15 %, 60 jours)\n36,66 €" in text
    assert "2 000,00 € × 11,15 % × 60 / 365 = 36,66 €" in text
    assert "Indemnité forfaitaire pour frais de recouvrement\n40,00 €" in text
    assert "Total réclamé\n2 076,66 €" in text
    assert "Banque centrale européenne (3,15 %) majoré de 8 points" in text
    assert "R. 2192-31" in text and "D. 2192-35" in text and "L. 441-10" in text
    assert "Cabinet Exemple SAS" in text and "Commune de Val-de-Brume" in text
    assert "60 jours de retard" in text


# -- the accounting export ----------------------------------------------------------


@pytest.mark.libreoffice
def test_the_fec_has_the_18_columns_balanced_entries_and_the_ledger_totals(
    firm: tuple[Workspace, InvoiceRecord], tmp_path: Path
) -> None:
    workspace, invoice = firm
    later = date(2027, 1, 10)
    assert amoor(workspace, "facture", "avoir", "F-2026-0001", "--montant", "500", "--motif", "g")
    assert amoor(workspace, "facture", "payée", "F-2026-0001", "--montant", "1000", today=later)
    assert amoor(workspace, "facture", "payée", "F-2026-0001", today=later).exit_code == 0
    target = tmp_path / "812345676FEC20271231.txt"
    result = amoor(workspace, "factures", "--fec", str(target), today=later)
    assert result.exit_code == 0, result.output

    raw = target.read_bytes()
    text = raw.decode("iso8859-15")  # one of the sets A. 47 A-1 allows; not UTF-8
    assert "\r\n" in text and not text.startswith("\ufeff")
    rows = [line.split("|") for line in text.split("\r\n") if line]
    assert tuple(rows[0]) == HEADER
    assert text.split("\r\n")[0] == (
        "JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|"
        "CompAuxLib|PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|"
        "Montantdevise|Idevise"
    )
    body = [dict(zip(HEADER, row, strict=True)) for row in rows[1:]]
    assert all(len(row) == 18 for row in rows)

    def amount(text: str) -> Decimal:
        assert re.fullmatch(r"\d+,\d\d", text), text  # decimal comma, no grouping
        return Decimal(text.replace(",", "."))

    for line in body:
        for key in ("EcritureDate", "PieceDate", "ValidDate"):
            assert re.fullmatch(r"20\d\d(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])", line[key]), line
            date(int(line[key][:4]), int(line[key][4:6]), int(line[key][6:]))
    entries: dict[tuple[str, str], list[dict[str, str]]] = {}
    for line in body:
        entries.setdefault((line["JournalCode"], line["EcritureNum"]), []).append(line)
    for key, lines in entries.items():
        debit = sum(amount(x["Debit"]) for x in lines)
        assert debit == sum(amount(x["Credit"]) for x in lines), key  # balanced
        assert debit > 0
    # Each journal numbered 1, 2, … without a gap.
    for journal in ("VE", "BQ"):
        numbers = [int(n) for j, n in entries if j == journal]
        assert numbers == list(range(1, len(numbers) + 1))

    def total(account: str, column: str, journal: str = "VE") -> Decimal:
        return sum(
            (
                amount(x[column])
                for x in body
                if x["CompteNum"] == account and x["JournalCode"] == journal
            ),
            Decimal(0),
        )

    records = Ledger.of(workspace).list_invoices()
    net_ht = sum((r.total_ht for r in records), Decimal(0))  # credit notes are negative
    net_vat = sum((r.total_vat for r in records), Decimal(0))
    net_ttc = sum((r.total_ttc for r in records), Decimal(0))
    assert net_ht == invoice.total_ht - 500
    assert total("706000", "Credit") - total("706000", "Debit") == net_ht
    assert total("445710", "Credit") - total("445710", "Debit") == net_vat
    assert total("411000", "Debit") - total("411000", "Credit") == net_ttc
    paid = sum((p.amount for p in list_payments(Ledger.of(workspace))), Decimal(0))
    assert paid == net_ttc  # settled in full
    assert total("512000", "Debit", "BQ") == paid == total("411000", "Credit", "BQ")
    # Settled: the client's lines of the invoice, the credit note and the payments are
    # lettered together, on the day of the last payment.
    client = [x for x in body if x["CompteNum"] == "411000"]
    assert {x["EcritureLet"] for x in client} == {"A"}
    assert {x["DateLet"] for x in client} == {"20270110"}
    assert {x["CompAuxNum"] for x in client} == {"C219992302"}
    assert all(x["Montantdevise"] == x["Idevise"] == "" for x in body)


def test_a_partial_credit_on_two_rates_is_shared_in_proportion_to_the_cent() -> None:
    from dataclasses import replace

    from pipeline.invoicing.credit import partial_credit, remainder_credit
    from pipeline.invoicing.document import Line, Pricing
    from tests.test_facturx import STANDARD

    # 2 000 HT at 20 % and 1 000 HT at 5,5 %: 100 € credited as 66,67 + 33,33.
    lines = (
        Line("Atelier", Decimal(1), Decimal(2000), Decimal(20)),
        Line("Livret", Decimal(1), Decimal(1000), Decimal("5.5")),
    )
    invoice = replace(STANDARD, pricing=Pricing(lines, vat_exempt=False))
    credit = partial_credit(invoice, Decimal(100), "Geste", TODAY, None)
    assert [(ln.vat_rate, ln.quantity * ln.unit_price) for ln in credit.pricing.lines] == [
        (Decimal(20), Decimal("-66.67")),
        (Decimal("5.5"), Decimal("-33.33")),
    ]
    assert credit.pricing.total_ht == Decimal(-100)
    rest = remainder_credit(invoice, [credit], "Annulation", TODAY, None)
    assert rest.pricing.total_ht == Decimal(-2900)  # the two never credit more than the invoice
    assert [ln.unit_price for ln in rest.pricing.lines] == [Decimal("1933.33"), Decimal("966.67")]
