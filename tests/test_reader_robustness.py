"""Reading what spreadsheets really write: stretched dimensions, merged cells, variants."""

from __future__ import annotations

import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import PatternFill

from pipeline import model as m
from pipeline.errors import WorkbookError
from pipeline.workbook.reader import read_engagement
from tests.conftest import DATA

VALID = DATA / "broken" / "valid.xlsx"


def test_formatting_down_to_the_last_row_does_not_stretch_the_reading(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(VALID)
    sheet = book["Parties prenantes"]
    sheet.cell(1_048_576, 1).fill = PatternFill("solid", fgColor="FFFF00")
    sheet.cell(1_048_576, 7).number_format = "0.00"
    target = tmp_path / "formate.xlsx"
    book.save(target)
    assert openpyxl.load_workbook(target)["Parties prenantes"].max_row == 1_048_576

    tracemalloc.start()
    try:
        engagement = read_engagement(target)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert engagement == read_engagement(VALID)
    assert peak < 60 * 1024 * 1024  # one cell per row of the dimension would take gigabytes


def test_merged_cells_take_the_value_of_their_top_left_cell(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(VALID)
    sheet = book["Parties prenantes"]
    headers = [c.value for c in sheet[1]]
    category = headers.index("Catégorie") + 1
    sheet.cell(3, category).value = None
    sheet.merge_cells(start_row=2, start_column=category, end_row=3, end_column=category)
    target = tmp_path / "fusion.xlsx"
    book.save(target)
    stakeholders = read_engagement(target).stakeholders
    assert stakeholders[0].category == stakeholders[1].category


def test_headers_and_sheet_names_match_ignoring_case_accents_and_spaces(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(VALID)
    book["Parties prenantes"].title = " Parties  Prenantes"
    book["Scénarios"].title = "SCENARIOS"
    sheet = book["SCENARIOS"]
    for cell in sheet[1]:
        if cell.value == "Durée (semaines)":
            cell.value = "  duree (SEMAINES) "
    target = tmp_path / "variantes.xlsx"
    book.save(target)
    assert read_engagement(target) == read_engagement(VALID)


def test_a_stray_value_far_away_costs_nothing(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(VALID)
    sheet = book["Notation ROI"]
    sheet["A1048576"] = " "
    sheet["XFD1"] = " "
    sheet["XFD1048576"] = "oubli"
    target = tmp_path / "loin.xlsx"
    book.save(target)
    tracemalloc.start()
    try:
        with pytest.raises(WorkbookError) as caught:
            read_engagement(target)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 60 * 1024 * 1024
    # The far value is a rating row without participant, public or scenario: reported.
    assert any(p.cell == "A1048576" for p in caught.value.problems)


def test_ratings_under_criterion_names_are_read_and_no_criterion_column_is_an_error(
    tmp_path: Path,
) -> None:
    book = openpyxl.load_workbook(VALID)
    sheet = book["Notation ROI"]
    names = {c.code: c.name for c in m.DEFAULT_CRITERIA}
    for cell in sheet[1]:
        if cell.value in names:
            cell.value = names[cell.value]
    named = tmp_path / "noms.xlsx"
    book.save(named)
    assert read_engagement(named).ratings == read_engagement(VALID).ratings

    for cell in sheet[1]:
        if cell.value in names.values():
            cell.value = f"Note {cell.column}"
    unnamed = tmp_path / "sans-criteres.xlsx"
    book.save(unnamed)
    with pytest.raises(WorkbookError) as caught:
        read_engagement(unnamed)
    assert str(caught.value.problems[0]).startswith(
        "Feuille « Notation ROI » : aucune colonne de critère n'a été trouvée"
    )


def test_a_renamed_sheet_is_pointed_out(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(VALID)
    sheet = book.create_sheet("Option")
    sheet.append(["Option", "Quantité", "Prix unitaire HT"])
    target = tmp_path / "renommee.xlsx"
    book.save(target)
    warnings = read_engagement(target).warnings
    assert warnings == (
        "La feuille « Option » ne fait pas partie d'une mission « Concertation citoyenne » : "
        "elle est ignorée. Si c'est la feuille « Options », rendez-lui ce nom exact.",
    )


def test_a_duplicated_header_is_pointed_out(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(VALID)
    sheet = book["Parties prenantes"]
    column = sheet.max_column + 1
    sheet.cell(1, column, "Influence")
    sheet.cell(2, column, "fort")
    target = tmp_path / "doublon.xlsx"
    book.save(target)
    warnings = read_engagement(target).warnings
    assert any("« Influence » apparaît deux fois (déjà en D1)" in w for w in warnings)


def test_a_formula_returning_an_empty_text_saved_by_a_spreadsheet_is_blank(
    tmp_path: Path,
) -> None:
    """LibreOffice stores it as t="str" with an empty value: a result, not a missing one."""
    book = openpyxl.load_workbook(VALID)
    sheet = book["Mission"]
    sheet.append(["Pilote", '=IF(1=1,"","x")'])
    cell = f"B{sheet.max_row}"
    target = tmp_path / "formule.xlsx"
    book.save(target)
    name = "xl/worksheets/sheet1.xml"  # « Mission », the first sheet
    rewritten = tmp_path / "calcule.xlsx"
    with zipfile.ZipFile(target) as source, zipfile.ZipFile(rewritten, "w") as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == name:
                data = data.replace(
                    f'<c r="{cell}"><f>'.encode(), f'<c r="{cell}" t="str"><f>'.encode()
                )
            out.writestr(item, data)
    assert b't="str"' in zipfile.ZipFile(rewritten).read(name)
    assert read_engagement(rewritten).mission.pilot == ""
