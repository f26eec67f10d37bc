"""The Rapport « Pistes créatives » of an Émergence de concepts, from the example workbook."""

from __future__ import annotations

import json
import os
import re
import zipfile
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn

from pipeline import model as m
from pipeline.analysis.overview import analyse
from pipeline.build import build
from pipeline.formats import percent
from pipeline.render.docx import Picture
from pipeline.render.pistes import by_maturity, pistes_context
from pipeline.workbook.reader import read_engagement
from pipeline.workspace import Workspace
from tests.conftest import DATA, EXAMPLES, TODAY
from tests.libreoffice import docx_text_via_pdf, needs_libreoffice, squash

HAUTES_COMBES = next(p for p in EXAMPLES if "hautes-combes" in p.name)
GOLDEN = DATA / "golden" / f"pistes-{HAUTES_COMBES.stem}.json"
REPORT = "Rapport « Pistes créatives » - 2026-017.docx"


def _picture(value: object) -> object:
    """Golden contexts show what a picture is, not its bytes (they vary with matplotlib)."""
    assert isinstance(value, Picture)
    assert value.png.startswith(b"\x89PNG")
    return {"picture": value.description, "width_cm": value.width_cm}


def test_pistes_context_matches_its_golden_file() -> None:
    """The render context is pure: compare it as JSON (set AMOOR_UPDATE_GOLDEN=1 to refresh)."""
    engagement = read_engagement(HAUTES_COMBES)
    context = pistes_context(engagement, analyse(engagement), "amoor", TODAY)
    text = json.dumps(context, ensure_ascii=False, indent=1, sort_keys=True, default=_picture)
    text += "\n"
    if os.environ.get("AMOOR_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_build_writes_the_report_with_its_two_charts(workspace: Workspace) -> None:
    result = build(HAUTES_COMBES, workspace, today=TODAY)
    assert result.commit is not None
    assert [p.name for p in result.commit.written] == [  # « Facture : Non »: no invoice
        REPORT,
        "Kit de communication - 2026-017.docx",
    ]
    with zipfile.ZipFile(result.commit.written[0]) as package:
        body = package.read("word/document.xml").decode("utf-8")
    assert 'descr="Carte pouvoir / intérêt des parties prenantes : chaque numéro' in body
    assert 'descr="Réactions aux scénarios testés (adhésion, réserve, rejet), par cible"' in body
    # French percentages: the sign never leaves its number at a line's end.
    assert re.search(r"\d[\u00a0\u202f]%", body)
    assert not re.search(r"\d %", body)


def _reactions(tests: tuple[m.ConceptTest, ...]) -> dict[tuple[str, m.Target], Counter[m.Reaction]]:
    """Reactions counted straight from the sheet's rows (scenario names as typed here)."""
    counts: dict[tuple[str, m.Target], Counter[m.Reaction]] = {}
    for test in tests:
        counts.setdefault((test.scenario, test.target), Counter())[test.reaction] += 1
    return counts


@pytest.mark.libreoffice
@needs_libreoffice
def test_report_opened_by_libreoffice_shows_everything(
    workspace: Workspace, tmp_path: Path, lo_profile: Path
) -> None:
    engagement = read_engagement(HAUTES_COMBES)
    result = build(HAUTES_COMBES, workspace, today=TODAY)
    assert result.commit is not None
    text = docx_text_via_pdf(result.commit.written[0], tmp_path, lo_profile)
    flat = squash(text)

    mission = engagement.mission
    for fact in (mission.collectivite, mission.reference, mission.title, "25 novembre 2026"):
        assert squash(fact) in flat, fact
    assert "&amp;" not in text and "&lt;" not in text
    assert squash("budget < 2 000 € par jour de tournée") in flat  # typed in « Pistes »

    # Research: every type present, in the contract's order, with its sources.
    types = [t for t in m.ResearchType if any(r.type is t for r in engagement.research)]
    assert len(types) >= 5
    positions = [
        flat.index(squash(f"{t.value} ({sum(r.type is t for r in engagement.research)})"))
        for t in types
    ]
    assert positions == sorted(positions)
    for research in engagement.research:
        assert squash(research.source) in flat, research.source
        assert squash(research.lesson) in flat, research.lesson

    # Crucial parameters with their hypotheses, and named where a scenario tests them.
    for parameter in engagement.crucial_parameters:
        assert squash(f"{parameter.code} — {parameter.name}") in flat, parameter.code
        assert squash(parameter.hypothesis) in flat, parameter.code

    # Per scenario and target: counts, French percentages, whether it convinces.
    for (scenario, target), counts in _reactions(engagement.tests).items():
        n = sum(counts.values())
        shares = " ".join(f"{percent(counts[r] / n)} ({counts[r]})" for r in m.Reaction)
        verdict = "Oui" if counts[m.Reaction.ADHESION] > counts[m.Reaction.REJET] else "Non"
        row = f"{target.value} {n} {shares} {verdict}"
        assert squash(row) in flat, (scenario, row)

    # Every lead, with its maturity, the most mature first.
    for lead in engagement.leads:
        assert lead.maturity is not None
        assert squash(f"{lead.code} {lead.name} {lead.maturity.value}") in flat, lead.code
        assert squash(f"{lead.code} — {lead.name}") in flat, lead.code
    groups = [
        flat.index(squash(f"{level.value} ("))
        for level in (m.Maturity.PRET, m.Maturity.CONCEPT, m.Maturity.IDEE)
    ]
    assert groups == sorted(groups)
    assert squash("Paramètres encore à tester") in flat


def test_leads_go_from_the_most_mature_and_unrated_ones_last() -> None:
    leads = [
        m.Lead("A", "Sans maturité"),
        m.Lead("B", "Idée", maturity=m.Maturity.IDEE),
        m.Lead("C", "Prête", maturity=m.Maturity.PRET),
        m.Lead("D", "Concept", maturity=m.Maturity.CONCEPT),
        m.Lead("E", "Prête aussi", maturity=m.Maturity.PRET),
    ]
    assert [lead.code for lead in by_maturity(leads)] == ["C", "E", "D", "B", "A"]


def test_sentences_say_who_is_convinced_and_what_remains_to_test() -> None:
    engagement = read_engagement(HAUTES_COMBES)
    tests = (
        m.ConceptTest("Seul", m.Target.CITOYENS, m.Reaction.REJET, parameters=("P1",)),
        m.ConceptTest("Seul", m.Target.ELUS, m.Reaction.RESERVE, parameters=("P1",)),
    )
    changed = replace(engagement, tests=tests)
    context = pistes_context(changed, analyse(changed), "amoor", TODAY)
    (scenario,) = context["tests"]["scenarios"]
    assert scenario["sentence"] == (
        f"Ce scénario ne convainc aucune des cibles testées (Élus : adhésion {percent(0)}, "
        f"rejet {percent(0)} ; Citoyens : adhésion {percent(0)}, rejet {percent(1)})."
    )
    to_test = {p["code"]: p["text"] for p in context["next_steps"]["to_test"]}
    assert to_test["P2"] == "n’a encore été testé dans aucun scénario."
    assert to_test["P1"].startswith("à retravailler")
    assert to_test["P1"].endswith("; à tester auprès des services.")
    assert context["next_steps"]["all_tested"] == ""


# --------------------------------------------------------------------------- empty sheets
def _emptied(path: Path, sheets: tuple[str, ...], target: Path) -> Path:
    """A copy of the workbook whose given sheets keep their header row only."""
    workbook = openpyxl.load_workbook(path)
    for name in sheets:
        sheet = workbook[name]
        sheet.delete_rows(2, sheet.max_row)
    workbook.save(target)
    return target


def _level(paragraph: Any) -> int | None:
    name = paragraph.style.name if paragraph.style is not None else ""
    return int(name.split()[-1]) if name.startswith("Heading") else None


def _blocks(document: Any) -> list[tuple[str, Any]]:
    """Body paragraphs and tables, in document order."""
    body = document.element.body
    paragraphs = {p._p: p for p in document.paragraphs}
    tables = {t._tbl: t for t in document.tables}
    order: list[tuple[str, Any]] = []
    for child in body.iterchildren():
        if child in paragraphs:
            order.append(("p", paragraphs[child]))
        elif child in tables:
            order.append(("t", tables[child]))
    return order


EMERGENCE_SHEETS = ("Recherches", "Paramètres cruciaux", "Tests", "Pistes", "Parties prenantes")


@pytest.mark.parametrize("sheets", [("Tests",), EMERGENCE_SHEETS], ids=["tests", "all"])
def test_empty_sheets_leave_no_empty_heading_nor_table(
    sheets: tuple[str, ...], workspace: Workspace, tmp_path: Path
) -> None:
    workbook = _emptied(HAUTES_COMBES, sheets, tmp_path / HAUTES_COMBES.name)
    result = build(workbook, workspace, today=TODAY)
    assert result.commit is not None
    document = docx.Document(str(result.commit.written[0]))
    text = "\n".join(p.text for p in document.paragraphs)
    text = text.replace("\u00a0", " ").replace("\u202f", " ")  # French no-break spaces

    blocks = [(kind, item) for kind, item in _blocks(document) if kind == "t" or item.text.strip()]
    # Six sections of the report, then the fee, the calendar and the validation block.
    assert sum(kind == "p" and _level(item) == 1 for kind, item in blocks) == 9
    for index, (kind, item) in enumerate(blocks):
        if kind == "t":
            body_rows = [
                r
                for r in item.rows
                if r._tr.trPr is None or r._tr.trPr.find(qn("w:tblHeader")) is None
            ]
            assert any(c.text.strip() for r in body_rows for c in r.cells), "empty table"
            continue
        level = _level(item)
        if level is None:
            continue
        assert item.text.strip()
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        assert following is not None, f"« {item.text} » ends the document"
        next_level = _level(following[1]) if following[0] == "p" else None
        assert next_level is None or next_level > level, f"« {item.text} » is empty"

    assert "Aucun test de scénario n’est encore consigné : " in text
    assert "feuille" not in text  # the reader is the collectivité: no sheet of the tool
    assert "Réactions par cible" not in text
    with zipfile.ZipFile(result.commit.written[0]) as package:
        body = package.read("word/document.xml").decode("utf-8")
    assert "Réactions aux scénarios testés (adhésion" not in body  # no chart without tests
    if "Pistes" in sheets:
        assert "Aucune piste n’est encore formalisée" in text
        assert "Aucune recherche n’est encore consignée" in text
        assert "Aucun paramètre crucial n’est encore formulé" in text
        assert "Aucune partie prenante n’est encore recensée" in text
    else:
        # Untested, every crucial parameter is still to test.
        engagement = read_engagement(HAUTES_COMBES)
        for parameter in engagement.crucial_parameters:
            line = f"{parameter.code} — {parameter.name} : n’a encore été testé"
            assert line in text, parameter.code
