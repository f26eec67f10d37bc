"""Reading one cell against its column's kind, and finding a sheet's header row.

Shared by the « Mission » sheet and the table sheets: a bad or blank cell, or a
formula saved without its result, is recorded as a located problem.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pipeline.errors import Problem
from pipeline.text import fold
from pipeline.workbook.findings import Findings
from pipeline.workbook.grid import Grid, cell_ref
from pipeline.workbook.kinds import CellValueError, as_text
from pipeline.workbook.schema_types import Column
from pipeline.workbook.share import ShareKind

HEADER_SEARCH_ROWS = 20
_OPEN_AND_SAVE = (
    "Ouvrez le classeur dans Excel ou LibreOffice Calc, enregistrez-le (le résultat des formules "
    "est alors enregistré), puis déposez-le à nouveau."
)


def parse_cell(
    findings: Findings, grid: Grid, row: int, col: int, column: Column
) -> tuple[bool, Any]:
    """(ok, value) for one cell; value None means blank. Problems are recorded."""
    ref = cell_ref(row, col)
    formula = grid.uncached_formula(row, col)
    if formula is not None:
        findings.problems.append(
            Problem(
                f"cette cellule ({column.header}) contient une formule dont le résultat n'a "
                f"pas été enregistré",
                sheet=grid.title,
                cell=ref,
                found=formula,
                hint=_OPEN_AND_SAVE,
            )
        )
        return False, None
    raw = grid.value(row, col)
    if raw is None:
        return True, None
    try:
        if isinstance(column.kind, ShareKind):
            percent = (row, col) in grid.percent
            return True, column.kind.parse_formatted(raw, percent_format=percent)
        return True, column.kind.parse(raw)
    except CellValueError as exc:
        findings.problems.append(
            Problem(
                f"{column.subject} {column.agreed('doit', 'doivent')} être {exc}",
                sheet=grid.title,
                cell=ref,
                found=as_text(raw),
            )
        )
        return False, None


def required_blank(findings: Findings, grid: Grid, ref: str, column: Column) -> None:
    findings.problems.append(
        Problem(
            f"{column.subject} {column.agreed('est obligatoire', 'sont obligatoires')}, la cellule "
            "est vide",
            sheet=grid.title,
            cell=ref,
            hint=what_to_type(column),
        )
    )


def what_to_type(column: Column) -> str:
    """The hint of an empty required cell: what to type in it."""
    if not column.kind.free_text:
        return f"Saisissez {column.kind.expected}."
    if column.help and column.help != "Texte libre.":
        return f"Saisissez {column.subject} : {column.help[:1].lower()}{column.help[1:]}"
    if column.article == "la colonne ":
        return f"Saisissez un texte dans la colonne « {column.header} »."
    return f"Saisissez {column.subject} (texte libre)."


def find_header(
    findings: Findings, grid: Grid, required: Iterable[str]
) -> tuple[int, dict[str, int]] | None:
    """First row holding every required header: (row, folded header -> column)."""
    wanted = {fold(h) for h in required}
    for row in range(1, HEADER_SEARCH_ROWS + 1):
        positions: dict[str, int] = {}
        for col, raw in sorted(grid.row(row).items()):
            key = fold(as_text(raw))
            if key in positions and key in wanted:
                findings.warnings.append(
                    Problem(
                        f"la colonne « {as_text(raw)} » apparaît deux fois (déjà en "
                        f"{cell_ref(row, positions[key])}) : seule la première est lue",
                        sheet=grid.title,
                        cell=cell_ref(row, col),
                    )
                )
            positions.setdefault(key, col)
        if wanted <= positions.keys():
            return row, positions
    return None
