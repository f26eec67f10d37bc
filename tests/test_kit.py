"""The Kit de communication (Outil de communication for Stratégie globale), for every offer."""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import unicodedata
from dataclasses import replace
from pathlib import Path

import docx
import openpyxl
import pytest

from pipeline import model as m
from pipeline.analysis.opinions import Verdict
from pipeline.analysis.overview import analyse
from pipeline.build import build
from pipeline.render.communication import communication_context, communication_title
from pipeline.render.communication_proposal import done_moments
from pipeline.render.docx import render_docx
from pipeline.render.kit_calendar import DATES_AGREED, HELD_TEXT
from pipeline.workbook.reader import read_engagement
from pipeline.workspace import Workspace
from tests.conftest import DATA, EXAMPLES, TODAY
from tests.libreoffice import docx_text_via_pdf, needs_libreoffice, squash
from tests.samples import set_mission_field

GOLDEN = DATA / "golden"
TEMPLATE = Path(__file__).resolve().parents[1] / "templates_docx" / "kit_communication.docx"
SAINT_AUBIN = next(p for p in EXAMPLES if "saint-aubin" in p.name)
HAUTES_COMBES = next(p for p in EXAMPLES if "emergence" in p.name)
TROIS_VALLEES = next(p for p in EXAMPLES if "strategie" in p.name)
MOMENTS = [moment.value for moment in m.Moment]
FRENCH_DATE = re.compile(
    r"^(1er|\d{1,2}) (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|"
    r"novembre|décembre) \d{4}$"
)


def _context(engagement: m.Engagement) -> dict[str, object]:
    return communication_context(engagement, analyse(engagement), "amoor", TODAY)


def _kit(result_written: tuple[Path, ...], mission: m.Mission) -> Path:
    return next(p for p in result_written if p.name.startswith(communication_title(mission)))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_kit_context_matches_its_golden_file(path: Path) -> None:
    """Pure context, compared as JSON (set AMOOR_UPDATE_GOLDEN=1 to refresh)."""
    context = _context(read_engagement(path))
    golden = GOLDEN / f"kit-{path.stem}.json"
    text = json.dumps(context, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if os.environ.get("AMOOR_UPDATE_GOLDEN") == "1":
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_offer_builds_its_kit(path: Path, workspace: Workspace) -> None:
    result = build(path, workspace, today=TODAY)
    mission = result.engagement.mission
    expected = "Outil de communication" if mission.offer is m.Offer.STRATEGIE else "Kit de "
    assert result.commit is not None
    kit = _kit(result.commit.written, mission)
    assert kit.name.startswith(expected) and kit.name.endswith(f" - {mission.reference}.docx")


def test_the_kit_follows_the_communication_sheet() -> None:
    engagement = read_engagement(SAINT_AUBIN)
    context = _context(engagement)
    assert context["derived"] is False
    sheet = engagement.communication
    announce = next(a for a in sheet if a.moment is m.Moment.ANNONCE)
    assert context["external"]["key_message"] == announce.message  # type: ignore[index]
    calendar = context["calendar"]
    assert [c["moment"] for c in calendar] == MOMENTS  # type: ignore[union-attr]
    rows = [a for c in calendar for a in c["actions"]]  # type: ignore[union-attr]
    assert sorted(a["target"] for a in rows) == sorted(a.target for a in sheet)
    # Each action sits under its own temps fort, in date order.
    for group in calendar:  # type: ignore[union-attr]
        members = sorted(
            (a for a in sheet if a.moment and a.moment.value == group["moment"]),
            key=lambda a: a.date or TODAY,
        )
        assert [r["message"] for r in group["actions"]] == [a.message for a in members]
    owners = {a.owner for a in sheet}
    listed = "\n".join(r["who"] + "\n" + r["tasks"] for r in context["internal"]["roles"])  # type: ignore[index]
    for owner in owners:
        assert owner in listed, owner


def test_stakeholders_are_targets_with_their_quadrant_treatment() -> None:
    engagement = read_engagement(SAINT_AUBIN)
    context = _context(engagement)
    groups = context["internal"]["targets"] + context["external"]["targets"]  # type: ignore[index]
    assert {g["category"] for g in groups} == {s.category.value for s in engagement.stakeholders}
    by_name = {item["name"]: (g, item) for g in groups for item in g["items"]}
    assert set(by_name) == {s.name for s in engagement.stakeholders}
    for s in engagement.stakeholders:
        group, item = by_name[s.name]
        assert item["quadrant"] == s.quadrant.value
        assert s.quadrant.value in {t["quadrant"] for t in group["treatments"]}
    internal = {g["category"] for g in context["internal"]["targets"]}  # type: ignore[index]
    assert internal == {"Élus", "Services", "Prestataires"}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_without_a_communication_sheet_the_kit_is_complete(path: Path) -> None:
    engagement = replace(read_engagement(path), communication=())
    context = _context(engagement)
    assert context["derived"] is True
    assert "établis à partir des parties prenantes" in context["source_note"]  # type: ignore[operator]
    calendar = context["calendar"]
    assert [c["moment"] for c in calendar] == MOMENTS  # type: ignore[union-attr]
    held = {moment.value for moment in done_moments(engagement.mission)}
    for group in calendar:  # type: ignore[union-attr]
        if group["moment"] in held:  # behind the mission's stage: nothing left to do
            assert group["done_text"] == HELD_TEXT and not group["actions"], group["moment"]
        else:
            assert group["actions"] and not group["empty_text"], group["moment"]
        assert group["when"]
    assert context["channels"]
    external = context["external"]
    assert external["key_message"].startswith(engagement.mission.title)  # type: ignore[index]
    assert external["how"] and external["returns"]  # type: ignore[index]
    targets = {t["target"] for t in external["plan_targets"]}  # type: ignore[index]
    quadrants = {s.quadrant for s in engagement.stakeholders}
    for quadrant in quadrants - {m.Quadrant.A_SURVEILLER}:  # the general channels reach those
        assert any(t.startswith(quadrant.value) for t in targets), quadrant


def test_a_stopped_concertation_proposes_an_information_plan_without_workshop() -> None:
    stopped = next(p for p in EXAMPLES if "arretee" in p.name)
    engagement = replace(read_engagement(stopped), communication=())
    assert engagement.mission.stage is m.Stage.ARRETEE
    context = _context(engagement)
    plan = json.dumps(
        [context["calendar"], context["internal"]["calendar"], context["external"]["how"]],  # type: ignore[index]
        ensure_ascii=False,
    )
    assert "atelier" not in plan.lower()
    assert "Réunion d'information" in plan
    assert context["external"]["how_heading"] == "Comment s'informer et poser ses questions"  # type: ignore[index]


def test_the_proposed_plan_draws_on_each_offer() -> None:
    by_offer = {read_engagement(p).offer: read_engagement(p) for p in EXAMPLES}
    held = by_offer[m.Offer.STRATEGIE]  # its workshops held: its sessions are over
    strategy = replace(held, mission=replace(held.mission, stage=m.Stage.CADRAGE))
    opinions = analyse(strategy).opinions
    assert opinions is not None
    strong = [d.name for d in opinions if d.verdict is Verdict.LIGNE_DE_FORCE]
    assert strong
    text = json.dumps(_context(strategy), ensure_ascii=False)
    for name in strong:
        assert name in text
    for workshop in strategy.workshops:
        assert f"Participants de l'atelier {workshop.code} ({workshop.public.value})" in text
    emergence = by_offer[m.Offer.EMERGENCE]
    text = json.dumps(_context(emergence), ensure_ascii=False)
    ready = [lead.name for lead in emergence.leads if lead.maturity is m.Maturity.PRET]
    assert ready and all(name in text for name in ready)
    for test in emergence.tests:
        assert test.scenario in text


def test_a_workbook_without_the_sheet_builds_a_complete_kit(
    tmp_path: Path, workspace: Workspace
) -> None:
    """A real workbook whose « Communication » sheet was deleted, built end to end."""
    source = tmp_path / "sans-communication.xlsx"
    shutil.copy(SAINT_AUBIN, source)
    book = openpyxl.load_workbook(source)
    del book["Communication"]
    book.save(source)
    result = build(source, workspace, today=TODAY)
    assert result.engagement.communication == ()
    assert result.commit is not None
    document = docx.Document(str(_kit(result.commit.written, result.engagement.mission)))
    paragraphs = [p.text for p in document.paragraphs]
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    for moment in MOMENTS:
        assert moment in headings
    # « Atelier réalisé »: the plan prepares the restitution, the rest is said to be over.
    assert any(_plain(t).startswith("À l'étape « Atelier réalisé »") for t in paragraphs)
    assert sum(_plain(t) == HELD_TEXT for t in paragraphs) == 3
    assert not any("Aucune action" in t or "à compléter" in t for t in paragraphs)
    _assert_no_empty_table_or_heading(document)


def test_a_bare_mission_still_gives_a_kit_that_says_what_is_missing(tmp_path: Path) -> None:
    mission = m.Mission(
        "X-1", m.Offer.CONCERTATION, "Projet", "Commune de Nulle-Part", m.Stage.CADRAGE
    )
    for offer in m.Offer:
        engagement = m.Engagement(replace(mission, offer=offer))
        target = tmp_path / f"{offer.name}.docx"
        target.write_bytes(render_docx(TEMPLATE, _context(engagement)))
        document = docx.Document(str(target))
        text = "\n".join(p.text for p in document.paragraphs)
        assert "reste à formuler" in text  # no objectives
        assert "reste à écrire" in text  # no « Enjeux »
        assert "Aucun habitant, association ou institution" in text
        _assert_no_empty_table_or_heading(document)


def _assert_no_empty_table_or_heading(document: docx.document.Document) -> None:
    """Every table has a row of data under its header; every heading has content."""
    for table in document.tables:
        header = bool(table.rows[0]._tr.xpath("./w:trPr/w:tblHeader"))
        body = table.rows[1:] if header else table.rows
        assert any(c.text.strip() for row in body for c in row.cells), table.rows[0].cells[0].text
    paragraphs = [p for p in document.paragraphs if p.text.strip() or _level(p)]
    for current, following in itertools.pairwise(paragraphs):
        if _level(current):
            assert current.text.strip(), "empty heading"
            assert _level(following) in (0, _level(current) + 1), current.text


def _level(paragraph: docx.text.paragraph.Paragraph) -> int:
    """1 to 3 for a heading, 0 otherwise."""
    name = paragraph.style.name if paragraph.style is not None else ""
    return int(name.split()[-1]) if name.startswith("Heading") else 0


@pytest.mark.libreoffice
@needs_libreoffice
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_kit_opened_by_libreoffice_shows_the_plan(
    path: Path, workspace: Workspace, tmp_path: Path, lo_profile: Path
) -> None:
    engagement = read_engagement(path)
    mission = engagement.mission
    result = build(path, workspace, today=TODAY)
    assert result.commit is not None
    text = docx_text_via_pdf(_kit(result.commit.written, mission), tmp_path, lo_profile)
    flat = squash(text)

    assert communication_title(mission) in text
    assert squash(mission.collectivite) in flat
    assert mission.reference in text
    for category in {s.category.value for s in engagement.stakeholders}:
        assert f"{category} (" in text, category  # one section per category
    for s in engagement.stakeholders:
        assert squash(s.name) in flat, s.name
    for moment in MOMENTS:
        assert re.search(rf"^\d\.\d\. ?{moment}$", text, re.MULTILINE), moment
    sheet = engagement.communication
    if sheet:
        for a in sheet:
            assert squash(a.target) in flat, a.target
            assert squash(a.message) in flat, a.message
        key = next(a.message for a in sheet if a.moment is m.Moment.ANNONCE)
    else:
        assert squash("Le calendrier présente les actions du plan par temps fort") in flat
        key = _context(engagement)["external"]["key_message"]  # type: ignore[index]
        assert key.startswith(mission.title)
    assert squash(key) in flat
    if mission.stakes:
        assert squash(mission.stakes.split("\n")[0]) in flat  # what is open to debate
    if mission.stage is m.Stage.ARRETEE:
        # A stopped concertation: an information plan, no workshop anywhere.
        mentions = re.findall(r"\S+\s+\S*atelier\S*", text, re.IGNORECASE)
        assert mentions and all(re.match(r"(avant|aucun)\s", x, re.I) for x in mentions), mentions


def _built_kit(path: Path, workspace: Workspace) -> docx.document.Document:
    result = build(path, workspace, today=TODAY)
    assert result.commit is not None
    return docx.Document(str(_kit(result.commit.written, result.engagement.mission)))


def _plain(text: str) -> str:
    """As a reader compares: no-break spaces as spaces, the typographic apostrophe as '."""
    return unicodedata.normalize("NFKC", text).replace("\u2019", "'")


def _calendar_sections(document: docx.document.Document) -> dict[str, list[str]]:
    """Under « Calendrier par temps fort », each temps fort's paragraphs and table rows
    (cells joined by « | »), in the document's order."""
    sections: dict[str, list[str]] = {}
    inside, current = False, ""
    for element in document.element.body.iterchildren():
        if element.tag.endswith("}tbl"):
            if inside and current:
                table = docx.table.Table(element, document)
                sections[current] += [
                    " | ".join(_plain(c.text) for c in r.cells) for r in table.rows
                ]
            continue
        if not element.tag.endswith("}p"):
            continue
        paragraph = docx.text.paragraph.Paragraph(element, document)
        style = paragraph.style.name if paragraph.style is not None else ""
        if style == "Heading 1":
            inside = paragraph.text == "Calendrier par temps fort"
        elif inside and style == "Heading 2":
            current = paragraph.text
            sections[current] = []
        elif inside and current and paragraph.text.strip():
            sections[current].append(_plain(paragraph.text))
    return sections


def _all_text(document: docx.document.Document) -> str:
    cells = (c.text for t in document.tables for row in t.rows for c in row.cells)
    return _plain("\n".join([*(p.text for p in document.paragraphs), *cells]))


@pytest.mark.slow
def test_a_finished_mission_s_kit_invites_nobody_to_what_is_over(
    workspace: Workspace, tmp_path: Path
) -> None:
    """The Hautes-Combes mission is « Terminée »: its tests took place, its kit prepares
    the restitution and invites nobody to test ideas already tested. The same workbook
    at « Cadrage » still invites to the tests."""
    finished = _built_kit(HAUTES_COMBES, workspace)
    text = _all_text(finished)
    assert "Testez avec nous" not in text
    assert (
        "À l'étape « Terminée » de la démarche, l'annonce, la mobilisation et les tests des "
        "scénarios ont eu lieu : le plan ci-après prépare la restitution." in text
    )
    sections = _calendar_sections(finished)
    assert list(sections) == MOMENTS
    for moment in ("Annonce", "Mobilisation", "Pendant"):
        assert sections[moment][-1] == HELD_TEXT, sections[moment]
    restitution = "\n".join(sections["Restitution"])
    assert "Ce qui a été retenu, ce qui a été écarté, et pourquoi." in restitution
    # The stakeholders told at the announcement hear of the results too.
    for quadrant in ("Acteurs clés", "À satisfaire", "À informer"):
        assert f"{quadrant} (" in restitution, quadrant

    before = set_mission_field(HAUTES_COMBES, tmp_path / HAUTES_COMBES.name, "Étape", "Cadrage")
    text = _all_text(_built_kit(before, workspace))
    assert "Testez avec nous de nouvelles idées" in text
    assert "ont eu lieu" not in text and HELD_TEXT not in text


@pytest.mark.slow
@pytest.mark.parametrize("path", [HAUTES_COMBES, TROIS_VALLEES], ids=lambda p: p.stem)
def test_the_kit_dates_what_the_workbook_dates_and_leaves_no_date_to_fix(
    path: Path, workspace: Workspace
) -> None:
    """A proposed plan (no « Communication » sheet) reaches the client: no « À fixer »
    cell, no place « à préciser », no « proposition à compléter ». A temps fort's table
    has a date column when the workbook dates it, each cell a date; otherwise no date
    column and one sentence that its dates will be agreed with the collectivité."""
    document = _built_kit(path, workspace)
    text = _all_text(document)
    for placeholder in ("À fixer", "à fixer", "à compléter", "à préciser", "à ajuster"):
        assert placeholder not in text, placeholder
    for moment, lines in _calendar_sections(document).items():
        rows = [line for line in lines if " | " in line]
        if not rows:
            continue
        header = rows[0].split(" | ")
        if header[0] == "Date":
            assert all(FRENCH_DATE.match(row.split(" | ")[0]) for row in rows[1:]), moment
        else:
            assert header[0] == "Cible" and DATES_AGREED in lines, moment


@pytest.mark.slow
def test_the_strategy_s_restitution_is_dated_from_its_last_workshop(workspace: Workspace) -> None:
    """The Trois Vallées restitution is due two months after its last workshop, the
    kit R.O.I. citoyen's (24 mars 2026): « au plus tard le 24 mai 2026 », as the cahier
    commits, not « dans les deux mois qui suivent le dernier atelier (28 février 2026) »."""
    engagement = read_engagement(TROIS_VALLEES)
    assert engagement.mission.workshop_date is not None
    document = _built_kit(TROIS_VALLEES, workspace)
    text = _all_text(document)
    assert "(28 février 2026) :" not in text
    restitution = _calendar_sections(document)["Restitution"]
    assert restitution[0] == "Quand : La stratégie retenue, présentée au plus tard le 24 mai 2026"
    assert all(row.startswith("24 mai 2026 | ") for row in restitution[2:] if " | " in row)
    assert "puis l'atelier R.O.I. citoyen du 24 mars 2026" in text
