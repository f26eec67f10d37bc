"""Several ``amoor build`` at once in one workspace: each its own LibreOffice, no gap."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import facturx
import openpyxl
import pytest

from pipeline.errors import LibreOfficeStartFailed
from pipeline.invoicing.ledger import Ledger
from pipeline.libreoffice import PdfConverter
from pipeline.workspace import Workspace
from tests.conftest import EXAMPLES
from tests.libreoffice import needs_libreoffice

ROOT = Path(__file__).resolve().parent.parent
STOPPED = next(p for p in EXAMPLES if "arretee" in p.name)  # Facture « À émettre »

pytestmark = pytest.mark.libreoffice


def _with_reference(target: Path, reference: str) -> Path:
    book = openpyxl.load_workbook(STOPPED)
    sheet = book["Mission"]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "Référence")
    sheet.cell(row, 2).value = reference
    book.save(target)
    return target


@needs_libreoffice
def test_four_concurrent_builds_each_get_their_factur_x(
    workspace: Workspace, tmp_path: Path
) -> None:
    references = [f"2026-10{i}" for i in range(4)]
    workbooks = [_with_reference(tmp_path / f"{r}.xlsx", r) for r in references]
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "pipeline", "-w", str(workspace.root), "build", str(book)],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for book in workbooks
    ]
    outputs = [run.communicate(timeout=600) for run in runs]
    for run, (out, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, err
        assert "LibreOffice" not in out, out  # no « installez LibreOffice », no notice at all
        assert "À noter" not in out, out

    records = Ledger.of(workspace).list_invoices()
    assert sorted(r.number for r in records) == [f"F-2026-000{i}" for i in range(1, 5)]
    assert sorted(r.reference for r in records) == references
    for record in records:
        folder = workspace.outbox / f"Commune de Val-de-Brume - {record.reference}"
        stem = f"Facture {record.number} - {record.reference}"
        _, xml = facturx.get_xml_from_pdf((folder / f"{stem}.pdf").read_bytes(), check_xsd=True)
        assert xml == (folder / f"{stem} (Factur-X).xml").read_bytes()
        assert record.number.encode() in xml
    # Each process had its own profile; all are free again, kept for the next runs.
    slots = workspace.state.libreoffice
    assert len([p for p in slots.iterdir() if p.is_dir()]) >= 2


@needs_libreoffice
def test_a_libreoffice_that_cannot_start_is_not_reported_missing(tmp_path: Path) -> None:
    """LibreOffice is installed but refuses its profile: say so, never « installez »."""
    unusable = tmp_path / "profil"
    unusable.write_text("un fichier, pas un dossier de profil", encoding="utf-8")
    converter = PdfConverter(unusable, startup_timeout=60)
    with converter, pytest.raises(LibreOfficeStartFailed) as failure:
        converter.convert((ROOT / "templates_docx" / "facture.docx").read_bytes())
    message = str(failure.value)
    assert "LibreOffice s'est arrêté dès son démarrage" in message
    assert "Installez" not in message
    assert "LibreOffice est bien installé" in message
