"""Accepting or rejecting revisions, as Word's and LibreOffice's « Accepter tout » and
« Refuser tout » do.

The update checks itself with these before it writes anything: rejecting
*its own* revisions (chosen by :func:`made_by`) must give back exactly the
consultant's document, their own pending revisions included and untouched.
Tests use them to read what a consultant would get either way.

Undone: inserted and deleted runs, moves, paragraph marks, table rows,
paragraph and run formatting changes. The one rule of the office suites that
matters for exactness: a paragraph mark can only go by joining its paragraph
with the next one, so the *last* paragraph of a cell or of the body stays,
empty if need be. An update that inserts a last paragraph must therefore mark
the mark before it (marks.py), as Word does.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Collection

from lxml import etree

from pipeline.tracked.content import local, visible_text, w
from pipeline.tracked.package import Package, TrackingError

log = logging.getLogger(__name__)

Chooser = Callable[[etree._Element], bool]  # which revision marks to resolve

_RUN_LEVEL = ("ins", "del", "moveFrom", "moveTo")
_RANGES = ("moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd")


def made_by(author: str | None = None, ids: Collection[int] | None = None) -> Chooser:
    """The revisions of ``author`` (everyone's when None), or only those numbered ``ids``."""

    def chosen(mark: etree._Element) -> bool:
        if ids is not None:
            value = str(mark.get(w("id"), ""))
            return value.lstrip("-").isdigit() and int(value) in ids
        return author is None or mark.get(w("author")) == author

    return chosen


def accept_all(root: etree._Element, author: str | None = None) -> etree._Element:
    """A copy of ``root`` (a ``w:document`` or any part of it) with the revisions accepted."""
    return resolve(root, made_by(author), accept=True)


def reject_all(root: etree._Element, author: str | None = None) -> etree._Element:
    """A copy of ``root`` with the revisions rejected."""
    return resolve(root, made_by(author), accept=False)


def paragraphs_text(root: etree._Element) -> list[str]:
    """The visible text of each paragraph, in reading order (tables' cells included)."""
    return [visible_text(p) for p in root.iter(w("p"))]


def resolve(root: etree._Element, chosen: Chooser, *, accept: bool) -> etree._Element:
    """A copy of ``root`` with the ``chosen`` revisions accepted or rejected."""
    root = copy.deepcopy(root)
    keep = {"ins", "moveTo"} if accept else {"del", "moveFrom"}
    for mark in list(root.iter(*(w(n) for n in _RUN_LEVEL))):
        parent = mark.getparent()
        if parent is None or local(parent) in ("rPr", "trPr") or not chosen(mark):
            continue
        if local(mark) in keep:
            if local(mark) == "del":
                for node in mark.iter(w("delText"), w("delInstrText")):
                    node.tag = w("t") if local(node) == "delText" else w("instrText")
            _unwrap(mark)
        else:
            parent.remove(mark)
    for marker in list(root.iter(*(w(n) for n in _RANGES))):
        parent = marker.getparent()
        if parent is not None and chosen(marker):
            parent.remove(marker)
    _rows(root, chosen, accept)
    _marks(root, chosen, accept)
    for change in list(root.iter(w("pPrChange"), w("rPrChange"))):
        properties = change.getparent()
        if properties is None or not chosen(change):
            continue
        properties.remove(change)
        if not accept:
            _restore(properties, change)
    return root


def _rows(root: etree._Element, chosen: Chooser, accept: bool) -> None:
    """Rows marked with the dropped kind go; the kept kind's marks are simply removed."""
    drop = "del" if accept else "ins"
    for row in list(root.iter(w("tr"))):
        marks = row.find(w("trPr"))
        if marks is None:
            continue
        for mark in list(marks):
            if local(mark) in ("ins", "del") and chosen(mark):
                marks.remove(mark)
                if local(mark) == drop and row.getparent() is not None:
                    row.getparent().remove(row)
                    break
    for table in list(root.iter(w("tbl"))):
        if table.find(w("tr")) is None and table.getparent() is not None:
            table.getparent().remove(table)


def _marks(root: etree._Element, chosen: Chooser, accept: bool) -> None:
    """Paragraph marks: the dropped kind joins the paragraph with the next one."""
    drop = "del" if accept else "ins"
    for p in list(root.iter(w("p"))):
        marks = p.find(f"{w('pPr')}/{w('rPr')}")
        if marks is None:
            continue
        for mark in list(marks):
            if local(mark) in ("ins", "del", "moveFrom", "moveTo") and chosen(mark):
                marks.remove(mark)
                if local(mark) == drop or local(mark) == ("moveFrom" if accept else "moveTo"):
                    _join_next(p)
                    break


def _unwrap(mark: etree._Element) -> None:
    parent = mark.getparent()
    assert parent is not None
    for child in list(mark):
        mark.addprevious(child)
    parent.remove(mark)


def _join_next(p: etree._Element) -> None:
    """The paragraph mark is gone: what is left of ``p`` joins the next paragraph.

    The last paragraph of a cell or of the body has no next one to join: it
    stays, even empty (so do LibreOffice and Word). An empty paragraph before a
    table goes.
    """
    parent = p.getparent()
    if parent is None:
        return
    following = p.getnext()
    while following is not None and local(following) not in ("p", "tbl", "sdt", "sectPr"):
        following = following.getnext()
    if following is None or local(following) in ("sectPr", "sdt"):
        return  # the last paragraph of its container: its mark cannot go
    content = [c for c in p if local(c) != "pPr"]
    if local(following) == "p":
        at = following.find(w("pPr"))
        for child in reversed(content):
            if at is not None:
                at.addnext(child)
            else:
                following.insert(0, child)
        parent.remove(p)
    elif not visible_text(p):
        parent.remove(p)


def _restore(properties: etree._Element, change: etree._Element) -> None:
    """The properties as they were before the change (``w:pPrChange``/``w:rPrChange``)."""
    before = change.find(w(local(properties)))
    kept = ("rPr", "sectPr") if local(properties) == "pPr" else ()
    for child in list(properties):
        if local(child) not in kept:
            properties.remove(child)
    if before is not None:
        for index, child in enumerate(before):
            properties.insert(index, copy.deepcopy(child))


def check_rejection(data: bytes, before: list[str], made: Collection[int]) -> None:
    """Rejecting the revisions numbered ``made`` (an update's own) in ``data`` gives back
    exactly ``before``: the consultant's paragraphs, their own pending revisions read as
    they were. Else :class:`TrackingError`: the update is not written."""
    written = Package(data, "edited")
    after = paragraphs_text(resolve(written.root, made_by(ids=made), accept=False))
    if after != before:
        first = next(
            (i for i, (a, b) in enumerate(zip(after, before, strict=False)) if a != b),
            min(len(after), len(before)),
        )
        log.error(
            "tracked update check failed at paragraph %d: %r != %r",
            first,
            after[first] if first < len(after) else None,
            before[first] if first < len(before) else None,
        )
        raise TrackingError(
            "amoor n'a pas su y reporter la mise à jour sans risquer vos retouches (refuser "
            "ses modifications ne redonnait pas exactement votre texte) : rien n'a été écrit "
            "dans ce fichier ; reportez à la main ce que vous voulez de la nouvelle version"
        )
