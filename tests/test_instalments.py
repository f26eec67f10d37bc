"""Issuing guards and instalments (issue 12, items 1 and 2), on real workbooks and ledgers.

Every workbook is a real .xlsx written by openpyxl from an example; every ledger
a real SQLite file in a fresh workspace; the documents are real .docx read back.
"""

from __future__ import annotations

import subprocess
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest

from pipeline.build import build
from pipeline.config import set_seller
from pipeline.errors import ConfigError, WorkbookError
from pipeline.invoicing.facturx import check_xsd
from pipeline.invoicing.ledger import Ledger
from pipeline.workbook.reader import read_engagement
from pipeline.workspace import Workspace
from tests.conftest import EXAMPLES, TODAY
from tests.test_facturx import JAVA, NS, RULE_SETS, SAXON, _svrl_failures, needs_saxon

STOPPED = next(p for p in EXAMPLES if "arretee" in p.name)  # Facture « À émettre »


def workbook(
    tmp_path: Path,
    mission: dict[str, Any] | None = None,
    schedule: list[tuple[Any, ...]] | None = None,
    *,
    name: str = "mission.xlsx",
    percent_cells: tuple[str, ...] = (),
) -> Path:
    """The Val-de-Brume example as an engagement of 10 000 € HT (no halving, no option),
    its « Mission » fields changed, and an « Échéancier » sheet when ``schedule`` is given."""
    book = openpyxl.load_workbook(STOPPED)
    sheet = book["Mission"]
    rows = {sheet.cell(r, 1).value: r for r in range(1, sheet.max_row + 1)}
    values = {"Étape": "Cadrage", "Prix de base HT": 10000, **(mission or {})}
    for field, value in values.items():
        sheet.cell(rows[field], 2).value = value
    if "Options" in book.sheetnames:
        del book["Options"]
    if schedule is not None:
        plan = book.create_sheet("Échéancier")
        plan.append(["Libellé", "Part", "Date prévue", "Facture"])
        for row in schedule:
            plan.append(list(row))
        for ref in percent_cells:
            plan[ref].number_format = "0%"
    path = tmp_path / name
    book.save(path)
    return path


def _text(path: Path) -> str:
    document = docx.Document(str(path))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    text = "\n".join([p.text for p in document.paragraphs] + cells)
    # French typography (no-break spaces, curly apostrophes) aside, for readable checks.
    return text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2019", "'")


def _counter(workspace: Workspace) -> int:
    import sqlite3

    path = workspace.state.ledger
    if not path.exists():
        return 0
    with sqlite3.connect(path) as db:
        last: int = db.execute("SELECT last FROM counter").fetchone()[0]
    return last


# --------------------------------------------------------------- issuing guards


@pytest.mark.slow
def test_a_backdated_invoice_date_is_refused_and_allocates_nothing(
    workspace: Workspace, tmp_path: Path
) -> None:
    # A number is taken first, so that the counter has a place to stay at.
    build(workbook(tmp_path, {"Référence": "2026-001"}, name="a.xlsx"), workspace, TODAY)
    assert _counter(workspace) == 1
    backdated = workbook(
        tmp_path, {"Référence": "2026-002", "Date de facture": date(2026, 2, 27)}, name="b.xlsx"
    )
    with pytest.raises(WorkbookError) as caught:
        build(backdated, workspace, TODAY)
    message = str(caught.value)
    cell = next(
        f"B{r}"
        for r in range(1, 40)
        if openpyxl.load_workbook(backdated)["Mission"].cell(r, 1).value == "Date de facture"
    )
    assert f"Feuille « Mission », cellule {cell} : la date de facture (27/02/2026) est passée" in (
        message
    )
    assert "datée du jour où elle est émise" in message
    assert "« Date de début » et de « Date de l'atelier »" in message  # where the period goes
    assert _counter(workspace) == 1  # the counter stayed where it was
    assert [r.number for r in Ledger.of(workspace).list_invoices()] == ["F-2026-0001"]


def test_the_demonstration_seller_may_not_issue(demo_workspace: Workspace, tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        build(workbook(tmp_path), demo_workspace, TODAY)
    message = str(caught.value)
    assert "entreprise fictive de démonstration" in message
    assert "section [vendeur] de amoor.toml" in message and "siren" in message
    assert _counter(demo_workspace) == 0
    # A proforma is still made with the demonstration seller.
    result = build(workbook(tmp_path, {"Facture": "Proforma"}), demo_workspace, TODAY)
    assert result.invoice_number is None
    assert result.commit is not None
    assert any(p.name.startswith("Facture proforma") for p in result.commit.written)


def test_the_buyer_siren_and_the_debits_option_are_on_the_invoice(
    workspace: Workspace, tmp_path: Path
) -> None:
    set_seller(workspace.config_path, {"option_tva_debits": True})
    workspace = Workspace.open(workspace.root)
    result = build(workbook(tmp_path), workspace, TODAY)
    assert result.commit is not None
    invoice = next(p for p in result.commit.written if p.name.startswith("Facture F-"))
    text = _text(invoice)
    siret = openpyxl.load_workbook(STOPPED)["Mission"]
    rows = {siret.cell(r, 1).value: siret.cell(r, 2).value for r in range(1, siret.max_row + 1)}
    siren = str(rows["SIRET"])[:9]
    assert f"SIREN : {siren[:3]} {siren[3:6]} {siren[6:]}" in text
    assert "Option pour le paiement de la TVA d'après les débits." in text


def test_without_the_option_no_debits_mention(workspace: Workspace, tmp_path: Path) -> None:
    result = build(workbook(tmp_path), workspace, TODAY)
    assert result.commit is not None
    invoice = next(p for p in result.commit.written if p.name.startswith("Facture F-"))
    assert "d'après les débits" not in _text(invoice)


# ------------------------------------------------------------------ instalments

ACOMPTE = ("Acompte à la commande", "30 %", date(2026, 12, 1), "À émettre")


def test_acompte_then_balance_charge_the_engagement_and_its_vat_once(
    workspace: Workspace, tmp_path: Path
) -> None:
    first = build(
        workbook(tmp_path, schedule=[ACOMPTE, ("Solde à la livraison", "70 %", None, "Proforma")]),
        workspace,
        TODAY,
    )
    assert first.invoice_number == "F-2026-0001"
    later = TODAY + timedelta(days=40)
    second = build(
        workbook(tmp_path, schedule=[ACOMPTE, ("Solde à la livraison", "70 %", None, "À émettre")]),
        workspace,
        later,
    )
    acompte, balance = Ledger.of(workspace).list_invoices()
    assert (acompte.number, balance.number) == ("F-2026-0001", "F-2027-0002")  # consecutive
    assert second.invoice_number == balance.number
    assert (acompte.total_ht, acompte.total_vat) == (Decimal("3000.00"), Decimal("600.00"))
    assert (balance.total_ht, balance.total_vat) == (Decimal("7000.00"), Decimal("1400.00"))
    assert acompte.total_ht + balance.total_ht == Decimal(10000)
    assert acompte.total_vat + balance.total_vat == Decimal(2000)  # the VAT of 10 000, once

    folder = second.commit.folder if second.commit else workspace.outbox
    text = _text(folder / f"Facture {balance.number} - 2026-009.docx")
    assert "Facture de solde n° F-2027-0002" in text
    assert "facture d'acompte n° F-2026-0001 du 25 novembre 2026" in text
    assert "Montant total de la mission HT\n10 000,00 €" in text
    assert "Net à payer\n8 400,00 €" in text
    acompte_text = _text(folder / f"Facture {acompte.number} - 2026-009.docx")
    assert "Facture d'acompte n° F-2026-0001" in acompte_text
    assert "30 % du montant de la mission (10 000,00 € HT)" in acompte_text
    assert "Net à payer\n3 600,00 €" in acompte_text


def _xml(invoice_number: str, workspace: Workspace) -> bytes:
    from pipeline.invoicing.facturx import invoice_xml

    record = Ledger.of(workspace).get(invoice_number)
    assert record is not None
    return invoice_xml(record.invoice)


def test_the_acompte_and_balance_xml_say_it_the_en16931_way(
    workspace: Workspace, tmp_path: Path
) -> None:
    from xml.etree import ElementTree

    plan = [ACOMPTE, ("Solde", "70 %", None, "À émettre")]
    build(workbook(tmp_path, schedule=plan), workspace, TODAY)
    acompte = ElementTree.fromstring(_xml("F-2026-0001", workspace))
    balance = ElementTree.fromstring(_xml("F-2026-0002", workspace))
    assert acompte.findtext("rsm:ExchangedDocument/ram:TypeCode", namespaces=NS) == "386"
    assert balance.findtext("rsm:ExchangedDocument/ram:TypeCode", namespaces=NS) == "380"
    context = "rsm:ExchangedDocumentContext/ram:BusinessProcessSpecifiedDocumentContextParameter"
    assert acompte.findtext(f"{context}/ram:ID", namespaces=NS) == "S1"
    assert balance.findtext(f"{context}/ram:ID", namespaces=NS) == "S4"
    settlement = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    cited = balance.find(f"{settlement}/ram:InvoiceReferencedDocument", NS)
    assert cited is not None
    assert cited.findtext("ram:IssuerAssignedID", namespaces=NS) == "F-2026-0001"
    assert cited.findtext("ram:FormattedIssueDateTime/qdt:DateTimeString", namespaces=NS) == (
        "20261125"
    )
    sums = f"{settlement}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
    assert balance.findtext(f"{sums}/ram:TaxBasisTotalAmount", namespaces=NS) == "7000.00"
    assert balance.findtext(f"{sums}/ram:DuePayableAmount", namespaces=NS) == "8400.00"
    assert acompte.findtext(f"{sums}/ram:DuePayableAmount", namespaces=NS) == "3600.00"


@pytest.mark.slow
@needs_saxon
def test_both_xml_pass_the_xsd_and_both_rule_sets(workspace: Workspace, tmp_path: Path) -> None:
    set_seller(workspace.config_path, {"option_tva_debits": True})
    workspace = Workspace.open(workspace.root)
    plan = [ACOMPTE, ("Solde", "70 %", None, "À émettre")]
    build(workbook(tmp_path, schedule=plan), workspace, TODAY)
    sources = tmp_path / "xml"
    sources.mkdir()
    for number in ("F-2026-0001", "F-2026-0002"):
        xml = _xml(number, workspace)
        check_xsd(xml)
        assert b"<ram:DueDateTypeCode>5</ram:DueDateTypeCode>" in xml  # debits: BT-8 = 5
        (sources / f"{number}.xml").write_bytes(xml)
    assert JAVA is not None
    for rule_set, xslt in RULE_SETS.items():
        out = tmp_path / f"svrl-{rule_set}"
        out.mkdir()
        done = subprocess.run(
            [
                JAVA,
                "-cp",
                str(SAXON),
                "net.sf.saxon.Transform",
                f"-s:{sources}",
                f"-o:{out}",
                f"-xsl:{xslt}",
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        for report in sorted(out.iterdir()):
            failures = _svrl_failures(report)
            assert not failures, f"{report.name} / {rule_set}:\n" + "\n".join(failures)


def test_parts_as_a_percent_format_a_text_or_an_amount(tmp_path: Path) -> None:
    path = workbook(
        tmp_path,
        schedule=[
            ("Acompte", 0.3, None, None),
            ("Deuxième", "20 %", None, None),
            ("Solde", "5 000", None, None),
        ],
        percent_cells=("B2",),
    )
    parts = [(line.part.value, line.part.percent) for line in read_engagement(path).schedule]
    assert parts == [(Decimal("30.0"), True), (Decimal(20), True), (Decimal(5000), False)]


def test_a_bare_number_below_one_is_ambiguous(tmp_path: Path) -> None:
    path = workbook(
        tmp_path, schedule=[("Acompte", 0.3, None, None), ("Solde", "70 %", None, None)]
    )
    with pytest.raises(WorkbookError) as caught:
        read_engagement(path)
    assert "Feuille « Échéancier », cellule B2 : la part doit être un pourcentage" in str(
        caught.value
    )
    assert "ambigu" in str(caught.value)


def test_parts_that_do_not_add_up_are_refused_naming_the_cells(
    workspace: Workspace, tmp_path: Path
) -> None:
    plan = [("Acompte", "30 %", None, "À émettre"), ("Solde", "60 %", None, "À émettre")]
    with pytest.raises(WorkbookError) as caught:
        build(workbook(tmp_path, schedule=plan), workspace, TODAY)
    message = str(caught.value).replace("\u00a0", " ").replace("\u202f", " ")
    assert (
        "Feuille « Échéancier » : les parts de l'échéancier (cellules B2 et B3) totalisent "
        "90 %, le total HT de la mission est de 10 000,00 €" in message
    )
    assert _counter(workspace) == 0
    mixed = [("Acompte", "3 000", None, "À émettre"), ("Solde", "6 000", None, "À émettre")]
    with pytest.raises(WorkbookError, match="totalisent 9\u202f000,00"):
        build(workbook(tmp_path, schedule=mixed, name="m.xlsx"), workspace, TODAY)
    assert _counter(workspace) == 0


def test_the_mission_invoice_field_is_ignored_with_a_warning(tmp_path: Path) -> None:
    path = workbook(tmp_path, schedule=[("Tout", "100 %", None, "Proforma")])
    warnings = read_engagement(path).warnings
    assert any("le champ « Facture » est ignoré" in w for w in warnings), warnings


def test_the_balance_waits_for_the_acomptes_before_it(workspace: Workspace, tmp_path: Path) -> None:
    plan = [("Acompte", "30 %", None, "Proforma"), ("Solde", "70 %", None, "À émettre")]
    with pytest.raises(WorkbookError, match="ne peut pas être émis avant l'échéance « Acompte »"):
        build(workbook(tmp_path, schedule=plan), workspace, TODAY)
    assert _counter(workspace) == 0
