"""One sheet as a sparse grid of the values its file holds, and cell references (« B7 »)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.workbook import xstring
from pipeline.workbook.kinds import as_text


def stored_values(sheet: Worksheet) -> dict[tuple[int, int], Any]:
    """The non-blank values the file actually holds, without creating other cells.

    ``iter_rows`` walks the sheet's whole dimension and creates every cell in
    it; formatting alone can stretch that to row 1,048,576. openpyxl keeps the
    parsed cells in ``_cells`` and offers no public view of them.
    """
    values: dict[tuple[int, int], Any] = {}
    for (row, col), cell in sheet._cells.items():
        value = cell.value
        if isinstance(value, str):
            value = as_text(xstring.decode(value)) or None  # decoded once, then cleaned
        if value is not None:
            values[(row, col)] = value
    return values


@dataclass
class Grid:
    """One sheet as a sparse map of values; merged cells take their top-left value.

    Sparse, because a stray value far from the data (A1048576, XFD1) must not
    make a rectangle of billions of empty cells.
    """

    title: str  # the canonical name, as the consultant sees it in messages
    values: dict[tuple[int, int], Any]
    uncached: dict[tuple[int, int], str]  # (row, col) -> formula without a cached value
    by_row: dict[int, dict[int, Any]] = field(default_factory=dict)
    # Cells showing their number as a percentage (0.3 shown « 30 % »): « Part » reads them so.
    percent: frozenset[tuple[int, int]] = frozenset()

    @classmethod
    def of(cls, sheet: Worksheet, title: str, uncached: dict[tuple[int, int], str]) -> Grid:
        values = stored_values(sheet)
        data_rows = {r for r, _ in values} | {r for r, _ in uncached}
        for merged in sheet.merged_cells.ranges:
            top_left = values.get((merged.min_row, merged.min_col))
            if top_left is None:
                continue
            right = min(merged.max_col, merged.min_col + MAX_MERGED_COLUMNS)
            for row in sorted(r for r in data_rows if merged.min_row <= r <= merged.max_row):
                for col in range(merged.min_col, right + 1):
                    values[(row, col)] = top_left
        percent = frozenset(
            place
            for place in values
            if isinstance(values[place], int | float)
            and "%" in str(sheet._cells[place].number_format if place in sheet._cells else "")
        )
        grid = cls(title, values, uncached, percent=percent)
        for (row, col), value in values.items():
            grid.by_row.setdefault(row, {})[col] = value
        for row, _ in uncached:
            grid.by_row.setdefault(row, {})
        return grid

    def value(self, row: int, col: int) -> Any:
        """Value at 1-based (row, col); strings stripped, blanks as None."""
        return self.values.get((row, col))

    def row(self, row: int) -> dict[int, Any]:
        """The non-blank values of a row, by column."""
        return self.by_row.get(row, {})

    def rows_after(self, row: int) -> list[int]:
        """Rows below ``row`` holding something (a value or a formula without result)."""
        return sorted(r for r in self.by_row if r > row)

    def uncached_formula(self, row: int, col: int) -> str | None:
        return self.uncached.get((row, col))


# A merged range is filled along the data's rows only, and this wide at most: a
# range merged across the whole sheet must not create millions of cells.
MAX_MERGED_COLUMNS = 200


def cell_ref(row: int, col: int) -> str:
    return f"{get_column_letter(col)}{row}"
