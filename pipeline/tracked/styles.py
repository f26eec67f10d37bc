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
import functools
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from pipeline.tracked.content import local, w

_VAL, _ID, _TYPE = w("val"), w("styleId"), w("type")
# What describes a style's look; rsids and UI hints (w:uiPriority, w:qFormat…) lie outside.
_DEFINITION = ("pPr", "rPr", "tblPr", "trPr", "tcPr", "tblStylePr")


@dataclass
class Style:
    kind: str  # paragraph, character, table, numbering
    style_id: str
    name: str
    default: bool
    element: etree._Element

    @functools.cached_property
    def definition(self) -> bytes:
        """What the style looks like (its properties and the style it is based on), for
        matching a renamed style; computed only for those."""
        based = self.element.find(w("basedOn"))
        return (based.get(_VAL, "") if based is not None else "").encode() + _definition(
            self.element
        )


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
        found[style_id] = Style(
            kind=element.get(_TYPE, "paragraph"),
            style_id=style_id,
            name=(name.get(_VAL, "") if name is not None else style_id),
            default=element.get(w("default")) in ("1", "true", "on"),
            element=element,
        )
    return found


def _definition(element: etree._Element) -> bytes:
    # Canonical XML (attributes in one order) of the parts that make the look; style-level
    # bookkeeping (w:rsid, w:uiPriority, w:qFormat…) lies outside them.
    return b"".join(
        sorted(
            etree.tostring(child, method="c14n") for child in element if local(child) in _DEFINITION
        )
    )


class Tokens:
    """Each style id of a document as a token comparable with ``reference``'s tokens,
    resolved when first asked (a document uses a few of its styles)."""

    def __init__(self, styles: dict[str, Style], reference: dict[str, Style] | None = None) -> None:
        self.styles = styles
        self.reference = reference
        self._known = {_fold(s.name) for s in (reference or styles).values()}
        self._by_definition: dict[tuple[str, bytes], str] | None = None
        self._found: dict[str, str] = {}

    def __call__(self, style_id: str) -> str:
        found = self._found.get(style_id)
        if found is None:
            found = self._found[style_id] = self._token(style_id)
        return found

    def _token(self, style_id: str) -> str:
        style = self.styles.get(style_id)
        if style is None:
            return style_id  # no such style: read as the document names it
        if style.default or (style.kind == "paragraph" and _fold(style.name) == "normal"):
            return ""
        name = _fold(style.name)
        if name in self._known or self.reference is None:
            return name
        if self._by_definition is None:
            self._by_definition = {}
            for other in self.reference.values():
                self._by_definition.setdefault((other.kind, other.definition), _fold(other.name))
        return self._by_definition.get((style.kind, style.definition), f"~{name}")


def _fold(name: str) -> str:
    return " ".join(name.casefold().split())


class StyleMap:
    """The new version's style ids as the edited document's (by token)."""

    def __init__(self, new: dict[str, Style], edited: dict[str, Style]) -> None:
        self.new, self.edited = new, edited
        self._new_tokens = Tokens(new)
        self._edited_tokens = Tokens(edited, new)
        self._edited_ids: dict[tuple[str, str], str] | None = None  # made when first needed
        self.wanted: dict[str, Style] = {}  # new styles the edited document lacks, by id

    def id_for(self, new_id: str) -> str:
        """The edited document's id for the new version's style ``new_id``."""
        style = self.new.get(new_id)
        if style is None:
            return new_id
        if self._edited_ids is None:
            self._edited_ids = {}
            for style_id, edited in self.edited.items():
                token = self._edited_tokens(style_id)
                self._edited_ids.setdefault((edited.kind, token), style_id)
        found = self._edited_ids.get((style.kind, self._new_tokens(new_id)))
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
