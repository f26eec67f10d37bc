"""``amoor rebuild``: incremental, parallel, and hand edits never overwritten (issue 10)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from docx import Document

from pipeline.build import build
from pipeline.cli import cli
from pipeline.manifest import MANIFEST, digest
from pipeline.workspace import Workspace, copy_template, init_workspace
from tests.conftest import EXAMPLES, TODAY, configure_test_firm

SAINT_AUBIN = next(p for p in EXAMPLES if "saint-aubin" in p.name)

# The module's workspace is settled by a first `amoor rebuild`, whose recovery makes the issued
# invoice's Factur-X with LibreOffice when it is installed: every test here starts from it.
pytestmark = pytest.mark.libreoffice


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace whose outbox holds every example engagement, built once for the module."""
    workspace = configure_test_firm(init_workspace(tmp_path_factory.mktemp("built") / "espace"))
    for example in EXAMPLES:
        build(example, workspace, TODAY)
    # The first command's recovery makes the issued invoice's Factur-X when LibreOffice is
    # there (the builds above ran without it): from here on, the outbox is settled.
    assert rebuild(workspace).exit_code == 0
    return workspace.root


@pytest.fixture
def workspace(built: Path, tmp_path: Path) -> Workspace:
    root = tmp_path / "espace"
    shutil.copytree(built, root, symlinks=True)
    return Workspace.open(root)


def rebuild(workspace: Workspace, *args: str) -> Result:
    return CliRunner().invoke(cli, ["-w", str(workspace.root), "rebuild", *args])


def snapshot(folder: Path) -> dict[Path, tuple[int, str]]:
    """Every file under ``folder``: its mtime (ns) and digest."""
    return {
        path: (path.stat().st_mtime_ns, digest(path.read_bytes()))
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def changed(before: dict[Path, tuple[int, str]], after: dict[Path, tuple[int, str]]) -> set[Path]:
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


def made_with(workspace: Workspace, recipe: str) -> set[Path]:
    """The deliverables every manifest of the outbox says were made by ``recipe``."""
    found = set()
    for manifest in workspace.outbox.glob(f"*/{MANIFEST}"):
        made = json.loads(manifest.read_text(encoding="utf-8"))["made"]
        found |= {manifest.parent / name for name, (r, _) in made.items() if r == recipe}
    return found


def written_paths(result: Result) -> set[Path]:
    prefix = "  écrit : "
    return {
        Path(line[len(prefix) :]) for line in result.output.splitlines() if line.startswith(prefix)
    }


def edit_template(workspace: Workspace, name: str, text: str) -> None:
    target = copy_template(workspace, name)
    document = Document(str(target))
    document.add_paragraph(text)
    document.save(str(target))


def edit_by_hand(path: Path, text: str) -> bytes:
    document = Document(str(path))
    document.add_paragraph(text)
    document.save(str(path))
    return path.read_bytes()


def test_a_noop_rebuild_writes_nothing(workspace: Workspace) -> None:
    before = snapshot(workspace.outbox)
    charts = snapshot(workspace.state.charts)
    result = rebuild(workspace, "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert f"0 mission(s) reconstruite(s), {len(EXAMPLES)} inchangée(s), 0 en échec" in (
        result.output
    )
    assert changed(before, snapshot(workspace.outbox)) == set()
    assert changed(charts, snapshot(workspace.state.charts)) == set()


def test_changing_one_template_rebuilds_exactly_the_documents_using_it(
    workspace: Workspace,
) -> None:
    using = made_with(workspace, "priced:cahier_des_charges.docx")
    assert len(using) == 2  # the two Concertation examples (one of them stopped)
    edit_template(workspace, "cahier_des_charges", "Clause corrigée par le cabinet.")
    before = snapshot(workspace.outbox)
    result = rebuild(workspace, "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert changed(before, snapshot(workspace.outbox)) == using | {
        path.parent / MANIFEST for path in using
    }
    for path in using:
        assert "Clause corrigée par le cabinet." in _text(path)
    assert f"2 mission(s) reconstruite(s), {len(EXAMPLES) - 2} inchangée(s)" in result.output


def test_a_catalogue_change_rebuilds_only_what_states_prices_never_an_issued_invoice(
    workspace: Workspace,
) -> None:
    proformas = made_with(workspace, "proforma:facture.docx")
    assert proformas  # the examples hold proformas, and one issued invoice
    # The cahiers and the Pistes report state the fee as the invoice does: priced too.
    priced = {
        path
        for template in ("cahier_des_charges", "cahier_strategie", "rapport_pistes")
        for path in made_with(workspace, f"priced:{template}.docx")
    }
    assert len(priced) == 4
    issued = sorted(workspace.outbox.glob("*/Facture F-*.docx"))
    assert issued
    config = workspace.config_path.read_text(encoding="utf-8")
    assert 'prix_base = "' in config
    workspace.config_path.write_text(
        config.replace('prix_base = "', 'prix_base = "1'), encoding="utf-8"
    )
    before = snapshot(workspace.outbox)
    result = rebuild(workspace)
    assert result.exit_code == 0, result.output
    # The proformas are made again (the workbooks' own prices may leave their bytes as
    # they were: then the files are not even rewritten); nothing else is touched.
    assert written_paths(result) == proformas | priced
    touched = {p for p in changed(before, snapshot(workspace.outbox)) if p.name != MANIFEST}
    assert touched <= proformas | priced
    assert not touched & set(issued)


def test_a_deliverable_edited_by_hand_is_left_intact_by_rebuild_and_by_build(
    workspace: Workspace,
) -> None:
    kit = next(workspace.outbox.glob("Commune de Saint-Aubin*/Kit de communication*.docx"))
    edited = edit_by_hand(kit, "Remarque ajoutée par la consultante.")
    edit_template(workspace, "kit_communication", "Nouveau logo du cabinet.")

    result = rebuild(workspace)
    assert result.exit_code == 0, result.output
    beside = kit.with_name(f"{kit.stem} (nouvelle version).docx")
    assert kit.read_bytes() == edited
    assert "Nouveau logo du cabinet." in _text(beside)
    assert "Protégés car modifiés à la main (4)" not in result.output  # only this one
    assert (
        f"« {kit} » : mis à jour en suivi ; la nouvelle version est dans « {beside} »"
    ) in result.output

    build(SAINT_AUBIN, workspace, TODAY)  # a plain build of the same workbook
    assert kit.read_bytes() == edited
    assert "Nouveau logo du cabinet." in _text(beside)

    again = rebuild(workspace)  # nothing changed since: nothing to do
    assert again.exit_code == 0, again.output
    assert "Protégés" not in again.output and "0 mission(s) reconstruite(s)" in again.output


def test_force_replaces_a_hand_edit_after_keeping_a_dated_backup(workspace: Workspace) -> None:
    kit = next(workspace.outbox.glob("Commune de Saint-Aubin*/Kit de communication*.docx"))
    edited = edit_by_hand(kit, "Remarque ajoutée par la consultante.")

    result = rebuild(workspace, "--force", "--ref", "2026-014")
    assert result.exit_code == 0, result.output
    backup = kit.with_name(
        f"{kit.stem} (modifié à la main, sauvegarde du {TODAY.isoformat()}).docx"
    )
    assert backup.read_bytes() == edited
    assert "Remarque ajoutée par la consultante." not in _text(kit)
    assert not kit.with_name(f"{kit.stem} (nouvelle version).docx").exists()
    assert f"« {kit} » : l'ancien fichier est gardé dans « {backup} »" in result.output
    assert "1 mission(s) reconstruite(s)" in result.output  # --ref: only this one looked at


def test_one_failing_engagement_never_stops_the_others(workspace: Workspace) -> None:
    folder = next(workspace.outbox.glob("Commune de Saint-Aubin*"))
    next(folder.glob("*.xlsx")).write_bytes(b"not a workbook any more")
    edit_template(workspace, "kit_communication", "Nouveau logo du cabinet.")
    result = rebuild(workspace, "--jobs", "2", "--ref", "2026-014", "--ref", "2026-017")
    assert result.exit_code == 1
    assert "Échec : mission 2026-014" in result.output
    assert "1 mission(s) reconstruite(s), 0 inchangée(s), 1 en échec" in result.output
    emergence = next(workspace.outbox.glob("Département des Hautes-Combes*/Kit*.docx"))
    assert "Nouveau logo du cabinet." in _text(emergence)


def test_an_unknown_reference_is_a_french_failure(workspace: Workspace) -> None:
    result = rebuild(workspace, "--ref", "2099-999")
    assert result.exit_code == 1
    assert "aucune mission de Référence « 2099-999 »" in result.output


def _text(path: Path) -> str:
    return "\n".join(p.text for p in Document(str(path)).paragraphs)
