"""A batch never stops for one path, and the terminal stays French.

Each bad path gets its own French message (missing, a folder, no right to
read it); the good workbooks of the batch are built. Third-party warnings
(matplotlib's missing glyphs) go to the workspace's log file, in English,
never to the consultant's terminal.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from pipeline.workspace import Workspace
from tests.conftest import EXAMPLES

SAINT_AUBIN = next(p for p in EXAMPLES if "saint-aubin" in p.name)
EMERGENCE = next(p for p in EXAMPLES if "emergence" in p.name)

# Each test runs `amoor build` on examples, which asks LibreOffice, when it is installed,
# for the page numbers of their tables of contents.
pytestmark = pytest.mark.libreoffice


def _as_unprivileged() -> list[str]:
    """A prefix that runs a command without the right to read others' files.

    root reads every file whatever its mode: as root, the command runs without
    the capabilities that allow it (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH).
    """
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("setpriv (util-linux) absent : impossible de retirer à root le droit de lire")
    return [setpriv, "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search"]


def test_a_batch_builds_the_good_paths_and_reports_the_others(
    workspace: Workspace, tmp_path: Path
) -> None:
    unreadable = tmp_path / "confidentiel.xlsx"
    shutil.copy(SAINT_AUBIN, unreadable)
    unreadable.chmod(0)
    folder = tmp_path / "dossier.xlsx"
    folder.mkdir()
    missing = tmp_path / "absent.xlsx"
    paths = [SAINT_AUBIN, unreadable, folder, missing, EMERGENCE]

    result = subprocess.run(
        [
            *_as_unprivileged(),
            sys.executable,
            "-m",
            "pipeline",
            "-w",
            str(workspace.root),
            "build",
            *map(str, paths),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 1
    errors = result.stderr.splitlines()
    assert f"Erreur : Lecture de « {unreadable} » refusée" in errors[0]
    assert f"Erreur : « {folder} » est un dossier, pas un classeur" in errors[1]
    assert f"Erreur : Fichier introuvable : « {missing} »" in errors[2]
    assert errors[3] == "3 classeur(s) sur 5 non traité(s)."
    assert len(errors) == 4
    assert "Traceback" not in result.stderr and "Path '" not in result.stderr
    assert f"{SAINT_AUBIN.name} : Concertation citoyenne" in result.stdout
    assert f"{EMERGENCE.name} : Émergence de concepts" in result.stdout
    built = sorted(p.name for p in workspace.outbox.iterdir() if p.is_dir())
    assert built == [
        "Commune de Saint-Aubin-des-Brumes - 2026-014",
        "Département des Hautes-Combes - 2026-017",
    ]


def test_third_party_warnings_go_to_the_log_not_the_terminal(
    workspace: Workspace, tmp_path: Path
) -> None:
    book = openpyxl.load_workbook(next(p for p in EXAMPLES if "strategie" in p.name))
    sheet = book["Dispositifs"]  # their titles are drawn in the opinions chart
    header = next(c for c in sheet["B"] if c.value == "Dispositif")
    for row in range(header.row + 1, sheet.max_row + 1):
        if sheet.cell(row, 2).value:
            sheet.cell(row, 2).value += " 🎉"  # no glyph for it in the charts' font
    emoji = tmp_path / "emoji.xlsx"
    book.save(emoji)

    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "-w", str(workspace.root), "build", str(emoji)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "Glyph" not in result.stdout and "Warning" not in result.stdout
    log = (workspace.root / ".amoor" / "amoor.log").read_text(encoding="utf-8")
    assert "UserWarning: Glyph 127881" in log and "missing from font" in log
