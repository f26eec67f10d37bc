"""The Cahier des charges of a Stratégie globale opérationnelle: context, Word, PDF."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn

from pipeline import model as m
from pipeline.analysis.opinions import Verdict
from pipeline.analysis.overview import analyse
from pipeline.build import build
from pipeline.formats import long_date, money
from pipeline.render.docx import Picture
from pipeline.render.strategie import strategie_context
from pipeline.workbook.reader import read_engagement
from pipeline.workspace import Workspace
from tests.conftest import DATA, EXAMPLES, TODAY
from tests.libreoffice import docx_text_via_pdf, needs_libreoffice, squash

TROIS_VALLEES = next(p for p in EXAMPLES if "trois-vallees" in p.name)
GOLDEN = DATA / "golden"


def _picture(value: object) -> object:
    """Golden contexts show what a picture is, not its bytes (they vary with matplotlib)."""
    assert isinstance(value, Picture)
    assert value.png.startswith(b"\x89PNG")
    return {"picture": value.description, "width_cm": value.width_cm}


def _context(engagement: m.Engagement) -> dict[str, Any]:
    return strategie_context(engagement, analyse(engagement), "amoor", TODAY)


def test_context_matches_its_golden_file() -> None:
    """The render context is pure: compare it as JSON (set AMOOR_UPDATE_GOLDEN=1 to refresh)."""
    context = _context(read_engagement(TROIS_VALLEES))
    golden = GOLDEN / f"cahier-{TROIS_VALLEES.stem}.json"
    text = json.dumps(context, ensure_ascii=False, indent=1, sort_keys=True, default=_picture)
    text += "\n"
    if os.environ.get("AMOOR_UPDATE_GOLDEN") == "1":
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def _nets(engagement: m.Engagement, device: str) -> dict[m.WorkshopPublic, Fraction]:
    """Net score per public, counted here straight from the « Avis » rows."""
    publics = {w.code: w.public for w in engagement.workshops}
    tally: dict[m.WorkshopPublic, list[int]] = {}
    for o in engagement.opinions:
        if o.device == device:
            score = {m.Opinion.AIME: 1, m.Opinion.NEUTRE: 0, m.Opinion.AIME_PAS: -1}[o.opinion]
            tally.setdefault(publics[o.workshop], []).append(score)
    return {p: Fraction(sum(s), len(s)) for p, s in tally.items()}


def test_lines_of_force_become_the_solutions_to_prototype() -> None:
    engagement = read_engagement(TROIS_VALLEES)
    lines = _context(engagement)["lines"]
    expected: dict[str, list[str]] = {"for": [], "split": [], "against": []}
    for d in engagement.devices:
        nets = _nets(engagement, d.code).values()
        side = (
            "for"
            if all(n > 0 for n in nets)
            else "against"
            if all(n <= 0 for n in nets)
            else "split"
        )
        expected[side].append(f"{d.code} — {d.name}")
    assert expected["for"] and expected["split"] and expected["against"]  # the example has all
    assert [p["title"] for p in lines["prototypes"]] == expected["for"]
    assert [a["title"] for a in lines["arbitrations"]] == expected["split"]
    assert [e["title"] for e in lines["discarded"]] == expected["against"]
    # A discarded device says why: who is against it, and what they said.
    (discarded,) = lines["discarded"]
    code = discarded["title"].split(" — ")[0]
    said = next(o.dislikes for o in engagement.opinions if o.device == code and o.dislikes)
    assert said.rstrip(" .") in discarded["text"]
    assert discarded["text"].startswith("rejeté par ") and "soutenu" not in discarded["text"]


def test_counts_and_net_scores_come_from_the_opinions() -> None:
    engagement = read_engagement(TROIS_VALLEES)
    devices = _context(engagement)["devices"]["items"]
    for device, item in zip(engagement.devices, devices, strict=True):
        rows = [o for o in engagement.opinions if o.device == device.code]
        assert item["overall"]["n"] == str(len(rows))
        likes = sum(o.opinion is m.Opinion.AIME for o in rows)
        assert item["overall"]["likes"] == str(likes)
        for public, net in _nets(engagement, device.code).items():
            row = next(p for p in item["publics"] if p["public"] == public.value)
            shown = Decimal(row["net"].replace("−", "-").replace("+", "").replace(",", "."))
            assert abs(shown - Decimal(net.numerator) / Decimal(net.denominator)) < Decimal("0.005")


def test_a_missing_workshop_is_named_and_a_silent_public_is_said() -> None:
    engagement = read_engagement(TROIS_VALLEES)
    panel = {w.code for w in engagement.workshops if w.public is m.WorkshopPublic.PANEL_CITOYEN}
    without_panel = replace(
        engagement,
        workshops=tuple(w for w in engagement.workshops if w.code not in panel),
        opinions=tuple(o for o in engagement.opinions if o.workshop not in panel),
    )
    context = _context(without_panel)
    assert context["workshops"]["notes"] == [
        "Il manque l'atelier du panel citoyen : la stratégie ne tient pas encore compte de "
        "son avis."
    ]
    assert len(context["workshops"]["items"]) == 2
    for item in context["devices"]["items"]:
        assert item["reason"].endswith("le panel citoyen ne l'a pas examiné.")


def _empty_sheets(
    source: Path, target: Path, names: tuple[str, ...], drop: tuple[str, ...]
) -> Path:
    """The workbook with the rows of ``names`` removed (headers kept) and ``drop`` deleted."""
    book = openpyxl.load_workbook(source)
    for name in names:
        sheet = book[name]
        sheet.delete_rows(2, sheet.max_row)
    for name in drop:
        del book[name]
    book.save(target)
    return target


def _blocks(path: Path) -> list[tuple[str, int, str]]:
    """The body in order: ("h", level, text) for a heading, ("c", 0, text) for content."""
    document = docx.Document(str(path))
    body: list[tuple[str, int, str]] = []
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:tbl"):
            rows = element.findall(qn("w:tr"))
            assert len(rows) > 1, "a table with its header row only"
            body.append(("c", 0, "table"))
        elif element.tag == qn("w:p"):
            text = "".join(t.text or "" for t in element.iter(qn("w:t")))
            text = text.replace("\u00a0", " ").replace("\u202f", " ")  # French spacing
            style = element.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
            name = style.get(qn("w:val")) if style is not None else ""
            if name.startswith("Heading"):
                assert text.strip(), "an empty heading"
                body.append(("h", int(name.removeprefix("Heading")), text))
            elif text.strip() or element.find(f".//{qn('w:drawing')}") is not None:
                body.append(("c", 0, text))
    return body


@pytest.mark.parametrize(
    ("emptied", "dropped"),
    [
        (("Avis",), ()),
        (
            ("Ateliers", "Dispositifs", "Avis", "Parties prenantes", "Notation ROI"),
            ("Paramètres", "Critères ROI"),
        ),
    ],
    ids=["sans-avis", "presque-vide"],
)
def test_empty_sheets_leave_no_empty_heading_nor_table(
    emptied: tuple[str, ...], dropped: tuple[str, ...], workspace: Workspace, tmp_path: Path
) -> None:
    workbook = _empty_sheets(TROIS_VALLEES, tmp_path / "vide.xlsx", emptied, dropped)
    result = build(workbook, workspace, today=TODAY)
    assert result.commit is not None
    cahier = next(p for p in result.commit.written if p.name.startswith("Cahier des charges"))
    body = _blocks(cahier)
    for index, (kind, level, text) in enumerate(body):
        if kind == "h":
            after = body[index + 1] if index + 1 < len(body) else None
            assert after is not None and (after[0] == "c" or after[1] > level), text
    text = "\n".join(t for _, _, t in body).replace("\u2019", "'")  # see test_typography
    assert "{{" not in text and "{%" not in text
    headings = [t for kind, _, t in body if kind == "h"]
    assert "Solutions à prototyper" not in headings  # nothing classified yet
    assert "Les avis des ateliers ne sont pas encore recueillis" in text
    if "Dispositifs" in emptied:
        assert "Aucun dispositif de participation n'a encore été formalisé" in text
        assert "Les trois ateliers (agents, élus, panel citoyen) ne sont pas encore" in text
        assert "Aucune partie prenante n'est encore recensée." in text
        assert "seront chiffrés lors du cadrage" in text
    else:
        engagement = read_engagement(TROIS_VALLEES)
        for device in engagement.devices:
            assert f"{device.code} — {device.name}" in headings
        assert text.count("Aucun avis n'a encore été recueilli sur ce dispositif.") == len(
            engagement.devices
        )


@pytest.mark.libreoffice
@needs_libreoffice
def test_cahier_opened_by_libreoffice_shows_everything(
    workspace: Workspace, tmp_path: Path, lo_profile: Path
) -> None:
    engagement = read_engagement(TROIS_VALLEES)
    analysis = analyse(engagement)
    results, roi = analysis.opinions, analysis.roi
    assert results is not None and roi is not None and roi.ranking
    build_result = build(TROIS_VALLEES, workspace, today=TODAY)
    assert build_result.commit is not None
    cahier = build_result.commit.written[0]
    assert cahier.name == f"Cahier des charges - {engagement.mission.reference}.docx"
    text = docx_text_via_pdf(cahier, tmp_path, lo_profile)
    flat = squash(text)

    mission = engagement.mission
    for fact in (mission.collectivite, mission.reference, mission.title):
        assert squash(fact) in flat, fact
    for stakeholder in engagement.stakeholders:
        assert squash(stakeholder.name) in flat, stakeholder.name
    for workshop in engagement.workshops:
        row = f"{workshop.public.value} {long_date(workshop.date)} {workshop.place}"
        assert squash(row) in flat, row
    for result in results:
        assert result.verdict is not None
        # The dispositif's heading, then its classification in the box below it.
        assert squash(f"{result.code} — {result.name}{result.verdict.value} — ") in flat, (
            result.code
        )
        assert squash(result.likes[0].text) in flat
        assert squash(result.dislikes[0].text) in flat
    for verdict in Verdict:
        assert verdict.value in text
    assert "Solutions à prototyper" in text and "Points soumis à l’arbitrage" in text
    total = sum((p.amount for p in engagement.parameters if p.amount is not None), Decimal(0))
    assert squash(money(total)) in flat
    for criterion in engagement.criteria:
        assert squash(f"{criterion.code} {criterion.name}") in flat, criterion.code
    # The example's Kit R.O.I. citoyen workshop: the dispositifs ranked, with their mentions,
    # in the ranking table (rank, code — title, mention), best first.
    assert "Résultats du kit R.O.I. citoyen" in text
    at = flat.index(squash("Classement des dispositifs"))
    for result in roi.ranking:
        row = squash(f"{result.rank}{result.code} — {result.title}{result.overall.mention}")
        assert row in flat[at:], result.code
        at = flat.index(row, at)
    assert squash(f"Recommandation : le dispositif {roi.recommended} ") in flat
    assert "&amp;" not in text and "&lt;" not in text
