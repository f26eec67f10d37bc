"""French as a professional writes it: every problem of a workbook in one pass, sorted
by sheet and cell, each saying what to type; a stage its dates contradict is reported;
function labels agree with the person."""

from __future__ import annotations

import re
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import column_index_from_string
from openpyxl.worksheet.worksheet import Worksheet

from pipeline import model as m
from pipeline.build import build
from pipeline.errors import WorkbookError
from pipeline.render.agreement import Gender, elected_label, gender
from pipeline.workbook.blank import blank_workbook
from pipeline.workbook.circumstances import Circumstances
from pipeline.workbook.mission_fields import MISSION
from pipeline.workbook.reader import read_workbook
from pipeline.workspace import Workspace
from tests.conftest import EXAMPLES, TODAY

SAINT_AUBIN = next(p for p in EXAMPLES if "saint-aubin" in p.name)
PLACE = re.compile(
    r"^Feuille « (?P<sheet>[^»]+) »(?:, (?:cellule (?P<cell>[A-Z]+\d+)|ligne (?P<row>\d+)))?"
)
SAYS_WHAT_TO_TYPE = re.compile(
    r"\b(Saisissez|Indiquez|Vouliez-vous|Corrigez|Choisissez|doit être|doivent être)\b"
)


def _header_row(sheet: Worksheet, header: str) -> tuple[int, dict[str, int]]:
    for row in sheet.iter_rows(min_row=1, max_row=15):
        headers = {str(c.value).strip(): c.column for c in row if c.value is not None}
        if header in headers:
            return row[0].row, headers
    raise AssertionError(f"no header « {header} » in « {sheet.title} »")


def _place(problem: str, sheets: list[str]) -> tuple[int, int, int]:
    match = PLACE.match(problem)
    if match is None:
        return (-1, 0, 0)
    sheet = sheets.index(match["sheet"])
    if match["cell"]:
        letters, row = re.fullmatch(r"([A-Z]+)(\d+)", match["cell"]).groups()  # type: ignore[union-attr]
        return (sheet, int(row), column_index_from_string(letters))
    return (sheet, int(match["row"] or 0), 0)


@pytest.mark.parametrize("offer", list(m.Offer), ids=lambda o: o.name.lower())
def test_a_blank_workbook_reports_every_problem_at_once_in_place_order(
    offer: m.Offer, workspace: Workspace
) -> None:
    book = openpyxl.load_workbook(BytesIO(blank_workbook(offer)))
    # Besides its empty Mission cells: an option neither priced nor in the catalogue (once
    # reported only by the next build, at pricing), and a bad value in a table sheet.
    options = book["Options"]
    row, headers = _header_row(options, "Option")
    options.cell(row + 1, headers["Option"], "Visite de chantier commentée")
    stakeholders = book["Parties prenantes"]
    row, headers = _header_row(stakeholders, "Influence")
    stakeholders.cell(row + 1, headers["Nom"], "Mme Odile Marchal")
    stakeholders.cell(row + 1, headers["Influence"], "fort")
    buffer = BytesIO()
    book.save(buffer)

    checked = Circumstances(TODAY, workspace.config.catalogue)
    with pytest.raises(WorkbookError) as caught:
        read_workbook(buffer.getvalue(), "vierge.xlsx", checked)
    problems = [str(p) for p in caught.value.problems]

    required = [f.header for f in MISSION.fields_for(offer) if f.required and f.attr != "offer"]
    for header in required:
        assert any(f"{header[1:].lower()} est obligatoire" in p for p in problems), header
    unpriced = "l'option « Visite de chantier commentée » n'est pas au catalogue"
    assert any(unpriced in p for p in problems)
    assert any("cellule" in p and "(lu : « fort »)" in p for p in problems)
    # Each says what to type.
    for problem in problems:
        assert SAYS_WHAT_TO_TYPE.search(problem), problem
    # Sorted as the consultant walks the workbook: sheet by sheet, then row and column.
    places = [_place(p, book.sheetnames) for p in problems]
    assert places == sorted(places)


def test_a_workshop_said_held_but_still_to_come_is_reported(
    tmp_path: Path, workspace: Workspace
) -> None:
    book = openpyxl.load_workbook(SAINT_AUBIN)
    mission = book["Mission"]
    cells = {str(row[0].value).strip(): row[1] for row in mission.iter_rows() if row[0].value}
    assert cells["Étape"].value == m.Stage.ATELIER_REALISE
    cells["Date de l'atelier"].value = TODAY + timedelta(days=10)
    workbook = tmp_path / "atelier-a-venir.xlsx"
    book.save(workbook)

    with pytest.raises(WorkbookError) as caught:
        build(workbook, workspace, today=TODAY)
    stage, when = cells["Étape"].coordinate, cells["Date de l'atelier"].coordinate
    assert [str(p) for p in caught.value.problems] == [
        f"Feuille « Mission », cellule {stage} : l'étape « Atelier réalisé » dit l'atelier "
        f"tenu, mais sa date (cellule {when}, « Date de l'atelier ») est le 05/12/2026, "
        f"postérieure à aujourd'hui (25/11/2026). Si l'atelier reste à venir, choisissez "
        f"« Cadrage » dans « Étape » ; s'il a eu lieu, corrigez « Date de l'atelier » avec "
        f"le jour où il s'est tenu."
    ]
    # The same workbook built the day after the workshop is accepted.
    assert build(workbook, workspace, today=TODAY + timedelta(days=10)).commit is not None


def test_a_workshop_dated_before_the_mission_starts_is_reported(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(SAINT_AUBIN)
    cells = {str(r[0].value).strip(): r[1] for r in book["Mission"].iter_rows() if r[0].value}
    cells["Date de début"].value = date(2026, 4, 1)
    buffer = BytesIO()
    book.save(buffer)
    with pytest.raises(WorkbookError) as caught:
        read_workbook(buffer.getvalue(), "x.xlsx", Circumstances(TODAY, {}))
    (problem,) = caught.value.problems
    assert problem.cell == cells["Date de l'atelier"].coordinate
    assert "précède « Date de début »" in str(problem)


def test_a_plural_column_agrees_with_its_verb(workspace: Workspace) -> None:
    book = openpyxl.load_workbook(BytesIO(blank_workbook(m.Offer.CONCERTATION)))
    sheet = book["Scénarios"]
    row, headers = _header_row(sheet, "Techniques")
    sheet.cell(row + 1, headers["Code"], "S1")
    sheet.cell(row + 1, headers["Intitulé"], "Balades")
    sheet.cell(row + 1, headers["Techniques"], "Pigeon voyageur")
    buffer = BytesIO()
    book.save(buffer)
    with pytest.raises(WorkbookError) as caught:
        read_workbook(buffer.getvalue(), "x.xlsx")
    text = str(caught.value)
    assert "les techniques doivent être" in text
    assert "les techniques doit être" not in text


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ("Mme Hélène Vasseur", Gender.WOMAN),
        ("Madame Claire Dumont, DGS", Gender.WOMAN),
        ("M. Gérard Poullain, conseiller municipal", Gender.MAN),
        ("Hélène Sautereau, vice-présidente à la participation citoyenne", Gender.WOMAN),
        ("Sylvie Carabin, adjointe à la voirie", Gender.WOMAN),
        ("Jean-Baptiste Morvan, adjoint au cadre de vie", Gender.MAN),
        ("Corinne Lebastard, directrice générale des services", Gender.WOMAN),
        ("Paul Simon, conseiller délégué", Gender.MAN),
        ("Anne Roy, conseillère déléguée", Gender.WOMAN),
        ("Marie Dupont", None),
        ("Claire Martin, maire", None),
    ],
)
def test_the_person_says_whether_a_label_is_feminine(person: str, expected: Gender | None) -> None:
    assert gender(person) is expected


def test_function_labels_agree_with_the_person() -> None:
    assert elected_label("Mme Hélène Vasseur") == "Élue référente"
    assert elected_label("M. Jean Morvan") == "Élu référent"
    assert elected_label("Marie Dupont") == "Élu référent"  # nothing says: as usually written


@pytest.mark.slow
def test_the_documents_call_an_elue_an_elue(workspace: Workspace) -> None:
    import docx

    strategie = next(p for p in EXAMPLES if "strategie" in p.name)
    result = build(strategie, workspace, today=TODAY)
    assert result.commit is not None
    cahier = next(p for p in result.commit.written if p.name.startswith("Cahier"))
    document = docx.Document(str(cahier))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    texts = [p.text for p in document.paragraphs] + cells
    assert "Élue référente" in cells  # the identity card's label, for Hélène Sautereau
    assert any("— Élue référente" in t and "Sautereau" in t for t in texts)  # governance
    assert not any("Élu référent" in t for t in texts)
