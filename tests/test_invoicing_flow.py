"""Invoices through the whole flow: proforma, issue once, immutability, credit note, ledger."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from pipeline.build import build
from pipeline.cli import cli
from pipeline.config import load_config
from pipeline.errors import ConfigError, WorkbookError
from pipeline.invoicing.billing import PdfService
from pipeline.invoicing.ledger import Ledger
from pipeline.workspace import Workspace
from tests.conftest import EXAMPLES, TODAY
from tests.libreoffice import needs_libreoffice
from tests.samples import set_mission_field

ROOT = Path(__file__).resolve().parent.parent
STOPPED = next(p for p in EXAMPLES if "arretee" in p.name)  # Facture « À émettre »
SAINT_AUBIN = next(p for p in EXAMPLES if "saint-aubin" in p.name)  # Facture blank: proforma
FOLDER = "Commune de Val-de-Brume - 2026-009"


def test_a_proforma_has_no_number_and_allocates_nothing(workspace: Workspace) -> None:
    result = build(SAINT_AUBIN, workspace, TODAY)
    assert result.invoice_number is None
    assert result.commit is not None
    names = [p.name for p in result.commit.written]
    assert "Facture proforma - 2026-014.docx" in names
    assert Ledger.of(workspace).list_invoices() == []
    # Saint-Aubin's workbook has no billing address nor SIRET yet: said, and shown.
    assert (
        "Proforma : « Adresse », « Code postal », « Ville » et « SIRET » de l'acheteur manquent"
        in " ".join(result.notices)
    )
    proforma = docx.Document(str(result.commit.folder / "Facture proforma - 2026-014.docx"))
    text = "\n".join(c.text for t in proforma.tables for r in t.rows for c in r.cells)
    assert "à compléter" in text


def test_issue_once_then_never_rewrite(workspace: Workspace, tmp_path: Path) -> None:
    first = build(STOPPED, workspace, TODAY)
    assert first.invoice_number == "F-2026-0001"
    folder = workspace.outbox / FOLDER
    invoice = folder / "Facture F-2026-0001 - 2026-009.docx"
    assert invoice in first.commit.written  # type: ignore[union-attr]
    assert any("PDF désactivé" in n for n in first.notices)
    issued_bytes = invoice.read_bytes()

    again = build(STOPPED, workspace, TODAY)
    assert again.invoice_number == "F-2026-0001"
    assert invoice not in again.commit.written  # type: ignore[union-attr]
    assert invoice.read_bytes() == issued_bytes

    changed = set_mission_field(STOPPED, tmp_path / "val-de-brume.xlsx", "Prix de base HT", 4000)
    result = build(changed, workspace, TODAY)
    assert result.invoice_number == "F-2026-0001"
    assert invoice.read_bytes() == issued_bytes
    notice = next(n for n in result.notices if "déjà été émise" in n)
    assert "Total HT" in notice and "→" in notice
    assert "amoor facture avoir F-2026-0001 --motif" in notice
    assert [r.number for r in Ledger.of(workspace).list_invoices()] == ["F-2026-0001"]


@pytest.mark.libreoffice
def test_credit_note_then_a_new_invoice_and_the_ledger_tells_the_story(
    workspace: Workspace, tmp_path: Path
) -> None:
    build(STOPPED, workspace, TODAY)
    runner = CliRunner()
    ws = ["--workspace", str(workspace.root)]
    avoir = runner.invoke(
        cli, [*ws, "facture", "avoir", "F-2026-0001", "--motif", "Prix de base renégocié"]
    )
    assert avoir.exit_code == 0, avoir.output
    assert "Avoir F-2026-0002 émis : il annule la facture F-2026-0001" in avoir.output
    folder = workspace.outbox / FOLDER
    assert (folder / "Avoir F-2026-0002 - 2026-009.docx").is_file()

    refused = runner.invoke(cli, [*ws, "facture", "avoir", "F-2026-0001", "--motif", "encore"])
    assert refused.exit_code == 1
    assert "déjà annulée par l'avoir F-2026-0002" in refused.output

    changed = set_mission_field(STOPPED, tmp_path / "val-de-brume.xlsx", "Prix de base HT", 4000)
    set_mission_field(changed, changed, "Date de facture", None)  # dated today, after the avoir
    result = build(changed, workspace, TODAY)
    assert result.invoice_number == "F-2026-0003"
    assert (folder / "Facture F-2026-0003 - 2026-009.docx").is_file()
    assert (folder / "Facture F-2026-0001 - 2026-009.docx").is_file()  # kept, as issued

    listing = runner.invoke(cli, [*ws, "factures", "--csv", str(tmp_path / "registre.csv")])
    assert listing.exit_code == 0, listing.output
    lines = [line for line in listing.output.splitlines() if line.startswith("F-")]
    assert [line.split()[0] for line in lines] == ["F-2026-0001", "F-2026-0002", "F-2026-0003"]
    assert "annulée par avoir (F-2026-0002)" in lines[0]
    assert "avoir (sur F-2026-0001)" in lines[1]
    assert "émise" in lines[2]
    csv_text = (tmp_path / "registre.csv").read_text(encoding="utf-8-sig")
    assert csv_text.count("\n") == 4 and "F-2026-0003" in csv_text


def test_an_unknown_number_cannot_be_credited(workspace: Workspace) -> None:
    result = CliRunner().invoke(
        cli, ["--workspace", str(workspace.root), "facture", "avoir", "F-2099-9999", "--motif", "x"]
    )
    assert result.exit_code == 1
    assert "Aucune facture ne porte le numéro « F-2099-9999 »" in result.output


@pytest.mark.libreoffice
@needs_libreoffice
def test_issued_invoice_comes_with_its_factur_x_pdf(workspace: Workspace) -> None:
    import facturx
    from pypdf import PdfReader

    pdf = PdfService(workspace.state.libreoffice)
    try:
        result = build(STOPPED, workspace, TODAY, pdf=pdf)
    finally:
        pdf.close()
    folder = workspace.outbox / FOLDER
    stem = "Facture F-2026-0001 - 2026-009"
    assert result.notices == ()
    e_invoice = (folder / f"{stem}.pdf").read_bytes()
    xml = (folder / f"{stem} (Factur-X).xml").read_bytes()
    _, embedded = facturx.get_xml_from_pdf(e_invoice, check_xsd=True)
    assert embedded == xml
    metadata = PdfReader(folder / f"{stem}.pdf").xmp_metadata
    assert metadata is not None
    assert b"<pdfaid:part>3</pdfaid:part>" in metadata.stream.get_data() or (
        b'pdfaid:part="3"' in metadata.stream.get_data()
    )


def test_no_invoice_when_the_workbook_says_non(workspace: Workspace, tmp_path: Path) -> None:
    source = set_mission_field(SAINT_AUBIN, tmp_path / "sa.xlsx", "Facture", "Non")
    result = build(source, workspace, TODAY)
    assert result.commit is not None
    assert all("Facture" not in p.name for p in result.commit.written)
    shutil.rmtree(workspace.outbox)
    workspace.outbox.mkdir()


@pytest.fixture(autouse=True)
def _workspace_state(workspace: Workspace) -> None:
    """Each test starts with an empty ledger."""
    assert not (workspace.state.ledger).exists()


def test_no_number_is_spent_when_the_invoice_cannot_be_made(
    workspace: Workspace, tmp_path: Path
) -> None:
    future = set_mission_field(
        STOPPED, tmp_path / "futur.xlsx", "Date de facture", date(2030, 6, 1)
    )
    with pytest.raises(WorkbookError, match="dans le futur"):
        build(future, workspace, TODAY)
    assert Ledger.of(workspace).list_invoices() == []


def test_the_seller_vat_number_is_required_before_any_invoice(tmp_path: Path) -> None:
    config = tmp_path / "amoor.toml"
    text = (ROOT / "amoor.toml").read_text(encoding="utf-8")
    config.write_text(
        text.replace('tva_intracommunautaire = "FR12123456782"', 'tva_intracommunautaire = ""'),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="tva_intracommunautaire : obligatoire"):
        load_config(config)


def test_an_issued_invoice_stays_with_its_buyer_when_the_workbook_changes_it(
    workspace: Workspace, tmp_path: Path
) -> None:
    build(STOPPED, workspace, TODAY)
    renamed = set_mission_field(STOPPED, tmp_path / "autre.xlsx", "Collectivité", "Ville de Brume")
    result = build(renamed, workspace, TODAY)
    assert result.invoice_number == "F-2026-0001"
    notice = next(n for n in result.notices if "déjà été émise" in n)
    assert "Acheteur" in notice or "Commune de Val-de-Brume" in notice
    assert f"Elle se trouve dans le dossier « {FOLDER} »" in notice
    new_folder = workspace.outbox / "Ville de Brume - 2026-009"
    assert not any(p.name.startswith("Facture F-") for p in new_folder.iterdir())
    assert (workspace.outbox / FOLDER / "Facture F-2026-0001 - 2026-009.docx").is_file()


def test_lost_invoice_files_are_rebuilt_from_the_ledger(workspace: Workspace) -> None:
    build(STOPPED, workspace, TODAY)
    invoice = workspace.outbox / FOLDER / "Facture F-2026-0001 - 2026-009.docx"
    invoice.unlink()
    result = build(STOPPED, workspace, TODAY)
    assert invoice.is_file() and result.invoice_number == "F-2026-0001"
    assert [r.number for r in Ledger.of(workspace).list_invoices()] == ["F-2026-0001"]


def test_setting_facture_to_non_after_issuing_says_the_invoice_stands(
    workspace: Workspace, tmp_path: Path
) -> None:
    build(STOPPED, workspace, TODAY)
    source = set_mission_field(STOPPED, tmp_path / "non.xlsx", "Facture", "Non")
    result = build(source, workspace, TODAY)
    assert any("« Non » ne l'annule pas" in n for n in result.notices)


def test_missing_motif_is_named_as_typed(workspace: Workspace) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline",
            "--workspace",
            str(workspace.root),
            "facture",
            "avoir",
            "F-2026-0001",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "Erreur : il manque l'option --motif." in result.stderr


@pytest.mark.libreoffice
@needs_libreoffice
def test_pieces_made_without_libreoffice_get_their_e_invoice_later(
    workspace: Workspace, tmp_path: Path
) -> None:
    build(STOPPED, workspace, TODAY)  # no PDF service: .docx only
    runner = CliRunner()
    ws = ["--workspace", str(workspace.root)]
    env = {"PATH": "/nonexistent"}  # LibreOffice out of reach for the credit note
    avoir = runner.invoke(cli, [*ws, "facture", "avoir", "F-2026-0001", "--motif", "x"], env=env)
    assert avoir.exit_code == 0, avoir.output
    folder = workspace.outbox / FOLDER
    assert not (folder / "Avoir F-2026-0002 - 2026-009.pdf").exists()
    pdf = PdfService(workspace.state.libreoffice)
    quiet = set_mission_field(STOPPED, tmp_path / "non.xlsx", "Facture", "Non")
    try:
        build(quiet, workspace, TODAY, pdf=pdf)  # no new invoice; the pieces are completed
    finally:
        pdf.close()
    for stem in ("Facture F-2026-0001 - 2026-009", "Avoir F-2026-0002 - 2026-009"):
        assert (folder / f"{stem}.pdf").is_file(), stem
        assert (folder / f"{stem} (Factur-X).xml").is_file(), stem
