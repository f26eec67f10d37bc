"""What a passage says, apart from the markup an office suite writes without being asked.

Opened and saved, a document comes back from Word or LibreOffice with the
same words in other markup: runs split or merged (rsids, ``w:proofErr``,
spelling marks), empty runs and ``w:rPr``, bookmarks (``_GoBack``),
``w:lastRenderedPageBreak``, ``xml:space``, ``w14:paraId``, a simple field
written as a complex one, a drawing doubled in ``mc:AlternateContent``, a
page break moved from ``w:pageBreakBefore`` into a ``w:br`` run of the
paragraph, the table of contents wrapped in a content control or filled in.
None of that is an edit. :func:`content_text` reads only what a reader
reads: the characters of ``w:t`` outside deleted, moved-away and fallback
content, tabs and line breaks; page and column breaks are layout, left out.

:func:`visible_text` is stricter, for the update's own check: it keeps page
breaks (as ``\\f``), so that a page break turned into a line break shows.

:func:`foreign_revisions` says whether a passage holds a pending revision (of
any author but the given one): such a passage is under review, never rewritten
by an update, which makes it a conflict instead.
"""

from __future__ import annotations

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def local(element: etree._Element) -> str:
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


_CHARACTERS = {"tab": "\t", "cr": "\n", "noBreakHyphen": "\u2011", "softHyphen": ""}
PAGE_BREAK = "\f"  # a page or column break, in visible_text
_T, _P, _BR, _TYPE = w("t"), w("p"), w("br"), w("type")
_FALLBACK = f"{{{MC}}}Fallback"
_TEXT_TAGS = (_T, _P, _BR, _FALLBACK, *(w(name) for name in _CHARACTERS))
# Text inside these is not read: deleted, moved away, or an alternative rendering.
_HIDDEN = {w("del"), w("moveFrom"), _FALLBACK}
# Revision marks (ECMA-376 17.13.5): content changes and property changes.
REVISIONS = (
    "ins",
    "del",
    "moveFrom",
    "moveTo",
    "rPrChange",
    "pPrChange",
    "tblPrChange",
    "trPrChange",
    "tcPrChange",
    "sectPrChange",
    "numberingChange",
    "cellIns",
    "cellDel",
    "cellMerge",
)
_REVISION_TAGS = tuple(w(name) for name in REVISIONS)


def content_text(element: etree._Element) -> str:
    """The words of ``element`` as a reader reads them, page breaks left out."""
    return _text(element, page_break="")


def visible_text(element: etree._Element) -> str:
    """The text a reader sees, page and column breaks as ``\\f``: inserted text included,
    deleted and moved-away text not."""
    return _text(element, page_break=PAGE_BREAK)


def _text(element: etree._Element, page_break: str) -> str:
    parts: list[str] = []
    hidden: etree._Element | None = None
    for node in element.iter(*_TEXT_TAGS, *_HIDDEN):
        if hidden is not None:
            if _within(node, hidden):
                continue
            hidden = None
        tag = node.tag
        if tag in _HIDDEN:
            if (
                tag != _FALLBACK
                and node.getparent() is not None
                and local(node.getparent())
                in (
                    "rPr",
                    "trPr",
                )
            ):
                continue  # a paragraph mark's or a row's revision, not a text container
            hidden = node
        elif tag == _T:
            parts.append(node.text or "")
        elif tag == _P:
            if node is not element and parts:
                parts.append("\n")
        elif tag == _BR:
            parts.append(page_break if node.get(_TYPE) in ("page", "column") else "\n")
        else:
            parts.append(_CHARACTERS[local(node)])
    return "".join(parts)


def _within(node: etree._Element, ancestor: etree._Element) -> bool:
    parent = node.getparent()
    while parent is not None:
        if parent is ancestor:
            return True
        parent = parent.getparent()
    return False


def foreign_revisions(element: etree._Element, author: str) -> bool:
    """Whether ``element`` holds a pending revision by anyone but ``author``."""
    return any(mark.get(w("author")) != author for mark in element.iter(*_REVISION_TAGS))


def is_toc(element: etree._Element) -> bool:
    """A table of contents: a content control of Word's « Table of Contents » gallery, or a
    paragraph where a TOC field begins."""
    name = local(element)
    if name == "sdt":
        gallery = element.find(f"{w('sdtPr')}/{w('docPartObj')}/{w('docPartGallery')}")
        return gallery is not None and gallery.get(w("val"), "").startswith("Table of Contents")
    if name == "p":
        return any(
            (node.text or "").lstrip().upper().startswith("TOC")
            for node in element.iter(w("instrText"))
        ) or any(
            str(node.get(w("instr"), "")).lstrip().upper().startswith("TOC")
            for node in element.iter(w("fldSimple"))
        )
    return False


def open_fields(p: etree._Element) -> int:
    """Complex fields begun and not ended in paragraph ``p`` (negative: ended, begun before)."""
    depth = 0
    for node in p.iter(w("fldChar")):
        kind = node.get(w("fldCharType"))
        if kind == "begin":
            depth += 1
        elif kind == "end":
            depth -= 1
    return depth
