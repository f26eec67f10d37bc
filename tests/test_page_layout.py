"""Page layout of the examples' deliverables: tables and pictures where a reader expects them.

In the Word files (fast, always): a table's header row and first rows keep with the next
(an invoice's header row only), so do the rows before its last and the row before a
total; its last row keeps with the next only when a note follows it (the note keeps with
nothing after it); a figure's caption keeps with its picture only.
Through LibreOffice (once per example, all its documents in one conversion): no page
opens on a « Sous-total » or « Total » row with no row of its table above it, no table
starts at the foot of a page with its caption or header and fewer than three of its
rows, nor runs on to a page with fewer than three; a heading a few paragraphs above a
table is on the page the table starts on; a note under a table is on the page the table
ends on; the stakeholder map is on the page of the sentence that introduces it.
"""

from __future__ import annotations

import itertools
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document as open_docx
from docx.oxml.ns import qn

from pipeline.build import build
from pipeline.config import set_seller
from pipeline.workspace import Workspace, init_workspace
from tests.conftest import EXAMPLES, TEST_FIRM, TODAY
from tests.laid_out import (
    LaidOut,
    is_header,
    kept,
    lay_out,
    located,
    note_under,
    row_kept,
    row_pages,
    text_of,
)
from tests.libreoffice import needs_libreoffice, squash

TOTALS = ("Sous-total", "Total")
KEPT_ROWS = 3  # a table starts with its header row and three rows at least, and ends so
MAP_CAPTION = "Carte pouvoir / intérêt des parties prenantes"
MAP_INTRODUCTION = "Chaque numéro de la carte renvoie au registre"


@pytest.fixture(scope="module", params=EXAMPLES, ids=lambda p: p.stem)
def deliverables(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of one example's deliverables, built as ``amoor build`` builds them."""
    root = tmp_path_factory.mktemp("layout")
    workspace = init_workspace(root / "espace")
    set_seller(workspace.config_path, TEST_FIRM)
    result = build(request.param, Workspace.open(workspace.root), TODAY)
    assert result.commit is not None
    return result.commit.folder


def _documents(folder: Path) -> list[Path]:
    documents = sorted(folder.glob("*.docx"))
    assert documents
    return documents


def test_rows_keep_with_the_next_where_a_page_break_would_leave_them_alone(
    deliverables: Path,
) -> None:
    checked = 0
    # An invoice's lines keep only their header with the first (tools/templating/facture.py:
    # an invoice is not freed by page_breaks); the deliverables keep their first rows.
    for path in [p for p in _documents(deliverables) if not p.name.startswith("Facture")]:
        for table in open_docx(BytesIO(path.read_bytes())).tables:
            rows = list(table.rows)
            if not rows or not is_header(rows[0]):
                continue
            body = rows[1:]
            where = f"{path.name}, tableau « {rows[0].cells[0].text} »"
            assert row_kept(rows[0]), where
            # The header and the first rows stay together: three rows at least, or all.
            for row in body[: min(KEPT_ROWS, len(body)) - 1]:
                assert row_kept(row), f"{where}, ligne « {row.cells[0].text} »"
            # And end together: no row alone at the top of a page.
            for row in body[-KEPT_ROWS:-1]:
                assert row_kept(row), f"{where}, ligne « {row.cells[0].text} » (fin)"
            for before, row in itertools.pairwise(body):
                if row.cells[0].text.startswith(TOTALS):
                    assert row_kept(before), f"{where} : la ligne avant « {row.cells[0].text} »"
                    checked += 1
    assert checked or "Sous-total" not in _all_text(deliverables)


def _all_text(folder: Path) -> str:
    return " ".join(
        cell.text
        for path in _documents(folder)
        for table in open_docx(BytesIO(path.read_bytes())).tables
        for row in table.rows
        for cell in row.cells
    )


def test_a_note_under_a_table_keeps_with_its_last_row_only(deliverables: Path) -> None:
    notes = 0
    for path in _documents(deliverables):
        document = open_docx(BytesIO(path.read_bytes()))
        for table in document.tables:
            note = note_under(table._tbl)
            if note is None:
                continue
            where = f"{path.name} : la note « {text_of(note)[:40]} »"
            assert row_kept(table.rows[-1]), where
            paragraph = next(p for p in document.paragraphs if p._p is note)
            assert not kept(paragraph), where
            notes += 1
    cahiers = [p for p in _documents(deliverables) if p.name.startswith("Cahier")]
    assert notes or not cahiers


def test_a_table_kept_with_what_follows_ends_the_chain_there(deliverables: Path) -> None:
    """A table's last row keeps with the next only when that paragraph keeps with
    nothing (a note, a blank setting the table off): a table of one or two rows kept
    with the next heading chained a Kit's whole calendar into one block, which left
    most of a page empty before it."""
    for path in [p for p in _documents(deliverables) if not p.name.startswith("Facture")]:
        document = open_docx(BytesIO(path.read_bytes()))
        for table in document.tables:
            last = table.rows[-1]
            after = table._tbl.getnext()
            if not row_kept(last) or after is None or after.tag != qn("w:p"):
                continue
            paragraph = next(p for p in document.paragraphs if p._p is after)
            assert not kept(paragraph), (
                f"{path.name} : la ligne « {last.cells[0].text} » et « {paragraph.text} »"
            )


def test_a_caption_below_a_picture_keeps_with_the_picture_only(deliverables: Path) -> None:
    for path in _documents(deliverables):
        paragraphs = open_docx(BytesIO(path.read_bytes())).paragraphs
        for before, paragraph in itertools.pairwise(paragraphs):
            if paragraph.style.name == "Caption" and before._p.findall(f".//{qn('w:drawing')}"):
                assert kept(before), f"{path.name} : l'image avant « {paragraph.text} »"
                assert not kept(paragraph), f"{path.name} : « {paragraph.text} »"


# --------------------------------------------------------------------------- LibreOffice
@pytest.fixture(scope="module")
def laid_out(
    deliverables: Path, lo_profile: Path, tmp_path_factory: pytest.TempPathFactory
) -> list[LaidOut]:
    """The example's documents, laid out by LibreOffice once for the tests below."""
    return lay_out(_documents(deliverables), tmp_path_factory.mktemp("pdf"), lo_profile)


@pytest.mark.libreoffice
@needs_libreoffice
def test_no_lone_total_and_no_table_starting_at_the_foot_of_a_page(
    laid_out: list[LaidOut],
) -> None:
    for document in laid_out:
        name, pages, tables = document.docx.name, document.pages, document.tables
        for number, lines in enumerate(pages, start=1):
            total = next((i for i, line in enumerate(lines) if line.startswith(TOTALS)), None)
            if total is None:
                continue
            above = lines[:total]
            headers = [t.header for t in tables]
            rows_above = [line for line in above if not any(line.startswith(h) for h in headers)]
            assert rows_above, f"{name}, page {number} : « {lines[total]} » seule en haut"
        for table, (page, index) in located(document):
            if table.caption is not None:
                before = pages[page][:index]
                assert any(line.startswith(table.caption) for line in before), (
                    f"{name}, page {page + 1} : la légende « {table.caption} » "
                    "n'est pas sur la page où commence son tableau"
                )
            found = 0
            following = iter(pages[page][index + 1 :])
            for row in table.rows[:KEPT_ROWS]:
                if any(line.startswith(row[:8]) for line in following):
                    found += 1
                else:
                    break
            assert found >= min(KEPT_ROWS, len(table.rows)), (
                f"{name}, page {page + 1} : le tableau « {table.header} » commence "
                f"avec {found} ligne(s) en bas de page"
            )


@pytest.mark.libreoffice
@needs_libreoffice
def test_no_table_runs_on_to_a_page_with_fewer_than_three_rows(
    laid_out: list[LaidOut],
) -> None:
    for document in laid_out:
        for table, start in located(document):
            pages = row_pages(document.pages, table, start)
            for page in sorted(set(pages))[1:]:
                count = pages.count(page)
                assert count >= min(KEPT_ROWS, len(table.rows)), (
                    f"{document.docx.name}, page {page + 1} : le tableau « {table.header} » "
                    f"s'y poursuit avec {count} ligne(s) seulement"
                )


@pytest.mark.libreoffice
@needs_libreoffice
def test_a_heading_and_a_note_are_on_the_pages_of_their_table(laid_out: list[LaidOut]) -> None:
    """The heading a few paragraphs above a table (a Kit's « Habitants » and its list of
    treatments) is on the page the table starts on; the note under a table (the
    R.O.I. ranking's « Équilibré : … ») is on the page its last row is."""
    for document in laid_out:
        name = document.docx.name
        for table, start in located(document):
            page = start[0]
            if table.heading is not None:
                assert any(table.heading in line for line in document.pages[page]), (
                    f"{name}, page {page + 1} : le titre « {table.heading} » n'est pas sur "
                    f"la page où commence le tableau « {table.caption} »"
                )
            if table.note is not None:
                last = row_pages(document.pages, table, start)[-1]
                assert any(line.startswith(table.note) for line in document.pages[last]), (
                    f"{name}, page {last + 1} : la note « {table.note} » n'est pas sur la "
                    f"page où finit le tableau « {table.header} »"
                )


@pytest.mark.libreoffice
@needs_libreoffice
def test_the_stakeholder_map_is_on_the_page_that_introduces_it(laid_out: list[LaidOut]) -> None:
    """In a document with a register (the sentence « Chaque numéro de la carte renvoie au
    registre »), the map follows that sentence on its page: not a page further, after
    half a page left empty under the counts by category."""
    caption, introduction = squash(MAP_CAPTION), squash(MAP_INTRODUCTION)
    for document in laid_out:
        # The sentence may wrap: it is looked for in the page's lines run together.
        pages = ["".join(lines) for lines in document.pages]
        introduced = [number for number, text in enumerate(pages) if introduction in text]
        drawn = [number for number, text in enumerate(pages) if caption in text]
        if introduced:
            assert drawn == introduced, (
                f"{document.docx.name} : la carte des parties prenantes page "
                f"{[n + 1 for n in drawn]}, son introduction page {introduced[0] + 1}"
            )
