"""``amoor templates check`` and ``copier``, and a workspace's own templates in a build."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from docx import Document as new_docx
from docx.document import Document as DocumentObject

from pipeline import build as build_module
from pipeline import model as m
from pipeline.build import Deliverable, build
from pipeline.cli import cli
from pipeline.workspace import Workspace, shipped_templates
from tests.conftest import EXAMPLES, TODAY

ROOT = Path(__file__).resolve().parent.parent
SAINT_AUBIN = next(p for p in EXAMPLES if "saint-aubin" in p.name)


def _check(root: Path) -> Result:
    return CliRunner().invoke(cli, ["--workspace", str(root), "templates", "check"])


def _save(document: DocumentObject, path: Path) -> Path:
    document.save(path)
    return path


def _reports(output: str) -> dict[str, str]:
    """The check's output, template by template."""
    blocks = output.split("\n\n")
    return {block.split(" ", 1)[0]: block for block in blocks if ".docx (" in block}


@pytest.mark.slow
@pytest.mark.parametrize("where", ["demo", "new"])
def test_every_shipped_template_passes_the_check(where: str, workspace: Workspace) -> None:
    result = _check(ROOT if where == "demo" else workspace.root)

    assert result.exit_code == 0, result.output
    reports = _reports(result.output)
    shipped = [path.name for path in shipped_templates()]
    assert set(shipped) <= set(reports)
    for name in shipped:
        assert "(modèle fourni)" in reports[name]
        assert "Aucun problème." in reports[name], reports[name]
        assert "Problème" not in reports[name]
    assert (
        "Cahier des charges / Note de décision (Concertation citoyenne)"
        in (reports["cahier_des_charges.docx"])
    )
    assert f"Les {len(reports)} modèles sont utilisables." in result.output


def test_a_broken_template_is_reported_with_its_file_and_paragraphs(workspace: Workspace) -> None:
    document = new_docx()
    document.add_paragraph("Cahier des charges de {{ mission.collectivite }}")
    document.add_paragraph("Date de remise : {{ doc.date ) }}")
    document.add_paragraph("Nous écrivons à la {{ mission.colectivite }} avant l'été.")
    document.add_paragraph("{% for d in deliverables %}{{ d.nme }}{% endfor %}")
    document.add_paragraph("{% if stopped %}Démarche arrêtée.")
    document.add_paragraph("Pilotage : {{ pilote }}")
    split = document.add_paragraph("Référence ")
    split.add_run("{{ mission.")
    split.add_run("reference }}").bold = True
    same = document.add_paragraph("Titre ")
    same.add_run("{{ doc.")
    same.add_run("title }}")  # cut by Word, but with one formatting: docxtpl glues it back
    _save(document, workspace.templates / "cahier_des_charges.docx")

    result = _check(workspace.root)

    assert result.exit_code == 1, result.output
    report = _reports(result.output)["cahier_des_charges.docx"]
    assert "(modèle de l'espace de travail, à la place du modèle fourni)" in report
    expected = [
        (
            "Balise illisible : « ) » inattendu.",
            "Date de remise : {{ doc.date ) }}",
        ),
        (
            "Donnée inconnue « mission.colectivite »",
            "Nous écrivons à la {{ mission.colectivite }} avant l'été.",
        ),
        ("Donnée inconnue « d.nme »", "{% for d in deliverables %}{{ d.nme }}{% endfor %}"),
        (
            "« {% if … %} » n'est jamais fermé : ajoutez « {% endif %} »",
            "{% if stopped %}Démarche arrêtée.",
        ),
        ("Donnée inconnue « pilote »", "Pilotage : {{ pilote }}"),
        (
            "Word a coupé la balise « {{ mission.reference }} » en morceaux de mises en forme "
            "différentes",
            "Référence {{ mission.reference }}",
        ),
    ]
    for message, paragraph in expected:
        assert f"{message}" in report, report
        at = report.index(message)
        assert f"    Paragraphe : « {paragraph} »" in report[at:].split("\n  Problème")[0]
    assert report.count("Problème") == len(expected)
    assert "doc.title" not in report and "mission.collectivite »" not in report
    assert "6 problèmes dans 1 modèle" in result.output
    assert str(workspace.templates / "cahier_des_charges.docx") in result.output
    assert "Aucun problème." in _reports(result.output)["facture.docx"]


def test_the_check_follows_the_registry_of_deliverables(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A deliverable added to DELIVERABLES is checked with its own context, no list to edit."""
    plan = Deliverable(
        lambda mission: "Plan de communication",
        "plan.docx",
        lambda engagement, analysis, firm, today: {"mission": {"title": engagement.mission.title}},
    )
    missing = Deliverable(lambda mission: "Fiche", "fiche.docx", plan.context)
    registry = dict(build_module.DELIVERABLES)
    registry[m.Offer.EMERGENCE] = (plan, missing)
    monkeypatch.setattr(build_module, "DELIVERABLES", registry)
    document = new_docx()
    document.add_paragraph("Plan : {{ mission.title }} pour {{ mission.titre }}")
    _save(document, workspace.templates / "plan.docx")

    result = _check(workspace.root)

    assert result.exit_code == 1
    reports = _reports(result.output)
    assert "Plan de communication (Émergence de concepts)" in reports["plan.docx"]
    assert "Donnée inconnue « mission.titre »" in reports["plan.docx"]
    assert "mission.title »" not in reports["plan.docx"]
    assert "Modèle introuvable" in reports["fiche.docx"]


@pytest.mark.slow
def test_an_unreadable_template_and_an_unused_one(workspace: Workspace) -> None:
    (workspace.templates / "facture.docx").write_bytes(b"PK\x03\x04 pas un document")
    _save(new_docx(), workspace.templates / "brouillon.docx")
    (workspace.templates / "~$facture.docx").write_bytes(b"verrou de Word")

    result = _check(workspace.root)

    assert result.exit_code == 1
    reports = _reports(result.output)
    assert "n'est pas un document Word lisible" in reports["facture.docx"]
    assert "Remarque : Aucun document d'amoor n'utilise ce modèle" in reports["brouillon.docx"]
    assert "~$facture.docx" not in result.output


@pytest.mark.slow
def test_copier_then_build_uses_the_workspace_template(workspace: Workspace) -> None:
    sentence = "Cette phrase n'existe que dans le modèle de l'espace de travail."
    copied = CliRunner().invoke(
        cli, ["--workspace", str(workspace.root), "templates", "copier", "cahier_des_charges"]
    )
    assert copied.exit_code == 0, copied.output
    own = workspace.templates / "cahier_des_charges.docx"
    assert f"Modèle copié : {own}" in copied.output
    document = new_docx(str(own))
    document.add_paragraph(sentence)
    _save(document, own)
    assert "Aucun problème." in _reports(_check(workspace.root).output)["cahier_des_charges.docx"]

    result = build(SAINT_AUBIN, workspace, TODAY)

    assert result.commit is not None
    cahier = result.commit.folder / "Cahier des charges - 2026-014.docx"
    text = "\n".join(p.text for p in new_docx(io.BytesIO(cahier.read_bytes())).paragraphs)
    assert sentence in text
    shipped = next(p for p in shipped_templates() if p.name == own.name)
    with zipfile.ZipFile(shipped) as archive:
        assert "que dans le modèle" not in archive.read("word/document.xml").decode("utf-8")


def test_copier_refuses_to_overwrite_and_names_the_choices(workspace: Workspace) -> None:
    def copier(*args: str) -> Result:
        return CliRunner().invoke(
            cli, ["--workspace", str(workspace.root), "templates", "copier", *args]
        )

    assert copier("Facture").exit_code == 0
    again = copier("facture.docx")
    assert again.exit_code == 1
    assert "existe déjà" in again.output and "--force" in again.output
    assert copier("facture", "--force").exit_code == 0
    unknown = copier("plaquette")
    assert unknown.exit_code == 1
    assert "Modèle inconnu : « plaquette ». Modèles fournis : cahier_des_charges" in (
        unknown.output
    )
