"""Reading what spreadsheets really write: stretched dimensions, merged cells, variants."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import openpyxl
from openpyxl.styles import PatternFill

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
