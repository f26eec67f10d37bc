"""The problems and warnings collected while reading one workbook.

Every rule is checked and every problem kept, so that the consultant fixes the
whole workbook in one go; :meth:`Findings.fail` raises them all at once, in the
order a consultant walks the workbook: sheet by sheet (as the workbook orders
them), then row by row and column by column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NoReturn

from openpyxl.utils import column_index_from_string

from pipeline.errors import Problem, WorkbookError
from pipeline.text import fold

_CELL = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)")


@dataclass
class Findings:
    """What the reading of the workbook named ``source`` found wrong so far.

    ``sheets``: the sheet names in the workbook's order (problems are sorted by it)."""

    source: str
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    invalid_fields: set[str] = field(default_factory=set)  # Mission fields already reported
    sheets: list[str] = field(default_factory=list)

    def fail(self, *extra: Problem) -> NoReturn:
        raise WorkbookError(self.source, in_place_order([*self.problems, *extra], self.sheets))


def in_place_order(problems: list[Problem], sheets: list[str]) -> list[Problem]:
    """``problems`` sorted by sheet (the workbook-wide ones first, sheets in ``sheets``'
    order, any other after), then by row and column; the same place keeps its order."""
    rank = {fold(name): index for index, name in enumerate(sheets)}

    def place(problem: Problem) -> tuple[int, int, int]:
        if not problem.sheet:
            return (-1, 0, 0)
        sheet = rank.get(fold(problem.sheet), len(rank))
        match = _CELL.match(problem.cell)  # « B4 », or the first cell of a range « B4:C5 »
        if match:
            return (sheet, int(match.group(2)), column_index_from_string(match.group(1)))
        return (sheet, problem.row or 0, 0)

    return sorted(problems, key=place)
