"""A Word body seen as nested sequences of units, and how two such sequences align.

A *unit* is what the three-way update compares: a paragraph, a table, a
table row, a cell, or an opaque block (a content control). Each has a *key*,
equal when two units say the same thing (style, visible text, images by the
digest of their bytes), and a visible text used to pair units that differ:
« the same paragraph, rewritten » rather than one removed and one added.

:func:`align` pairs the units of two sequences in order: equal keys first
(difflib's matching blocks), then, inside each stretch that differs, the most
similar units of the same kind, in order. Pure: lxml elements in, indexes out.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from lxml import etree

from pipeline.tracked.content import (
    W,
    content_text,
    foreign_revisions,
    is_toc,
    local,
    open_fields,
    visible_text,
    w,
)

__all__ = ["TOC", "Match", "Reading", "Unit", "W", "align", "blocks", "local", "visible_text", "w"]

R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
V = "urn:schemas-microsoft-com:vml"

# Below this similarity two differing units are one removed and one added, not one rewritten.
SIMILAR = 0.5
# Stretches longer than this are not paired unit by unit (quadratic): they are replaced.
MAX_PAIRING = 4000

_BLOCKS = {"p", "tbl", "sdt"}
_WORDS = re.compile(r"\w+|\s+|[^\w\s]")
_PPR, _PSTYLE, _VAL = f"{{{W}}}pPr", f"{{{W}}}pStyle", f"{{{W}}}val"
# The key of every table of contents: its entries are the office suite's, not an edit.
TOC = "toc"


@dataclass(frozen=True)
class Reading:
    """How to read one document's units: its images, its styles, whose revisions are
    foreign (a unit holding one is under review: never equal to what amoor wrote)."""

    image_key: Callable[[str], str]  # relationship id -> digest of the image's bytes
    style: Callable[[str], str] = str  # style id -> token (styles.py)
    author: str = "amoor"
    # Whether the document holds any revision or table of contents at all: most hold
    # neither, and then no unit is searched for one.
    revisions: bool = True
    tables_of_contents: bool = True


@dataclass(eq=False)
class Unit:
    """One paragraph, table, row, cell or opaque block, with what compares it."""

    kind: str  # "p", "tbl", "tr", "tc", "sdt" or "toc"
    element: etree._Element
    key: str
    text: str
    children: list[Unit] = field(default_factory=list)
    extra: list[etree._Element] = field(default_factory=list)  # a TOC's further paragraphs

    @property
    def words(self) -> list[str]:
        return _WORDS.findall(self.text)

    @property
    def elements(self) -> list[etree._Element]:
        return [self.element, *self.extra]


def blocks(container: etree._Element, reading: Reading) -> list[Unit]:
    """The block units of a body or a cell: paragraphs, tables, content controls; a table
    of contents is one unit, however many paragraphs its field spans."""
    found: list[Unit] = []
    children = [c for c in container if local(c) in _BLOCKS]
    index = 0
    while index < len(children):
        child = children[index]
        index += 1
        if reading.tables_of_contents and is_toc(child):
            extra = []
            depth = open_fields(child) if local(child) == "p" else 0
            while depth > 0 and index < len(children) and local(children[index]) == "p":
                extra.append(children[index])
                depth += open_fields(children[index])
                index += 1
            found.append(Unit(TOC, child, TOC, "", extra=extra))
            continue
        found.append(unit(child, reading))
    return found


def unit(element: etree._Element, reading: Reading) -> Unit:
    kind = local(element)
    if kind == "tbl":
        rows = [unit(tr, reading) for tr in element if local(tr) == "tr"]
        return _container(kind, element, rows, reading)
    if kind == "tr":
        cells = [unit(tc, reading) for tc in element if local(tc) == "tc"]
        return _container(kind, element, cells, reading)
    if kind == "tc":
        return _container(kind, element, blocks(element, reading), reading)
    text = content_text(element)
    images = " ".join(image_keys(element, reading.image_key))
    style = reading.style(paragraph_style(element)) if kind == "p" else ""
    review = (
        "\x1freview" if reading.revisions and foreign_revisions(element, reading.author) else ""
    )
    return Unit(kind, element, f"{kind}\x1f{style}\x1f{text}\x1f{images}{review}", text)


def _container(kind: str, element: etree._Element, children: list[Unit], reading: Reading) -> Unit:
    key = hashlib.sha256("\x1e".join(c.key for c in children).encode()).hexdigest()
    if (
        kind == "tr"
        and reading.revisions
        and foreign_revisions(_own(element, "trPr"), reading.author)
    ):
        key += "\x1freview"  # a row inserted or deleted by the consultant, not yet accepted
    text = " ".join(c.text for c in children)
    return Unit(kind, element, f"{kind}\x1f{len(children)}\x1f{key}", text, children)


def _own(element: etree._Element, tag: str) -> etree._Element:
    found = element.find(w(tag))
    return found if found is not None else etree.Element(w(tag))


def paragraph_style(p: etree._Element) -> str:
    """The paragraph's style id (``w:pPr`` comes first when present)."""
    properties = p[0] if len(p) else None
    if properties is None or properties.tag != _PPR:
        return ""
    for child in properties:
        if child.tag == _PSTYLE:
            return str(child.get(_VAL, ""))
    return ""


def image_keys(element: etree._Element, image_key: Callable[[str], str]) -> list[str]:
    keys = []
    for node in element.iter(f"{{{A}}}blip", f"{{{V}}}imagedata"):
        if any(local(a) == "Fallback" for a in node.iterancestors()):
            continue  # the same picture again, for older readers
        rid = node.get(f"{{{R}}}embed") or node.get(f"{{{R}}}id")
        if rid:
            keys.append(image_key(rid))
    return keys


@dataclass(frozen=True)
class Match:
    """Where a unit of the first sequence is in the second, and whether it is unchanged."""

    other: int
    same: bool


def align(first: Sequence[Unit], second: Sequence[Unit]) -> dict[int, Match]:
    """Each unit of ``first`` found in ``second`` (index and sameness); absent ones omitted.

    The pairing keeps the order of both sequences.
    """
    matcher = SequenceMatcher(None, [u.key for u in first], [u.key for u in second], autojunk=False)
    found: dict[int, Match] = {}
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            found.update({i1 + k: Match(j1 + k, True) for k in range(i2 - i1)})
        elif tag == "replace":
            for i, j in _pair(first[i1:i2], second[j1:j2]):
                found[i1 + i] = Match(j1 + j, False)
    return found


def _pair(first: Sequence[Unit], second: Sequence[Unit]) -> list[tuple[int, int]]:
    """The most similar units of the same kind, paired in order (a weighted LCS)."""
    if len(first) == len(second) == 1 and first[0].kind == second[0].kind:
        return [(0, 0)]  # one unit in place of one: that unit, rewritten
    if len(first) * len(second) > MAX_PAIRING:
        return []
    score = [[similarity(a, b) for b in second] for a in first]
    n, m = len(first), len(second)
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            take = score[i][j] + best[i + 1][j + 1] if score[i][j] >= SIMILAR else 0.0
            best[i][j] = max(take, best[i + 1][j], best[i][j + 1])
    pairs = []
    i = j = 0
    while i < n and j < m:
        if score[i][j] >= SIMILAR and best[i][j] == score[i][j] + best[i + 1][j + 1]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


def similarity(a: Unit, b: Unit) -> float:
    """0 (unrelated) to 1 (the same words): units of different kinds are unrelated."""
    if a.kind != b.kind:
        return 0.0
    if a.kind == "tbl" and a.children and b.children and a.children[0].key == b.children[0].key:
        return 1.0  # the same heading row: the same table, its rows changed
    if a.kind == "tr" and len(a.children) != len(b.children):
        return 0.0
    words_a, words_b = a.words, b.words
    if not words_a and not words_b:
        return 1.0
    return SequenceMatcher(None, words_a, words_b, autojunk=False).ratio()
