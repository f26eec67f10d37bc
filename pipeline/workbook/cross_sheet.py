"""The rules spanning rows or sheets, checked once every sheet is read.

Unique codes, references to another sheet's codes (resolved to their canonical
spelling), one rating per participant and scenario, unique instalment labels,
and the « Mission » fields that refer to a sheet or that issuing an invoice needs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pipeline import model as m
from pipeline.errors import Problem
from pipeline.text import fold
from pipeline.workbook import schema as s
from pipeline.workbook.findings import Findings
from pipeline.workbook.mission_fields import MISSION
from pipeline.workbook.shared_sheets import SCHEDULE
from pipeline.workbook.table_sheets import Row


def _codes(rows: Iterable[Row]) -> dict[str, str]:
    """The codes of a sheet by their case-folded form: « s1 » finds « S1 »."""
    return {str(r.values["code"]).casefold(): r.values["code"] for r in rows if "code" in r.values}


def check_unique_codes(findings: Findings, tables: dict[str, list[Row]]) -> None:
    for name, rows in tables.items():
        first: dict[str, str] = {}
        for row in rows:
            code = row.values.get("code")
            if not isinstance(code, str):
                continue
            key = code.casefold()
            if key in first:
                findings.problems.append(
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


def check_references(findings: Findings, offer: m.Offer, tables: dict[str, list[Row]]) -> None:
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
                    findings.problems.append(
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


def check_single_ratings(findings: Findings, offer: m.Offer, tables: dict[str, list[Row]]) -> None:
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
            findings.problems.append(
                Problem(
                    f"« {participant} » a déjà noté {rated.subject} « {code} » (ligne {seen[key]})",
                    sheet=sheet.name,
                    cell=row.cells["participant"],
                    hint=f"Un participant note chaque {rated.header.lower()} une seule "
                    "fois : supprimez ou fusionnez l'une des deux lignes.",
                )
            )
        else:
            seen[key] = row.number


def check_schedule_labels(findings: Findings, rows: list[Row]) -> None:
    """Each instalment is known by its « Libellé » (its invoice, in the ledger): unique."""
    first: dict[str, str] = {}
    for row in rows:
        label = row.values.get("label")
        if not isinstance(label, str):
            continue
        if fold(label) in first:
            findings.problems.append(
                Problem(
                    f"le libellé « {label} » est déjà celui de l'échéance de la cellule "
                    f"{first[fold(label)]}",
                    sheet=SCHEDULE.name,
                    cell=row.cells["label"],
                    hint="Chaque échéance a sa propre facture : donnez-lui un libellé "
                    "distinct (« Acompte 1 », « Acompte 2 »…).",
                )
            )
            row.ok = False
        else:
            first[fold(label)] = row.cells["label"]


def check_mission_rules(
    findings: Findings,
    offer: m.Offer,
    values: dict[str, Any],
    cells: dict[str, str],
    tables: dict[str, list[Row]],
) -> None:
    sheet = MISSION.name
    for column in MISSION.fields_for(offer):
        code = values.get(column.attr)
        targets = tables.get(column.refers_to) if column.refers_to else None
        if not isinstance(code, str) or targets is None:
            continue
        codes = _codes(targets)
        if code.casefold() in codes:
            values[column.attr] = codes[code.casefold()]
            continue
        findings.problems.append(
            Problem(
                f"{column.subject} « {code} » n'existe pas dans la feuille "
                f"« {column.refers_to} » (codes connus : "
                f"{', '.join(codes.values()) or 'aucun'})",
                sheet=sheet,
                cell=cells[column.attr],
                hint=f"Indiquez un code de la feuille « {column.refers_to} », ou laissez vide.",
            )
        )
    schedule = tables.get(SCHEDULE.name) or []
    if schedule and "invoice_mode" in values:
        findings.warnings.append(
            Problem(
                f"le champ « {MISSION.field('invoice_mode').header} » est ignoré : la "
                f"feuille « {SCHEDULE.name} » décide de chaque facture",
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
    check_schedule_labels(findings, schedule)
    if issuing:
        for column in MISSION.fields:
            attr = column.attr
            if not column.for_invoice or attr in values or attr in findings.invalid_fields:
                continue
            ref = cells.get(attr)
            findings.problems.append(
                Problem(
                    f"{column.subject} {column.agreed('est obligatoire', 'sont obligatoires')} "
                    "pour émettre la facture",
                    sheet=sheet,
                    cell=ref or "",
                    hint=f"Renseignez le champ « {column.header} », ou choisissez "
                    f"« {m.InvoiceMode.PROFORMA} » dans le champ "
                    f"« {MISSION.field('invoice_mode').header} ».",
                )
            )
