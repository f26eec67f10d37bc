"""Conflicts, told to the consultant as Word comments by « amoor » over their passage.

A conflict is a passage both sides changed (or one deleted and the other
changed): the consultant's text stays as it is, and the comment quotes what
the update wanted, so that accepting every revision still says one thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from docx.document import Document as WordDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from lxml import etree

from pipeline.tracked.marks import AUTHOR
from pipeline.tracked.units import Unit, W, w

_QUOTE = 140  # characters of a passage quoted in a comment
_IDS = etree.XPath("//@w:id", namespaces={"w": W})


@dataclass
class Conflict:
    anchor: etree._Element  # the paragraph the comment covers
    text: str  # French: what each side did, what the update wanted


def comment(document: WordDocument, conflicts: list[Conflict], day: date) -> None:
    """One Word comment per conflict, over the passage concerned."""
    for conflict in conflicts:
        made = document.comments.add_comment(
            text=f"Mise à jour amoor : {conflict.text}", author=AUTHOR, initials="am"
        )
        made._comment_elm.set(qn("w:date"), f"{day.isoformat()}T00:00:00Z")
        number = str(made.comment_id)
        start, end = etree.Element(w("commentRangeStart")), etree.Element(w("commentRangeEnd"))
        start.set(w("id"), number)
        end.set(w("id"), number)
        reference_run = etree.Element(w("r"))
        reference = etree.SubElement(reference_run, w("commentReference"))
        reference.set(w("id"), number)
        paragraph = conflict.anchor
        properties = paragraph.find(w("pPr"))
        if properties is not None:
            properties.addnext(start)
        else:
            paragraph.insert(0, start)
        paragraph.append(end)
        paragraph.append(reference_run)


def quoted(unit: Unit) -> str:
    if unit.kind == "tr":
        text = " | ".join(cell.text.strip() for cell in unit.children)
    else:
        text = " ".join(unit.text.split())
    if not text.strip(" |"):
        return "(passage sans texte : image ou tableau vide)"
    return text if len(text) <= _QUOTE else text[: _QUOTE - 1].rstrip() + "…"


def taken_ids(root: etree._Element, document: WordDocument) -> list[int]:
    """Every numeric ``w:id`` of the body and of the comments part."""
    found = []
    for tree in (root, _comment_root(document)):
        if tree is None:
            continue
        for value in _IDS(tree):
            if str(value).lstrip("-").isdigit():
                found.append(int(value))
    return found


def _comment_root(document: WordDocument) -> etree._Element | None:
    for rel in document.part.rels.values():
        if rel.reltype == RT.COMMENTS and not rel.is_external:
            element = getattr(rel.target_part, "element", None)
            return element if isinstance(element, etree._Element) else None
    return None
