"""Styles matched by what they are, not by their id: office suites rename ids on save.

amoor's base and new version share one template, so a style id means the same
in both. The consultant's file does not: LibreOffice writes back « heading 1 »
as « Heading 1 », gives Word's ``Caption`` (named « caption ») the id
``Caption1`` beside its own ``Caption``, turns ``TOCHeading`` into
``ContentsHeading`` (still named « TOC Heading »), ``Encadre`` into
``Encadr``, and writes ``w:pStyle w:val="Normal"`` where amoor wrote no style.
Word keeps ids but may localise names.

So each document's style ids are read as *tokens*: the default paragraph
style (named or not; « Normal », whose default flag a trip through .odt
loses) is ``""``; any other style is its name, case-folded;
a style whose name the reference document (the base) does not know is
matched by its definition (its properties and the style it is based on),
and otherwise stays its own (a style the consultant made: a real edit).

:class:`StyleMap` also turns the new version's style ids into the edited
document's, for the units copied from one to the other, and lists the
styles the edited document lacks, copied with them (:func:`missing`).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from pipeline.tracked.content import local, w

_VAL, _ID, _TYPE = w("val"), w("styleId"), w("type")
# What describes a style's look; rsids and UI hints (w:uiPriority, w:qFormat…) do not.
_DEFINITION = ("pPr", "rPr", "tblPr", "trPr", "tcPr", "tblStylePr")
_NOISE = {"rsid", "uiPriority", "qFormat", "semiHidden", "unhideWhenUsed", "locked"}


@dataclass(frozen=True)
class Style:
    kind: str  # paragraph, character, table, numbering
    style_id: str
    name: str
    default: bool
    based_on: str
    definition: bytes
    element: etree._Element


def read_styles(data: bytes | None, parser: etree.XMLParser) -> dict[str, Style]:
    """The styles of a ``word/styles.xml`` by id (none when the part is absent)."""
    if not data:
        return {}
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return {}
    found = {}
    for element in root.iterchildren(w("style")):
        style_id = element.get(_ID, "")
        name = element.find(w("name"))
        based = element.find(w("basedOn"))
        found[style_id] = Style(
            kind=element.get(_TYPE, "paragraph"),
            style_id=style_id,
            name=(name.get(_VAL, "") if name is not None else style_id),
            default=element.get(w("default")) in ("1", "true", "on"),
            based_on=(based.get(_VAL, "") if based is not None else ""),
            definition=_definition(element),
            element=element,
        )
    return found


def _definition(element: etree._Element) -> bytes:
    parts = []
    for child in element:
        if local(child) in _DEFINITION:
            clean = copy.deepcopy(child)
            for node in list(clean.iter()):
                if isinstance(node.tag, str) and local(node) in _NOISE:
                    parent = node.getparent()
                    if parent is not None:
                        parent.remove(node)
                for name in [n for n in node.attrib if "rsid" in n]:
                    del node.attrib[name]
            parts.append(etree.tostring(clean, method="c14n"))
    return b"".join(sorted(parts))


def tokens(styles: dict[str, Style], reference: dict[str, Style] | None = None) -> dict[str, str]:
    """Each style id of a document as a token comparable with ``reference``'s tokens."""
    known = {_fold(s.name) for s in (reference or styles).values()}
    by_definition: dict[tuple[str, bytes], str] = {}
    for style in (reference or {}).values():
        by_definition.setdefault((style.kind, style.definition), _fold(style.name))
    found = {}
    for style_id, style in styles.items():
        if style.default or (style.kind == "paragraph" and _fold(style.name) == "normal"):
            found[style_id] = ""
            continue
        name = _fold(style.name)
        if name in known or reference is None:
            found[style_id] = name
        else:
            found[style_id] = by_definition.get((style.kind, style.definition), f"~{name}")
    return found


def _fold(name: str) -> str:
    return " ".join(name.casefold().split())


class StyleMap:
    """The new version's style ids as the edited document's (by token)."""

    def __init__(self, new: dict[str, Style], edited: dict[str, Style]) -> None:
        self.new, self.edited = new, edited
        self._new_tokens = tokens(new)
        edited_tokens = tokens(edited, new)
        self._edited_ids: dict[tuple[str, str], str] = {}
        for style_id, token in edited_tokens.items():
            kind = edited[style_id].kind
            self._edited_ids.setdefault((kind, token), style_id)
        self.wanted: dict[str, Style] = {}  # new styles the edited document lacks, by id

    def id_for(self, new_id: str) -> str:
        """The edited document's id for the new version's style ``new_id``."""
        style = self.new.get(new_id)
        if style is None:
            return new_id
        found = self._edited_ids.get((style.kind, self._new_tokens.get(new_id, "")))
        if found is not None:
            return found
        if new_id not in self.edited:
            self.wanted[new_id] = style
        return new_id

    def remap(self, element: etree._Element) -> None:
        """Point every style reference of ``element`` (a copy from the new version) at the
        edited document's styles."""
        for node in element.iter(w("pStyle"), w("rStyle"), w("tblStyle")):
            value = node.get(_VAL)
            if value:
                node.set(_VAL, self.id_for(value))


def missing(
    wanted: dict[str, Style], edited: dict[str, Style], new: dict[str, Style]
) -> list[etree._Element]:
    """Copies of the styles the edited document lacks, with those they are based on."""
    chosen: dict[str, etree._Element] = {}
    todo: list[str] = list(wanted)
    while todo:
        style_id = todo.pop()
        if style_id in chosen or style_id in edited or style_id not in new:
            continue
        style = new[style_id]
        chosen[style_id] = copy.deepcopy(style.element)
        todo.extend(s for s in _linked(style.element) if s)
    return list(chosen.values())


def _linked(element: etree._Element) -> Iterable[str]:
    for tag in ("basedOn", "next", "link"):
        found = element.find(w(tag))
        if found is not None:
            yield found.get(_VAL, "")
