from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from pipeline.config import set_seller
from pipeline.workspace import Workspace, init_workspace
from tests.office import office  # noqa: F401  (the fixture: one LibreOffice driven through UNO)

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


# A firm that is not amoor.toml's demonstration identity (which may not issue), yet
# fictitious: a Luhn-valid SIREN of no real company, an IBAN of a test bank code.
TEST_FIRM: dict[str, str | bool] = {
    "raison_sociale": "amoor conseil (fictif, tests)",
    "siren": "999888779",
    "siret": "99988877910008",
    "tva_intracommunautaire": "FR34999888779",
    "iban": "FR7630001007941234567890185",
}


def configure_test_firm(workspace: Workspace) -> Workspace:
    """``workspace`` with its seller set to TEST_FIRM (the issuing guard lets it issue)."""
    set_seller(workspace.config_path, TEST_FIRM)
    return Workspace.open(workspace.root)  # its configuration read anew


@pytest.fixture
def demo_workspace(tmp_path: Path) -> Workspace:
    """A fresh workspace made by ``amoor init``'s code, with the bundled configuration:
    the demonstration seller, who may not issue an invoice."""
    return init_workspace(tmp_path / "espace")


@pytest.fixture
def workspace(demo_workspace: Workspace) -> Workspace:
    """A fresh ``amoor init`` workspace whose seller is a configured (fictitious) firm."""
    return configure_test_firm(demo_workspace)


@pytest.fixture(scope="session")
def lo_profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One LibreOffice user profile for the session (first start is the slow one)."""
    return tmp_path_factory.mktemp("lo-profile")
