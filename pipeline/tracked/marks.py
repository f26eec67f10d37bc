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
from collections.abc import Iterable

from lxml import etree

from pipeline.tracked.units import local, w
from pipeline.tracked.words import looks, pieces, plain, run_like, word_changes

AUTHOR = "amoor"
# Where a run may be wrapped in w:ins / w:del (the run's parent).
_RUN_PARENTS = {"p", "hyperlink", "smartTag", "fldSimple", "sdtContent", "ins", "customXml"}


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

    def number(self, taken: Iterable[int]) -> set[int]:
        """Give each mark an id above ``taken`` (every id already in the document); the ids
        given."""
        start = max(taken, default=0) + 1
        for offset, element in enumerate(self._made):
            element.set(w("id"), str(start + offset))
        return set(range(start, start + len(self._made)))

    # -- whole units -------------------------------------------------------------------

    def insert(self, element: etree._Element) -> None:
        """Mark a paragraph, table or row (freshly placed in the document) as inserted.

        A paragraph placed last in its cell or body is marked as Word marks a
        paragraph typed after the last one: the mark *before* it is the inserted
        one, and it carries the last mark, the properties of the paragraph before
        as they were, kept in a ``w:pPrChange``. The last mark of a cell cannot be
        removed: inserted itself, rejecting would leave an empty paragraph.
        """
        previous = _before_last(element, inserting=True)
        if previous is None:
            self._whole(element, "ins")
            return
        self._runs(element, "ins")
        self._move_mark(previous, element, "ins")

    def delete(self, element: etree._Element) -> None:
        """Mark a paragraph, table or row of the document as deleted (the last paragraph of
        a cell or body: the mark before it, as Word does; see :meth:`insert`)."""
        previous = _before_last(element, inserting=False)
        if previous is None:
            self._whole(element, "del")
            return
        self._runs(element, "del")
        self._move_mark(previous, element, "del")

    def replace(self, edited: etree._Element, new: etree._Element) -> None:
        """``edited``'s content deleted and ``new``'s inserted, in ``edited`` itself (two
        paragraphs: a chart redrawn, a paragraph with a field): one paragraph either way,
        wherever it stands."""
        self._runs(edited, "del")
        self._runs(new, "ins")
        for child in list(new):
            if local(child) != "pPr":
                edited.append(child)
        self._restyle(edited, new)

    def _move_mark(self, previous: etree._Element, last: etree._Element, tag: str) -> None:
        marks = _mark_properties(previous)
        if marks.find(w(tag)) is None:
            marks.insert(0, self.mark(tag))
        before = _original(previous)
        properties = _properties(last)
        if _canonical_properties(before) == _canonical_properties(properties):
            return
        if tag == "del":  # accepted, the last paragraph takes the surviving one's properties
            former = copy.deepcopy(properties)
            _set_properties(properties, before)
            before = former
        change = self.mark("pPrChange")
        kept = etree.SubElement(change, w("pPr"))
        for child in before:
            if local(child) not in ("rPr", "sectPr", "pPrChange"):
                kept.append(copy.deepcopy(child))
        _mark_properties(last)  # schema order: pPrChange comes after rPr
        properties.append(change)

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
        keep their formatting. Inserted words take the formatting of the
        consultant's words around them, unless the new version sets them apart
        (a bold word among plain ones keeps its own). Page and column breaks
        stay where the consultant's document has them. False, and nothing
        changed, when either paragraph holds more than plain runs (fields,
        drawings, links): the caller replaces it whole.
        """
        if not (plain(edited) and plain(new)):
            return False
        old_pieces, new_pieces = list(pieces(edited)), list(pieces(new))
        old_text = "".join(text for _, text in old_pieces)
        new_text = "".join(text for _, text in new_pieces)
        new_owners = [run for run, text in new_pieces for _ in text]  # the run of each new char
        old_owners = [run for run, text in old_pieces for _ in text]
        spans, position = [], 0
        for run, text in old_pieces:
            spans.append((run, position, position + len(text)))
            position += len(text)
        changes = word_changes(old_text, new_text)
        looked = looks(changes, old_owners, new_owners)
        made: list[etree._Element] = []
        for kind, start, end in changes:
            if kind == "+":
                made.append(self._inserted(new_text, new_owners, start, end, looked))
                continue
            for run, run_start, run_end in spans:
                low, high = max(start, run_start), min(end, run_end)
                if low < high:
                    piece = run_like(run, old_text[low:high])
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
        self,
        text: str,
        owners: list[etree._Element],
        start: int,
        end: int,
        formats: dict[int, etree._Element],
    ) -> etree._Element:
        """``text[start:end]`` as inserted runs, each formatted as ``formats`` says."""
        wrapper = self.mark("ins")
        index = start
        while index < end:
            owner, stop = owners[index], index + 1
            while stop < end and owners[stop] is owner:
                stop += 1
            wrapper.append(run_like(formats.get(index, owner), text[index:stop]))
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


_BLOCK = {"p", "tbl", "sdt"}


def _before_last(element: etree._Element, *, inserting: bool) -> etree._Element | None:
    """For a paragraph that is the last of its cell or body, the paragraph whose mark is to
    be marked instead: the one before it (when deleting, the nearest one not deleted)."""
    if local(element) != "p":
        return None
    following = element.getnext()
    while following is not None:
        if local(following) in _BLOCK:
            return None
        following = following.getnext()
    previous = element.getprevious()
    while previous is not None:
        if local(previous) == "p":
            if inserting or not _mark_deleted(previous):
                return previous
        elif local(previous) in _BLOCK:
            return None
        previous = previous.getprevious()
    return None


def _mark_deleted(p: etree._Element) -> bool:
    return p.find(f"{w('pPr')}/{w('rPr')}/{w('del')}") is not None


def _original(p: etree._Element) -> etree._Element:
    """``p``'s paragraph properties as they were before any pending change of them."""
    properties = _properties(p)
    change = properties.find(w("pPrChange"))
    if change is not None and change.find(w("pPr")) is not None:
        found = change.find(w("pPr"))
        assert found is not None
        return found
    return properties


def _canonical_properties(properties: etree._Element) -> bytes:
    kept = etree.Element(w("pPr"))
    for child in properties:
        if local(child) not in ("rPr", "sectPr", "pPrChange"):
            kept.append(copy.deepcopy(child))
    return bytes(etree.tostring(kept, method="c14n"))


def _set_properties(properties: etree._Element, source: etree._Element) -> None:
    """``properties`` made like ``source``, its own paragraph mark and section kept."""
    for child in list(properties):
        if local(child) not in ("rPr", "sectPr", "pPrChange"):
            properties.remove(child)
    for index, child in enumerate(
        c for c in source if local(c) not in ("rPr", "sectPr", "pPrChange")
    ):
        properties.insert(index, copy.deepcopy(child))
