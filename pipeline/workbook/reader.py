"""Read an engagement workbook into a validated :class:`~pipeline.model.Engagement`.

Every rule of ``docs/workbooks.md`` is applied and every problem is collected, so a
consultant fixes the whole workbook in one go: :func:`read_engagement` either
returns a model or raises one :class:`~pipeline.errors.WorkbookError` listing
all the problems, each located by sheet and cell.

This module holds the top-level flow; the steps live beside it: ``book`` (load
the bytes), ``grid`` (one sheet's values), ``cells`` (one cell, the header row),
``mission_sheet``, ``table_sheets``, ``cross_sheet`` (rules across rows and
sheets) and ``findings`` (the problems collected).
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, NoReturn

from pipeline import model as m
from pipeline.errors import Problem
from pipeline.formats import enumeration
from pipeline.text import fold
from pipeline.workbook import schema as s
from pipeline.workbook.book import Book, load_book
from pipeline.workbook.circumstances import Circumstances, check_circumstances
from pipeline.workbook.cross_sheet import (
    check_mission_rules,
    check_references,
    check_single_ratings,
    check_unique_codes,
)
from pipeline.workbook.findings import Findings
from pipeline.workbook.grid import Grid
from pipeline.workbook.mission_fields import MISSION
from pipeline.workbook.mission_sheet import read_fields
from pipeline.workbook.roi_sheets import CRITERIA
from pipeline.workbook.sniff import check_xlsx, read_source
from pipeline.workbook.table_sheets import Row, build_record, read_table


def read_engagement(path: Path, circumstances: Circumstances | None = None) -> m.Engagement:
    """Read and validate one workbook; raise WorkbookError with every problem found."""
    return read_workbook(read_source(path), path.name, circumstances)


def read_workbook(
    data: bytes, name: str, circumstances: Circumstances | None = None
) -> m.Engagement:
    """Read and validate the bytes of a workbook named ``name`` (for messages).

    Reading from bytes means the file is read once, whatever its extension, and
    the very bytes that were validated are the ones kept beside the outputs.
    ``circumstances`` (a build's day and catalogue) adds the checks that need them.
    """
    check_xlsx(data, name)
    book = load_book(data, name)
    reader = _Reader(book, source=name, circumstances=circumstances)
    try:
        return reader.read()
    finally:
        book.values.close()


class _Reader:
    def __init__(self, book: Book, source: str, circumstances: Circumstances | None) -> None:
        self.book = book
        self.source = source
        self.circumstances = circumstances
        self.findings = Findings(source, sheets=list(book.values.sheetnames))
        self._sheets = {fold(ws.title): ws for ws in book.values.worksheets}

    # -- the whole workbook -------------------------------------------------

    def read(self) -> m.Engagement:
        mission_grid = self._grid(MISSION.name)
        if mission_grid is None:
            self._fail(
                Problem(
                    f"la feuille « {MISSION.name} » est introuvable",
                    hint="Chaque classeur commence par cette feuille (Champ | Valeur) ; "
                    "repartez d'un classeur vierge créé avec « amoor workbook new ».",
                )
            )
        mission_values, mission_cells = read_fields(self.findings, mission_grid)
        offer = mission_values.get("offer")
        if not isinstance(offer, m.Offer):
            # Without the offer the other sheets cannot be checked: report now.
            self._fail()

        self._warn_unknown_sheets(offer)
        tables: dict[str, list[Row]] = {}
        for use in s.OFFER_SHEETS[offer]:
            grid = self._grid(use.sheet.name)
            if grid is None:
                if use.required:
                    uses = s.OFFER_SHEETS[offer]
                    required = enumeration(f"« {u.sheet.name} »" for u in uses if u.required)
                    optional = enumeration(f"« {u.sheet.name} »" for u in uses if not u.required)
                    self.findings.problems.append(
                        Problem(
                            f"la feuille « {use.sheet.name} » est introuvable",
                            hint=f"Une mission « {offer} » contient obligatoirement les feuilles "
                            f"{required} ({optional} sont facultatives). Ajoutez la feuille "
                            f"manquante (un classeur vierge créé avec « amoor workbook new » la "
                            f"contient).",
                        )
                    )
                continue
            tables[use.sheet.name] = read_table(self.findings, grid, use.sheet, offer, tables)

        check_unique_codes(self.findings, tables)
        check_references(self.findings, offer, tables)
        check_single_ratings(self.findings, offer, tables)
        check_mission_rules(self.findings, offer, mission_values, mission_cells, tables)
        if self.circumstances is not None:
            check_circumstances(
                self.findings, self.circumstances, offer, mission_values, mission_cells, tables
            )
        if self.findings.problems:
            self._fail()

        records: dict[str, Any] = {}
        for use in s.OFFER_SHEETS[offer]:
            rows = tables.get(use.sheet.name)
            if rows is None:
                continue
            built = tuple(build_record(use.sheet, row) for row in rows)
            if use.sheet is CRITERIA and not built:
                continue  # an empty criteria sheet means the default criteria
            records[use.sheet.attr] = built
        mission = m.Mission(**mission_values, cells=mission_cells)
        return m.Engagement(
            mission=mission, warnings=tuple(str(w) for w in self.findings.warnings), **records
        )

    def _warn_unknown_sheets(self, offer: m.Offer) -> None:
        """A renamed sheet would be silently skipped (say « Options HT »): say so."""
        expected = {
            fold(name): name
            for name in (
                MISSION.name,
                s.README_SHEET,
                *(u.sheet.name for u in s.OFFER_SHEETS[offer]),
            )
        }
        for key, sheet in self._sheets.items():
            if key in expected:
                continue
            close = difflib.get_close_matches(key, list(expected), n=1, cutoff=0.6)
            hint = (
                f"Si c'est la feuille « {expected[close[0]]} », rendez-lui ce nom exact."
                if close
                else ""
            )
            self.findings.warnings.append(
                Problem(
                    f"la feuille « {sheet.title} » ne fait pas partie d'une mission « {offer} » : "
                    f"elle est ignorée",
                    hint=hint,
                )
            )

    def _fail(self, *extra: Problem) -> NoReturn:
        self.findings.fail(*extra)

    def _grid(self, name: str) -> Grid | None:
        sheet = self._sheets.get(fold(name))
        if sheet is None:
            return None
        return Grid.of(sheet, name, self.book.uncached.get(sheet.title, {}))
