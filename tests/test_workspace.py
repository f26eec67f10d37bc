"""The workspace and its configuration file."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.errors import ConfigError, WorkspaceError
from pipeline.installation import bundled
from pipeline.model import Offer
from pipeline.workspace import Workspace, copy_template

ROOT = Path(__file__).resolve().parent.parent


def test_repository_root_is_the_demo_workspace() -> None:
    workspace = Workspace.open(ROOT)
    config = workspace.config
    assert config.demo is True
    assert "FICTIVES" in config.seller.name
    assert config.catalogue[Offer.CONCERTATION].base == Decimal(5000)
    assert config.catalogue[Offer.STRATEGIE].base == Decimal(10000)
    assert config.catalogue[Offer.EMERGENCE].base == Decimal(7000)
    assert set(config.catalogue[Offer.EMERGENCE].options) == {
        "Ateliers de prototypage de solutions",
        "Tests",
    }
    assert config.number_format.format(annee=2026, numero=1) == "F-2026-0001"
    assert workspace.template("cahier_des_charges.docx").is_file()


def test_the_bundled_configuration_is_the_demo_one() -> None:
    assert bundled("amoor.toml").read_bytes() == (ROOT / "amoor.toml").read_bytes()


def test_a_template_copied_into_the_workspace_overrides_the_bundled_one(
    workspace: Workspace,
) -> None:
    shipped = bundled("templates_docx") / "cahier_des_charges.docx"
    assert workspace.template("cahier_des_charges.docx") == shipped
    own = copy_template(workspace, "Cahier des charges")
    assert own == workspace.templates / "cahier_des_charges.docx"
    assert own.read_bytes() == shipped.read_bytes()
    assert workspace.template("cahier_des_charges.docx") == own
    with pytest.raises(WorkspaceError, match="--force"):
        copy_template(workspace, "cahier_des_charges.docx")
    own.write_bytes(b"retouche")
    copy_template(workspace, "cahier_des_charges", force=True)
    assert own.read_bytes() == shipped.read_bytes()
    own.unlink()
    assert workspace.template("cahier_des_charges.docx") == shipped


def test_copying_an_unknown_template_lists_the_shipped_ones(workspace: Workspace) -> None:
    with pytest.raises(WorkspaceError, match=r"Modèles fournis : .*cahier_des_charges.*facture"):
        copy_template(workspace, "plaquette")


def test_the_demo_workspace_ships_its_templates_and_copies_none() -> None:
    demo = Workspace.open(ROOT)
    assert demo.ships_templates
    with pytest.raises(WorkspaceError, match="modèles fournis"):
        copy_template(demo, "facture")


def test_a_folder_without_configuration_is_not_a_workspace(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="amoor init DOSSIER"):
        Workspace.open(tmp_path)


def test_configuration_problems_are_all_reported_with_their_key(tmp_path: Path) -> None:
    text = (ROOT / "amoor.toml").read_text(encoding="utf-8")
    text = text.replace('siren = "123456782"', 'siren = "12345"')
    text = text.replace('regime_tva = "normal"', 'regime_tva = "réduit"')
    text = text.replace('format_numero = "F-{annee}-{numero:04d}"', 'format_numero = "F {annee}"')
    path = tmp_path / "amoor.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert "[vendeur] siren : 9 chiffres valides attendus" in message
    assert "[vendeur] regime_tva" in message
    assert "[facturation] format_numero : doit contenir {numero}" in message


def test_a_malformed_configuration_says_so(tmp_path: Path) -> None:
    path = tmp_path / "amoor.toml"
    path.write_text("[vendeur\nraison_sociale = amoor\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="mal formé"):
        load_config(path)
