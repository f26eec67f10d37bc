"""Reading the table sheets (one record a row under a header row) into parsed rows.

Columns are found by their header wherever they are; the criteria columns of
the ratings sheets are headed by a criterion's code (or name). Each row keeps
where its values came from, for the cross-sheet checks and the messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from pipeline import model as m
from pipeline.errors import Problem
from pipeline.text import fold
from pipeline.workbook.cells import HEADER_SEARCH_ROWS, find_header, parse_cell, required_blank
from pipeline.workbook.findings import Findings
from pipeline.workbook.grid import Grid, cell_ref
from pipeline.workbook.kinds import as_text
from pipeline.workbook.roi_sheets import CRITERIA
from pipeline.workbook.schema_types import Column, TableSheet, grade_column


@dataclass
class Row:
    """A parsed data row: values by attribute and where each came from."""

    number: int
    values: dict[str, Any] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)
    ok: bool = True


def report_missing_headers(findings: Findings, grid: Grid, columns: tuple[Column, ...]) -> None:
    best_row, best = 0, 0
    headers = {fold(c.header) for c in columns}
    for row in range(1, HEADER_SEARCH_ROWS + 1):
        score = len({fold(as_text(v)) for v in grid.row(row).values()} & headers)
        if score > best:
            best_row, best = row, score
    expected = " | ".join(c.header for c in columns)
    required = ", ".join(c.header for c in columns if c.required)
    if best_row == 0:
        findings.problems.append(
            Problem(
                f"la ligne d'en-tête est introuvable dans les {HEADER_SEARCH_ROWS} premières "
                f"lignes",
                sheet=grid.title,
                hint=f"Les colonnes attendues sont : {expected} (obligatoires : {required}). "
                f"Placez-les sur une même ligne en haut de la feuille.",
            )
        )
        return
    texts = {fold(as_text(v)) for v in grid.row(best_row).values()}
    for column in columns:
        if column.required and fold(column.header) not in texts:
            findings.problems.append(
                Problem(
                    f"la colonne obligatoire « {column.header} » est introuvable",
                    sheet=grid.title,
                    hint=f"Ajoutez la colonne « {column.header} » à la ligne d'en-tête "
                    f"(ligne {best_row}). Colonnes attendues : {expected} (obligatoires : "
                    f"{required}).",
                )
            )


def read_table(
    findings: Findings,
    grid: Grid,
    sheet: TableSheet,
    offer: m.Offer,
    tables: dict[str, list[Row]],
) -> list[Row]:
    specs = sheet.columns_for(offer)
    found = find_header(findings, grid, [c.header for c in specs if c.required])
    if found is None:
        report_missing_headers(findings, grid, specs)
        return []
    header_row, positions = found
    columns: list[tuple[int, Column]] = []
    known = {fold(c.header): c for c in specs}
    for key, col in positions.items():
        if key in known:
            columns.append((col, known.pop(key)))
    criteria = table_criteria(tables) if sheet.criteria_columns else ()
    criterion_cols: list[tuple[int, m.Criterion]] = []
    # A criterion column is headed by its code, or by its name (a blank made
    # before the codes changed, or a consultant who typed the names).
    by_code = {fold(c.code): c for c in criteria}
    by_name = {fold(c.name): c for c in criteria}
    taken = {col for col, _ in columns}
    for key, col in sorted(positions.items(), key=lambda kv: kv[1]):
        if col in taken:
            continue
        header = as_text(grid.value(header_row, col))
        criterion = by_code.get(key) or by_name.get(key)
        if criterion is not None and fold(criterion.code) in by_code:
            del by_code[fold(criterion.code)]
            criterion_cols.append((col, criterion))
            continue
        what = (
            f"la colonne « {header} » n'est pas un code de critère "
            f"({', '.join(c.code for c in criteria)}) : elle est ignorée"
            if sheet.criteria_columns
            else f"la colonne « {header} » est inconnue : elle est ignorée"
        )
        findings.warnings.append(Problem(what, sheet=grid.title, cell=cell_ref(header_row, col)))
    for criterion in by_code.values():
        findings.warnings.append(
            Problem(
                f"le critère « {criterion.code} » ({criterion.name}) n'a pas de colonne : "
                f"il n'est pas noté",
                sheet=grid.title,
            )
        )

    rows: list[Row] = []
    data_rows = grid.rows_after(header_row)
    if sheet.criteria_columns and data_rows and not criterion_cols:
        findings.problems.append(
            Problem(
                "aucune colonne de critère n'a été trouvée : les notes ne peuvent pas être lues",
                sheet=grid.title,
                hint="Sur la ligne d'en-tête, nommez chaque colonne de notes par le code de "
                "son critère (" + ", ".join(c.code for c in criteria) + ").",
            )
        )
    for number in data_rows:
        row = Row(number)
        for col, column in columns:
            ref = cell_ref(number, col)
            ok, value = parse_cell(findings, grid, number, col, column)
            row.ok &= ok
            if ok and value is None and column.required:
                required_blank(findings, grid, ref, column)
                row.ok = False
            elif value is not None:
                row.values[column.attr] = value
                row.cells[column.attr] = ref
        if criterion_cols:
            grades: list[tuple[str, m.Grade]] = []
            for col, criterion in criterion_cols:
                ok, grade = parse_cell(findings, grid, number, col, grade_column(criterion))
                row.ok &= ok
                if grade is not None:
                    grades.append((criterion.code, grade))
            row.values["grades"] = tuple(grades)
        rows.append(row)
    return rows


def table_criteria(tables: dict[str, list[Row]]) -> tuple[m.Criterion, ...]:
    rows = tables.get(CRITERIA.name) or []
    built = tuple(build_record(CRITERIA, r) for r in rows if r.ok)
    return built or m.DEFAULT_CRITERIA


def build_record(sheet: TableSheet, row: Row) -> Any:
    names = {f.name for f in fields(sheet.record)}
    extra: dict[str, Any] = {"source_row": row.number} if "source_row" in names else {}
    if "cells" in names:
        extra["cells"] = dict(row.cells)
    return sheet.record(**row.values, **extra)
