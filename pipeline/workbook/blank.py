"""Engagement workbooks generated from the schema: blank ones, and filled ones.

A consultant fills one without reading any manual: a « Lisez-moi » sheet,
every sheet with its headers, a dropdown for every list (and for every code
that names another sheet's row), an input message on each column, date and
money formats, a frozen header row.

:func:`blank_workbook` is what ``amoor workbook new`` gives; :func:`engagement_workbook`
writes an engagement back into the same layout, each value as its kind writes
it (``Kind.cell_value``), so that reading the result gives the same engagement:
the R.O.I. citoyen kit hands a Stratégie workbook back this way, ready to be
rated in a workshop.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pipeline import model as m
from pipeline.formats import number
from pipeline.workbook import schema as s
from pipeline.workbook.kinds import CODE, Date, Kind

# Validations and formats reach this many rows, far beyond a real engagement.
ROWS = 500
HEADER_FILL = PatternFill("solid", fgColor="1F3864")
FONT = "Calibri"  # the workbook's default: a font without a name shows in another one
HEADER_FONT = Font(name=FONT, bold=True, color="FFFFFF")
HELP_FONT = Font(name=FONT, italic=True, color="595959")
TITLE_FONT = Font(name=FONT, bold=True, size=16)
SECTION_FONT = Font(name=FONT, bold=True, size=12)
WRAP = Alignment(wrap_text=True, vertical="top")
LINE_HEIGHT = 15.0  # points, for an 11-point line


@dataclass(frozen=True)
class Guidance:
    """What a filled workbook's « Lisez-moi » says before the usual instructions."""

    title: str
    section: str
    steps: tuple[str, ...]
    active_sheet: str  # the sheet the workbook opens on


def blank_workbook(offer: m.Offer, criteria: tuple[m.Criterion, ...] = m.DEFAULT_CRITERIA) -> bytes:
    """The .xlsx bytes of a blank workbook for ``offer``.

    The criteria sheet is prefilled: the consultant adapts rather than types.
    """
    book = _book(offer, criteria, {"offer": offer}, {s.CRITERIA.attr: criteria})
    book.active = 1  # « Mission »
    return _save(book)


def engagement_workbook(engagement: m.Engagement, guidance: Guidance, today: date) -> bytes:
    """The .xlsx bytes of ``engagement`` as a workbook of its offer, every sheet filled.

    Reading it back gives the same engagement (its reader warnings aside). The
    workbook is dated ``today``.
    """
    mission = engagement.mission
    values = {f.attr: getattr(mission, f.attr) for f in s.MISSION.fields}
    records = {
        u.sheet.attr: getattr(engagement, u.sheet.attr) for u in s.OFFER_SHEETS[mission.offer]
    }
    book = _book(mission.offer, engagement.criteria, values, records, guidance)
    book.active = book.sheetnames.index(guidance.active_sheet)
    book.properties.title = guidance.title
    book.properties.created = datetime.combine(today, time())
    return _save(book)


def _book(
    offer: m.Offer,
    criteria: tuple[m.Criterion, ...],
    mission: Mapping[str, Any],
    records: Mapping[str, Sequence[Any]],
    guidance: Guidance | None = None,
) -> Workbook:
    book = Workbook()
    readme = book.active
    assert readme is not None
    readme.title = s.README_SHEET
    _fill_readme(readme, offer, criteria, guidance)
    _add_mission(book.create_sheet(s.MISSION.name), mission)
    for use in s.OFFER_SHEETS[offer]:
        sheet = book.create_sheet(use.sheet.name)
        columns = _columns(use.sheet, criteria)
        _add_table(sheet, use.sheet, columns)
        for row, record in enumerate(records.get(use.sheet.attr, ()), start=2):
            for col, column in enumerate(columns, start=1):
                _put(sheet.cell(row, col), column.kind, _field(record, column))
    for sheet in book.worksheets:
        _fit_heights(sheet)
    return book


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


def _field(record: Any, column: s.Column) -> Any:
    """The value of ``column`` in ``record``; a criterion column holds that criterion's grade."""
    if column.attr == "grades":
        assert isinstance(record, m.Rating)
        return record.grade(column.header)
    return getattr(record, column.attr)


def _save(book: Workbook) -> bytes:
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _put(cell: Any, kind: Kind, value: Any) -> None:
    """Write a domain value as its kind writes it; text stays text, even « =… »."""
    written = kind.cell_value(value)
    if written is None:
        return
    cell.value = written
    if isinstance(written, str):
        cell.data_type = "s"  # a text typed « =2+2 » is not a formula
    cell.alignment = WRAP


def _columns(spec: s.TableSheet, criteria: tuple[m.Criterion, ...]) -> list[s.Column]:
    """The sheet's columns; criterion columns sit between the rated code and the comment."""
    columns = list(spec.columns)
    if spec.criteria_columns:
        columns = columns[:-1] + [s.grade_column(c) for c in criteria] + columns[-1:]
    return columns


def _validation(kind: Kind, prompt_title: str, prompt: str) -> DataValidation:
    """The dropdown or range check Excel shows for a kind, with its input message.

    Free text gets a validation too: it is what carries the input message.
    """
    if kind.choices:
        listed = ",".join(kind.choices)
        validation = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True)
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
    _explain(validation, prompt_title, prompt, f"Attendu : {kind.expected}.")
    if kind.unlisted_accepted:
        validation.errorStyle = "warning"  # « 3 » is a grade too: warn, let it through
    return validation


def _reference_validation(target: s.TableSheet, column: s.Column) -> DataValidation:
    """A dropdown of the codes of ``target`` (« Dispositifs »), as they are typed there."""
    code = next(i for i, c in enumerate(target.columns, start=1) if c.attr == "code")
    letter = get_column_letter(code)
    source = f"{quote_sheetname(target.name)}!${letter}$2:${letter}${ROWS + 1}"
    validation = DataValidation(type="list", formula1=source, allow_blank=True)
    _explain(
        validation,
        column.header,
        column.help_text,
        f"Attendu : un code de la feuille « {target.name} ».",
    )
    return validation


def _explain(validation: DataValidation, title: str, prompt: str, error: str) -> None:
    validation.showInputMessage = True
    validation.promptTitle = title[:32]
    validation.prompt = prompt[:255]
    if validation.type is not None:
        validation.showErrorMessage = True
        validation.errorTitle = "Valeur non reconnue"
        validation.error = error[:255]


def _style_header(sheet: Worksheet, row: int, count: int) -> None:
    for col in range(1, count + 1):
        cell = sheet.cell(row, col)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _add_mission(sheet: Worksheet, values: Mapping[str, Any]) -> None:
    spec = s.MISSION
    sheet.append([spec.key_header, spec.value_header, spec.help_header])
    _style_header(sheet, 1, 3)
    for row, column in enumerate(spec.fields, start=2):
        label = sheet.cell(row, 1, column.header)
        label.alignment = Alignment(vertical="top")  # beside a value of several lines
        if column.required:
            label.font = Font(name=FONT, bold=True)
        value = sheet.cell(row, 2)
        value.alignment = WRAP
        if column.kind.number_format:
            value.number_format = column.kind.number_format
        _put(value, column.kind, values.get(column.attr))
        sheet.cell(row, 3, column.help_text).font = HELP_FONT
        validation = _validation(column.kind, column.header, column.help_text)
        sheet.add_data_validation(validation)
        validation.add(value.coordinate)
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 60
    sheet.column_dimensions["C"].width = 70
    sheet.freeze_panes = "B2"


def _add_table(sheet: Worksheet, spec: s.TableSheet, columns: Sequence[s.Column]) -> None:
    sheet.append([c.header for c in columns])
    _style_header(sheet, 1, len(columns))
    last = ROWS + 1
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.kind.number_format:
            for row in range(2, last + 1):
                sheet.cell(row, index).number_format = column.kind.number_format
        target = s.reference_target(spec, column.attr)
        validation = (
            _reference_validation(target, column)
            if target is not None and column.kind == CODE  # one code (not a list of codes)
            else _validation(column.kind, column.header, column.help_text)
        )
        sheet.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{last}")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}1"


def _fill_readme(
    sheet: Worksheet,
    offer: m.Offer,
    criteria: tuple[m.Criterion, ...],
    guidance: Guidance | None,
) -> None:
    lines: list[tuple[str, Font | None]] = [
        (guidance.title if guidance else f"Classeur de mission amoor : {offer.value}", TITLE_FONT),
        ("", None),
    ]
    if guidance is not None:
        lines += [(guidance.section, SECTION_FONT), *((step, None) for step in guidance.steps)]
        lines.append(("", None))
    lines += [
        ("Comment remplir ce classeur", SECTION_FONT),
        (
            "1. Remplissez la feuille « Mission » : une valeur par champ (colonne « Valeur »). "
            "Les champs en gras sont obligatoires.",
            None,
        ),
        (
            "2. Remplissez les autres feuilles, une ligne par élément, sous la ligne d'en-tête. "
            "Ne renommez ni les feuilles ni les en-têtes ; vous pouvez ajouter des colonnes "
            "(elles seront ignorées).",
            None,
        ),
        (
            "3. Cliquez sur une cellule pour voir ce qu'il faut saisir ; les listes proposent "
            "un menu déroulant.",
            None,
        ),
        (
            "4. Enregistrez au format .xlsx, puis lancez « amoor build » sur le classeur : les "
            "livrables Word apparaissent dans le dossier « outbox ». Si un problème est trouvé, "
            "amoor indique la feuille, la cellule et quoi corriger.",
            None,
        ),
        ("", None),
        ("Les feuilles", SECTION_FONT),
        (f"Mission : {s.MISSION.help}", None),
    ]
    for use in s.OFFER_SHEETS[offer]:
        status = "obligatoire" if use.required else "facultative"
        lines.append((f"{use.sheet.name} ({status}) : {use.sheet.help}", None))
    if any(use.sheet.criteria_columns or use.sheet is s.CRITERIA for use in s.OFFER_SHEETS[offer]):
        lines += [
            ("", None),
            ("Échelle R.O.I. citoyen", SECTION_FONT),
            *((f"{int(g)} : {g.label}", None) for g in reversed(m.Grade)),
            ("", None),
            ("Critères (point de vue du citoyen)", SECTION_FONT),
            *((_criterion_line(c), None) for c in criteria),
        ]
    for row, (text, font) in enumerate(lines, start=1):
        cell = sheet.cell(row, 1, text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if font is not None:
            cell.font = font
    sheet.column_dimensions["A"].width = 110


def _criterion_line(criterion: m.Criterion) -> str:
    weight = number(criterion.weight)
    return f"{criterion.code} : {criterion.name} (poids {weight}) — {criterion.definition}"
