"""Page layout of the examples' deliverables: tables and pictures where a reader expects them.

In the Word files (fast, always): a table's header row and first rows keep with the next
(an invoice's header row only), so does the row before a total, and a figure's caption
keeps with its picture only.
Through LibreOffice (once per example, all its documents in one conversion): no page
opens on a « Sous-total » or « Total » row with no row of its table above it, and no
table starts at the foot of a page with its caption or header and fewer than three of
its rows.
"""

from __future__ import annotations

import itertools
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from docx import Document as open_docx
from docx.oxml.ns import qn

from pipeline.build import build
from pipeline.config import set_seller
from pipeline.workspace import Workspace, init_workspace
from tests.conftest import EXAMPLES, TEST_FIRM, TODAY
from tests.libreoffice import PDFTOTEXT, SOFFICE, needs_libreoffice, squash

TOTALS = ("Sous-total", "Total")
KEPT_ROWS = 3  # a table starts with its header row and three rows at least


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


def _kept(paragraph: Any) -> bool:
    """Whether a paragraph keeps with the next: its own setting, or else its style's."""
    own = paragraph.paragraph_format.keep_with_next
    return bool(own) if own is not None else _style_keeps(paragraph.style)


def _style_keeps(style: Any) -> bool:
    while style is not None:
        if style.paragraph_format.keep_with_next is not None:
            return bool(style.paragraph_format.keep_with_next)
        style = style.base_style
    return False


def _row_kept(row: Any) -> bool:
    return all(_kept(p) for cell in row.cells for p in cell.paragraphs)


def _is_header(row: Any) -> bool:
    return row._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None


def test_rows_keep_with_the_next_where_a_page_break_would_leave_them_alone(
    deliverables: Path,
) -> None:
    checked = 0
    # An invoice's lines keep only their header with the first (tools/templating/facture.py:
    # an invoice is not freed by page_breaks); the deliverables keep their first rows.
    for path in [p for p in _documents(deliverables) if not p.name.startswith("Facture")]:
        for table in open_docx(BytesIO(path.read_bytes())).tables:
            rows = list(table.rows)
            if not rows or not _is_header(rows[0]):
                continue
            body = rows[1:]
            where = f"{path.name}, tableau « {rows[0].cells[0].text} »"
            assert _row_kept(rows[0]), where
            # The header and the first rows stay together: three rows at least, or all.
            for row in body[: min(KEPT_ROWS, len(body)) - 1]:
                assert _row_kept(row), f"{where}, ligne « {row.cells[0].text} »"
            for before, row in itertools.pairwise(body):
                if row.cells[0].text.startswith(TOTALS):
                    assert _row_kept(before), f"{where} : la ligne avant « {row.cells[0].text} »"
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


def test_a_caption_below_a_picture_keeps_with_the_picture_only(deliverables: Path) -> None:
    for path in _documents(deliverables):
        paragraphs = open_docx(BytesIO(path.read_bytes())).paragraphs
        for before, paragraph in itertools.pairwise(paragraphs):
            if paragraph.style.name == "Caption" and before._p.findall(f".//{qn('w:drawing')}"):
                assert _kept(before), f"{path.name} : l'image avant « {paragraph.text} »"
                assert not _kept(paragraph), f"{path.name} : « {paragraph.text} »"


# --------------------------------------------------------------------------- LibreOffice
@dataclass(frozen=True)
class Table:
    """What a table's lines begin with, squashed: its header row, and each body row
    (its first cell), in order; and the caption above it, if any."""

    header: str
    rows: tuple[str, ...]
    caption: str | None


def _tables(docx: Path) -> Iterator[Table]:
    document = open_docx(BytesIO(docx.read_bytes()))
    body = document.element.body
    previous: Any = None
    for element in body.iterchildren():
        if element.tag == qn("w:tbl"):
            table = next(t for t in document.tables if t._tbl is element)
            rows = list(table.rows)
            if rows and _is_header(rows[0]) and len(rows) > 1:
                caption = None
                if previous is not None and previous.tag == qn("w:p"):
                    style = previous.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
                    if style is not None and style.get(qn("w:val")) == "Caption":
                        text = "".join(t.text or "" for t in previous.iter(qn("w:t")))
                        caption = squash(text)[:30]
                cells = [c.text for c in rows[0].cells]
                yield Table(
                    header=_key(cells[0] + cells[1] if len(cells) > 1 else cells[0]),
                    rows=tuple(_key(r.cells[0].text) for r in rows[1:]),
                    caption=caption,
                )
        previous = element


def _key(text: str) -> str:
    """The start of a line of a table or caption, as pdftotext -layout shows it: the
    first line of the first cell runs on with the other cells, so a few characters."""
    return squash(text.split("\n")[0])[:8]


def _convert(documents: list[Path], outdir: Path, profile: Path) -> list[Path]:
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


def _pages(pdf: Path) -> list[list[str]]:
    """Each page's lines, squashed, without the running header and footer."""
    assert PDFTOTEXT is not None
    text = subprocess.run(
        [PDFTOTEXT, "-layout", "-enc", "UTF-8", str(pdf), "-"],
        check=True,
        capture_output=True,
        timeout=60,
    ).stdout.decode("utf-8")
    pages = []
    for page in text.split("\f"):
        lines = [squash(line) for line in page.splitlines() if line.strip()]
        pages.append(lines[1:-1])
    return pages


def _starts(pages: list[list[str]], table: Table, after: tuple[int, int]) -> tuple[int, int] | None:
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
            if not next_lines or any(line.startswith(table.rows[0]) for line in next_lines):
                return number, index
    return None


@pytest.mark.libreoffice
@needs_libreoffice
def test_no_lone_total_and_no_table_starting_at_the_foot_of_a_page(
    deliverables: Path, lo_profile: Path, tmp_path: Path
) -> None:
    documents = _documents(deliverables)
    pdfs = _convert(documents, tmp_path, lo_profile)
    for docx, pdf in zip(documents, pdfs, strict=True):
        pages = _pages(pdf)
        tables = list(_tables(docx))
        for number, lines in enumerate(pages, start=1):
            total = next((i for i, line in enumerate(lines) if line.startswith(TOTALS)), None)
            if total is None:
                continue
            above = lines[:total]
            headers = [t.header for t in tables]
            rows_above = [line for line in above if not any(line.startswith(h) for h in headers)]
            assert rows_above, f"{docx.name}, page {number} : « {lines[total]} » seule en haut"
        cursor = (0, -1)
        for table in tables:
            start = _starts(pages, table, cursor)
            assert start is not None, f"{docx.name} : tableau « {table.header} » introuvable"
            cursor = start
            page, index = start
            if table.caption is not None:
                before = pages[page][:index]
                assert any(line.startswith(table.caption) for line in before), (
                    f"{docx.name}, page {page + 1} : la légende « {table.caption} » "
                    "n'est pas sur la page où commence son tableau"
                )
            found = 0
            following = iter(pages[page][index + 1 :])
            for row in table.rows[:KEPT_ROWS]:
                if any(line.startswith(row) for line in following):
                    found += 1
                else:
                    break
            assert found >= min(KEPT_ROWS, len(table.rows)), (
                f"{docx.name}, page {page + 1} : le tableau « {table.header} » commence "
                f"avec {found} ligne(s) en bas de page"
            )
