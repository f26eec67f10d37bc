"""Reading the « Mission » sheet: one field a row (Champ | Valeur), the offer first.

The offer decides which fields belong: a field of another offer is ignored with
a warning, a list value of another offer is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pipeline import model as m
from pipeline.errors import Problem
from pipeline.formats import enumeration
from pipeline.text import fold
from pipeline.workbook.cells import find_header, parse_cell, required_blank
from pipeline.workbook.findings import Findings
from pipeline.workbook.grid import Grid, cell_ref
from pipeline.workbook.kinds import as_text
from pipeline.workbook.mission_fields import MISSION
from pipeline.workbook.schema_types import Column


def _offers(offers: Iterable[m.Offer]) -> str:
    """« Concertation citoyenne » ou « Stratégie globale opérationnelle », in the list's order."""
    return enumeration((f"« {o} »" for o in m.Offer if o in set(offers)), last="ou")


def read_fields(findings: Findings, grid: Grid | None) -> tuple[dict[str, Any], dict[str, str]]:
    sheet = MISSION
    values: dict[str, Any] = {}
    cells: dict[str, str] = {}
    if grid is None:
        return values, cells
    found = find_header(findings, grid, (sheet.key_header, sheet.value_header))
    if found is None:
        findings.fail(
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
            findings.warnings.append(
                Problem(
                    f"le champ « {as_text(key)} » est inconnu, il est ignoré",
                    sheet=grid.title,
                    cell=cell_ref(row, key_col),
                )
            )
            continue
        if column.attr in seen:
            findings.problems.append(
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
    read = read_field(findings, grid, seen, value_col, offer_column, None, values, cells)
    offer = read if isinstance(read, m.Offer) else None
    for attr in sorted(seen, key=seen.__getitem__):
        if attr != offer_column.attr:
            column = sheet.field(attr)
            read_field(findings, grid, seen, value_col, column, offer, values, cells)
    for column in sheet.fields:
        if column.required and column.attr not in seen:
            findings.problems.append(
                Problem(
                    f"le champ obligatoire « {column.header} » est introuvable dans la "
                    f"colonne « {sheet.key_header} »",
                    sheet=grid.title,
                    hint=f"Ajoutez une ligne « {column.header} » avec sa valeur.",
                )
            )
    return values, cells


def read_field(
    findings: Findings,
    grid: Grid,
    rows: dict[str, int],
    value_col: int,
    column: Column,
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
            findings.warnings.append(
                Problem(
                    f"le champ « {column.header} » ne sert que pour une mission "
                    f"{_offers(column.offers)} : sa valeur est ignorée",
                    sheet=grid.title,
                    cell=ref,
                    hint=f"Cette mission est une « {offer} » : videz la cellule, ou "
                    f"vérifiez le champ « {MISSION.field('offer').header} ».",
                )
            )
        return None
    ok, value = parse_cell(findings, grid, row, value_col, column)
    if ok and value is not None and offer is not None and offer not in column.offers_of(value):
        choices = column.for_offer(offer).kind.choices
        findings.problems.append(
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
        findings.invalid_fields.add(column.attr)
    if ok and value is None and column.required:
        required_blank(findings, grid, ref, column)
    elif value is not None:
        values[column.attr] = value
    return value
