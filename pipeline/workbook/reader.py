"""Read an engagement workbook into a validated :class:`~pipeline.model.Engagement`.

Every rule of ``workbooks.md`` is applied and every problem is collected, so a
consultant fixes the whole workbook in one go: :func:`read_engagement` either
returns a model or raises one :class:`~pipeline.errors.WorkbookError` listing
all the problems, each located by sheet and cell.
"""

from __future__ import annotations

import difflib
import logging
import re
import warnings
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from io import BytesIO
from pathlib import Path
from typing import Any, NoReturn
from xml.etree.ElementTree import ParseError

from defusedxml import ElementTree
from openpyxl.utils import coordinate_to_tuple, get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from pipeline import model as m
from pipeline.errors import NotAWorkbookError, Problem, WorkbookError
from pipeline.formats import enumeration
from pipeline.workbook import schema as s
from pipeline.workbook import xstring
from pipeline.workbook.kinds import CellValueError, as_text, fold
from pipeline.workbook.share import ShareKind
from pipeline.workbook.sniff import check_xlsx, read_source, truncated_message

log = logging.getLogger(__name__)

HEADER_SEARCH_ROWS = 20
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_OPEN_AND_SAVE = (
    "Ouvrez le classeur dans Excel ou LibreOffice Calc, enregistrez-le (le résultat des formules "
    "est alors enregistré), puis déposez-le à nouveau."
)


def read_engagement(path: Path) -> m.Engagement:
    """Read and validate one workbook; raise WorkbookError with every problem found."""
    return read_workbook(read_source(path), path.name)


def read_workbook(data: bytes, name: str) -> m.Engagement:
    """Read and validate the bytes of a workbook named ``name`` (for messages).

    Reading from bytes means the file is read once, whatever its extension, and
    the very bytes that were validated are the ones kept beside the outputs.
    """
    check_xlsx(data, name)
    book = _load(data, name)
    reader = _Reader(book, source=name)
    try:
        return reader.read()
    finally:
        book.values.close()


@dataclass
class _Book:
    """The cached values of a workbook, with the formulas that have none."""

    values: Workbook
    uncached: dict[str, dict[tuple[int, int], str]]  # sheet -> (row, col) -> formula


def _load(data: bytes, name: str) -> _Book:
    try:
        with warnings.catch_warnings():
            # openpyxl warns about features it drops when *writing* (extensions,
            # default styles); reading is unaffected.
            warnings.simplefilter("ignore", UserWarning)
            values = xstring.load_workbook(data)  # text as stored: decoded in _stored_values
        uncached = _uncached_formulas(data)
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ParseError, OSError) as exc:
        log.debug("cannot load %s: %r", name, exc)
        raise NotAWorkbookError(truncated_message(name)) from exc
    except (ValueError, TypeError, InvalidFileException) as exc:
        log.debug("openpyxl cannot load %s: %r", name, exc)
        raise NotAWorkbookError(
            f"Le classeur « {name} » n'a pas pu être lu : sa structure interne n'est pas "
            f"celle d'un classeur .xlsx standard. Ouvrez-le dans Excel ou LibreOffice Calc, "
            f"enregistrez-le au format « Classeur Excel (.xlsx) », puis déposez-le à nouveau."
        ) from exc
    return _Book(values, uncached)


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _uncached_formulas(data: bytes) -> dict[str, dict[tuple[int, int], str]]:
    """Per sheet name, the formulas the file stores without a result (``<f>``, no ``<v>``).

    Only the XML tells: openpyxl reads an empty text result (a formula that
    returns "", saved by a spreadsheet) and no result at all both as None.
    """
    found: dict[str, dict[tuple[int, int], str]] = {}
    with zipfile.ZipFile(BytesIO(data)) as archive:
        sheets = _sheet_parts(archive)
        for sheet_name, part in sheets.items():
            raw = archive.read(part)
            if not _FORMULA_TAG.search(raw):
                continue  # most sheets hold no formula: skip the parse
            cells: dict[tuple[int, int], str] = {}
            for _, element in ElementTree.iterparse(BytesIO(raw)):
                if element.tag == f"{_MAIN}c":
                    formula = element.find(f"{_MAIN}f")
                    if formula is not None and not _has_result(element):
                        text = formula.text or "(formule partagée)"
                        cells[coordinate_to_tuple(element.get("r", "A1"))] = "=" + text
                    element.clear()
            if cells:
                found[sheet_name] = cells
    return found


def _has_result(cell: Any) -> bool:
    """Whether a formula cell carries its last result.

    A spreadsheet writes a text result as ``t="str"`` and an empty text as an
    empty ``<v></v>``; a program that never computed the formula (openpyxl)
    writes no ``<v>`` or an empty one on a number cell.
    """
    value = cell.find(f"{_MAIN}v")
    if value is None:
        return False
    return bool((value.text or "").strip()) or cell.get("t") in ("str", "inlineStr", "s")


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the zip member holding it, from workbook.xml and its relationships."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {
        rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_PACKAGE_REL}Relationship")
    }
    parts: dict[str, str] = {}
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        if member in archive.namelist():
            parts[sheet.get("name", "")] = member
    return parts


def _stored_values(sheet: Worksheet) -> dict[tuple[int, int], Any]:
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
class _Grid:
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
    def of(cls, sheet: Worksheet, title: str, uncached: dict[tuple[int, int], str]) -> _Grid:
        values = _stored_values(sheet)
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


def _codes(rows: Iterable[_Row]) -> dict[str, str]:
    """The codes of a sheet by their case-folded form: « s1 » finds « S1 »."""
    return {str(r.values["code"]).casefold(): r.values["code"] for r in rows if "code" in r.values}


def _offers(offers: Iterable[m.Offer]) -> str:
    """« Concertation citoyenne » ou « Stratégie globale opérationnelle », in the list's order."""
    return enumeration((f"« {o} »" for o in m.Offer if o in set(offers)), last="ou")


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

        self._warn_unknown_sheets(offer)
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
            tables[use.sheet.name] = self._read_table(grid, use.sheet, offer, tables)

        self._check_unique_codes(tables)
        self._check_references(offer, tables)
        self._check_single_ratings(offer, tables)
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
        mission = m.Mission(**mission_values, cells=mission_cells)
        return m.Engagement(
            mission=mission, warnings=tuple(str(w) for w in self.warnings), **records
        )

    def _warn_unknown_sheets(self, offer: m.Offer) -> None:
        """A renamed sheet would be silently skipped (say « Options HT »): say so."""
        expected = {
            fold(name): name
            for name in (
                s.MISSION.name,
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
            self.warnings.append(
                Problem(
                    f"la feuille « {sheet.title} » ne fait pas partie d'une mission « {offer} » : "
                    f"elle est ignorée",
                    hint=hint,
                )
            )

    def _fail(self, *extra: Problem) -> NoReturn:
        raise WorkbookError(self.source, [*self.problems, *extra])

    def _grid(self, name: str) -> _Grid | None:
        sheet = self._sheets.get(fold(name))
        if sheet is None:
            return None
        return _Grid.of(sheet, name, self.book.uncached.get(sheet.title, {}))

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
            if isinstance(column.kind, ShareKind):
                percent = (row, col) in grid.percent
                return True, column.kind.parse_formatted(raw, percent_format=percent)
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
                hint="" if column.kind.free_text else f"Saisissez {column.kind.expected}.",
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
        header_row, positions = found
        key_col, value_col = positions[fold(sheet.key_header)], positions[fold(sheet.value_header)]
        by_key = {fold(f.header): f for f in sheet.fields}
        seen: dict[str, int] = {}  # attr -> its row
        for row in grid.rows_after(header_row):
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
        # The offer first: it decides which fields, and which of their values, belong.
        offer_column = sheet.field("offer")
        read = self._read_field(grid, seen, value_col, offer_column, None, values, cells)
        offer = read if isinstance(read, m.Offer) else None
        for attr in sorted(seen, key=seen.__getitem__):
            if attr != offer_column.attr:
                column = sheet.field(attr)
                self._read_field(grid, seen, value_col, column, offer, values, cells)
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

    def _read_field(
        self,
        grid: _Grid,
        rows: dict[str, int],
        value_col: int,
        column: s.Column,
        offer: m.Offer | None,
        values: dict[str, Any],
        cells: dict[str, str],
    ) -> Any:
        """Read one « Mission » field into ``values``; return its value (None if blank or bad).

        ``offer`` is the mission's offer when known: a field of other offers is
        ignored with a warning, a list value of other offers is refused.
        """
        row = rows.get(column.attr)
        if row is None:
            return None
        ref = cell_ref(row, value_col)
        cells[column.attr] = ref
        if offer is not None and offer not in column.offers:
            if grid.value(row, value_col) is not None or grid.uncached_formula(row, value_col):
                self.warnings.append(
                    Problem(
                        f"le champ « {column.header} » ne sert que pour une mission "
                        f"{_offers(column.offers)} : sa valeur est ignorée",
                        sheet=grid.title,
                        cell=ref,
                        hint=f"Cette mission est une « {offer} » : videz la cellule, ou "
                        f"vérifiez le champ « {s.MISSION.field('offer').header} ».",
                    )
                )
            return None
        ok, value = self._parse_cell(grid, row, value_col, column)
        if ok and value is not None and offer is not None and offer not in column.offers_of(value):
            choices = column.for_offer(offer).kind.choices
            self.problems.append(
                Problem(
                    f"{column.subject} « {value} » n'existe que pour une mission "
                    f"{_offers(column.offers_of(value))}",
                    sheet=grid.title,
                    cell=ref,
                    hint=f"Choisissez {enumeration((f'« {c} »' for c in choices), last='ou')}.",
                )
            )
            ok, value = False, None
        if not ok:
            self._invalid_fields.add(column.attr)
        if ok and value is None and column.required:
            self._required_blank(grid, ref, column)
        elif value is not None:
            values[column.attr] = value
        return value

    # -- table sheets -------------------------------------------------------

    def _find_header(
        self, grid: _Grid, required: Iterable[str]
    ) -> tuple[int, dict[str, int]] | None:
        """First row holding every required header: (row, folded header -> column)."""
        wanted = {fold(h) for h in required}
        for row in range(1, HEADER_SEARCH_ROWS + 1):
            positions: dict[str, int] = {}
            for col, raw in sorted(grid.row(row).items()):
                key = fold(as_text(raw))
                if key in positions and key in wanted:
                    self.warnings.append(
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

    def _report_missing_headers(self, grid: _Grid, columns: tuple[s.Column, ...]) -> None:
        best_row, best = 0, 0
        headers = {fold(c.header) for c in columns}
        for row in range(1, HEADER_SEARCH_ROWS + 1):
            score = len({fold(as_text(v)) for v in grid.row(row).values()} & headers)
            if score > best:
                best_row, best = row, score
        expected = " | ".join(c.header for c in columns)
        required = ", ".join(c.header for c in columns if c.required)
        if best_row == 0:
            self.problems.append(
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
        self, grid: _Grid, sheet: s.TableSheet, offer: m.Offer, tables: dict[str, list[_Row]]
    ) -> list[_Row]:
        specs = sheet.columns_for(offer)
        found = self._find_header(grid, [c.header for c in specs if c.required])
        if found is None:
            self._report_missing_headers(grid, specs)
            return []
        header_row, positions = found
        columns: list[tuple[int, s.Column]] = []
        known = {fold(c.header): c for c in specs}
        for key, col in positions.items():
            if key in known:
                columns.append((col, known.pop(key)))
        criteria = self._criteria(tables) if sheet.criteria_columns else ()
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
        data_rows = grid.rows_after(header_row)
        if sheet.criteria_columns and data_rows and not criterion_cols:
            self.problems.append(
                Problem(
                    "aucune colonne de critère n'a été trouvée : les notes ne peuvent pas être "
                    "lues",
                    sheet=grid.title,
                    hint="Sur la ligne d'en-tête, nommez chaque colonne de notes par le code de "
                    "son critère (" + ", ".join(c.code for c in criteria) + ").",
                )
            )
        for number in data_rows:
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
                    ok, grade = self._parse_cell(grid, number, col, s.grade_column(criterion))
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
        names = {f.name for f in fields(sheet.record)}
        extra: dict[str, Any] = {"source_row": row.number} if "source_row" in names else {}
        if "cells" in names:
            extra["cells"] = dict(row.cells)
        return sheet.record(**row.values, **extra)

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

    def _check_references(self, offer: m.Offer, tables: dict[str, list[_Row]]) -> None:
        for sheet, column in s.references(offer):
            attr, target = column.attr, column.refers_to
            rows = tables.get(sheet.name)
            targets = tables.get(target)
            if rows is None or targets is None:
                continue
            codes = _codes(targets)
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
                                f"« {target} » (codes connus : {known})",
                                sheet=sheet.name,
                                cell=row.cells[attr],
                                hint=f"Corrigez le code ou ajoutez-le dans « {target} ».",
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

    def _check_single_ratings(self, offer: m.Offer, tables: dict[str, list[_Row]]) -> None:
        """A participant rates a given scenario (or dispositif) at most once."""
        sheet = s.ratings_sheet(offer)
        if sheet is None:
            return
        rated = next(c for c in sheet.columns if c.attr == "scenario")
        seen: dict[tuple[str, str], int] = {}
        for row in tables.get(sheet.name, []):
            if "participant" not in row.values or "scenario" not in row.values:
                continue
            participant, code = row.values["participant"], row.values["scenario"]
            key = (fold(participant), fold(code))
            if key in seen:
                self.problems.append(
                    Problem(
                        f"« {participant} » a déjà noté {rated.subject} « {code} » "
                        f"(ligne {seen[key]})",
                        sheet=sheet.name,
                        cell=row.cells["participant"],
                        hint=f"Un participant note chaque {rated.header.lower()} une seule "
                        "fois : supprimez ou fusionnez l'une des deux lignes.",
                    )
                )
            else:
                seen[key] = row.number

    def _check_schedule_labels(self, rows: list[_Row]) -> None:
        """Each instalment is known by its « Libellé » (its invoice, in the ledger): unique."""
        first: dict[str, str] = {}
        for row in rows:
            label = row.values.get("label")
            if not isinstance(label, str):
                continue
            if fold(label) in first:
                self.problems.append(
                    Problem(
                        f"le libellé « {label} » est déjà celui de l'échéance de la cellule "
                        f"{first[fold(label)]}",
                        sheet=s.SCHEDULE.name,
                        cell=row.cells["label"],
                        hint="Chaque échéance a sa propre facture : donnez-lui un libellé "
                        "distinct (« Acompte 1 », « Acompte 2 »…).",
                    )
                )
                row.ok = False
            else:
                first[fold(label)] = row.cells["label"]

    def _check_mission_rules(
        self,
        offer: m.Offer,
        values: dict[str, Any],
        cells: dict[str, str],
        tables: dict[str, list[_Row]],
    ) -> None:
        sheet = s.MISSION.name
        for column in s.MISSION.fields_for(offer):
            code = values.get(column.attr)
            targets = tables.get(column.refers_to) if column.refers_to else None
            if not isinstance(code, str) or targets is None:
                continue
            codes = _codes(targets)
            if code.casefold() in codes:
                values[column.attr] = codes[code.casefold()]
                continue
            self.problems.append(
                Problem(
                    f"{column.subject} « {code} » n'existe pas dans la feuille "
                    f"« {column.refers_to} » (codes connus : "
                    f"{', '.join(codes.values()) or 'aucun'})",
                    sheet=sheet,
                    cell=cells[column.attr],
                    hint=f"Indiquez un code de la feuille « {column.refers_to} », ou laissez vide.",
                )
            )
        schedule = tables.get(s.SCHEDULE.name) or []
        if schedule and "invoice_mode" in values:
            self.warnings.append(
                Problem(
                    f"le champ « {s.MISSION.field('invoice_mode').header} » est ignoré : la "
                    f"feuille « {s.SCHEDULE.name} » décide de chaque facture",
                    sheet=sheet,
                    cell=cells.get("invoice_mode", ""),
                    hint="Videz la cellule, ou videz la feuille « Échéancier » pour facturer "
                    "la mission en une fois.",
                )
            )
        issuing = (
            any(r.values.get("invoice_mode") is m.InvoiceMode.A_EMETTRE for r in schedule)
            if schedule
            else values.get("invoice_mode") is m.InvoiceMode.A_EMETTRE
        )
        self._check_schedule_labels(schedule)
        if issuing:
            for column in s.MISSION.fields:
                attr = column.attr
                if not column.for_invoice or attr in values or attr in self._invalid_fields:
                    continue
                ref = cells.get(attr)
                self.problems.append(
                    Problem(
                        f"{column.subject} est obligatoire pour émettre la facture",
                        sheet=sheet,
                        cell=ref or "",
                        hint=f"Renseignez le champ « {column.header} », ou choisissez "
                        f"« {m.InvoiceMode.PROFORMA} » dans le champ "
                        f"« {s.MISSION.field('invoice_mode').header} ».",
                    )
                )
