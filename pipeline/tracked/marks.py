"""Word revisions written into a document: insertions, deletions, restyling, comments.

Every mark carries the author (« amoor ») and the date of the run, and an id
numbered once the whole update is made (:meth:`Marks.number`), above every id
the document already uses, so the ids are unique.

The shapes are Word's own (ECMA-376 part 1, 17.13.5):

- inserted text: ``<w:ins><w:r>…</w:r></w:ins>``; deleted text:
  ``<w:del><w:r><w:delText>…</w:delText></w:r></w:del>``;
- an inserted or deleted paragraph: its runs so marked and its paragraph mark
  too (``w:pPr/w:rPr/w:ins`` or ``w:del``), so that accepting a deletion
  removes the paragraph and rejecting an insertion removes it;
- an inserted or deleted table row: ``w:trPr/w:ins`` or ``w:del``, its
  paragraphs marked as above;
- a paragraph restyled: the new ``w:pStyle`` and the old properties in
  ``w:pPrChange``;
- a comment: ``w:commentRangeStart``/``End`` around the paragraph and a
  ``w:commentReference`` run; its text lives in the comments part.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator
from difflib import SequenceMatcher

from lxml import etree

from pipeline.tracked.units import _WORDS, local, w

AUTHOR = "amoor"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
# Where a run may be wrapped in w:ins / w:del (the run's parent).
_RUN_PARENTS = {"p", "hyperlink", "smartTag", "fldSimple", "sdtContent", "ins", "customXml"}
# The children of a run a word-by-word update knows how to cut (others: whole paragraph).
_PLAIN_RUN = {"rPr", "t", "tab", "br", "cr", "noBreakHyphen", "softHyphen", "lastRenderedPageBreak"}
# Paragraph children a word-by-word update leaves in place around the runs it rewrites.
_PLAIN_PARAGRAPH = {"pPr", "r", "bookmarkStart", "bookmarkEnd", "proofErr", "permStart", "permEnd"}
_TEXT_OF = {"\t": "tab", "\n": "br", "\u2011": "noBreakHyphen"}


class Marks:
    """Makes the revision marks of one update, and numbers them at the end."""

    def __init__(self, when: str, author: str = AUTHOR) -> None:
        self.when = when  # ISO 8601, « 2026-11-25T00:00:00Z »
        self.author = author
        self._made: list[etree._Element] = []

    @property
    def count(self) -> int:
        return len(self._made)

    def mark(self, tag: str) -> etree._Element:
        element = etree.Element(w(tag))
        element.set(w("author"), self.author)
        element.set(w("date"), self.when)
        self._made.append(element)
        return element

    def number(self, taken: Iterable[int]) -> None:
        """Give each mark an id above ``taken`` (every id already in the document)."""
        start = max(taken, default=0) + 1
        for offset, element in enumerate(self._made):
            element.set(w("id"), str(start + offset))

    # -- whole units -------------------------------------------------------------------

    def insert(self, element: etree._Element) -> None:
        """Mark a paragraph, table or row (freshly placed in the document) as inserted."""
        self._whole(element, "ins")

    def delete(self, element: etree._Element) -> None:
        """Mark a paragraph, table or row of the document as deleted."""
        self._whole(element, "del")

    def _whole(self, element: etree._Element, tag: str) -> None:
        for row in _self_and(element, "tr"):
            _row_properties(row).append(self.mark(tag))
        for p in _self_and(element, "p"):
            self._runs(p, tag)
            _mark_properties(p).insert(0, self.mark(tag))

    def _runs(self, p: etree._Element, tag: str) -> None:
        for run in list(p.iter(w("r"))):
            parent = run.getparent()
            if parent is None or local(parent) not in _RUN_PARENTS:
                continue  # already deleted, moved, or inside a math zone
            if _inside(run, p, {"del", "moveFrom"}):
                continue
            if tag == "del":
                _as_deleted(run)
            wrapper = self.mark(tag)
            run.addprevious(wrapper)
            wrapper.append(run)

    # -- inside a paragraph ------------------------------------------------------------

    def rewrite(self, edited: etree._Element, new: etree._Element) -> bool:
        """Turn ``edited``'s text into ``new``'s word by word, as revisions, in place.

        The consultant left this paragraph's text as amoor wrote it; its runs
        keep their formatting, the inserted words take the new paragraph's.
        False, and nothing changed, when either paragraph holds more than
        plain runs (fields, drawings, links): the caller replaces it whole.
        """
        if not (plain(edited) and plain(new)):
            return False
        old_pieces, new_pieces = list(_pieces(edited)), list(_pieces(new))
        old_text = "".join(text for _, text in old_pieces)
        new_text = "".join(text for _, text in new_pieces)
        owners = [run for run, text in new_pieces for _ in text]  # the run of each new char
        spans, position = [], 0
        for run, text in old_pieces:
            spans.append((run, position, position + len(text)))
            position += len(text)
        made: list[etree._Element] = []
        for kind, start, end in _word_changes(old_text, new_text):
            if kind == "+":
                made.append(self._inserted(new_text, owners, start, end))
                continue
            for run, run_start, run_end in spans:
                low, high = max(start, run_start), min(end, run_end)
                if low < high:
                    piece = _run_like(run, old_text[low:high])
                    made.append(piece if kind == "=" else self._deleted(piece))
        self._restyle(edited, new)
        if spans:
            first = spans[0][0]
            for piece in made:
                first.addprevious(piece)
            for run, _, _ in spans:
                edited.remove(run)
        else:
            edited.extend(made)
        return True

    def _deleted(self, run: etree._Element) -> etree._Element:
        _as_deleted(run)
        wrapper = self.mark("del")
        wrapper.append(run)
        return wrapper

    def _inserted(
        self, text: str, owners: list[etree._Element], start: int, end: int
    ) -> etree._Element:
        """``text[start:end]`` as inserted runs, each with the formatting it has in the new."""
        wrapper = self.mark("ins")
        index = start
        while index < end:
            owner, stop = owners[index], index + 1
            while stop < end and owners[stop] is owner:
                stop += 1
            wrapper.append(_run_like(owner, text[index:stop]))
            index = stop
        return wrapper

    def _restyle(self, edited: etree._Element, new: etree._Element) -> None:
        """The new paragraph style, the old one kept in ``w:pPrChange``."""
        old_style, new_style = _style(edited), _style(new)
        if old_style == new_style:
            return
        properties = _properties(edited)
        before = etree.Element(w("pPr"))
        for child in properties:
            if local(child) not in ("rPr", "sectPr", "pPrChange"):
                before.append(copy.deepcopy(child))
        for style in properties.findall(w("pStyle")):
            properties.remove(style)
        if new_style:
            style = etree.Element(w("pStyle"))
            style.set(w("val"), new_style)
            properties.insert(0, style)
        change = self.mark("pPrChange")
        change.append(before)
        properties.append(change)

    def restyle(self, edited: etree._Element, new: etree._Element) -> bool:
        """Only the paragraph style changed: apply it as a tracked formatting change."""
        if _style(edited) == _style(new):
            return False
        self._restyle(edited, new)
        return True


def plain(p: etree._Element) -> bool:
    """A paragraph of plain runs (text, tabs, breaks), which words can be cut in."""
    for child in p:
        name = local(child)
        if name not in _PLAIN_PARAGRAPH:
            return False
        if name == "r" and any(local(part) not in _PLAIN_RUN for part in child):
            return False
    return True


def _pieces(p: etree._Element) -> Iterator[tuple[etree._Element, str]]:
    for run in p.iterchildren(w("r")):
        text = "".join(
            (part.text or "") if local(part) == "t" else _CHARS.get(local(part), "") for part in run
        )
        if text:
            yield run, text


_CHARS = {"tab": "\t", "br": "\n", "cr": "\n", "noBreakHyphen": "\u2011"}


def _offsets(words: list[str]) -> list[int]:
    offsets = [0]
    for word in words:
        offsets.append(offsets[-1] + len(word))
    return offsets


def _word_changes(old: str, new: str) -> list[tuple[str, int, int]]:
    """From ``old`` to ``new`` word by word, in order: ("=", a, b) and ("-", a, b) over
    the old text, ("+", a, b) over the new text."""
    old_words, new_words = _WORDS.findall(old), _WORDS.findall(new)
    old_at, new_at = _offsets(old_words), _offsets(new_words)
    changes: list[tuple[str, int, int]] = []
    matcher = SequenceMatcher(None, old_words, new_words, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            changes.append(("=", old_at[i1], old_at[i2]))
        if tag in ("delete", "replace"):
            changes.append(("-", old_at[i1], old_at[i2]))
        if tag in ("insert", "replace"):
            changes.append(("+", new_at[j1], new_at[j2]))
    return changes


def _run_like(run: etree._Element, text: str) -> etree._Element:
    """A run with ``run``'s formatting holding ``text`` (tabs and breaks as elements)."""
    made = etree.Element(w("r"))
    properties = run.find(w("rPr"))
    if properties is not None:
        made.append(copy.deepcopy(properties))
    buffer = ""
    for char in text:
        if char in _TEXT_OF:
            if buffer:
                made.append(_text(buffer))
                buffer = ""
            made.append(etree.Element(w(_TEXT_OF[char])))
        else:
            buffer += char
    if buffer:
        made.append(_text(buffer))
    return made


def _text(value: str) -> etree._Element:
    element = etree.Element(w("t"))
    element.text = value
    element.set(_XML_SPACE, "preserve")
    return element


def _as_deleted(run: etree._Element) -> None:
    for node in run.iter(w("t"), w("instrText")):
        node.tag = w("delText") if local(node) == "t" else w("delInstrText")


def _inside(node: etree._Element, top: etree._Element, names: set[str]) -> bool:
    parent = node.getparent()
    while parent is not None and parent is not top:
        if local(parent) in names:
            return True
        parent = parent.getparent()
    return False


def _self_and(element: etree._Element, name: str) -> list[etree._Element]:
    return list(element.iter(w(name)))


def _properties(p: etree._Element) -> etree._Element:
    properties = p.find(w("pPr"))
    if properties is None:
        properties = etree.Element(w("pPr"))
        p.insert(0, properties)
    return properties


def _mark_properties(p: etree._Element) -> etree._Element:
    """``w:pPr/w:rPr``, the paragraph mark's properties, made in schema order."""
    properties = _properties(p)
    marks = properties.find(w("rPr"))
    if marks is None:
        marks = etree.Element(w("rPr"))
        after = [c for c in properties if local(c) in ("sectPr", "pPrChange")]
        if after:
            after[0].addprevious(marks)
        else:
            properties.append(marks)
    return marks


def _row_properties(row: etree._Element) -> etree._Element:
    properties = row.find(w("trPr"))
    if properties is None:
        properties = etree.Element(w("trPr"))
        exceptions = row.find(w("tblPrEx"))
        row.insert(1 if exceptions is not None else 0, properties)
    return properties


def _style(p: etree._Element) -> str:
    style = p.find(f"{w('pPr')}/{w('pStyle')}")
    return style.get(w("val"), "") if style is not None else ""
