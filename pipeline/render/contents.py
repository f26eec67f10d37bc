"""The table of contents of a rendered document, filled with its headings.

A template holds a TOC field whose cached result is one empty paragraph: Word and
LibreOffice show a field's cached result until someone updates it, so a document
delivered as it is would open on an empty table. After the render, the field's
result becomes the document's headings of the levels the field covers (its
``\\o "1-2"`` switch), one paragraph each in the « toc 1 », « toc 2 »… styles,
numbered as the heading styles number them (« 1. », « 1.2. »). The field stays a
real TOC field (same instruction, begin, separate and end), so Word's « Mettre à
jour la table » and LibreOffice's index update rebuild it.

Page numbers need a layout, which only LibreOffice gives here: when it is there,
pipeline/layout.py has it lay the rendered document out and update its indexes, and
:func:`number_entries` writes the page number of each entry, as LibreOffice found
it, after a dot leader on a right tab at the text's edge. Only the entries change:
the rest of the document stays amoor's own markup, not LibreOffice's re-save.
"""

from __future__ import annotations

import copy
import logging
import re
import unicodedata
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from io import BytesIO

from lxml import etree

from pipeline.render.package import with_parts

log = logging.getLogger(__name__)

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_DOCUMENT = "word/document.xml"
_TOC_INSTRUCTION = re.compile(rb"<w:instrText[^>]*>\s*TOC\b")
# The children of w:pPr that come before w:tabs (ECMA-376 CT_PPrBase's sequence).
_BEFORE_TABS = {
    f"{{{_W}}}{tag}"
    for tag in (
        "pStyle",
        "keepNext",
        "keepLines",
        "pageBreakBefore",
        "framePr",
        "widowControl",
        "numPr",
        "suppressLineNumbers",
        "pBdr",
        "shd",
    )
}
TEXT_WIDTH_TWIPS = 9_638  # an A4 page's text width (17 cm), when the XML does not say
_LEVELS = re.compile(r'\\o\s+"(\d)-(\d)"')
_HEADING_NAME = re.compile(r"heading ([1-9])")
_ENTRY_NAME = re.compile(r"toc ([1-9])")
DEFAULT_LEVELS = range(1, 4)  # Word's TOC without \o covers headings 1 to 3
# XPath, not a walk over every element: python-docx's element classes make each node
# visited from Python cost a proxy (a walk over a Cahier took 20 ms, these a few).
_NS = {"w": _W}
_STYLES = etree.XPath(".//w:p/w:pPr/w:pStyle", namespaces=_NS)
_TOC_PARAGRAPHS = etree.XPath(
    ".//w:p[w:r/w:instrText[starts-with(normalize-space(.), 'TOC')]]", namespaces=_NS
)


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


@dataclass(frozen=True)
class Outline:
    """What a template's styles say of its outline, found by the styles' names (« heading
    1 », « toc 1 »: Word's built-in names whatever the language; a French Word's ids are
    « Titre1 »): the level of each heading style id, the levels whose style carries a list
    number, and the style id of each level's table entries."""

    headings: Mapping[str, int]
    numbered: frozenset[int]
    entries: Mapping[int, str]

    @classmethod
    def of(cls, styles: etree._Element) -> Outline:
        """The outline of a ``w:styles`` element."""
        headings: dict[str, int] = {}
        numbered: set[int] = set()
        entries: dict[int, str] = {}
        for style in styles.iter(_w("style")):
            name = style.find(_w("name"))
            named = (name.get(_w("val"), "") if name is not None else "").casefold()
            ident = style.get(_w("styleId"), "")
            if heading := _HEADING_NAME.fullmatch(named):
                level = int(heading.group(1))
                headings[ident] = level
                if style.find(f"{_w('pPr')}/{_w('numPr')}/{_w('numId')}") is not None:
                    numbered.add(level)
            elif entry := _ENTRY_NAME.fullmatch(named):
                entries[int(entry.group(1))] = ident
        return cls(headings, frozenset(numbered), entries)


PLAIN = Outline({f"Heading{n}": n for n in range(1, 10)}, frozenset(), {})


def fill_table_of_contents(document: etree._Element, outline: Outline = PLAIN) -> bool:
    """Fill the first TOC field of ``document`` (a ``w:document`` element) with its
    headings, as ``outline`` (its styles) finds and numbers them. Returns whether a
    table was filled (a document without a one-paragraph TOC field is left as it is)."""
    body = document.find(_w("body"))
    if body is None:
        return False
    field = _toc_paragraph(body)
    if field is None:
        return False
    instruction = "".join(t.text or "" for t in field.iter(_w("instrText")))
    levels = _levels(instruction)
    entries = [
        _entry(outline.entries.get(level, f"toc{level}"), text)
        for level, text in headings(body, levels, outline)
    ]
    if not entries:
        return False
    runs = [r for r in field if r.tag == _w("r")]
    begin, end = _field_runs(runs)
    if begin is None or end is None:
        return False
    code = runs[runs.index(begin) : _separate_index(runs, begin) + 1]  # begin, instr, separate
    first, last = entries[0], entries[-1]
    properties = first.find(_w("pPr"))
    assert properties is not None
    for run in reversed(code):
        properties.addnext(copy.deepcopy(run))
    last.append(copy.deepcopy(end))
    for entry in entries:
        field.addprevious(entry)
    parent = field.getparent()
    assert parent is not None
    parent.remove(field)
    return True


def headings(body: etree._Element, levels: range, outline: Outline) -> list[tuple[int, str]]:
    """(level, « 1.2. Text ») of every non-empty heading of ``levels``, in document order.

    The numbers follow the heading styles' multilevel list: a heading of level n counts
    among its level and resets the deeper ones; one whose own numbering is switched off
    (``w:numId`` 0) neither shows nor takes a number."""
    counters = [0] * 10
    found: list[tuple[int, str]] = []
    for paragraph, style in _styled_paragraphs(body):
        level = outline.headings.get(style)
        if level is None:
            continue
        number = ""
        if level in outline.numbered and not _numbering_off(paragraph):
            counters[level] += 1
            counters[level + 1 :] = [0] * (len(counters) - level - 1)
            number = ".".join(str(n) for n in counters[1 : level + 1]) + ". "
        text = "".join(t.text or "" for t in paragraph.iter(_w("t"))).strip()
        if level in levels and text:
            found.append((level, number + text))
    return found


def _toc_paragraph(body: etree._Element) -> etree._Element | None:
    found = _TOC_PARAGRAPHS(body)
    return found[0] if found else None


def _styled_paragraphs(body: etree._Element) -> list[tuple[etree._Element, str]]:
    """(paragraph, style id) of the paragraphs that name their style."""
    return [
        (paragraph, style.get(_w("val"), ""))
        for style in _STYLES(body)
        if (paragraph := style.getparent().getparent()) is not None
    ]


def _levels(instruction: str) -> range:
    match = _LEVELS.search(instruction)
    if match is None:
        return DEFAULT_LEVELS
    return range(int(match.group(1)), int(match.group(2)) + 1)


def _field_runs(runs: list[etree._Element]) -> tuple[etree._Element | None, etree._Element | None]:
    """The runs of the field's begin and end marks, when both are in this paragraph."""
    begin = end = None
    for run in runs:
        mark = run.find(_w("fldChar"))
        if mark is None:
            continue
        kind = mark.get(_w("fldCharType"))
        if kind == "begin" and begin is None:
            begin = run
        elif kind == "end" and begin is not None:
            end = run
    return begin, end


def _separate_index(runs: list[etree._Element], begin: etree._Element) -> int:
    for index in range(runs.index(begin), len(runs)):
        mark = runs[index].find(_w("fldChar"))
        if mark is not None and mark.get(_w("fldCharType")) == "separate":
            return index
    return runs.index(begin) + 1


def _numbering_off(paragraph: etree._Element) -> bool:
    num_id = paragraph.find(f"{_w('pPr')}/{_w('numPr')}/{_w('numId')}")
    return num_id is not None and num_id.get(_w("val")) == "0"


def _entry(style: str, text: str) -> etree._Element:
    paragraph = etree.Element(_w("p"))
    properties = etree.SubElement(paragraph, _w("pPr"))
    etree.SubElement(properties, _w("pStyle")).set(_w("val"), style)
    run = etree.SubElement(paragraph, _w("r"))
    etree.SubElement(run, _w("t")).text = text
    return paragraph


def has_table_of_contents(docx: bytes) -> bool:
    """Whether the Word document ``docx`` holds a TOC field (read without parsing)."""
    with zipfile.ZipFile(BytesIO(docx)) as package:
        if _DOCUMENT not in package.namelist():
            return False
        return _TOC_INSTRUCTION.search(package.read(_DOCUMENT)) is not None


def number_entries(docx: bytes, laid_out: Sequence[tuple[str, str]]) -> bytes:
    """``docx`` with each entry of its table of contents followed by its page number.

    ``laid_out``: (text, page) of each entry as LibreOffice laid the document out.
    The numbers are written only when LibreOffice's entries are the document's, one
    for one and in order; otherwise (a template whose table LibreOffice reads
    otherwise) ``docx`` is returned as it is, the heading texts without numbers.
    """
    source = zipfile.ZipFile(BytesIO(docx))
    parser = etree.XMLParser(resolve_entities=False, huge_tree=True)
    root = etree.fromstring(source.read(_DOCUMENT), parser)
    body = root.find(_w("body"))
    entries = _entries(body) if body is not None else []
    mine = [_comparable(_text(entry)) for entry in entries]
    theirs = [_comparable(text) for text, _ in laid_out]
    if not entries or mine != theirs:
        log.info("Table of contents not numbered: LibreOffice read %s for %s", theirs, mine)
        source.close()
        return docx
    assert body is not None
    tab = _right_tab(_text_width(body))
    for entry, (_, page) in zip(entries, laid_out, strict=True):
        _number(entry, page, tab)
    source.close()
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return with_parts(docx, {_DOCUMENT: xml})


def _entries(body: etree._Element) -> list[etree._Element]:
    """The paragraphs of the first TOC field's result that hold text, without a page
    number yet (a tab), from the field's begin to its end."""
    first = _toc_paragraph(body)
    if first is None:
        return []
    found: list[etree._Element] = []
    paragraph: etree._Element | None = first
    while paragraph is not None:
        if paragraph.tag == _w("p"):
            if paragraph.find(f"{_w('r')}/{_w('tab')}") is not None:
                return []  # numbered already
            if _text(paragraph).strip():
                found.append(paragraph)
            if _ends_field(paragraph, paragraph is first):
                return found
        paragraph = paragraph.getnext()
    return []


def _ends_field(paragraph: etree._Element, first: bool) -> bool:
    """Whether the TOC field ends in ``paragraph`` (its begin opens it when ``first``)."""
    depth = 0 if first else 1
    for mark in paragraph.iter(_w("fldChar")):
        kind = mark.get(_w("fldCharType"))
        if kind == "begin":
            depth += 1
        elif kind == "end":
            depth -= 1
            if depth == 0:
                return True
    return False


def _text(paragraph: etree._Element) -> str:
    return "".join(t.text or "" for t in paragraph.iter(_w("t")))


def _comparable(text: str) -> str:
    """A text as both programs write it: spaces of any kind as one, typographic
    apostrophes as ``'``, case folded."""
    text = unicodedata.normalize("NFC", text).replace("\u2019", "'")
    return " ".join(text.split()).casefold()


def _text_width(body: etree._Element) -> int:
    """The text width of the document's last section, in twips."""
    section = body.find(_w("sectPr"))
    size = section.find(_w("pgSz")) if section is not None else None
    margins = section.find(_w("pgMar")) if section is not None else None
    if size is None or margins is None:
        return TEXT_WIDTH_TWIPS
    try:
        width = int(size.get(_w("w"), "0"))
        sides = sum(int(margins.get(_w(side), "0")) for side in ("left", "right", "gutter"))
    except ValueError:
        return TEXT_WIDTH_TWIPS
    return width - sides if width > sides else TEXT_WIDTH_TWIPS


def _right_tab(position: int) -> etree._Element:
    tab = etree.Element(_w("tab"))
    tab.set(_w("val"), "right")
    tab.set(_w("leader"), "dot")
    tab.set(_w("pos"), str(position))
    return tab


def _number(entry: etree._Element, page: str, tab: etree._Element) -> None:
    """Append a right tab with a dot leader and ``page`` to the entry ``entry``,
    before the field's end when the entry holds it."""
    properties = entry.find(_w("pPr"))
    if properties is None:
        properties = etree.Element(_w("pPr"))
        entry.insert(0, properties)
    tabs = properties.find(_w("tabs"))
    if tabs is None:
        tabs = etree.Element(_w("tabs"))
        before = [child for child in properties if child.tag in _BEFORE_TABS]
        if before:
            before[-1].addnext(tabs)
        else:
            properties.insert(0, tabs)
    tabs.append(copy.deepcopy(tab))
    end = next(
        (
            run
            for run in entry.iterchildren(_w("r"))
            if (mark := run.find(_w("fldChar"))) is not None
            and mark.get(_w("fldCharType")) == "end"
        ),
        None,
    )
    text_run = next((r for r in entry.iterchildren(_w("r")) if r.find(_w("t")) is not None), None)
    for child in (_page_run(None, text_run), _page_run(page, text_run)):
        if end is not None:
            end.addprevious(child)
        else:
            entry.append(child)


def _page_run(page: str | None, like: etree._Element | None) -> etree._Element:
    """A run holding a tab (``page`` None) or the page number, formatted as ``like``."""
    run = etree.Element(_w("r"))
    if like is not None and (formatting := like.find(_w("rPr"))) is not None:
        run.append(copy.deepcopy(formatting))
    if page is None:
        etree.SubElement(run, _w("tab"))
    else:
        etree.SubElement(run, _w("t")).text = page
    return run
