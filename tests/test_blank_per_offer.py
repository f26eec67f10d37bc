"""Blank workbooks per offer: the « Mission » fields of the offer, the dropdowns that
offer codes and grades, the « Lisez-moi » that explains them, and the reader that
keeps to the same rules."""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from defusedxml import ElementTree
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pipeline import model as m
from pipeline.errors import WorkbookError
from pipeline.workbook.blank import blank_workbook
from pipeline.workbook.mission_fields import MISSION
from pipeline.workbook.reader import read_engagement
from pipeline.workbook.schema import README_SHEET
from tests.libreoffice import convert, needs_libreoffice
from tests.test_blank_workbook import ABSENT_FIELDS, fill_blank

# docs/workbooks.md, sheet « Mission »: « Arrêtée avant l'atelier » exists for Concertation
# only.
STAGES: dict[m.Offer, str] = {
    m.Offer.CONCERTATION: "Cadrage,Atelier réalisé,Terminée,Arrêtée avant l'atelier",
    m.Offer.STRATEGIE: "Cadrage,Atelier réalisé,Terminée",
    m.Offer.EMERGENCE: "Cadrage,Atelier réalisé,Terminée",
}
# Code columns and the code column of the sheet they refer to (codes in column A, under
# the header row 1 of a blank, as far down as the validations reach).
CODE_LISTS: dict[m.Offer, dict[tuple[str, str], str]] = {
    m.Offer.CONCERTATION: {
        ("Mission", "Scénario retenu"): "'Scénarios'!$A$2:$A$501",
        ("Notation ROI", "Scénario"): "'Scénarios'!$A$2:$A$501",
    },
    m.Offer.STRATEGIE: {
        ("Avis", "Atelier"): "'Ateliers'!$A$2:$A$501",
        ("Avis", "Dispositif"): "'Dispositifs'!$A$2:$A$501",
        ("Notation ROI", "Dispositif"): "'Dispositifs'!$A$2:$A$501",
    },
    m.Offer.EMERGENCE: {
        ("Tests", "Paramètres testés"): "'Paramètres cruciaux'!$A$2:$A$501",
    },
}
GRADE_LIST = '"À rejeter,Insuffisant,Passable,Bien,Très bien"'


def _book(offer: m.Offer) -> openpyxl.Workbook:
    return openpyxl.load_workbook(BytesIO(blank_workbook(offer)))


def _mission_rows(sheet: Worksheet) -> dict[str, int]:
    return {str(sheet.cell(r, 1).value): r for r in range(2, sheet.max_row + 1)}


def _validations(sheet: Worksheet) -> dict[str, DataValidation]:
    """Validation by the first cell of each range it covers (« C2 », « B18 »)."""
    return {
        str(cell_range).split(":")[0]: dv
        for dv in sheet.data_validations.dataValidation
        for cell_range in dv.sqref.ranges
    }


def _cell_of(book: openpyxl.Workbook, sheet_name: str, header: str) -> str:
    """The first cell a column's (or a Mission field's) validation covers."""
    sheet = book[sheet_name]
    if sheet_name == MISSION.name:
        return f"B{_mission_rows(sheet)[header]}"
    headers = [c.value for c in sheet[1]]
    return f"{openpyxl.utils.get_column_letter(headers.index(header) + 1)}2"


# -- 1. the « Mission » fields of each offer ------------------------------------------


@pytest.mark.parametrize("offer", list(m.Offer), ids=lambda o: o.name)
def test_the_mission_sheet_holds_only_the_fields_of_its_offer(offer: m.Offer) -> None:
    book = _book(offer)
    mission = book[MISSION.name]
    fields = list(_mission_rows(mission))
    assert fields == [f.header for f in MISSION.fields if f.header not in ABSENT_FIELDS[offer]]
    assert len(fields) == 25 - len(ABSENT_FIELDS[offer])  # the 25 fields of docs/workbooks.md
    stage = _validations(mission)[f"B{_mission_rows(mission)['Étape']}"]
    assert (stage.type, stage.formula1) == ("list", f'"{STAGES[offer]}"')
    help_text = mission.cell(_mission_rows(mission)["Étape"], 3).value
    assert ("Arrêtée avant l'atelier" in help_text) is (offer is m.Offer.CONCERTATION)


def _filled(offer: m.Offer, tmp_path: Path, extra: dict[str, Any]) -> Path:
    """A blank of ``offer`` filled in, plus Mission rows typed below the others."""
    path = tmp_path / "rempli.xlsx"
    fill_blank(blank_workbook(offer), offer, path)
    book = openpyxl.load_workbook(path)
    mission = book[MISSION.name]
    rows = _mission_rows(mission)
    for field, value in extra.items():
        row = rows.get(field) or mission.max_row + 1
        mission.cell(row, 1, field)
        mission.cell(row, 2, value)
    book.save(path)
    return path


def test_a_field_of_another_offer_is_ignored_with_a_warning_naming_its_cell(
    tmp_path: Path,
) -> None:
    # Rows pasted from a concertation workbook; the date is not even a date.
    path = _filled(
        m.Offer.EMERGENCE, tmp_path, {"Date de l'atelier": "bientôt", "Scénario retenu": "S1"}
    )
    engagement = read_engagement(path)
    assert engagement.mission.workshop_date is None
    assert engagement.mission.chosen_scenario == ""
    hint = (
        "Cette mission est une « Émergence de concepts » : videz la cellule, ou vérifiez le "
        "champ « Offre »."
    )
    assert engagement.warnings == (
        "Feuille « Mission », cellule B25 : le champ « Date de l'atelier » ne sert que pour une "
        "mission « Concertation citoyenne » ou « Stratégie globale opérationnelle » : sa valeur "
        f"est ignorée. {hint}",
        "Feuille « Mission », cellule B26 : le champ « Scénario retenu » ne sert que pour une "
        f"mission « Concertation citoyenne » : sa valeur est ignorée. {hint}",
    )


def test_the_workshop_date_stays_a_field_of_the_strategie(tmp_path: Path) -> None:
    path = _filled(m.Offer.STRATEGIE, tmp_path, {"Scénario retenu": "S1"})
    engagement = read_engagement(path)
    assert engagement.mission.workshop_date is not None
    assert len(engagement.warnings) == 1 and "« Scénario retenu »" in engagement.warnings[0]


@pytest.mark.parametrize("offer", [m.Offer.STRATEGIE, m.Offer.EMERGENCE], ids=lambda o: o.name)
def test_a_stage_of_another_offer_is_refused_with_the_stages_of_this_one(
    offer: m.Offer, tmp_path: Path
) -> None:
    path = _filled(offer, tmp_path, {"Étape": "arrêtée avant l’atelier"})
    row = _mission_rows(openpyxl.load_workbook(path)[MISSION.name])["Étape"]
    with pytest.raises(WorkbookError) as caught:
        read_engagement(path)
    assert [str(p) for p in caught.value.problems] == [
        f"Feuille « Mission », cellule B{row} : l'étape « Arrêtée avant l'atelier » n'existe "
        "que pour une mission « Concertation citoyenne ». Choisissez « Cadrage », « Atelier "
        "réalisé » ou « Terminée »."
    ]


def test_a_concertation_may_stop_before_its_workshop(tmp_path: Path) -> None:
    path = _filled(m.Offer.CONCERTATION, tmp_path, {"Étape": "Arrêtée avant l'atelier"})
    assert read_engagement(path).mission.stage is m.Stage.ARRETEE


def test_the_chosen_scenario_must_name_a_scenario(tmp_path: Path) -> None:
    path = _filled(m.Offer.CONCERTATION, tmp_path, {"Scénario retenu": "S9"})
    row = _mission_rows(openpyxl.load_workbook(path)[MISSION.name])["Scénario retenu"]
    with pytest.raises(WorkbookError) as caught:
        read_engagement(path)
    assert [str(p) for p in caught.value.problems] == [
        f"Feuille « Mission », cellule B{row} : le scénario retenu « S9 » n'existe pas dans la "
        "feuille « Scénarios » (codes connus : S1, S2). Indiquez un code de la feuille "
        "« Scénarios », ou laissez vide."
    ]


# -- 2. and 3. the dropdowns of codes and grades ----------------------------------------


@pytest.mark.parametrize("offer", list(m.Offer), ids=lambda o: o.name)
def test_code_columns_offer_the_codes_of_the_sheet_they_refer_to(offer: m.Offer) -> None:
    book = _book(offer)
    found = {
        (sheet.title, first): dv.formula1
        for sheet in book.worksheets
        for first, dv in _validations(sheet).items()
        if dv.type == "list" and "!" in (dv.formula1 or "")
    }
    expected = {
        (sheet, _cell_of(book, sheet, header)): formula
        for (sheet, header), formula in CODE_LISTS[offer].items()
    }
    assert found == expected
    for (sheet_name, header), formula in CODE_LISTS[offer].items():
        target, cells = formula.split("!")
        target_sheet = book[target.strip("'")]
        assert target_sheet["A1"].value == "Code"  # the header row the blank writes
        # The list reaches as far down as the target sheet's own validations: a code
        # typed later, on any row, appears in the menu.
        assert str(_validations(target_sheet)["A2"].sqref) == cells.replace("$", "")
        dv = _validations(book[sheet_name])[_cell_of(book, sheet_name, header)]
        if header == "Paramètres testés":  # « P1; P3 »: the menu helps, never blocks
            assert not dv.showErrorMessage
        else:  # an unknown code is pointed out, and may be kept (the reader has the last word)
            assert dv.showErrorMessage and dv.errorStyle == "warning"
            assert target.strip("'") in dv.error
        assert f"feuille « {target.strip(chr(39))} »" in dv.prompt


def test_grade_columns_offer_the_five_labels_and_let_numbers_be_typed() -> None:
    book = _book(m.Offer.CONCERTATION)
    sheet = book["Notation ROI"]
    headers = [c.value for c in sheet[1]]
    validations = _validations(sheet)
    for code in [c.code for c in m.DEFAULT_CRITERIA]:
        dv = validations[f"{openpyxl.utils.get_column_letter(headers.index(code) + 1)}2"]
        assert (dv.type, dv.formula1) == ("list", GRADE_LIST)
        assert not dv.showErrorMessage  # « 3 » is not in the menu, and is a grade
        assert "de 0 (À rejeter) à 4 (Très bien)" in dv.prompt


def test_grades_typed_as_numbers_or_picked_as_labels_read_back(tmp_path: Path) -> None:
    path = tmp_path / "notes.xlsx"
    fill_blank(blank_workbook(m.Offer.CONCERTATION), m.Offer.CONCERTATION, path)
    book = openpyxl.load_workbook(path)
    sheet = book["Notation ROI"]
    headers = [c.value for c in sheet[1]]
    for code, typed in {"EFF": 0, "ACC": "4", "CLA": "Passable", "INF": "très bien"}.items():
        sheet.cell(2, headers.index(code) + 1, typed)
    book.save(path)
    rating = read_engagement(path).ratings[0]
    assert [rating.grade(c) for c in ("EFF", "ACC", "CLA", "INF")] == [
        m.Grade.A_REJETER,
        m.Grade.TRES_BIEN,
        m.Grade.PASSABLE,
        m.Grade.TRES_BIEN,
    ]


@pytest.mark.libreoffice
@needs_libreoffice
@pytest.mark.parametrize("offer", list(m.Offer), ids=lambda o: o.name)
def test_the_dropdowns_survive_a_libreoffice_round_trip(
    offer: m.Offer, tmp_path: Path, lo_profile: Path
) -> None:
    filled = tmp_path / "rempli.xlsx"
    fill_blank(blank_workbook(offer), offer, filled)  # codes typed in the referenced sheets

    saved = convert(filled, "xlsx", tmp_path / "calc", lo_profile)  # opened and saved by Calc

    assert read_engagement(saved) == read_engagement(filled)
    book = openpyxl.load_workbook(saved)
    for (sheet, header), formula in CODE_LISTS[offer].items():
        dv = _validations(book[sheet])[_cell_of(book, sheet, header)]
        # Calc drops the quotes a sheet name without spaces does not need.
        assert (dv.type, dv.formula1.replace("'", "")) == ("list", formula.replace("'", ""))
    mission = book[MISSION.name]
    stage = _validations(mission)[f"B{_mission_rows(mission)['Étape']}"]
    assert stage.formula1 == f'"{STAGES[offer]}"'
    if offer is m.Offer.CONCERTATION:
        sheet = book["Notation ROI"]
        grades = {
            dv.formula1
            for first, dv in _validations(sheet).items()
            if dv.type == "list" and sheet[first].column > 3
        }
        assert grades == {GRADE_LIST}
    # In Calc's own format, the list of codes is a cell range of the other sheet (what
    # Calc shows in the menu), not a text.
    ods = convert(filled, "ods", tmp_path / "ods", lo_profile)
    with zipfile.ZipFile(ods) as archive:
        content = ElementTree.fromstring(archive.read("content.xml"))
    table = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
    conditions = {v.get(f"{table}condition") for v in content.iter(f"{table}content-validation")}
    for formula in CODE_LISTS[offer].values():
        target = formula.split("!")[0]  # quoted when the name holds a space, as in Excel
        target = target if " " in target else target.strip("'")
        assert f"of:cell-content-is-in-list([${target}.$A$2:.$A$501])" in conditions


# -- 5. the « Lisez-moi » ---------------------------------------------------------------


def _readme(offer: m.Offer) -> list[str]:
    return [str(c.value) for c in _book(offer)[README_SHEET]["A"] if c.value]


def test_the_readme_explains_the_fields_left_out_and_the_stages() -> None:
    emergence = _readme(m.Offer.EMERGENCE)
    assert (
        "Le champ « Date de l'atelier » n'y figure pas : il ne sert que pour une mission "
        "« Concertation citoyenne » ou « Stratégie globale opérationnelle » (rempli quand même, "
        "il est ignoré et signalé)."
    ) in emergence
    assert any(line.startswith("Le champ « Scénario retenu » n'y figure pas") for line in emergence)
    assert (
        "Champ « Étape » : le menu ne propose pas « Arrêtée avant l'atelier », qui n'existe que "
        "pour une mission « Concertation citoyenne »."
    ) in emergence
    concertation = _readme(m.Offer.CONCERTATION)
    assert not any("n'y figure pas" in line for line in concertation)
    assert any("« Arrêtée avant l'atelier » est propre" in line for line in concertation)


@pytest.mark.parametrize("offer", list(m.Offer), ids=lambda o: o.name)
def test_the_readme_explains_the_dropdowns(offer: m.Offer) -> None:
    readme = _readme(offer)
    start = readme.index("Les menus déroulants")
    section = readme[start + 1 :]
    assert section[0].startswith("Une colonne à liste de valeurs (par exemple « Catégorie »")
    for (sheet, header), formula in CODE_LISTS[offer].items():
        target = formula.split("!")[0].strip("'")
        kind = "champ" if sheet == MISSION.name else "colonne"
        assert any(
            line.startswith(
                f"• « {sheet} », {kind} « {header} » : les codes de la feuille « {target} »"
            )
            for line in section
        ), (sheet, header)
    grades = [line for line in section if line.startswith("Les notes de la feuille")]
    if offer is not m.Offer.EMERGENCE:  # the offers with a « Notation ROI » sheet
        assert grades == [
            "Les notes de la feuille « Notation ROI » (une colonne par code de critère : EFF, "
            "ACC, CLA, INF, RET, REC, CONV, APP) : le menu propose les mentions « À rejeter », "
            "« Insuffisant », « Passable », « Bien » et « Très bien » ; vous pouvez aussi taper "
            "la note, de 0 (À rejeter) à 4 (Très bien)."
        ]
    else:
        assert grades == []
