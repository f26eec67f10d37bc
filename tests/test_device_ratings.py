"""Stratégie globale: an optional « Notation ROI » sheet rates the dispositifs (R.O.I. kit)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from pipeline import model as m
from pipeline.analysis.overview import analyse
from pipeline.cli import cli
from pipeline.errors import WorkbookError
from pipeline.workbook.blank import Guidance, engagement_workbook
from pipeline.workbook.reader import read_engagement, read_workbook
from tests.conftest import EXAMPLES, TODAY

STRATEGIE = next(p for p in EXAMPLES if "strategie" in p.name)


def _without_sheet(tmp_path: Path) -> Path:
    """The Stratégie example without its (optional) « Notation ROI » sheet."""
    book = openpyxl.load_workbook(STRATEGIE)
    del book["Notation ROI"]
    target = tmp_path / "sans notation.xlsx"
    book.save(target)
    return target


def _with_ratings(tmp_path: Path, rows: list[tuple[Any, ...]], code_header: str) -> Path:
    """The Stratégie example whose « Notation ROI » sheet rates on EFF and RET only."""
    book = openpyxl.load_workbook(STRATEGIE)
    del book["Notation ROI"]  # the example's own workshop grades
    sheet = book.create_sheet("Notation ROI")
    sheet.append(["Participant", "Public", code_header, "EFF", "RET", "Commentaire"])
    for row in rows:
        sheet.append(list(row))
    target = tmp_path / "notée.xlsx"
    book.save(target)
    return target


def test_without_the_sheet_a_strategie_has_no_rating_and_no_warning(tmp_path: Path) -> None:
    engagement = read_engagement(_without_sheet(tmp_path))
    analysis = analyse(engagement)
    assert engagement.ratings == ()
    assert analysis.roi is not None and analysis.roi.ranking == ()
    assert analysis.warnings == () and analysis.roi.unrated == ()


def test_the_dispositifs_are_ranked_by_majority_judgment(tmp_path: Path) -> None:
    # RET weighs 2 and EFF 1 in the example: a participant's overall grade is RET's.
    rows = [
        ("Ana", "Citoyen", "d4", "Très bien", "Bien", ""),
        ("Ana", "Citoyen", "D2", 4, "Insuffisant", "Trop loin"),
        ("Léo", "Élu", "D4", "Bien", "Bien", ""),
        ("Léo", "Élu", "D2", "Bien", "Passable", ""),
    ]
    engagement = read_engagement(_with_ratings(tmp_path, rows, "Dispositif"))
    assert engagement.ratings[0] == m.Rating(
        "Ana", m.Public.CITOYEN, "D4", (("EFF", m.Grade.TRES_BIEN), ("RET", m.Grade.BIEN))
    )
    assert any("le critère « INF »" in w and "n'est pas noté" in w for w in engagement.warnings)
    roi = analyse(engagement).roi
    assert roi is not None and roi.noun == "dispositif"
    # D4: overall grades Bien, Bien -> Bien. D2: Insuffisant, Passable -> Insuffisant.
    assert [(r.code, r.overall.mention) for r in roi.ranking] == [
        ("D4", "Bien⁻"),
        ("D2", "Insuffisant⁺"),
    ]
    assert roi.recommended == "D4"
    assert roi.result("D4") is not None and roi.result("D4").title == engagement.devices[3].name  # type: ignore[union-attr]
    assert "D1" in roi.unrated
    assert any("Le dispositif D1 n'a été noté par personne" in w for w in roi.warnings)


def test_a_rated_code_must_be_a_dispositif_and_be_rated_once(tmp_path: Path) -> None:
    rows = [
        ("Ana", "Citoyen", "D9", "Bien", "Bien", ""),
        ("Ana", "Citoyen", "D4", "Bien", "Bien", ""),
        ("ana", "Citoyen", "d4", "Passable", "Bien", ""),
    ]
    with pytest.raises(WorkbookError) as caught:
        read_engagement(_with_ratings(tmp_path, rows, "Dispositif"))
    messages = [str(p) for p in caught.value.problems]
    assert messages == [
        "Feuille « Notation ROI », cellule C2 : le code « D9 » n'existe pas dans la feuille "
        "« Dispositifs » (codes connus : D1, D2, D3, D4, D5, D6, D7). Corrigez le code ou "
        "ajoutez-le dans « Dispositifs ».",
        "Feuille « Notation ROI », cellule A4 : « ana » a déjà noté le dispositif « D4 » "
        "(ligne 3). Un participant note chaque dispositif une seule fois : supprimez ou "
        "fusionnez l'une des deux lignes.",
    ]


def test_the_code_column_of_a_strategie_is_headed_dispositif(tmp_path: Path) -> None:
    rows = [("Ana", "Citoyen", "D4", "Bien", "Bien", "")]
    with pytest.raises(WorkbookError) as caught:
        read_engagement(_with_ratings(tmp_path, rows, "Scénario"))
    assert "la colonne obligatoire « Dispositif » est introuvable" in str(caught.value)


def test_amoor_analyse_shows_the_ranking_of_the_dispositifs(tmp_path: Path) -> None:
    rows = [
        ("Ana", "Citoyen", "D4", "Très bien", "Bien", ""),
        ("Léo", "Élu", "D4", "Bien", "Bien", ""),
        ("Ana", "Citoyen", "D2", "Bien", "Insuffisant", ""),
    ]
    path = _with_ratings(tmp_path, rows, "Dispositif")
    text = CliRunner().invoke(cli, ["analyse", str(path)]).output
    assert "classement des dispositifs par jugement majoritaire" in text
    header = next(line for line in text.splitlines() if line.startswith("Rang"))
    assert header.split()[:3] == ["Rang", "Dispositif", "Mention"]
    assert "Dispositif recommandé : D4" in text
    assert "Ligne de force" in text  # the opinions are still there
    data = json.loads(CliRunner().invoke(cli, ["analyse", "--json", str(path)]).output)
    assert [r["code"] for r in data["ranking"]] == ["D4", "D2"]
    assert data["recommended"] == "D4" and "devices" in data

    unrated = CliRunner().invoke(cli, ["analyse", str(_without_sheet(tmp_path))]).output
    assert "Aucune notation pour l'instant" in unrated


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_an_engagement_written_back_reads_the_same(path: Path) -> None:
    engagement = read_engagement(path)
    guidance = Guidance("Titre", "Section", ("Étape",), "Mission")
    data = engagement_workbook(engagement, guidance, TODAY)
    again = read_workbook(data, "réécrit.xlsx")
    assert again == engagement
    assert again.warnings == ()


def test_text_that_looks_like_a_formula_is_written_as_text() -> None:
    engagement = read_engagement(STRATEGIE)
    device = m.Device("D9", "=2+2", description="=SOMME(A1:A3)")
    changed = m.Engagement(
        mission=engagement.mission,
        stakeholders=engagement.stakeholders,
        workshops=engagement.workshops,
        devices=(*engagement.devices, device),
        opinions=engagement.opinions,
        criteria=engagement.criteria,
    )
    data = engagement_workbook(changed, Guidance("T", "S", (), "Mission"), date(2026, 1, 2))
    assert read_workbook(data, "x.xlsx").devices[-1] == device
