"""Charts drawn only when their data change (issue 10, item 5): the cache in .amoor/charts/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from pipeline.build import build
from pipeline.workspace import Workspace
from tests.conftest import EXAMPLES, ROOT, TODAY

SAINT_AUBIN = next(p for p in EXAMPLES if "saint-aubin" in p.name)


def charts(workspace: Workspace) -> dict[str, int]:
    """The cached charts: file name -> mtime (ns)."""
    return {p.name: p.stat().st_mtime_ns for p in workspace.state.charts.glob("*.png")}


def first_stakeholder(source: Path, target: Path, column: str, value: object) -> Path:
    """``source`` with the first stakeholder's ``column`` set to ``value``, saved as ``target``."""
    book = openpyxl.load_workbook(source)
    sheet = book["Parties prenantes"]
    header = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "Nom")
    col = next(c for c in range(1, 10) if sheet.cell(header, c).value == column)
    sheet.cell(header + 1, col).value = value
    book.save(target)
    return target


@pytest.mark.slow
def test_a_changed_chart_input_redraws_the_chart_an_unchanged_one_does_not(
    workspace: Workspace, tmp_path: Path
) -> None:
    build(SAINT_AUBIN, workspace, TODAY)
    first = charts(workspace)
    assert len(first) == 2  # the stakeholder map and the merit profile

    build(SAINT_AUBIN, workspace, TODAY)  # same data: every chart read back, none drawn
    assert charts(workspace) == first

    # A role is in the register, not on the map: the map is not drawn again.
    role = first_stakeholder(SAINT_AUBIN, tmp_path / "role.xlsx", "Rôle et attentes", "Autre")
    build(role, workspace, TODAY)
    assert charts(workspace) == first

    # An influence moves a marker: the map is drawn again, the merit profile is not.
    moved = first_stakeholder(SAINT_AUBIN, tmp_path / "moved.xlsx", "Influence", 1)
    build(moved, workspace, TODAY)
    now = charts(workspace)
    assert len(now) == 3
    assert {name: now[name] for name in first} == first  # the old ones untouched


@pytest.mark.slow
def test_a_build_whose_charts_are_cached_does_not_import_matplotlib(workspace: Workspace) -> None:
    build(SAINT_AUBIN, workspace, TODAY)  # draws, and keeps, the charts
    script = (
        "import sys\n"
        "from datetime import date\n"
        "from pathlib import Path\n"
        "from pipeline.build import build\n"
        "from pipeline.workspace import Workspace\n"
        f"build(Path({str(SAINT_AUBIN)!r}), Workspace.open(Path({str(workspace.root)!r})),"
        f" date.fromisoformat({TODAY.isoformat()!r}))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert run.stdout.strip() == "[]", run.stderr
