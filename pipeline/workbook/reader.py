"""Read an engagement workbook into a validated :class:`~pipeline.model.Engagement`.

Every rule of ``workbooks.md`` is applied and every problem is collected, so a
consultant fixes the whole workbook in one go: :func:`read_engagement` either
returns a model or raises one :class:`~pipeline.errors.WorkbookError` listing
all the problems, each located by sheet and cell.
"""

from __future__ import annotations

import logging
import re
import warnings
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

import defusedxml  # noqa: F401  - openpyxl parses safely only when this is importable
import openpyxl
from openpyxl.cell.cell import Cell
from openpyxl.utils import coordinate_to_tuple, get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from pipeline import model as m
from pipeline.errors import NotAWorkbookError, Problem, WorkbookError
from pipeline.render.formats import enumeration
from pipeline.workbook import schema as s
from pipeline.workbook.kinds import CellValueError, as_text, fold
from pipeline.workbook.sniff import check_xlsx, truncated_message

log = logging.getLogger(__name__)

HEADER_SEARCH_ROWS = 20
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_OPEN_AND_SAVE = (
    "Ouvrez le classeur dans Excel ou LibreOffice Calc, enregistrez-le (le résultat des formules "
    "est alors enregistré), puis déposez-le à nouveau."
)


def read_engagement(path: Path) -> m.Engagement:
    """Read and validate one workbook; raise WorkbookError with every problem found."""
    check_xlsx(path)
    book = _load(path)
    return _Reader(book, source=path.name).read()


@dataclass
class _Book:
    """The cached values of a workbook, with the formulas that have none."""

    values: Workbook
    uncached: dict[tuple[str, str], str]  # (sheet title, "B7") -> formula without a value


def _load(path: Path) -> _Book:
    def load(data_only: bool) -> Workbook:
        with warnings.catch_warnings():
            # openpyxl warns about features it drops when *writing* (extensions,
            # default styles); reading is unaffected.
            warnings.simplefilter("ignore", UserWarning)
            return openpyxl.load_workbook(path, data_only=data_only, keep_links=False)

    try:
        values = load(data_only=True)
        uncached: dict[tuple[str, str], str] = {}
        if _has_formulas(path):
            formulas = load(data_only=False)
            for sheet in formulas.worksheets:
                cached = {c.coordinate: c.value for c in stored_cells(values[sheet.title])}
                for cell in stored_cells(sheet):
                    if cell.data_type == "f" and cached.get(cell.coordinate) is None:
                        uncached[(sheet.title, cell.coordinate)] = str(cell.value)
            formulas.close()
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ParseError, OSError) as exc:
        log.debug("cannot load %s: %r", path, exc)
        raise NotAWorkbookError(truncated_message(path.name)) from exc
    except (ValueError, TypeError) as exc:
        log.warning("openpyxl cannot load %s: %r", path, exc)
        raise NotAWorkbookError(
            f"Le classeur « {path.name} » n'a pas pu être lu : sa structure interne n'est pas "
            f"celle d'un classeur .xlsx standard. Ouvrez-le dans Excel ou LibreOffice Calc, "
            f"enregistrez-le au format « Classeur Excel (.xlsx) », puis déposez-le à nouveau."
        ) from exc
    return _Book(values, uncached)


def stored_cells(sheet: Worksheet) -> list[Cell]:
    """The cells the file actually holds, without creating the others.

    ``iter_rows`` walks the sheet's whole dimension and creates every cell in
    it; formatting alone can stretch that to row 1,048,576. openpyxl keeps the
    parsed cells in ``_cells`` and offers no public view of them.
    """
    return list(sheet._cells.values())


def _has_formulas(path: Path) -> bool:
    """Cheap pre-check so that most workbooks are parsed once, not twice."""
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            is_sheet = name.startswith("xl/worksheets/") and name.endswith(".xml")
            if is_sheet and _FORMULA_TAG.search(archive.read(name)):
                return True
    return False


@dataclass
class _Grid:
    """One sheet as rows of values, merged cells filled from their top-left cell."""

    title: str  # the canonical name, as the consultant sees it in messages
    real_title: str
    rows: list[list[Any]]
    uncached: dict[str, str]  # coordinate -> formula without a cached value

    @classmethod
    def of(cls, sheet: Worksheet, title: str, uncached: dict[tuple[str, str], str]) -> _Grid:
        values = {
            (cell.row, cell.column): cell.value
            for cell in stored_cells(sheet)
            if cell.value is not None
        }
        gone = {coord: f for (name, coord), f in uncached.items() if name == sheet.title}
        # The grid stops at the data, not at max_row (formatting can stretch it).
        places = [*values, *(coordinate_to_tuple(coord) for coord in gone)]
        height = max((r for r, _ in places), default=0)
        width = max((c for _, c in places), default=0)
        rows: list[list[Any]] = [[None] * width for _ in range(height)]
        for (r, c), value in values.items():
            rows[r - 1][c - 1] = value
        for merged in sheet.merged_cells.ranges:
            top_left = values.get((merged.min_row, merged.min_col))
            for r in range(merged.min_row, min(merged.max_row, height) + 1):
                for c in range(merged.min_col, min(merged.max_col, width) + 1):
                    rows[r - 1][c - 1] = top_left
        return cls(title, sheet.title, rows, gone)

    def value(self, row: int, col: int) -> Any:
        """Value at 1-based (row, col); strings stripped, blanks as None."""
        if row > len(self.rows) or col > len(self.rows[row - 1]):
            return None
        raw = self.rows[row - 1][col - 1]
        if isinstance(raw, str):
            raw = as_text(raw)
            return raw or None
        return raw

    def uncached_formula(self, row: int, col: int) -> str | None:
        return self.uncached.get(cell_ref(row, col))

    def row_is_empty(self, row: int) -> bool:
        width = len(self.rows[row - 1]) if row <= len(self.rows) else 0
        return all(
            self.value(row, c) is None and self.uncached_formula(row, c) is None
            for c in range(1, width + 1)
        )


def cell_ref(row: int, col: int) -> str:
    return f"{get_column_letter(col)}{row}"


@dataclass
class _Row:
    """A parsed data row: values by attribute and where each came from."""

    number: int
    values: dict[str, Any] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)
    ok: bool = True


class _Reader:
    def __init__(self, book: _Book, source: str) -> None:
        self.book = book
        self.source = source
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self._sheets = {fold(ws.title): ws for ws in book.values.worksheets}
        self._invalid_fields: set[str] = set()  # Mission fields already reported

    # -- the whole workbook -------------------------------------------------

    def read(self) -> m.Engagement:
        mission_grid = self._grid(s.MISSION.name)
        if mission_grid is None:
            self._fail(
                Problem(
                    f"la feuille « {s.MISSION.name} » est introuvable",
                    hint="Chaque classeur commence par cette feuille (Champ | Valeur) ; "
                    "repartez d'un classeur vierge créé avec « amoor workbook new ».",
                )
            )
        mission_values, mission_cells = self._read_fields(mission_grid)
        offer = mission_values.get("offer")
        if not isinstance(offer, m.Offer):
            # Without the offer the other sheets cannot be checked: report now.
            self._fail()
        assert isinstance(offer, m.Offer)

        tables: dict[str, list[_Row]] = {}
        for use in s.OFFER_SHEETS[offer]:
            grid = self._grid(use.sheet.name)
            if grid is None:
                if use.required:
                    uses = s.OFFER_SHEETS[offer]
                    required = enumeration(f"« {u.sheet.name} »" for u in uses if u.required)
                    optional = enumeration(f"« {u.sheet.name} »" for u in uses if not u.required)
                    self.problems.append(
                        Problem(
                            f"la feuille « {use.sheet.name} » est introuvable",
                            hint=f"Une mission « {offer} » contient obligatoirement les feuilles "
                            f"{required} ({optional} sont facultatives). Ajoutez la feuille "
                            f"manquante (un classeur vierge créé avec « amoor workbook new » la "
                            f"contient).",
                        )
                    )
                continue
            tables[use.sheet.name] = self._read_table(grid, use.sheet, tables)

        self._check_unique_codes(tables)
        self._check_references(tables)
        self._check_mission_rules(offer, mission_values, mission_cells, tables)
        if self.problems:
            self._fail()

        records: dict[str, Any] = {}
        for use in s.OFFER_SHEETS[offer]:
            rows = tables.get(use.sheet.name)
            if rows is None:
                continue
            built = tuple(self._build(use.sheet, row) for row in rows)
            if use.sheet is s.CRITERIA and not built:
                continue  # an empty criteria sheet means the default criteria
            records[use.sheet.attr] = built
        mission = m.Mission(**mission_values)
        return m.Engagement(
            mission=mission, warnings=tuple(str(w) for w in self.warnings), **records
        )

    def _fail(self, *extra: Problem) -> Any:
        raise WorkbookError(self.source, [*self.problems, *extra])

    def _grid(self, name: str) -> _Grid | None:
        sheet = self._sheets.get(fold(name))
        if sheet is None:
            return None
        return _Grid.of(sheet, name, self.book.uncached)

    # -- cells ----------------------------------------------------------------

    def _parse_cell(self, grid: _Grid, row: int, col: int, column: s.Column) -> tuple[bool, Any]:
        """(ok, value) for one cell; value None means blank. Problems are recorded."""
        ref = cell_ref(row, col)
        formula = grid.uncached_formula(row, col)
        if formula is not None:
            self.problems.append(
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
            return True, column.kind.parse(raw)
        except CellValueError as exc:
            self.problems.append(
                Problem(
                    f"{column.subject} doit être {exc}",
                    sheet=grid.title,
                    cell=ref,
                    found=as_text(raw),
                )
            )
            return False, None

    def _required_blank(self, grid: _Grid, ref: str, column: s.Column) -> None:
        self.problems.append(
            Problem(
                f"{column.subject} est obligatoire, la cellule est vide",
                sheet=grid.title,
                cell=ref,
                hint=""
                if column.kind.expected == "un texte"
                else f"Saisissez {column.kind.expected}.",
            )
        )

    # -- the « Mission » sheet ----------------------------------------------------

    def _read_fields(self, grid: _Grid | None) -> tuple[dict[str, Any], dict[str, str]]:
        sheet = s.MISSION
        values: dict[str, Any] = {}
        cells: dict[str, str] = {}
        if grid is None:
            return values, cells
        found = self._find_header(grid, (sheet.key_header, sheet.value_header))
        if found is None:
            self._fail(
                Problem(
                    f"la ligne d'en-tête « {sheet.key_header} » | « {sheet.value_header} » est "
                    f"introuvable",
                    sheet=grid.title,
                    hint="Ajoutez une ligne avec ces deux en-têtes au-dessus des champs.",
                )
            )
        assert found is not None
        header_row, positions = found
        key_col, value_col = positions[fold(sheet.key_header)], positions[fold(sheet.value_header)]
        by_key = {fold(f.header): f for f in sheet.fields}
        seen: dict[str, int] = {}
        for row in range(header_row + 1, len(grid.rows) + 1):
            key = grid.value(row, key_col)
            if key is None:
                continue
            column = by_key.get(fold(as_text(key)))
            if column is None:
                self.warnings.append(
                    Problem(
                        f"le champ « {as_text(key)} » est inconnu, il est ignoré",
                        sheet=grid.title,
                        cell=cell_ref(row, key_col),
                    )
                )
                continue
            if column.attr in seen:
                self.problems.append(
                    Problem(
                        f"le champ « {column.header} » apparaît deux fois (déjà en ligne "
                        f"{seen[column.attr]})",
                        sheet=grid.title,
                        cell=cell_ref(row, key_col),
                        hint="Gardez une seule ligne par champ.",
                    )
                )
                continue
            seen[column.attr] = row
            ref = cell_ref(row, value_col)
            cells[column.attr] = ref
            ok, value = self._parse_cell(grid, row, value_col, column)
            if not ok:
                self._invalid_fields.add(column.attr)
            if ok and value is None and column.required:
                self._required_blank(grid, ref, column)
            elif value is not None:
                values[column.attr] = value
        for column in sheet.fields:
            if column.required and column.attr not in seen:
                self.problems.append(
                    Problem(
                        f"le champ obligatoire « {column.header} » est introuvable dans la "
                        f"colonne « {sheet.key_header} »",
                        sheet=grid.title,
                        hint=f"Ajoutez une ligne « {column.header} » avec sa valeur.",
                    )
                )
        return values, cells

    # -- table sheets -------------------------------------------------------

    def _find_header(
        self, grid: _Grid, required: Iterable[str]
    ) -> tuple[int, dict[str, int]] | None:
        """First row holding every required header: (row, folded header -> column)."""
        wanted = {fold(h) for h in required}
        for row in range(1, min(len(grid.rows), HEADER_SEARCH_ROWS) + 1):
            positions: dict[str, int] = {}
            for col in range(1, len(grid.rows[row - 1]) + 1):
                raw = grid.value(row, col)
                if raw is not None:
                    positions.setdefault(fold(as_text(raw)), col)
            if wanted <= positions.keys():
                return row, positions
        return None

    def _report_missing_headers(self, grid: _Grid, sheet: s.TableSheet) -> None:
        best_row, best = 1, -1
        headers = {fold(c.header) for c in sheet.columns}
        for row in range(1, min(len(grid.rows), HEADER_SEARCH_ROWS) + 1):
            texts = {fold(as_text(v)) for v in grid.rows[row - 1] if v is not None}
            score = len(texts & headers)
            if score > best:
                best_row, best = row, score
        texts = {fold(as_text(v)) for v in grid.rows[best_row - 1]} if grid.rows else set()
        expected = " | ".join(c.header for c in sheet.columns)
        required = ", ".join(sheet.required_headers)
        for column in sheet.columns:
            if column.required and fold(column.header) not in texts:
                self.problems.append(
                    Problem(
                        f"la colonne obligatoire « {column.header} » est introuvable",
                        sheet=grid.title,
                        hint=f"Ajoutez la colonne « {column.header} » à la ligne d'en-tête "
                        f"(ligne {best_row}). Colonnes attendues : {expected} (obligatoires : "
                        f"{required}).",
                    )
                )

    def _read_table(
        self, grid: _Grid, sheet: s.TableSheet, tables: dict[str, list[_Row]]
    ) -> list[_Row]:
        found = self._find_header(grid, sheet.required_headers)
        if found is None:
            self._report_missing_headers(grid, sheet)
            return []
        header_row, positions = found
        columns: list[tuple[int, s.Column]] = []
        known = {fold(c.header): c for c in sheet.columns}
        for key, col in positions.items():
            if key in known:
                columns.append((col, known.pop(key)))
        criteria = self._criteria(tables) if sheet.criteria_columns else ()
        criterion_cols: list[tuple[int, m.Criterion]] = []
        by_code = {fold(c.code): c for c in criteria}
        taken = {col for col, _ in columns}
        for key, col in sorted(positions.items(), key=lambda kv: kv[1]):
            if col in taken:
                continue
            header = as_text(grid.value(header_row, col))
            if key in by_code:
                criterion_cols.append((col, by_code.pop(key)))
                continue
            what = (
                f"la colonne « {header} » n'est pas un code de critère "
                f"({', '.join(c.code for c in criteria)}) : elle est ignorée"
                if sheet.criteria_columns
                else f"la colonne « {header} » est inconnue : elle est ignorée"
            )
            self.warnings.append(Problem(what, sheet=grid.title, cell=cell_ref(header_row, col)))
        for criterion in by_code.values():
            self.warnings.append(
                Problem(
                    f"le critère « {criterion.code} » ({criterion.name}) n'a pas de colonne : "
                    f"il n'est pas noté",
                    sheet=grid.title,
                )
            )

        rows: list[_Row] = []
        for number in range(header_row + 1, len(grid.rows) + 1):
            if grid.row_is_empty(number):
                continue
            row = _Row(number)
            for col, column in columns:
                ref = cell_ref(number, col)
                ok, value = self._parse_cell(grid, number, col, column)
                row.ok &= ok
                if ok and value is None and column.required:
                    self._required_blank(grid, ref, column)
                    row.ok = False
                elif value is not None:
                    row.values[column.attr] = value
                    row.cells[column.attr] = ref
            if criterion_cols:
                grades: list[tuple[str, m.Grade]] = []
                for col, criterion in criterion_cols:
                    column = s.Column(
                        f"note du critère « {criterion.code} »", "grades", s.GRADE, article="la "
                    )
                    ok, grade = self._parse_cell(grid, number, col, column)
                    row.ok &= ok
                    if grade is not None:
                        grades.append((criterion.code, grade))
                row.values["grades"] = tuple(grades)
            rows.append(row)
        return rows

    def _criteria(self, tables: dict[str, list[_Row]]) -> tuple[m.Criterion, ...]:
        rows = tables.get(s.CRITERIA.name) or []
        built = tuple(self._build(s.CRITERIA, r) for r in rows if r.ok)
        return built or m.DEFAULT_CRITERIA

    @staticmethod
    def _build(sheet: s.TableSheet, row: _Row) -> Any:
        if "source_row" in {f.name for f in fields(sheet.record)}:
            return sheet.record(**row.values, source_row=row.number)
        return sheet.record(**row.values)

    # -- cross-sheet rules --------------------------------------------------

    def _check_unique_codes(self, tables: dict[str, list[_Row]]) -> None:
        for name, rows in tables.items():
            first: dict[str, str] = {}
            for row in rows:
                code = row.values.get("code")
                if not isinstance(code, str):
                    continue
                key = code.casefold()
                if key in first:
                    self.problems.append(
                        Problem(
                            f"le code « {code} » est déjà utilisé à la cellule {first[key]}",
                            sheet=name,
                            cell=row.cells["code"],
                            hint="Chaque code doit être unique dans sa feuille : "
                            "renommez l'un des deux.",
                        )
                    )
                    row.ok = False
                else:
                    first[key] = row.cells["code"]

    def _check_references(self, tables: dict[str, list[_Row]]) -> None:
        for sheet, attr, target in s.REFERENCES:
            rows = tables.get(sheet.name)
            targets = tables.get(target.name)
            if rows is None or targets is None:
                continue
            codes = {
                str(r.values["code"]).casefold(): r.values["code"]
                for r in targets
                if "code" in r.values
            }
            known = ", ".join(codes.values()) or "aucun"
            for row in rows:
                value = row.values.get(attr)
                if value is None:
                    continue
                wanted = value if isinstance(value, tuple) else (value,)
                resolved: list[str] = []
                for code in wanted:
                    canonical = codes.get(code.casefold())
                    if canonical is None:
                        self.problems.append(
                            Problem(
                                f"le code « {code} » n'existe pas dans la feuille "
                                f"« {target.name} » (codes connus : {known})",
                                sheet=sheet.name,
                                cell=row.cells[attr],
                                hint=f"Corrigez le code ou ajoutez-le dans « {target.name} ».",
                            )
                        )
                        row.ok = False
                    else:
                        resolved.append(canonical)
                row.values[attr] = (
                    tuple(resolved)
                    if isinstance(value, tuple)
                    else (resolved[0] if resolved else value)
                )
        for row_sheet, key_attrs in ((s.RATINGS, ("participant", "scenario")),):
            seen: dict[tuple[str, ...], int] = {}
            for row in tables.get(row_sheet.name, []):
                if not all(a in row.values for a in key_attrs):
                    continue
                key = tuple(fold(str(row.values[a])) for a in key_attrs)
                if key in seen:
                    participant, scenario = (row.values[a] for a in key_attrs)
                    self.problems.append(
                        Problem(
                            f"« {participant} » a déjà noté le scénario « {scenario} » "
                            f"(ligne {seen[key]})",
                            sheet=row_sheet.name,
                            cell=row.cells[key_attrs[0]],
                            hint="Un participant note chaque scénario une seule fois : "
                            "supprimez ou fusionnez l'une des deux lignes.",
                        )
                    )
                else:
                    seen[key] = row.number

    def _check_mission_rules(
        self,
        offer: m.Offer,
        values: dict[str, Any],
        cells: dict[str, str],
        tables: dict[str, list[_Row]],
    ) -> None:
        sheet = s.MISSION.name
        if values.get("stage") is m.Stage.ARRETEE and offer is not m.Offer.CONCERTATION:
            self.problems.append(
                Problem(
                    f"l'étape « {m.Stage.ARRETEE} » n'existe que pour une « "
                    f"{m.Offer.CONCERTATION} »",
                    sheet=sheet,
                    cell=cells["stage"],
                    hint="Choisissez Cadrage, Atelier réalisé ou Terminée.",
                )
            )
        chosen = values.get("chosen_scenario")
        if chosen:
            scenarios = tables.get(s.SCENARIOS.name)
            codes = {
                str(r.values["code"]).casefold(): r.values["code"]
                for r in scenarios or []
                if "code" in r.values
            }
            if offer is not m.Offer.CONCERTATION:
                self.warnings.append(
                    Problem(
                        "le scénario retenu ne sert que pour une concertation citoyenne : "
                        "il est ignoré",
                        sheet=sheet,
                        cell=cells["chosen_scenario"],
                    )
                )
                del values["chosen_scenario"]
            elif scenarios is not None and chosen.casefold() not in codes:
                self.problems.append(
                    Problem(
                        f"le scénario retenu « {chosen} » n'existe pas dans la feuille "
                        f"« {s.SCENARIOS.name} » (codes connus : "
                        f"{', '.join(codes.values()) or 'aucun'})",
                        sheet=sheet,
                        cell=cells["chosen_scenario"],
                        hint="Indiquez le code d'un scénario existant, ou laissez vide.",
                    )
                )
            elif scenarios is not None:
                values["chosen_scenario"] = codes[chosen.casefold()]
        if values.get("invoice_mode") is m.InvoiceMode.A_EMETTRE:
            by_attr = {f.attr: f for f in s.MISSION.fields}
            for attr in s.INVOICE_FIELDS:
                if attr in values or attr in self._invalid_fields:
                    continue
                column = by_attr[attr]
                ref = cells.get(attr)
                self.problems.append(
                    Problem(
                        f"{column.subject} est obligatoire pour émettre la facture",
                        sheet=sheet,
                        cell=ref or "",
                        hint=f"Renseignez le champ « {column.header} », ou choisissez "
                        f"« {m.InvoiceMode.PROFORMA} » dans le champ « Facture ».",
                    )
                )
