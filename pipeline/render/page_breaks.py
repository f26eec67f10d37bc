"""Texts taller than a page in a rendered document: let them break across pages.

The templates keep a heading with what follows it (« keep with next »), a table row
on one page (« can't split ») and a short table together (« keep with next » in
each row): right for what consultants type, wrong for a cell of a hundred thousand
characters. A row or a paragraph taller than a page cannot be kept whole nor with
its neighbour: Word then breaks it anyway, but LibreOffice lays the document out
again and again (minutes, or without end). So a row or paragraph estimated taller
than :data:`TALL_LINES` lines may split, and neither it nor the block before it is
kept with the next; nor, before a tall row, the rows above it in its table and the
paragraph before the table (a heading kept with a table is kept with its first rows:
two such tables in a Kit took LibreOffice six minutes, and half a minute once freed).

LibreOffice also lays out a paragraph that runs over several pages in a time that
grows with the square of its length, in a table cell above all (a 100 000-character
cell of a three-column table: over ten minutes). A paragraph longer than
:data:`CELL_PARAGRAPH` characters in a cell, :data:`BODY_PARAGRAPH` elsewhere, is
therefore cut into paragraphs of that length at most: after a sentence, or else at a
space, in its last half; a word longer than that is cut where the length is reached.
Shorter words wider than their column are broken at the column's edge by Word and
LibreOffice themselves (the tables have fixed widths): nothing is inserted in them.

Only documents whose context holds a text of :data:`LONG_TEXT` characters or more
are looked at: no row or paragraph of a template can fill a page below that, and
every other document is left byte for byte as docxtpl rendered it.
"""

from __future__ import annotations

import copy
import zipfile
from collections.abc import Iterator, Mapping
from io import BytesIO
from typing import Any

from lxml import etree

from pipeline.render.package import with_parts

LONG_TEXT = 2_000  # characters: below, no row or paragraph of a template fills a page
TALL_LINES = 25  # estimated lines: taller may split and is kept with no neighbour
CHAR_TWIPS = 100  # the average width of a character of body text (10–11 pt), in twips
TEXT_WIDTH_TWIPS = 9_638  # an A4 page's text width (17 cm), when the XML does not say
CELL_PARAGRAPH = 1_500  # characters of a paragraph in a table cell, at most
BODY_PARAGRAPH = 20_000  # characters of any other paragraph, at most

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_DOCUMENT = "word/document.xml"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


def longest_text(value: Any) -> int:
    """The length of the longest string in a render context (linear in its size)."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, Mapping):
        return max((longest_text(v) for v in value.values()), default=0)
    if isinstance(value, list | tuple):
        return max((longest_text(v) for v in value), default=0)
    return 0


def breakable(docx: bytes, context: Mapping[str, Any]) -> bytes:
    """``docx`` with its rows and paragraphs taller than a page free to break, when
    ``context`` holds a long text; otherwise ``docx`` itself."""
    if longest_text(context) < LONG_TEXT:
        return docx
    with zipfile.ZipFile(BytesIO(docx)) as source:
        document = source.read(_DOCUMENT)
    # resolve_entities off: the XML is docxtpl's output, and stays data.
    parser = etree.XMLParser(resolve_entities=False, huge_tree=True)
    root = etree.fromstring(document, parser)
    if not _free_tall_blocks(root):
        return docx
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return with_parts(docx, {_DOCUMENT: xml})


def _free_tall_blocks(root: Any) -> bool:
    """Free every tall block and what leads to it; whether anything was tall."""
    body = root.find(_w("body"))
    if body is None:
        return False
    split = False
    for paragraph in list(body.iter(_w("p"))):
        in_cell = paragraph.getparent().tag == _w("tc")
        split |= _split(paragraph, CELL_PARAGRAPH if in_cell else BODY_PARAGRAPH)
    blocks = list(_blocks(body))
    tall = [_lines(block) > TALL_LINES for block in blocks]
    # A block is kept with no neighbour when it is tall, when the next one is, and when
    # it leads to a tall row through the rows above it in its table (a heading row):
    # a paragraph kept with a table is kept with the table's first rows.
    free = tall[:]
    for index in range(len(blocks) - 2, -1, -1):
        following = blocks[index + 1]
        leads = free[index + 1] and following.tag == _w("tr")
        free[index] = free[index] or tall[index + 1] or leads
    for index, block in enumerate(blocks):
        if not free[index]:
            continue
        for paragraph in block.iter(_w("p")):
            _do_not_keep(paragraph, "keepNext")
            if tall[index]:
                _do_not_keep(paragraph, "keepLines")
        if tall[index] and block.tag == _w("tr"):
            for cant_split in block.findall(f"{_w('trPr')}/{_w('cantSplit')}"):
                cant_split.getparent().remove(cant_split)
    return split or any(tall)


def _split(paragraph: Any, most: int) -> bool:
    """Cut a paragraph longer than ``most`` characters into paragraphs of that length
    at most, each with the paragraph's properties and its runs' properties; whether
    it was cut. A line break past half that length ends a paragraph too; anything but
    runs (a hyperlink, a bookmark) is kept whole."""
    if _length(paragraph) <= most:
        return False
    properties = paragraph.find(_w("pPr"))
    pieces: list[list[Any]] = [[]]
    count = 0
    for element in list(paragraph):
        if element is properties:
            continue
        paragraph.remove(element)
        if element.tag != _w("r"):
            pieces[-1].append(element)
            count += _length(element)
            continue
        style = element.find(_w("rPr"))
        for child in element:
            if child is style:
                continue
            if child.tag != _w("t"):
                line_break = child.tag == _w("br") and child.get(_w("type")) is None
                if line_break and count >= most // 2:
                    pieces.append([])
                    count = 0
                    continue
                pieces[-1].append(_run(style, copy.deepcopy(child)))
                continue
            text = child.text or ""
            start = 0
            while count + len(text) - start > most:
                end = _cut(text, start, most - count, whole=count == 0)
                if end > start:
                    pieces[-1].append(_run(style, _text(text[start:end])))
                pieces.append([])
                count = 0
                start = end
                while start < len(text) and text[start] == " ":
                    start += 1  # the space a line would have broken at
            if start < len(text):
                pieces[-1].append(_run(style, _text(text[start:])))
                count += len(text) - start
    for element in pieces[0]:
        paragraph.append(element)
    after = paragraph
    for piece in pieces[1:]:
        following = etree.Element(_w("p"))
        if properties is not None:
            following.append(copy.deepcopy(properties))
        for element in piece:
            following.append(element)
        after.addnext(following)
        after = following
    return True


def _length(element: Any) -> int:
    return sum(len(t.text or "") for t in element.iter(_w("t")))


def _cut(text: str, start: int, room: int, whole: bool) -> int:
    """Where the paragraph starting at ``start`` ends, ``room`` characters at most:
    after a sentence or at a space in the last half, or at ``room``. With nothing
    before it in its paragraph (``whole``), it holds one character at least."""
    limit = start + max(0, room)
    half = start + max(0, room) // 2
    sentence = text.rfind(". ", half, limit)
    if sentence >= 0:
        return sentence + 1
    space = text.rfind(" ", half, limit)
    if space > start:
        return space
    return max(limit, start + 1) if whole else limit


def _run(style: Any, content: Any) -> Any:
    """A run with the properties ``style`` (a copy), holding ``content``."""
    run = etree.Element(_w("r"))
    if style is not None:
        run.append(copy.deepcopy(style))
    run.append(content)
    return run


def _text(text: str) -> Any:
    element = etree.Element(_w("t"))
    element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    element.text = text
    return element


def _blocks(parent: Any) -> Iterator[Any]:
    """The body's paragraphs and table rows, in reading order (content controls opened)."""
    for child in parent:
        if child.tag == _w("p"):
            yield child
        elif child.tag == _w("tbl"):
            yield from child.iterchildren(_w("tr"))
        elif child.tag == _w("sdt"):
            content = child.find(_w("sdtContent"))
            if content is not None:
                yield from _blocks(content)


def _lines(block: Any) -> int:
    """How many lines a paragraph, or a row's tallest cell, takes: an estimate."""
    if block.tag == _w("p"):
        return _paragraph_lines(block, TEXT_WIDTH_TWIPS)
    grid = [_twips(col) for col in block.getparent().iterfind(f"{_w('tblGrid')}/{_w('gridCol')}")]
    cells = block.findall(_w("tc"))
    tallest = 0
    for index, cell in enumerate(cells):
        width = _twips(cell.find(f"{_w('tcPr')}/{_w('tcW')}"))
        if not width:
            width = grid[index] if index < len(grid) and grid[index] else 0
        width = width or TEXT_WIDTH_TWIPS // max(1, len(cells))
        lines = sum(_paragraph_lines(p, width) for p in cell.iter(_w("p")))
        tallest = max(tallest, lines)
    return tallest


def _paragraph_lines(paragraph: Any, width_twips: int) -> int:
    per_line = max(1, width_twips // CHAR_TWIPS)
    lines = 0
    for piece in _pieces(paragraph):
        lines += max(1, -(-piece // per_line))
    return lines


def _pieces(paragraph: Any) -> Iterator[int]:
    """The lengths of a paragraph's text between its line breaks."""
    length = 0
    for element in paragraph.iter(_w("t"), _w("br"), _w("cr")):
        if element.tag == _w("t"):
            length += len(element.text or "")
        else:
            yield length
            length = 0
    yield length


def _twips(element: Any) -> int:
    """A width in twips (``w:w`` of type dxa), 0 when absent or of another type."""
    if element is None or element.get(_w("type"), "dxa") != "dxa":
        return 0
    try:
        return int(element.get(_w("w"), "0"))
    except ValueError:
        return 0


def _do_not_keep(paragraph: Any, what: str) -> None:
    """Set ``keepNext`` or ``keepLines`` off on the paragraph itself (a style may set it)."""
    properties = paragraph.find(_w("pPr"))
    if properties is None:
        properties = etree.Element(_w("pPr"))
        paragraph.insert(0, properties)
    element = properties.find(_w(what))
    if element is None:
        element = etree.Element(_w(what))
        # Schema order: pStyle, keepNext, keepLines, …
        after = [properties.find(_w(tag)) for tag in ("pStyle", "keepNext")]
        anchors = [a for a in after if a is not None]
        if anchors:
            anchors[-1].addnext(element)
        else:
            properties.insert(0, element)
    element.set(_w("val"), "0")
