from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.workspace import Workspace, init_workspace

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.xlsx"))
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """A fresh workspace made by ``amoor init``'s code, with the bundled configuration."""
    return init_workspace(tmp_path / "espace")


@pytest.fixture(scope="session")
def lo_profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One LibreOffice user profile for the session (first start is the slow one)."""
    return tmp_path_factory.mktemp("lo-profile")
