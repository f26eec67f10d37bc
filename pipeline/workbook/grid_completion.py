"""A filled R.O.I. rating grid completes the engagement it was handed out for.

The grid the collectivité receives (render/roi_grid.py) is a partial workbook:
identity, criteria, what is rated and « Notation ROI ». Dropped or built once
filled, it is not an engagement of its own: its ratings are added to those of
the engagement of its Référence, whose full workbook the outbox keeps beside
its deliverables (the manifest's ``source``). The result is that workbook with
the ratings added, under its own name: the build goes on with it as with any
workbook, rebuilds the engagement's deliverables and, the Référence being the
same, takes no new invoice number.

A participant who rated a dispositif again (a corrected grid dropped twice)
replaces their earlier rating rather than adding a second one.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass, replace
from datetime import date
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from pipeline import model as m
from pipeline.errors import AmoorError, Problem
from pipeline.formats import long_date
from pipeline.manifest import MANIFEST, Recorded, recorded
from pipeline.text import fold
from pipeline.workbook import schema as s
from pipeline.workbook.blank import Guidance, engagement_workbook
from pipeline.workbook.book import Book, load_book
from pipeline.workbook.cross_sheet import check_references, check_single_ratings
from pipeline.workbook.findings import Findings
from pipeline.workbook.grid import Grid, cell_ref
from pipeline.workbook.kinds import as_text
from pipeline.workbook.mission_fields import MISSION
from pipeline.workbook.reader import read_workbook
from pipeline.workbook.roi_sheets import CRITERIA, DEVICE_RATINGS, RATINGS
from pipeline.workbook.shared_sheets import STAKEHOLDERS
from pipeline.workbook.sniff import check_xlsx
from pipeline.workbook.table_sheets import Row, build_record, read_table


def is_rating_grid(data: bytes) -> bool:
    """Whether ``data`` is a partial rating grid rather than an engagement workbook.

    A grid has a « Notation ROI » sheet and no « Parties prenantes », which every
    engagement workbook has. Anything unreadable is left to the reader to explain.
    """
    try:
        check_xlsx(data, "")
        book = load_workbook(BytesIO(data), read_only=True)
    except (AmoorError, zipfile.BadZipFile, KeyError, ValueError, OSError):
        return False
    sheets = {fold(name) for name in book.sheetnames}
    book.close()
    ratings = {fold(RATINGS.name), fold(DEVICE_RATINGS.name)}
    return bool(sheets & ratings) and fold(STAKEHOLDERS.name) not in sheets


def grid_reference(grid: bytes, grid_name: str) -> str:
    """The Référence a filled grid belongs to (WorkbookError, located, when it has none)."""
    findings = Findings(grid_name)
    book = load_book(grid, grid_name)
    try:
        sheets = {fold(ws.title): ws for ws in book.values.worksheets}
        return _reference(findings, book, sheets)[0]
    finally:
        book.values.close()


def complete_engagement(
    grid: bytes, grid_name: str, outbox: Path, today: date
) -> tuple[str, bytes]:
    """The workbook kept in ``outbox`` for the grid's Référence, with its ratings added:
    its file name (kept) and its new bytes.

    Raise WorkbookError, located in the grid, when its ratings cannot be read or
    when no engagement of its Référence is in the outbox.
    """
    findings = Findings(grid_name)
    book = load_book(grid, grid_name)
    try:
        sheets = {fold(ws.title): ws for ws in book.values.worksheets}
        reference, where = _reference(findings, book, sheets)
        kept = _kept(outbox, reference)
        if kept is None:
            findings.fail(_no_engagement(reference, where, outbox))
        engagement = read_workbook((kept.folder / kept.source).read_bytes(), kept.source)
        ratings = _ratings(findings, book, sheets, engagement)
    finally:
        book.values.close()
    merged = replace(engagement, ratings=merge_ratings(engagement.ratings, ratings))
    guidance = _guidance(merged, grid_name, today)
    return kept.source, engagement_workbook(merged, guidance, today)


def merge_ratings(kept: tuple[m.Rating, ...], added: tuple[m.Rating, ...]) -> tuple[m.Rating, ...]:
    """``kept`` then ``added``; an added rating replaces the kept one of the same
    participant and candidate (one rating each: docs/workbooks.md, « Cross-sheet rules »)."""
    replaced = {(fold(r.participant), fold(r.scenario)) for r in added}
    return (
        *(r for r in kept if (fold(r.participant), fold(r.scenario)) not in replaced),
        *added,
    )


def _grid(book: Book, sheets: dict[str, Worksheet], name: str) -> Grid | None:
    sheet = sheets.get(fold(name))
    if sheet is None:
        return None
    return Grid.of(sheet, name, book.uncached.get(sheet.title, {}))


def _reference(findings: Findings, book: Book, sheets: dict[str, Worksheet]) -> tuple[str, str]:
    """The grid's Référence, and its cell in « Mission »."""
    spec = MISSION
    field = spec.field("reference")
    grid = _grid(book, sheets, spec.name)
    if grid is not None:
        for row in sorted(grid.by_row):
            for col, value in grid.row(row).items():
                if fold(as_text(value)) == fold(field.header):
                    found = as_text(grid.value(row, col + 1)).strip()
                    if found:
                        return found, cell_ref(row, col + 1)
    findings.fail(
        Problem(
            f"la Référence de la mission est introuvable dans la feuille « {spec.name} »",
            sheet=spec.name,
            hint=f"Rétablissez la ligne « {field.header} » de la grille telle qu'elle a été "
            f"remise : elle désigne la mission dont les notes font partie.",
        )
    )


@dataclass(frozen=True)
class GridRatings:
    """The workbook copy kept for a Référence, holding ratings a new workbook lacks."""

    name: str  # the kept copy's file name
    data: bytes  # its bytes, to keep aside before the new workbook replaces it
    count: int  # the ratings it has that the new workbook has not


def ratings_left_out(outbox: Path, engagement: m.Engagement, data: bytes) -> GridRatings | None:
    """What a workbook about to replace the copy kept in ``outbox`` would drop: the
    ratings a filled grid added to that copy (the consultant's own workbook never had
    them). None when the copy is the same, unreadable, or has no rating this one lacks.
    """
    kept = _kept(outbox, engagement.mission.reference)
    if kept is None:
        return None
    try:
        old = (kept.folder / kept.source).read_bytes()
        if old == data:
            return None
        before = read_workbook(old, kept.source)
    except (AmoorError, OSError):
        return None
    here = {(fold(r.participant), fold(r.scenario)) for r in engagement.ratings}
    missing = [r for r in before.ratings if (fold(r.participant), fold(r.scenario)) not in here]
    return GridRatings(kept.source, old, len(missing)) if missing else None


def _kept(outbox: Path, reference: str) -> Recorded | None:
    """The outbox folder of ``reference`` that keeps its workbook, if any."""
    try:
        entries = sorted(os.scandir(outbox), key=lambda entry: entry.name)
    except FileNotFoundError:
        return None
    for entry in entries:
        folder = Path(entry.path)
        if not entry.is_dir() or not (folder / MANIFEST).is_file():
            continue
        record = recorded(folder)
        if record.reference == reference and record.source and (folder / record.source).is_file():
            return record
    return None


def _no_engagement(reference: str, where: str, outbox: Path) -> Problem:
    return Problem(
        f"aucune mission de Référence « {reference} » n'a ses livrables dans « {outbox} » : "
        f"la grille ne peut compléter aucune mission",
        sheet=MISSION.name,
        cell=where,
        hint="Une grille de notation complète la mission pour laquelle elle a été remise. "
        "Vérifiez la Référence, ou produisez d'abord les livrables de la mission à partir de "
        "son classeur complet, puis déposez à nouveau la grille.",
    )


def _ratings(
    findings: Findings, book: Book, sheets: dict[str, Worksheet], engagement: m.Engagement
) -> tuple[m.Rating, ...]:
    """The grid's « Notation ROI » rows, read and checked against the kept engagement."""
    offer = engagement.offer
    sheet = s.ratings_sheet(offer)
    assert sheet is not None, "the grid's engagement has a « Notation ROI » sheet"
    grid = _grid(book, sheets, sheet.name)
    if grid is None:
        findings.fail(
            Problem(
                f"la feuille « {sheet.name} » est introuvable",
                hint="Saisissez les notes dans la grille telle qu'elle a été remise.",
            )
        )
    candidate = next(c for c in sheet.columns if c.attr == "scenario")
    rated = s.sheet_named(offer, candidate.refers_to)
    assert rated is not None
    criteria = [_row(c, "code", "name", "definition", "weight") for c in engagement.criteria]
    candidates = [_row(c, "code") for c in getattr(engagement, rated.attr)]
    rows = read_table(findings, grid, sheet, offer, {CRITERIA.name: criteria})
    check_references(findings, offer, {rated.name: candidates, sheet.name: rows})
    check_single_ratings(findings, offer, {sheet.name: rows})
    if not rows:
        findings.problems.append(
            Problem(
                "aucune note n'est saisie",
                sheet=sheet.name,
                hint="Saisissez une ligne par participant et par "
                f"{candidate.header.lower()} noté, puis déposez à nouveau la grille.",
            )
        )
    if findings.problems:
        findings.fail()
    return tuple(build_record(sheet, row) for row in rows)


def _row(record: object, *attrs: str) -> Row:
    """A row as if read, from a record of the kept engagement."""
    return Row(0, values={a: getattr(record, a) for a in attrs})


def _guidance(engagement: m.Engagement, grid_name: str, today: date) -> Guidance:
    """What the kept workbook's « Lisez-moi » says of the ratings added to it."""
    mission = engagement.mission
    ratings = s.ratings_sheet(mission.offer)
    assert ratings is not None
    return Guidance(
        title=f"Classeur de mission : {mission.collectivite} ({mission.reference})",
        section="Notes de l'atelier R.O.I. citoyen",
        steps=(
            f"Les notes de la grille « {grid_name} » ont été ajoutées le {long_date(today)} à la "
            f"feuille « {ratings.name} » de ce classeur, qui reprend toutes les données de la "
            f"mission.",
        ),
        active_sheet=ratings.name,
    )
