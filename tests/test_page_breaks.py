"""page_breaks.py: what a text taller than a page changes in a rendered document.

Documents built with python-docx, as docxtpl would leave them: a heading kept with a
table, a heading row, rows that cannot split. The LibreOffice side (such documents
open, and fast) is tests/test_large_inputs.py's.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

from pipeline.render.page_breaks import BODY_PARAGRAPH, CELL_PARAGRAPH, LONG_TEXT, breakable

WORD = "Loremipsumdolorsitametconsecteturadipiscingelit"
LONG_CONTEXT = {"nom": "x" * LONG_TEXT}


def _long(length: int) -> str:
    return (WORD * (length // len(WORD) + 1))[:length]


def _cannot_split(row: Any) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _heading_and_table(long_cell: str) -> bytes:
    """« Titre » kept with a table whose heading row is kept with a row holding
    ``long_cell``, then a short table of its own, kept together as templates do."""
    document = docx.Document()
    document.add_paragraph("Titre").paragraph_format.keep_with_next = True
    table = document.add_table(rows=2, cols=3)
    for row in table.rows:
        _cannot_split(row)
    for cell in table.rows[0].cells:
        cell.text = "Colonne"
        cell.paragraphs[0].paragraph_format.keep_with_next = True
    table.rows[1].cells[0].text = long_cell
    table.rows[1].cells[1].text = "court"
    document.add_paragraph("Autre titre").paragraph_format.keep_with_next = True
    short = document.add_table(rows=2, cols=2)
    for row in short.rows:
        _cannot_split(row)
        for cell in row.cells:
            cell.text = "bref"
            cell.paragraphs[0].paragraph_format.keep_with_next = True
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _body(data: bytes) -> Any:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        root = etree.fromstring(package.read("word/document.xml"), etree.XMLParser(huge_tree=True))
    return root.find(qn("w:body"))


def _kept(paragraph: Any, what: str) -> bool:
    """Whether the paragraph itself sets ``what`` on (python-docx's styles set none)."""
    element = paragraph.find(f"{qn('w:pPr')}/{qn(what)}")
    return element is not None and element.get(qn("w:val"), "1") not in ("0", "false")


def _text(element: Any) -> str:
    return "".join(t.text or "" for t in element.iter(qn("w:t")))


def test_a_document_without_a_long_text_is_left_byte_for_byte() -> None:
    data = _heading_and_table(_long(60_000))
    assert breakable(data, {"nom": "x" * (LONG_TEXT - 1)}) is data


def test_a_tall_row_frees_the_heading_row_and_the_paragraph_kept_with_its_table() -> None:
    body = _body(breakable(_heading_and_table(_long(10_000)), LONG_CONTEXT))
    title, table, other, short = [e for e in body if e.tag != qn("w:sectPr")]
    heading_row, tall_row = table.findall(qn("w:tr"))
    # The chain « Titre » → heading row → tall row is cut everywhere.
    assert not _kept(title, "w:keepNext")
    assert not any(_kept(p, "w:keepNext") for p in heading_row.iter(qn("w:p")))
    assert tall_row.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is None
    assert all(
        p.find(f"{qn('w:pPr')}/{qn('w:keepLines')}") is not None for p in tall_row.iter(qn("w:p"))
    )
    assert not any(_kept(p, "w:keepLines") for p in tall_row.iter(qn("w:p")))
    # The short table after it keeps its rows whole and together.
    assert _kept(other, "w:keepNext")
    for row in short.findall(qn("w:tr")):
        assert row.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None
        assert all(_kept(p, "w:keepNext") for p in row.iter(qn("w:p")))


def test_the_rows_kept_with_a_tall_last_row_are_freed() -> None:
    """A table's last rows keep together (templating: no row alone at the top of a
    page): before a tall last row, they and the rows leading to them keep with nothing."""
    document = docx.Document()
    table = document.add_table(rows=6, cols=2)
    kept = (0, 1, 2, 3, 4)  # the header row, the first rows, the rows before the last
    for index, row in enumerate(table.rows):
        _cannot_split(row)
        for cell in row.cells:
            cell.text = "court"
            cell.paragraphs[0].paragraph_format.keep_with_next = index in kept
    table.rows[-1].cells[1].text = _long(10_000)
    document.add_paragraph("Note sous le tableau")
    out = io.BytesIO()
    document.save(out)
    body = _body(breakable(out.getvalue(), LONG_CONTEXT))
    rows = body.find(qn("w:tbl")).findall(qn("w:tr"))
    for row in rows[:-1]:
        assert not any(_kept(p, "w:keepNext") for p in row.iter(qn("w:p"))), _text(row)
    assert rows[-1].find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is None


def test_a_long_word_in_a_cell_is_cut_into_paragraphs_in_order() -> None:
    word = _long(5 * CELL_PARAGRAPH + 7)
    body = _body(breakable(_heading_and_table(word), LONG_CONTEXT))
    cell = body.find(qn("w:tbl")).findall(qn("w:tr"))[1].find(qn("w:tc"))
    pieces = [_text(p) for p in cell.findall(qn("w:p"))]
    assert [len(piece) for piece in pieces] == [CELL_PARAGRAPH] * 5 + [7]
    assert "".join(pieces) == word


def test_a_long_body_paragraph_is_cut_after_a_sentence_and_keeps_its_run_style() -> None:
    document = docx.Document()
    sentence = "Une phrase de la concertation citoyenne. "
    text = sentence * (2 * BODY_PARAGRAPH // len(sentence) + 1)
    document.add_paragraph().add_run(text).bold = True
    out = io.BytesIO()
    document.save(out)
    body = _body(breakable(out.getvalue(), LONG_CONTEXT))
    paragraphs = [p for p in body.findall(qn("w:p")) if _text(p)]
    assert len(paragraphs) == 3
    assert all(len(_text(p)) <= BODY_PARAGRAPH for p in paragraphs)
    assert all(_text(p).endswith(".") for p in paragraphs[:-1])  # cut after a sentence
    assert " ".join(_text(p) for p in paragraphs) == text  # the spaces cut at go
    assert all(r.find(f"{qn('w:rPr')}/{qn('w:b')}") is not None for r in body.iter(qn("w:r")))
