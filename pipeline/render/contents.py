"""The table of contents of a rendered document, filled with its headings.

A template holds a TOC field whose cached result is one empty paragraph: Word and
LibreOffice show a field's cached result until someone updates it, so a document
delivered as it is would open on an empty table. After the render, the field's
result becomes the document's headings of the levels the field covers (its
``\\o "1-2"`` switch), one paragraph each in the « toc 1 », « toc 2 »… styles,
numbered as the heading styles number them (« 1. », « 1.2. »). There are no page
numbers: only a layout knows them. The field stays a real TOC field (same
instruction, begin, separate and end), so Word's « Mettre à jour la table » and
LibreOffice's index update (the PDF export runs one) rebuild it with page numbers.

Why not lay every document out with LibreOffice to get the page numbers: measured on
the 2-core machine of the performance spec, the warm LibreOffice of the PDF copies
takes 0.75 s (Kit R.O.I. guide) to 1.5 s (a Cahier) per document to load, lay out,
update the indexes and write, and 3.5 s to start; the targets are 1.0 s for every
``.docx`` of a new workbook and 0.4 s from a drop to its documents. The PDF copies
(``--pdf``), which LibreOffice lays out anyway, carry the page numbers
(uno_export.py updates the indexes before exporting).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass

from lxml import etree

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
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
