from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from pipeline.workspace import Workspace, init_workspace

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.xlsx"))
DATA = Path(__file__).resolve().parent / "data"
# The day every test runs on, whatever the clock says: the CLI reads it from
# AMOOR_TODAY (its one source of today's date), the core takes it as a parameter.
TODAY = date(2026, 11, 25)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> Iterator[date]:
    """Every command run by a test (CliRunner or subprocess) dates things TODAY."""
    monkeypatch.setenv("AMOOR_TODAY", TODAY.isoformat())
    yield TODAY


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """A fresh workspace made by ``amoor init``'s code, with the bundled configuration."""
    return init_workspace(tmp_path / "espace")


@pytest.fixture(scope="session")
def lo_profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One LibreOffice user profile for the session (first start is the slow one)."""
    return tmp_path_factory.mktemp("lo-profile")
