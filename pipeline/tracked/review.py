"""Accepting or rejecting revisions, as Word's « Accepter tout » and « Refuser tout » do.

The update checks itself with these before it writes anything: rejecting
amoor's revisions must give back exactly the consultant's text. Tests use
them to read what a consultant would get either way.

Only the shapes :mod:`pipeline.tracked.marks` writes are undone, plus the
same shapes by any author when ``author`` is None.
"""

from __future__ import annotations

import copy

from lxml import etree

from pipeline.tracked.units import local, visible_text, w

_MOVED_ON_MERGE = {"pPr"}


def accept_all(root: etree._Element, author: str | None = None) -> etree._Element:
    """A copy of ``root`` (a ``w:document`` or any part of it) with the revisions accepted."""
    return _resolve(root, author, accept=True)


def reject_all(root: etree._Element, author: str | None = None) -> etree._Element:
    """A copy of ``root`` with the revisions rejected."""
    return _resolve(root, author, accept=False)


def paragraphs_text(root: etree._Element) -> list[str]:
    """The visible text of each paragraph, in reading order (tables' cells included)."""
    return [visible_text(p) for p in root.iter(w("p"))]


def _by(element: etree._Element, author: str | None) -> bool:
    return author is None or element.get(w("author")) == author


def _resolve(root: etree._Element, author: str | None, *, accept: bool) -> etree._Element:
    root = copy.deepcopy(root)
    keep, drop = ("ins", "del") if accept else ("del", "ins")
    # Runs: the kept kind is unwrapped, the other removed with its content.
    for mark in list(root.iter(w(keep), w(drop))):
        parent = mark.getparent()
        if parent is None or local(parent) in ("rPr", "trPr") or not _by(mark, author):
            continue
        if local(mark) == drop:
            parent.remove(mark)
        else:
            _unwrap(mark)
    if not accept:
        for node in root.iter(w("delText"), w("delInstrText")):
            node.tag = w("t") if local(node) == "delText" else w("instrText")
    # Rows marked with the dropped kind go; the kept kind's marks are simply removed.
    for row in list(root.iter(w("tr"))):
        marks = row.find(w("trPr"))
        if marks is None:
            continue
        for mark in list(marks):
            if local(mark) in (keep, drop) and _by(mark, author):
                marks.remove(mark)
                if local(mark) == drop and row.getparent() is not None:
                    row.getparent().remove(row)
                    break
    for table in list(root.iter(w("tbl"))):
        if table.find(w("tr")) is None and table.getparent() is not None:
            table.getparent().remove(table)
    # Paragraph marks: the dropped kind merges the paragraph into the next one.
    for p in list(root.iter(w("p"))):
        marks = p.find(f"{w('pPr')}/{w('rPr')}")
        if marks is None:
            continue
        for mark in list(marks):
            if local(mark) in (keep, drop) and _by(mark, author):
                marks.remove(mark)
                if local(mark) == drop:
                    _merge_into_next(p)
                    break
    for change in list(root.iter(w("pPrChange"))):
        if not _by(change, author):
            continue
        properties = change.getparent()
        if properties is None:
            continue
        properties.remove(change)
        if not accept:
            _restore(properties, change)
    return root


def _unwrap(mark: etree._Element) -> None:
    parent = mark.getparent()
    assert parent is not None
    for child in list(mark):
        mark.addprevious(child)
    parent.remove(mark)


def _merge_into_next(p: etree._Element) -> None:
    """The paragraph mark is gone: what is left of ``p`` joins the next paragraph."""
    parent = p.getparent()
    if parent is None:
        return
    content = [c for c in p if local(c) not in _MOVED_ON_MERGE]
    following = p.getnext()
    if content and visible_text(p) and following is not None and local(following) == "p":
        at = following.find(w("pPr"))
        for child in reversed(content):
            if at is not None:
                at.addnext(child)
            else:
                following.insert(0, child)
    elif content and visible_text(p):
        return  # nothing to join (the last paragraph of a cell): the text stays
    # A cell must end with a paragraph: an emptied cell keeps an empty one.
    siblings = [c for c in parent if local(c) == "p"]
    if local(parent) == "tc" and siblings == [p]:
        for child in content:
            p.remove(child)
        return
    parent.remove(p)


def _restore(properties: etree._Element, change: etree._Element) -> None:
    before = change.find(w("pPr"))
    for child in list(properties):
        if local(child) not in ("rPr", "sectPr"):
            properties.remove(child)
    if before is not None:
        for index, child in enumerate(before):
            properties.insert(index, copy.deepcopy(child))
