"""Word by word inside one paragraph: its text as pieces of runs, what changed, how to
format inserted words. Pure functions over lxml elements, used by :mod:`marks`.

Page and column breaks travel as characters (``\\f``, ``\\v``) so that a rewrite
keeps them: an update neither removes one the consultant's document has nor adds
one, and a break written back is a break of its kind, not a line break.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from difflib import SequenceMatcher

from lxml import etree

from pipeline.tracked.content import PAGE_BREAK
from pipeline.tracked.units import _WORDS, local, w

COLUMN_BREAK = "\v"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
# The children of a run a word-by-word update knows how to cut (others: whole paragraph).
_PLAIN_RUN = {
    "rPr",
    "t",
    "tab",
    "br",
    "cr",
    "noBreakHyphen",
    "softHyphen",
    "lastRenderedPageBreak",
    "commentReference",
}
# Paragraph children a word-by-word update leaves in place around the runs it rewrites.
_PLAIN_PARAGRAPH = {
    "pPr",
    "r",
    "bookmarkStart",
    "bookmarkEnd",
    "proofErr",
    "permStart",
    "permEnd",
    "commentRangeStart",
    "commentRangeEnd",
}
_TEXT_OF = {
    "\t": "tab",
    "\n": "br",
    "\u2011": "noBreakHyphen",
    PAGE_BREAK: "br",
    COLUMN_BREAK: "br",
}
_BREAK_TYPE = {PAGE_BREAK: "page", COLUMN_BREAK: "column"}
# Page and column breaks are the consultant's layout: an update neither removes nor adds one.
_LAYOUT = {PAGE_BREAK, COLUMN_BREAK}


def plain(p: etree._Element) -> bool:
    """A paragraph of plain runs (text, tabs, breaks), which words can be cut in."""
    for child in p:
        name = local(child)
        if name not in _PLAIN_PARAGRAPH:
            return False
        if name == "r" and any(local(part) not in _PLAIN_RUN for part in child):
            return False
    return True


def pieces(p: etree._Element) -> Iterator[tuple[etree._Element, str]]:
    for run in p.iterchildren(w("r")):
        text = "".join(_character(part) for part in run)
        if text:
            yield run, text


def _character(part: etree._Element) -> str:
    name = local(part)
    if name == "t":
        return part.text or ""
    if name == "br":
        kind = part.get(w("type"))
        return PAGE_BREAK if kind == "page" else COLUMN_BREAK if kind == "column" else "\n"
    return _CHARS.get(name, "")


_CHARS = {"tab": "\t", "cr": "\n", "noBreakHyphen": "\u2011"}


def looks(
    changes: list[tuple[str, int, int]],
    old_owners: list[etree._Element],
    new_owners: list[etree._Element],
) -> dict[int, etree._Element]:
    """For each inserted character (by its index in the new text) formatted in the new
    version like the words around it, the consultant's run to format it like instead: the
    words it replaces, else their words on the side it matches. A character the new
    version sets apart (bold among plain) is in none, and keeps its own formatting."""
    looks: dict[int, etree._Element] = {}
    old_at = 0  # where the changes stand in the old text
    for number, (kind, start, end) in enumerate(changes):
        if kind != "+":
            old_at = end
            continue
        previous = changes[number - 1] if number else None
        replaced = previous is not None and previous[0] == "-"
        before = new_owners[start - 1] if start > 0 else None
        after = new_owners[end] if end < len(new_owners) else None
        mine_before = old_owners[old_at - 1] if old_at > 0 else None
        mine_after = old_owners[old_at] if old_at < len(old_owners) else None
        for index in range(start, end):
            owner = new_owners[index]
            like_before = before is not None and _same_look(owner, before)
            like_after = after is not None and _same_look(owner, after)
            alone = before is None and after is None
            if replaced and previous is not None and (alone or like_before or like_after):
                looks[index] = old_owners[previous[1]]
            elif like_before and mine_before is not None:
                looks[index] = mine_before
            elif like_after and mine_after is not None:
                looks[index] = mine_after
            elif alone and (mine_before or mine_after) is not None:
                looks[index] = mine_before if mine_before is not None else mine_after
    return looks


def _same_look(a: etree._Element, b: etree._Element) -> bool:
    return _canonical_look(a) == _canonical_look(b)


def _canonical_look(run: etree._Element) -> bytes:
    properties = run.find(w("rPr"))
    if properties is None or not len(properties):
        return b""
    return bytes(etree.tostring(properties, method="c14n"))


def _offsets(words: list[str]) -> list[int]:
    offsets = [0]
    for word in words:
        offsets.append(offsets[-1] + len(word))
    return offsets


def word_changes(old: str, new: str) -> list[tuple[str, int, int]]:
    """From ``old`` to ``new`` word by word, in order: ("=", a, b) and ("-", a, b) over
    the old text, ("+", a, b) over the new text. Page and column breaks are never
    removed from the old text nor added from the new one."""
    old_words, new_words = _WORDS.findall(old), _WORDS.findall(new)
    old_at, new_at = _offsets(old_words), _offsets(new_words)
    changes: list[tuple[str, int, int]] = []
    matcher = SequenceMatcher(None, old_words, new_words, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            changes.append(("=", old_at[i1], old_at[i2]))
        if tag in ("delete", "replace"):
            changes += _around_layout("-", old, old_at[i1], old_at[i2], keep="=")
        if tag in ("insert", "replace"):
            changes += _around_layout("+", new, new_at[j1], new_at[j2], keep=None)
    return [change for change in changes if change[1] < change[2]]


def _around_layout(
    kind: str, text: str, start: int, end: int, keep: str | None
) -> list[tuple[str, int, int]]:
    """``(kind, start, end)`` split at the page and column breaks of ``text``, each break
    made ``keep`` (or left out when None)."""
    pieces, at = [], start
    for index in range(start, end):
        if text[index] in _LAYOUT:
            pieces.append((kind, at, index))
            if keep is not None:
                pieces.append((keep, index, index + 1))
            at = index + 1
    pieces.append((kind, at, end))
    return pieces


def run_like(run: etree._Element, text: str) -> etree._Element:
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
            if char in _BREAK_TYPE:
                made[-1].set(w("type"), _BREAK_TYPE[char])
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
