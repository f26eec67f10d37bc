"""A .docx read only: its body as plain lxml, its parts and relationships.

The three-way update reads the base, the edited document and the new version
through this (python-docx's element classes make walking a long body many
times slower), and compares what lies outside the body (headers, footers,
styles, page layout), which revisions cannot carry.
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import posixpath
import zipfile

from lxml import etree

from pipeline.errors import AmoorError
from pipeline.tracked.content import W, foreign_revisions
from pipeline.tracked.styles import Style, Tokens, read_styles
from pipeline.tracked.units import Reading, w

log = logging.getLogger(__name__)

_PARTS = (
    ("word/header", "les en-têtes"),
    ("word/footer", "les pieds de page"),
    ("word/styles.xml", "les styles"),
    ("word/numbering.xml", "la numérotation des listes"),
    ("word/footnotes.xml", "les notes de bas de page"),
    ("word/endnotes.xml", "les notes de fin"),
)


_PARSER = etree.XMLParser(resolve_entities=False, huge_tree=True)
NAMES = {
    "base": "la version d'origine",
    "edited": "le document modifié",
    "new": "la nouvelle version",
}
_DOCUMENT = "word/document.xml"
_RELS = "word/_rels/document.xml.rels"
_STYLES = "word/styles.xml"
_TOC = etree.XPath(
    "(.//w:instrText[contains(., 'TOC')] | .//w:fldSimple[contains(@w:instr, 'TOC')]"
    " | .//w:docPartGallery)[1]",
    namespaces={"w": W},
)


class TrackingError(AmoorError):
    """The update could not be written as revisions (the reason in French)."""


class Package:
    """One .docx read-only: its body (plain lxml), its parts and relationships."""

    def __init__(self, data: bytes, what: str) -> None:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                self.parts = {name: package.read(name) for name in package.namelist()}
            self.root = etree.fromstring(self.parts[_DOCUMENT], _PARSER)
        except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError, ValueError) as error:
            log.info("cannot read the %s document for a tracked update: %s", what, error)
            raise TrackingError(f"{NAMES[what]} ne s'ouvre pas comme un document Word") from error
        found = self.root.find(w("body"))
        if found is None:
            raise TrackingError(f"{NAMES[what]} ne s'ouvre pas comme un document Word")
        self.body = found
        self.rels: dict[str, tuple[str, str, bool]] = {}  # id -> (type, target, external)
        rels = self.parts.get(_RELS)
        if rels is not None:
            for rel in etree.fromstring(rels, _PARSER):
                external = rel.get("TargetMode") == "External"
                self.rels[rel.get("Id", "")] = (
                    rel.get("Type", ""),
                    rel.get("Target", ""),
                    external,
                )

    @functools.cached_property
    def styles(self) -> dict[str, Style]:
        return read_styles(self.parts.get(_STYLES), _PARSER)

    def reading(self, reference: Package | None = None, author: str = "amoor") -> Reading:
        """How to read this document's units so that they compare with ``reference``'s
        (the base): images by digest, styles by name and definition (styles.py)."""
        names = Tokens(self.styles, reference.styles if reference is not None else None)
        return Reading(
            self.image_key,
            lambda style_id: names(style_id) if style_id else "",
            author,
            revisions=foreign_revisions(self.body, author),
            tables_of_contents=bool(_TOC(self.body)),
        )

    def blob(self, rid: str) -> bytes | None:
        """The bytes of the part relationship ``rid`` of the body points at."""
        _, target, external = self.rels.get(rid, ("", "", True))
        if external or not target:
            return None
        name = (
            target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"word/{target}")
        )
        return self.parts.get(name)

    def image_key(self, rid: str) -> str:
        blob = self.blob(rid)
        return hashlib.sha256(blob).hexdigest() if blob else rid


def outside_body(base: Package, new: Package) -> list[str]:
    """What changed outside the body's paragraphs and tables, which revisions cannot carry."""
    changed = []
    for prefix, label in _PARTS:
        names = sorted(n for n in base.parts.keys() | new.parts.keys() if n.startswith(prefix))
        if any(base.parts.get(n) != new.parts.get(n) for n in names):
            changed.append(label)
    old_section, new_section = base.body.find(w("sectPr")), new.body.find(w("sectPr"))
    if _canonical(old_section) != _canonical(new_section):
        changed.append("la mise en page")
    return [
        f"{label.capitalize()} ont changé dans la nouvelle version : le suivi des "
        f"modifications ne peut pas les reporter, reprenez-les depuis la nouvelle version"
        if label.startswith("les ")
        else f"{label.capitalize()} a changé dans la nouvelle version : le suivi des "
        f"modifications ne peut pas la reporter, reprenez-la depuis la nouvelle version"
        for label in changed
    ]


def _canonical(element: etree._Element | None) -> bytes:
    return b"" if element is None else etree.tostring(element, method="c14n")
