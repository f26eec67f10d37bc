"""Deliverables as LibreOffice lays them out, for the page layout tests: each page's
lines (pdftotext -layout, squashed), each table's lines as they begin there, and the
Word side of what keeps with what."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from docx import Document as open_docx
from docx.oxml.ns import qn

from tests.libreoffice import SOFFICE, layout_pages, squash

NEAR_HEADING = 4  # paragraphs at most between a heading and the caption of its table


def kept(paragraph: Any) -> bool:
    """Whether a paragraph keeps with the next: its own setting, or else its style's."""
    own = paragraph.paragraph_format.keep_with_next
    return bool(own) if own is not None else style_keeps(paragraph.style)


def style_keeps(style: Any) -> bool:
    while style is not None:
        if style.paragraph_format.keep_with_next is not None:
            return bool(style.paragraph_format.keep_with_next)
        style = style.base_style
    return False


def row_kept(row: Any) -> bool:
    return all(kept(p) for cell in row.cells for p in cell.paragraphs)


def is_header(row: Any) -> bool:
    return row._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None


def style_id(element: Any) -> str | None:
    """A paragraph's style id (``Caption``, ``Heading2``), None when it has none."""
    style = element.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return None if style is None else str(style.get(qn("w:val")))


def text_of(element: Any) -> str:
    return "".join(t.text or "" for t in element.iter(qn("w:t")))


def note_under(table: Any) -> Any:
    """The note under a table (``w:tbl``): a paragraph in the Caption style right after
    it, not followed by a table (then it is that table's caption)."""
    note = table.getnext()
    if note is None or note.tag != qn("w:p") or style_id(note) != "Caption":
        return None
    after = note.getnext()
    return None if after is not None and after.tag == qn("w:tbl") else note


@dataclass(frozen=True)
class Table:
    """What a table's lines begin with, squashed: its header row, and each body row
    (its first cells), in order; the caption above it, the heading a few paragraphs
    above that, and the note below it, if any."""

    header: str
    rows: tuple[str, ...]
    caption: str | None
    heading: str | None
    note: str | None


def tables(docx: Path) -> Iterator[Table]:
    """The tables of ``docx`` with a header row and a body, in reading order."""
    document = open_docx(BytesIO(docx.read_bytes()))
    for table in document.tables:
        element = table._tbl
        rows = list(table.rows)
        if not rows or not is_header(rows[0]) or len(rows) < 2:
            continue
        caption = previous = element.getprevious()
        if caption is None or caption.tag != qn("w:p") or style_id(caption) != "Caption":
            caption = None
        heading = None
        for _ in range(NEAR_HEADING + 1):
            previous = previous.getprevious() if previous is not None else None
            if previous is None or previous.tag != qn("w:p"):
                break
            style = style_id(previous) or ""
            if style.startswith("Heading"):
                heading = squash(text_of(previous))[:20]
                break
            # What leads to the table: a list (what the table is about) or text kept
            # with it; a description in between is the heading's own.
            paragraph = next(p for p in document.paragraphs if p._p is previous)
            if style != "ListBullet" and not kept(paragraph):
                break
        note = note_under(element)
        cells = [c.text for c in rows[0].cells]
        yield Table(
            header=line_key(cells[0] + cells[1] if len(cells) > 1 else cells[0]),
            rows=tuple(row_key(r) for r in rows[1:]),
            caption=None if caption is None else squash(text_of(caption))[:30],
            heading=heading if caption is not None else None,
            note=None if note is None else squash(text_of(note))[:30],
        )


def line_key(text: str) -> str:
    """The start of a line of a table or caption, as pdftotext -layout shows it: the
    first line of the first cell runs on with the other cells, so a few characters."""
    return squash(text.split("\n")[0])[:8]


def row_key(row: Any) -> str:
    """A body row's first line begins with its first cell's first word (a cell may wrap
    after it: « Note » of « Note globale »); when that word is the whole cell, a number
    or a code (« 27 », « S2 »), with the next cell's first word too, which the number
    alone would not tell from the lines of other rows."""
    cells = [c.text for c in row.cells]
    words = cells[0].split()
    if not words:
        return ""
    key = squash(words[0])[:8]
    if len(words) == 1 and len(key) < 4 and len(cells) > 1 and cells[1].split():
        key += squash(cells[1].split()[0])[:6]
    return key


def convert(documents: list[Path], outdir: Path, profile: Path) -> list[Path]:
    """All ``documents`` to PDF in one LibreOffice run."""
    assert SOFFICE is not None
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            *map(str, documents),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    pdfs = [outdir / f"{d.stem}.pdf" for d in documents]
    assert all(p.is_file() for p in pdfs)
    return pdfs


def page_lines(pdf: Path) -> list[list[str]]:
    """Each page's lines, squashed, without the running header and footer."""
    pages = []
    for page in layout_pages(pdf):
        lines = [squash(line) for line in page.splitlines() if line.strip()]
        pages.append(lines[1:-1])
    return pages


def table_start(
    pages: list[list[str]], table: Table, after: tuple[int, int]
) -> tuple[int, int] | None:
    """The first (page, line) past ``after`` where ``table``'s header line is followed by
    its first row (a header cell may wrap on one more line), or ends its page: not the
    header of the table before, repeated on a page it runs on to."""
    for number in range(after[0], len(pages)):
        lines = pages[number]
        start = after[1] + 1 if number == after[0] else 0
        for index in range(start, len(lines)):
            if not lines[index].startswith(table.header):
                continue
            if table.caption is not None and lines[index].startswith(table.caption):
                continue  # the caption « Instances de la démarche » of the header « Instance »
            next_lines = lines[index + 1 : index + 3]
            first = table.rows[0][:8]
            if not next_lines or any(line.startswith(first) for line in next_lines):
                return number, index
    return None


def find_line(pages: list[list[str]], start: str, after: tuple[int, int]) -> tuple[int, int] | None:
    """The first (page, line) past ``after`` that begins with ``start``."""
    for number in range(after[0], len(pages)):
        first = after[1] + 1 if number == after[0] else 0
        for index in range(first, len(pages[number])):
            if pages[number][index].startswith(start):
                return number, index
    return None


def row_pages(pages: list[list[str]], table: Table, start: tuple[int, int]) -> list[int]:
    """The page each row of ``table`` begins on, read in order from its start."""
    found = []
    cursor = start
    for row in table.rows:
        where = find_line(pages, row, cursor)
        assert where is not None, f"ligne « {row} » introuvable après la page {cursor[0] + 1}"
        found.append(where[0])
        cursor = where
    return found


@dataclass(frozen=True)
class LaidOut:
    """A document, its tables, and each page's lines as LibreOffice lays it out."""

    docx: Path
    tables: list[Table]
    pages: list[list[str]]


def lay_out(documents: list[Path], outdir: Path, profile: Path) -> list[LaidOut]:
    """``documents`` laid out by LibreOffice, in one run."""
    pdfs = convert(documents, outdir, profile)
    return [
        LaidOut(docx, list(tables(docx)), page_lines(pdf))
        for docx, pdf in zip(documents, pdfs, strict=True)
    ]


def located(document: LaidOut) -> Iterator[tuple[Table, tuple[int, int]]]:
    """Each table of ``document`` and where it starts: (page, line), from 0."""
    cursor = (0, -1)
    for table in document.tables:
        start = table_start(document.pages, table, cursor)
        assert start is not None, f"{document.docx.name} : tableau « {table.header} » introuvable"
        cursor = start
        yield table, start
