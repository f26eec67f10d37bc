"""Blank engagement workbooks, generated from the schema.

A consultant fills one without reading any manual: a « Lisez-moi » sheet,
every sheet with its headers, a dropdown for every list, an input message on
each column, date and money formats, a frozen header row.
"""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pipeline import model as m
from pipeline.workbook import schema as s
from pipeline.workbook.kinds import Date, Kind

# Validations and formats reach this many rows, far beyond a real engagement.
ROWS = 500
HEADER_FILL = PatternFill("solid", fgColor="1F3864")
HEADER_FONT = Font(bold=True, color="FFFFFF")
HELP_FONT = Font(italic=True, color="595959")
WRAP = Alignment(wrap_text=True, vertical="top")


def blank_workbook(offer: m.Offer, criteria: tuple[m.Criterion, ...] = m.DEFAULT_CRITERIA) -> bytes:
    """The .xlsx bytes of a blank workbook for ``offer``."""
    book = Workbook()
    readme = book.active
    assert readme is not None
    readme.title = s.README_SHEET
    _fill_readme(readme, offer, criteria)
    _add_mission(book.create_sheet(s.MISSION.name), offer)
    for use in s.OFFER_SHEETS[offer]:
        sheet = book.create_sheet(use.sheet.name)
        _add_table(sheet, use.sheet, criteria)
        if use.sheet is s.CRITERIA:  # prefilled: the consultant adapts rather than types
            for row, criterion in enumerate(criteria, start=2):
                for col, column in enumerate(use.sheet.columns, start=1):
                    value = getattr(criterion, column.attr)
                    cell = sheet.cell(row, col, float(value) if column.attr == "weight" else value)
                    cell.alignment = WRAP
    book.active = 1
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


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
    validation.showInputMessage = True
    validation.promptTitle = prompt_title[:32]
    validation.prompt = prompt[:255]
    if validation.type is not None:
        validation.showErrorMessage = True
        validation.errorTitle = "Valeur non reconnue"
        validation.error = f"Attendu : {kind.expected}."[:255]
    return validation


def _style_header(sheet: Worksheet, row: int, count: int) -> None:
    for col in range(1, count + 1):
        cell = sheet.cell(row, col)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _add_mission(sheet: Worksheet, offer: m.Offer) -> None:
    spec = s.MISSION
    sheet.append([spec.key_header, spec.value_header, spec.help_header])
    _style_header(sheet, 1, 3)
    for row, column in enumerate(spec.fields, start=2):
        label = sheet.cell(row, 1, column.header)
        if column.required:
            label.font = Font(bold=True)
        value = sheet.cell(row, 2)
        value.alignment = WRAP
        if column.kind.number_format:
            value.number_format = column.kind.number_format
        if column.attr == "offer":
            value.value = offer.value
        sheet.cell(row, 3, column.help_text).font = HELP_FONT
        validation = _validation(column.kind, column.header, column.help_text)
        sheet.add_data_validation(validation)
        validation.add(value.coordinate)
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 60
    sheet.column_dimensions["C"].width = 70
    sheet.freeze_panes = "B2"


def _add_table(sheet: Worksheet, spec: s.TableSheet, criteria: tuple[m.Criterion, ...]) -> None:
    columns = list(spec.columns)
    if spec.criteria_columns:
        # Criterion columns sit between the scenario and the comment.
        columns = columns[:-1] + [s.grade_column(c) for c in criteria] + columns[-1:]
    sheet.append([c.header for c in columns])
    _style_header(sheet, 1, len(columns))
    last = ROWS + 1
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.kind.number_format:
            for row in range(2, last + 1):
                sheet.cell(row, index).number_format = column.kind.number_format
        validation = _validation(column.kind, column.header, column.help_text)
        sheet.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{last}")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}1"


def _fill_readme(sheet: Worksheet, offer: m.Offer, criteria: tuple[m.Criterion, ...]) -> None:
    lines: list[tuple[str, Font | None]] = [
        (f"Classeur de mission amoor : {offer.value}", Font(bold=True, size=16)),
        ("", None),
        ("Comment remplir ce classeur", Font(bold=True, size=12)),
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
        ("Les feuilles", Font(bold=True, size=12)),
        (f"Mission : {s.MISSION.help}", None),
    ]
    for use in s.OFFER_SHEETS[offer]:
        status = "obligatoire" if use.required else "facultative"
        lines.append((f"{use.sheet.name} ({status}) : {use.sheet.help}", None))
    if any(use.sheet.criteria_columns for use in s.OFFER_SHEETS[offer]) or any(
        use.sheet is s.CRITERIA for use in s.OFFER_SHEETS[offer]
    ):
        lines += [
            ("", None),
            ("Échelle R.O.I. citoyen", Font(bold=True, size=12)),
            *((f"{int(g)} : {g.label}", None) for g in reversed(m.Grade)),
            ("", None),
            ("Critères (point de vue du citoyen)", Font(bold=True, size=12)),
            *((f"{c.code} : {c.name} — {c.definition}", None) for c in criteria),
        ]
    for row, (text, font) in enumerate(lines, start=1):
        cell = sheet.cell(row, 1, text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if font is not None:
            cell.font = font
    sheet.column_dimensions["A"].width = 110
