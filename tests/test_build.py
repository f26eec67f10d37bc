"""The whole trip of a workbook: examples, LibreOffice round trips, the Cahier des charges."""

from __future__ import annotations

import json
import os
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
import pytest

from pipeline import model as m
from pipeline.analysis.overview import analyse
from pipeline.build import build
from pipeline.formats import money
from pipeline.render.cahier import cahier_context, cahier_title
from pipeline.render.docx import Picture
from pipeline.workbook.reader import read_engagement
from pipeline.workspace import Workspace
from tests.conftest import DATA, EXAMPLES, TODAY
from tests.libreoffice import convert, docx_text_via_pdf, needs_libreoffice, squash
from tests.samples import set_mission_field

SAINT_AUBIN = next(p for p in EXAMPLES if "saint-aubin" in p.name)
STOPPED = next(p for p in EXAMPLES if "arretee" in p.name)
GOLDEN = DATA / "golden"


def _picture(value: object) -> object:
    """Golden contexts show what a picture is, not its bytes (they vary with matplotlib)."""
    assert isinstance(value, Picture)
    assert value.png.startswith(b"\x89PNG")
    return {"picture": value.description, "width_cm": value.width_cm}


def test_there_is_an_example_per_offer() -> None:
    offers = {read_engagement(path).offer for path in EXAMPLES}
    assert offers == set(m.Offer)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_reads_without_problems(path: Path) -> None:
    engagement = read_engagement(path)
    assert engagement.warnings == ()
    assert len(engagement.stakeholders) >= 30
    if engagement.offer is m.Offer.CONCERTATION and engagement.mission.stage is not m.Stage.ARRETEE:
        participants = {r.participant for r in engagement.ratings}
        assert len(participants) >= 15
        assert 3 <= len(engagement.scenarios) <= 4


def test_examples_hold_what_makes_rendering_hard() -> None:
    engagement = read_engagement(SAINT_AUBIN)
    texts = [s.name for s in engagement.stakeholders] + [p.detail for p in engagement.parameters]
    texts += [engagement.mission.context, engagement.mission.stakes]
    joined = "\n".join(texts)
    for needle in ("&", "<", "’", "é", "\n"):
        assert needle in joined
    assert max(len(t) for t in texts) > 600


@pytest.mark.parametrize("name", ["Saint-Aubin", "Val-de-Brume"])
def test_cahier_context_matches_its_golden_file(name: str) -> None:
    """The render context is pure: compare it as JSON (set AMOOR_UPDATE_GOLDEN=1 to refresh)."""
    path = SAINT_AUBIN if name == "Saint-Aubin" else STOPPED
    engagement = read_engagement(path)
    context = cahier_context(engagement, analyse(engagement), "amoor", TODAY)
    golden = GOLDEN / f"cahier-{path.stem}.json"
    text = json.dumps(context, ensure_ascii=False, indent=1, sort_keys=True, default=_picture)
    text += "\n"
    if os.environ.get("AMOOR_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_build_writes_the_cahier_beside_its_workbook(workspace: Workspace) -> None:
    result = build(SAINT_AUBIN, workspace, today=TODAY)

    assert result.commit is not None
    folder = workspace.outbox / "Commune de Saint-Aubin-des-Brumes - 2026-014"
    assert result.commit.folder == folder
    assert result.commit.written == (
        folder / "Cahier des charges - 2026-014.docx",
        folder / "Kit de communication - 2026-014.docx",
        folder / "Facture proforma - 2026-014.docx",  # « Facture » left blank: proforma
    )
    assert (folder / SAINT_AUBIN.name).read_bytes() == SAINT_AUBIN.read_bytes()
    assert SAINT_AUBIN.exists()


def test_stopped_concertation_gives_a_decision_note(workspace: Workspace) -> None:
    result = build(STOPPED, workspace, today=TODAY)
    assert result.commit is not None
    assert [p.name for p in result.commit.written] == [
        "Note de décision - 2026-009.docx",
        "Kit de communication - 2026-009.docx",  # about the information plan
        "Facture F-2026-0001 - 2026-009.docx",  # « À émettre »
    ]
    # A decision note carries no workshop grid: no R.O.I. citoyen criteria table.
    note = docx.Document(str(result.commit.written[0]))
    headers = [[c.text for c in t.rows[0].cells] for t in note.tables]
    assert ["Code", "Critère", "Définition"] not in headers
    assert "la grille R.O.I. citoyen n’est pas employée" in "\n".join(
        p.text for p in note.paragraphs
    )


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("invoice", [None, "Non"], ids=["facture-du-classeur", "facture-non"])
def test_every_example_gets_every_deliverable_of_its_offer(
    path: Path, invoice: str | None, workspace: Workspace, tmp_path: Path
) -> None:
    """docs/deliverables.md (« By offer »), offer by offer; « Facture » set to « Non »
    changes only the invoice."""
    if invoice is not None:
        path = set_mission_field(path, tmp_path / path.name, "Facture", invoice)
    result = build(path, workspace, today=TODAY)
    mission = result.engagement.mission
    expected = {
        m.Offer.CONCERTATION: [cahier_title(mission), "Kit de communication"],
        m.Offer.STRATEGIE: [
            "Cahier des charges",
            "Outil de communication",
            "Kit R.O.I. citoyen - Guide d'animation",
            "Kit R.O.I. citoyen - Grille de notation",
        ],
        m.Offer.EMERGENCE: ["Rapport « Pistes créatives »", "Kit de communication"],
    }[mission.offer]
    assert result.commit is not None
    written = [p.name for p in result.commit.written]
    documents = [n for n in written if not n.startswith(("Facture", "Avoir"))]
    assert [n.rsplit(" - ", 1)[0] for n in documents] == expected
    assert all(n.endswith(f" - {mission.reference}.docx") or n.endswith(".xlsx") for n in documents)
    invoiced = any(n.startswith("Facture") for n in written)
    assert invoiced is (mission.invoice_mode is not m.InvoiceMode.NON)


@pytest.mark.libreoffice
@needs_libreoffice
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_workbook_saved_by_libreoffice_reads_the_same(
    path: Path, tmp_path: Path, lo_profile: Path
) -> None:
    converted = convert(path, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo", lo_profile)
    assert converted.read_bytes() != path.read_bytes()
    assert read_engagement(converted) == read_engagement(path)


@pytest.mark.libreoffice
@needs_libreoffice
def test_cahier_opened_by_libreoffice_shows_everything(
    workspace: Workspace, tmp_path: Path, lo_profile: Path
) -> None:
    engagement = read_engagement(SAINT_AUBIN)
    result = build(SAINT_AUBIN, workspace, today=TODAY)
    assert result.commit is not None
    text = docx_text_via_pdf(result.commit.written[0], tmp_path, lo_profile)
    flat = squash(text)

    assert squash(engagement.mission.collectivite) in flat
    for stakeholder in engagement.stakeholders:
        assert squash(stakeholder.name) in flat, stakeholder.name
    assert squash("Association Vélo & Cité") in flat
    assert squash("budget < 2 000 €") in flat
    assert "&amp;" not in text and "&lt;" not in text
    total = sum((p.amount for p in engagement.parameters if p.amount is not None), Decimal(0))
    assert squash(money(total)) in flat  # every amount of the workbook, in French format
    assert "25 novembre 2026" in text
    for quadrant in m.Quadrant:
        assert quadrant.value in text

    # Section 6: the R.O.I. citoyen results follow majority judgment.
    roi = analyse(engagement).roi
    assert roi is not None and roi.recommended == "S2"
    assert squash("Classement par jugement majoritaire : S2, puis S4, S1 et S3.") in flat
    assert squash("Recommandation : le scénario S2") in flat
    for result in roi.ranking:
        mention = result.overall.mention
        sentence = f"Le scénario {result.code} obtient la mention majoritaire {mention}"
        assert squash(sentence) in flat, sentence
    # The plain mean would put S3 before S1; the document says so and follows majority judgment.
    assert squash("La moyenne des notes aurait donné un autre ordre (S2, S4, S3, S1)") in flat


@pytest.mark.libreoffice
@needs_libreoffice
def test_formula_saved_by_a_spreadsheet_reads_its_cached_value(
    tmp_path: Path, lo_profile: Path
) -> None:
    broken = DATA / "broken" / "formula-no-cache.xlsx"
    saved = convert(broken, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo", lo_profile)
    engagement = read_engagement(saved)
    assert engagement.stakeholders[0].interest == 4  # the cached result of =2+2


def test_charts_carry_an_alternative_text(workspace: Workspace) -> None:
    result = build(SAINT_AUBIN, workspace, today=TODAY)
    assert result.commit is not None
    with zipfile.ZipFile(result.commit.written[0]) as docx:
        body = docx.read("word/document.xml").decode("utf-8")
    assert 'descr="Carte pouvoir / intérêt des parties prenantes : chaque numéro' in body
    assert body.count("<wp:docPr descr=") == 2  # the map and the merit profile
