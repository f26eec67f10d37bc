"""The Kit R.O.I. citoyen's guide: its context, and the document as a reader sees it."""

from __future__ import annotations

import json
import os
import zipfile
from dataclasses import replace
from pathlib import Path

import docx
import pytest

from pipeline import model as m
from pipeline.analysis.overview import analyse
from pipeline.build import build
from pipeline.render.docx import Picture, render_docx
from pipeline.render.roi_guide import guide_context
from pipeline.workbook.reader import read_engagement
from pipeline.workspace import Workspace
from tests.conftest import DATA, EXAMPLES, TODAY
from tests.libreoffice import docx_text_via_pdf, needs_libreoffice, squash

STRATEGIE = next(p for p in EXAMPLES if "strategie" in p.name)
GOLDEN = DATA / "golden" / f"kit-roi-guide-{STRATEGIE.stem}.json"
TEMPLATE = Path(__file__).resolve().parents[1] / "templates_docx" / "kit_roi_guide.docx"
GUIDE = "Kit R.O.I. citoyen - Guide d'animation - 2026-021.docx"


def _picture(value: object) -> object:
    """Golden contexts show what a picture is, not its bytes (they vary with matplotlib)."""
    assert isinstance(value, Picture)
    assert value.png.startswith(b"\x89PNG")
    return {"picture": value.description, "width_cm": value.width_cm}


def _plain(text: str) -> str:
    """Text with its French no-break spaces as plain ones."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def _context(engagement: m.Engagement) -> dict[str, object]:
    return guide_context(engagement, analyse(engagement), "amoor", TODAY)


def test_guide_context_matches_its_golden_file() -> None:
    """Pure: compare it as JSON (set AMOOR_UPDATE_GOLDEN=1 to refresh)."""
    context = _context(read_engagement(STRATEGIE))
    text = json.dumps(context, ensure_ascii=False, indent=1, sort_keys=True, default=_picture)
    text += "\n"
    if os.environ.get("AMOOR_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_the_guide_explains_the_clients_own_grid() -> None:
    engagement = read_engagement(STRATEGIE)
    context = _context(engagement)
    weights = ["1", "1", "1", "1,5", "2", "1", "1,5", "1"]  # as typed in « Critères ROI »
    criteria = context["criteria"]
    assert isinstance(criteria, list)
    assert [(c["code"], c["weight"]) for c in criteria] == list(
        zip([c.code for c in engagement.criteria], weights, strict=True)
    )
    assert "que la collectivité a retenus pour la mission" in str(context["criteria_origin"])
    assert "« Retour » (RET)" in str(context["weights_text"])  # the heaviest criterion
    devices = context["devices"]
    assert isinstance(devices, list)
    assert [d["code"] for d in devices] == [d.code for d in engagement.devices]
    assert context["grid_file"] == "Kit R.O.I. citoyen - Grille de notation - 2026-021.xlsx"

    default = _context(replace(engagement, criteria=m.DEFAULT_CRITERIA))
    assert "huit critères du R.O.I. citoyen, tous de poids 1" in str(default["criteria_origin"])
    assert "même poids" in str(default["weights_text"])


def test_the_worked_example_runs_on_the_clients_dispositifs_as_computed_by_hand() -> None:
    engagement = read_engagement(STRATEGIE)
    example = _context(engagement)["example"]
    assert isinstance(example, dict)
    assert [d["code"] for d in example["devices"]] == ["D1", "D2", "D3"]
    assert example["devices"][0]["name"] == engagement.devices[0].name
    # Claire (élue) on D1, by hand: her profile is Bien (3) shifted by criterion
    # (0, +1, 0, −1, 0, 0, +1, −1): EFF 3, ACC 4, CLA 3, INF 2, RET 3, REC 3, EQU 4, JEU 2.
    # Weights 1, 1, 1, 1,5, 2, 1, 1,5, 1 (total 10): below Bien, INF + JEU = 2,5 < 5;
    # up to Bien, 2,5 + 1 + 1 + 2 + 1 = 7,5 ≥ 5: her overall grade is Bien.
    walkthrough = str(example["walkthrough"])
    assert walkthrough.startswith("Prenons Claire (élue), pour le dispositif D1 : EFF Bien, ACC")
    assert "pèsent 10 au total" in walkthrough and "pèsent 2,5" in walkthrough
    assert "on arrive à 7,5" in walkthrough and "est donc « Bien »" in walkthrough
    claire = [row["cells"][0]["label"] for row in example["devices"][0]["rows"]]
    assert claire == ["3", "4", "3", "2", "3", "3", "4", "2", "3"]  # the last row: overall
    # The example's result is the aggregation's: ranked, with sentences and a recommendation.
    roi = example["roi"]
    assert roi["rated"] is True and len(roi["ranking"]) == 3
    assert roi["recommendation"].startswith("Recommandation : le dispositif ")
    assert all(s.startswith(("Classement", "Le dispositif")) for s in roi["sentences"])
    assert "lors de l'atelier" not in roi["intro"]  # fictitious: no workshop date


def test_without_dispositifs_the_guide_says_what_is_missing(tmp_path: Path) -> None:
    engagement = replace(read_engagement(STRATEGIE), devices=(), opinions=())
    context = _context(engagement)
    assert context["example"] is None and context["devices"] == []
    target = tmp_path / "guide.docx"
    target.write_bytes(render_docx(TEMPLATE, context))
    text = _plain("\n".join(p.text for p in docx.Document(str(target)).paragraphs))
    assert "Aucun dispositif n’est encore décrit : votre consultant vous remettra" in text
    assert "feuille" not in text  # the reader is the collectivité: no sheet of the tool
    assert "l’exemple sera calculé sur les dispositifs de la mission" in text
    assert "{{" not in text and "{%" not in text


@pytest.mark.slow
def test_the_guide_is_a_word_document_with_headings_and_pictures(workspace: Workspace) -> None:
    result = build(STRATEGIE, workspace, today=TODAY)
    assert result.commit is not None
    path = result.commit.folder / GUIDE
    document = docx.Document(str(path))
    headings = [_plain(p.text) for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "Le kit R.O.I. citoyen" and headings[-1] == "Annexe : fiche de notation"
    assert all(h.strip() for h in headings)
    with zipfile.ZipFile(path) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    assert 'descr="Profil de mérite des dispositifs' in body
    assert "TOC \\o" in body


@pytest.mark.libreoffice
@needs_libreoffice
def test_guide_opened_by_libreoffice_shows_the_kit(
    workspace: Workspace, tmp_path: Path, lo_profile: Path
) -> None:
    engagement = read_engagement(STRATEGIE)
    result = build(STRATEGIE, workspace, today=TODAY)
    assert result.commit is not None
    text = docx_text_via_pdf(result.commit.folder / GUIDE, tmp_path, lo_profile)
    flat = squash(text)

    assert squash(engagement.mission.collectivite) in flat
    assert squash("2026-021 — page 2 / ") in flat
    assert "25 novembre 2026" in text
    for criterion, weight in zip(
        engagement.criteria, ["1", "1", "1", "1,5", "2", "1", "1,5", "1"], strict=True
    ):
        row = f"{criterion.code}{criterion.name}{criterion.definition}{weight}"
        assert squash(row) in flat, row  # one row of the criteria table, weight last
    for grade in m.Grade:
        assert squash(f"{grade.label}{int(grade)}") in flat, grade.label  # the scale table
    for device in engagement.devices:
        assert squash(f"{device.code} — {device.name}") in flat  # the rating form
    example = _context(engagement)["example"]
    assert isinstance(example, dict)
    for sentence in example["roi"]["sentences"]:
        assert squash(sentence) in flat, sentence
    assert squash(example["roi"]["recommendation"]) in flat
    assert squash(example["walkthrough"]) in flat
    assert "{{" not in text and "{%" not in text
