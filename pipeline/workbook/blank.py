"""Engagement workbooks generated from the schema: blank ones, and filled ones.

A consultant fills one without reading any manual: a « Lisez-moi » sheet,
every sheet with its headers, a « Mission » sheet with the fields of its offer
only, a dropdown for every list (for a code column: the codes typed in the
sheet it refers to), an input message on each column, date and money formats,
a frozen header row.

:func:`blank_workbook` is what ``amoor workbook new`` gives; :func:`engagement_workbook`
writes an engagement back into the same layout, each value as its kind writes
it (``Kind.cell_value``), so that reading the result gives the same engagement:
and :func:`partial_workbook` writes some sheets of an engagement only, under a
« Lisez-moi » of its own: the R.O.I. citoyen rating grid handed to the
collectivité (render/roi_grid.py).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pipeline import model as m
from pipeline.formats import to
from pipeline.render.package import ZIP_EPOCH, midnight, workbook_package
from pipeline.workbook import schema as s
from pipeline.workbook import xstring
from pipeline.workbook.kinds import CodeList, Date, Kind
from pipeline.workbook.mission_fields import MISSION
from pipeline.workbook.readme import FONT, Guidance, Readme, blank_readme
from pipeline.workbook.roi_sheets import CRITERIA
from pipeline.workbook.schema_types import Column, TableSheet, grade_column

__all__ = ["Guidance", "Readme", "blank_workbook", "engagement_workbook", "partial_workbook"]

# Validations and formats reach this many rows, far beyond a real engagement.
ROWS = 500
HEADER_ROW = 1  # where a blank writes the headers of a table sheet
PRINTED_BLANK_ROWS = 20  # an empty table prints this many rows, to fill in by hand
README_WIDTH = 88  # the « Lisez-moi » column, in characters: it fits A4 portrait
README_LINE = 76  # characters of 11 pt text that surely fit on one of its lines
HEADER_FILL = PatternFill("solid", fgColor="1F3864")
HEADER_FONT = Font(name=FONT, bold=True, color="FFFFFF")
HELP_FONT = Font(name=FONT, italic=True, color="595959")
WRAP = Alignment(wrap_text=True, vertical="top")
THIN = Side(style="thin", color="A6A6A6")
CELL_BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
LINE_HEIGHT = 15.0  # points, for an 11-point line


def blank_workbook(offer: m.Offer, criteria: tuple[m.Criterion, ...] = m.DEFAULT_CRITERIA) -> bytes:
    """The .xlsx bytes of a blank workbook for ``offer``.

    The criteria sheet is prefilled: the consultant adapts rather than types.
    """
    book = _book(offer, criteria, {"offer": offer}, {CRITERIA.attr: criteria})
    book.active = 1  # « Mission »
    # Nobody's document yet, so no day of its own: the same blank, byte for byte, every day.
    return workbook_package(book, ZIP_EPOCH)


def engagement_workbook(engagement: m.Engagement, guidance: Guidance, today: date) -> bytes:
    """The .xlsx bytes of ``engagement`` as a workbook of its offer, every sheet filled.

    Reading it back gives the same engagement (its reader warnings aside). The
    workbook is dated ``today``.
    """
    mission = engagement.mission
    values = {f.attr: getattr(mission, f.attr) for f in MISSION.fields}
    records = {
        u.sheet.attr: getattr(engagement, u.sheet.attr) for u in s.OFFER_SHEETS[mission.offer]
    }
    book = _book(mission.offer, engagement.criteria, values, records, guidance)
    book.active = book.sheetnames.index(guidance.active_sheet)
    book.properties.title = guidance.title
    return workbook_package(book, midnight(today))


def partial_workbook(
    engagement: m.Engagement,
    sheets: Sequence[TableSheet],
    fields: Collection[str],
    records: Mapping[str, Sequence[Any]],
    readme: Readme,
    active_sheet: str,
    today: date,
    mission_help: str = "",
    author: str = "",
) -> bytes:
    """The .xlsx bytes of some sheets of ``engagement`` only, under ``readme``.

    « Mission » holds the ``fields`` named (attributes), each with ``mission_help``
    when given (rather than the help written for consultants); each table sheet
    of ``sheets`` the ``records`` given for it (none: an empty sheet, its
    dropdowns ready). The workbook is dated ``today``. ``author``, the firm that
    hands it over, is its author in the file's properties and the one to ask for a
    missing code: the person typing in it is told not to change the sheets a code
    comes from, and its « Lisez-moi » calls them « onglets », so its messages do too.
    """
    mission = engagement.mission
    values = {attr: getattr(mission, attr) for attr in fields}
    book = _book(
        mission.offer,
        engagement.criteria,
        values,
        records,
        readme=readme.lines(),
        sheets=sheets,
        mission_help=mission_help,
        handed_by=author,
    )
    book.active = book.sheetnames.index(active_sheet)
    book.properties.title = readme.title
    if author:
        book.properties.creator = author
    return workbook_package(book, midnight(today))


def _book(
    offer: m.Offer,
    criteria: tuple[m.Criterion, ...],
    mission: Mapping[str, Any],
    records: Mapping[str, Sequence[Any]],
    guidance: Guidance | None = None,
    *,
    readme: Sequence[tuple[str, Font | None]] = (),
    sheets: Sequence[TableSheet] = (),
    mission_help: str = "",
    handed_by: str = "",
) -> Workbook:
    """A workbook of ``offer``: every sheet of the offer, or only ``sheets`` under ``readme``.

    With ``sheets``, « Mission » holds only the fields ``mission`` has values for;
    ``handed_by``: see :func:`partial_workbook`.
    """
    book = Workbook()
    readme_sheet = book.active
    assert readme_sheet is not None
    readme_sheet.title = s.README_SHEET
    _write_readme(readme_sheet, readme or blank_readme(offer, criteria, guidance))
    tables = sheets or [u.sheet for u in s.OFFER_SHEETS[offer]]
    layouts = {t.name: _layout(t, offer, criteria) for t in tables}
    shown = set(mission) if sheets else None
    _add_mission(
        book.create_sheet(MISSION.name), offer, mission, layouts, shown, mission_help, handed_by
    )
    for table in tables:
        sheet = book.create_sheet(table.name)
        columns = layouts[table.name]
        _add_table(sheet, columns, layouts, handed_by)
        for row, record in enumerate(records.get(table.attr, ()), start=HEADER_ROW + 1):
            for col, column in enumerate(columns, start=1):
                _put(sheet.cell(row, col), column.kind, _field(record, column))
        # Printed: the rows filled, and blank ones to write on (formats reach ROWS rows).
        filled = len(records.get(table.attr, ()))
        last_row = HEADER_ROW + max(filled, PRINTED_BLANK_ROWS)
        sheet.print_area = f"A1:{get_column_letter(len(columns))}{last_row}"
        if sheets:  # handed to someone who may fill it on paper: the cells drawn
            _draw_cells(sheet, len(columns), last_row)
    for sheet in book.worksheets[1:]:  # the « Lisez-moi » rows are sized as they are written
        _fit_heights(sheet)
    return book


def _draw_cells(sheet: Worksheet, columns: int, last_row: int) -> None:
    """Thin borders around every printed cell of a table, for rows filled by hand."""
    for row in sheet.iter_rows(min_row=HEADER_ROW, max_row=last_row, max_col=columns):
        for cell in row:
            cell.border = CELL_BORDER
        sheet.row_dimensions[row[0].row].height = sheet.row_dimensions[row[0].row].height or 20


def _fit_heights(sheet: Worksheet) -> None:
    """Rows tall enough for their wrapped text: spreadsheets do not measure them on opening.

    An estimate, generous rather than short: a column of width w holds about w
    characters of 11-point text per line.
    """
    for (row, col), cell in sheet._cells.items():  # the cells written, not the whole range
        if not isinstance(cell.value, str) or not cell.alignment.wrap_text:
            continue
        width = sheet.column_dimensions[get_column_letter(col)].width or 8.43
        scale = (cell.font.size or 11) / 11
        per_line = max(1, int(width / scale))
        lines = sum(-(-max(len(part), 1) // per_line) for part in cell.value.split("\n"))
        if lines > 1:
            height = LINE_HEIGHT * scale * lines
            current = sheet.row_dimensions[row].height or 0
            sheet.row_dimensions[row].height = max(current, height)


def _field(record: Any, column: Column) -> Any:
    """The value of ``column`` in ``record``; a criterion column holds that criterion's grade."""
    if column.attr == "grades":
        assert isinstance(record, m.Rating)
        return record.grade(column.header)
    return getattr(record, column.attr)


def _put(cell: Any, kind: Kind, value: Any) -> None:
    """Write a domain value as its kind writes it; text stays text, even « =… »."""
    written = kind.cell_value(value)
    if written is None:
        return
    cell.value = xstring.encode(written) if isinstance(written, str) else written
    if isinstance(written, str):
        cell.data_type = "s"  # a text typed « =2+2 » is not a formula
    cell.alignment = WRAP


def _layout(spec: TableSheet, offer: m.Offer, criteria: tuple[m.Criterion, ...]) -> list[Column]:
    """The columns of a table sheet, in the order a blank writes them from column A."""
    columns = list(spec.columns_for(offer))
    if spec.criteria_columns:
        # Criterion columns sit between the scenario and the comment.
        columns = columns[:-1] + [grade_column(c) for c in criteria] + columns[-1:]
    return columns


def _codes_range(sheet: str, layouts: dict[str, list[Column]]) -> str:
    """The cells of a sheet's code column, as a list validation's source.

    A range rather than the codes themselves: codes typed later appear in the menu.
    """
    index = [c.attr for c in layouts[sheet]].index(s.CODE_ATTR) + 1
    letter = get_column_letter(index)
    return f"{quote_sheetname(sheet)}!${letter}${HEADER_ROW + 1}:${letter}${HEADER_ROW + ROWS}"


def _validation(
    column: Column, layouts: dict[str, list[Column]], handed_by: str = ""
) -> DataValidation:
    """The dropdown or range check Excel shows for a column, with its input message.

    Free text gets a validation too: it is what carries the input message. In a
    workbook ``handed_by`` a firm, a code missing from the menu is asked of the firm,
    never added by the person typing (the sheet it comes from is not theirs to change).
    """
    kind = column.kind
    strict = True
    if column.refers_to:
        validation = DataValidation(
            type="list", formula1=_codes_range(column.refers_to, layouts), allow_blank=True
        )
        # Several codes are typed « P1; P3 »: the menu helps with one, never blocks.
        strict = not isinstance(kind, CodeList)
        validation.errorStyle = "warning"  # the reader has the last word (and ignores case)
        validation.errorTitle = "Code inconnu"
        validation.error = (
            (
                f"Ce code n'est pas dans l'onglet « {column.refers_to} » : choisissez un code "
                f"du menu. S'il en manque un, demandez-le {to(handed_by)}."
            )
            if handed_by
            else (
                f"Ce code n'est pas (encore) dans la feuille « {column.refers_to} » : "
                f"ajoutez-le d'abord dans cette feuille, ou choisissez un code du menu."
            )
        )[:255]
    elif kind.choices:
        listed = ",".join(kind.choices)
        validation = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True)
        strict = kind.only_choices  # grades: the menu offers the labels, 0 to 4 are typed
    elif kind.whole_range is not None:
        low, high = kind.whole_range
        validation = DataValidation(
            type="whole", operator="between", formula1=str(low), formula2=str(high)
        )
    elif isinstance(kind, Date):
        validation = DataValidation(
            type="date", operator="greaterThan", formula1="1", allow_blank=True
        )
    else:
        validation = DataValidation(allow_blank=True)
    validation.showInputMessage = True
    validation.promptTitle = column.header[:32]
    validation.prompt = (column.help_in("l'onglet") if handed_by else column.help_text)[:255]
    if validation.type is not None and strict:
        validation.showErrorMessage = True
        if not validation.error:
            validation.errorTitle = "Valeur non reconnue"
            validation.error = f"Attendu : {kind.expected}."[:255]
    return validation


def _print_setup(sheet: Worksheet, *, landscape: bool) -> None:
    """Printed on A4, all columns on the page's width, the header row on every page."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    if sheet.title != s.README_SHEET:
        sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"


def _style_header(sheet: Worksheet, row: int, count: int) -> None:
    for col in range(1, count + 1):
        cell = sheet.cell(row, col)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _add_mission(
    sheet: Worksheet,
    offer: m.Offer,
    values: Mapping[str, Any],
    layouts: dict[str, list[Column]],
    shown: Collection[str] | None = None,
    fixed_help: str = "",
    handed_by: str = "",
) -> None:
    """The « Mission » sheet: every field of ``offer``, or those ``shown`` (attributes).

    ``fixed_help``: what the help column and input messages say of every field.
    """
    spec = MISSION
    sheet.append([spec.key_header, spec.value_header, spec.help_header])
    _style_header(sheet, 1, 3)
    fields = [f for f in spec.fields_for(offer) if shown is None or f.attr in shown]
    for row, column in enumerate(fields, start=2):
        label = sheet.cell(row, 1, column.header)
        label.alignment = Alignment(vertical="top")  # beside a value of several lines
        if column.required:
            label.font = Font(name=FONT, bold=True)
        value = sheet.cell(row, 2)
        value.alignment = WRAP
        if column.kind.number_format:
            value.number_format = column.kind.number_format
        _put(value, column.kind, values.get(column.attr))
        sheet.cell(row, 3, fixed_help or column.help_text).font = HELP_FONT
        validation = _validation(column, layouts, handed_by)
        if fixed_help:
            validation.prompt = fixed_help[:255]
        sheet.add_data_validation(validation)
        validation.add(value.coordinate)
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 60
    sheet.column_dimensions["C"].width = 70
    sheet.freeze_panes = "B2"
    _print_setup(sheet, landscape=True)


def _add_table(
    sheet: Worksheet,
    columns: list[Column],
    layouts: dict[str, list[Column]],
    handed_by: str = "",
) -> None:
    sheet.append([c.header for c in columns])
    _style_header(sheet, HEADER_ROW, len(columns))
    last = HEADER_ROW + ROWS
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.kind.number_format:
            for row in range(HEADER_ROW + 1, last + 1):
                sheet.cell(row, index).number_format = column.kind.number_format
        validation = _validation(column, layouts, handed_by)
        sheet.add_data_validation(validation)
        validation.add(f"{letter}{HEADER_ROW + 1}:{letter}{last}")
    sheet.freeze_panes = "A2"
    _print_setup(sheet, landscape=True)
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(columns))}{HEADER_ROW}"


def _write_readme(sheet: Worksheet, lines: Sequence[tuple[str, Font | None]]) -> None:
    """One paragraph a row, in one wide column, each row as tall as its lines."""
    for row, (text, font) in enumerate(lines, start=1):
        cell = sheet.cell(row, 1, text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if font is not None:
            cell.font = font
        # Neither Excel nor Calc sizes a wrapped row when opening a file: give each
        # paragraph the height of its lines, or the next one is drawn over it.
        size = font.size if font is not None and font.size else 11
        lines_count = -(-len(text) * size // (README_LINE * 11)) or 1
        sheet.row_dimensions[row].height = lines_count * size * 1.35
    sheet.column_dimensions["A"].width = README_WIDTH
    _print_setup(sheet, landscape=False)
