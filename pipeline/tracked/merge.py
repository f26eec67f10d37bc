"""The three-way update: what changed from the base to the new version, into the edited file.

``base`` is what amoor last wrote, ``edited`` what the consultant made of
it, ``new`` what amoor makes now. The update walks the body as nested
sequences (paragraphs and tables, a table's rows, a row's cells, a cell's
paragraphs), aligns base with edited and base with new (units.py), and for
each unit the update touched:

- the consultant left it alone: the change is made in the edited document as
  revisions (words within a paragraph, rows within a table, a paragraph or
  row removed or added, a chart replaced by its redrawn self);
- the consultant changed it too, and not into what the update wants: their
  text stays, the update's version is inserted next to it as a revision, and
  a comment says what the update wanted: a *conflict*;
- the consultant deleted it and the update changed it: it stays deleted, and
  a comment nearby says what the update wanted (a conflict too);
- the update deletes what the consultant changed: it stays, with a comment.

What a revision cannot carry (headers and footers, styles, page layout, an
embedded object of an unknown kind) is listed in :attr:`Update.not_carried`,
in French, never dropped silently. Before returning, the update rejects its
own revisions on a copy and checks that exactly the consultant's text comes
back; if not, it refuses (:class:`TrackingError`) rather than write a file
that would lose a hand edit.

Pure: bytes in, bytes out, the day given.
"""

from __future__ import annotations

import copy
import io
import logging
import zipfile
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

import docx
from docx.document import Document as WordDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.parser import parse_xml
from lxml import etree

from pipeline.tracked.comments import Conflict, comment, quoted, taken_ids
from pipeline.tracked.marks import AUTHOR, Marks
from pipeline.tracked.package import NAMES, Package, TrackingError, outside_body
from pipeline.tracked.review import check_rejection, paragraphs_text
from pipeline.tracked.styles import StyleMap, missing
from pipeline.tracked.units import Match, R, Unit, align, blocks, local, w
from pipeline.tracked.versions import Version, closest

log = logging.getLogger(__name__)

WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"


@dataclass(frozen=True)
class Update:
    """The edited document with the update in it as revisions."""

    data: bytes
    changes: int  # revisions made (a word changed, a row added, a paragraph removed…)
    conflicts: int  # passages both sides changed, each marked by a comment
    not_carried: tuple[str, ...] = ()  # French: what the revisions could not carry


def update(
    base: bytes, edited: bytes, new: bytes, day: date, earlier: Sequence[bytes] = ()
) -> Update:
    """``edited`` plus, as tracked changes dated ``day``, what changed from ``base`` to ``new``.

    ``earlier``: the versions amoor delivered into this file as tracked updates
    before. The consultant who accepted one holds that version plus their edits:
    the version (the base or one of these) that the edited file is closest to
    is where their edits start from, so what they accepted is not brought again;
    a passage that reads as any of them is amoor's, not a hand edit, and is
    updated like an untouched one.
    """
    # The bodies are read with plain lxml (python-docx's element classes make walking a
    # long document ten times slower); python-docx keeps the edited package: its
    # images, links, comments and styles.
    old, mine, fresh = Package(base, "base"), Package(edited, "edited"), Package(new, "new")
    mine_units = blocks(mine.body, mine.reading(old, AUTHOR))
    versions = [Version(old, old)] + [Version(Package(e, "base"), old) for e in earlier]
    start = closest(versions, mine_units)  # raises when it is another document
    units = [start.units, mine_units, blocks(fresh.body, fresh.reading(old, AUTHOR))]
    document = _open(edited)
    before = paragraphs_text(mine.root)
    styles = StyleMap(fresh.styles, mine.styles)
    merger = _Merger(document, fresh, Marks(f"{day.isoformat()}T00:00:00Z"), mine.root, styles)
    for delivered in versions[1:]:
        merger.known.update(_keys(delivered.units))
    merger.sequence(*units, container=mine.body)
    not_carried = [*merger.not_carried, *outside_body(start.package, fresh)]
    comment(document, merger.conflicts, day)
    made = merger.marks.number(taken_ids(mine.root, document))
    _add_styles(document, missing(styles.wanted, mine.styles, fresh.styles))
    document.part._element = parse_xml(etree.tostring(mine.root))
    out = io.BytesIO()
    document.save(out)
    data = out.getvalue()
    check_rejection(data, before, made)
    return Update(data, merger.changes, len(merger.conflicts), tuple(not_carried))


def _last(element: etree._Element) -> bool:
    """Whether ``element`` is the last block of its cell or body."""
    return not any(local(e) in ("p", "tbl", "sdt") for e in element.itersiblings())


def _ends_section(p: etree._Element) -> bool:
    return p.find(f"{w('pPr')}/{w('sectPr')}") is not None


def _style_token(unit: Unit) -> str:
    return unit.key.split("\x1f")[1]


def _same_style(element: etree._Element, like: etree._Element) -> None:
    """``element``'s paragraph style id made ``like``'s (the two ids name one style)."""
    properties = element.find(w("pPr"))
    for style in properties.findall(w("pStyle")) if properties is not None else []:
        properties.remove(style)
    theirs = like.find(f"{w('pPr')}/{w('pStyle')}")
    if theirs is not None:
        if properties is None:
            properties = etree.Element(w("pPr"))
            element.insert(0, properties)
        properties.insert(0, copy.deepcopy(theirs))


def _open(data: bytes) -> WordDocument:
    try:
        return docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as error:
        log.info("python-docx cannot open the edited document: %s", error)
        raise TrackingError(f"{NAMES['edited']} ne s'ouvre pas comme un document Word") from error


class _Merger:
    def __init__(
        self,
        edited: WordDocument,
        new: Package,
        marks: Marks,
        root: etree._Element,
        styles: StyleMap,
    ) -> None:
        self.edited = edited  # the package: images, links, comments
        self.new = new
        self.marks = marks
        self.styles = styles
        self.changes = 0
        self.conflicts: list[Conflict] = []
        self.not_carried: list[str] = []
        self.known: set[str] = set()  # the keys of units amoor delivered before
        drawings = [d.get("id", "0") for d in root.iter(f"{{{WP}}}docPr")]
        drawings = [int(d) for d in drawings if d.isdigit()]
        self._next_drawing = max(drawings, default=0) + 1

    # -- sequences -----------------------------------------------------------------------

    def sequence(
        self,
        base: list[Unit],
        edited: list[Unit],
        new: list[Unit],
        *,
        container: etree._Element,
    ) -> None:
        in_edited, in_new = align(base, edited), align(base, new)
        base_of_new = {match.other: i for i, match in in_new.items()}
        # What the update adds goes after what it removes there, as Word's comparison shows it.
        staying = {i: m for i, m in in_edited.items() if i in in_new}
        # What the consultant added that the update adds too (an earlier update accepted).
        matched = {m.other for m in in_edited.values()}
        unclaimed = Counter(u.key for k, u in enumerate(edited) if k not in matched)
        last = -1
        for j, added in enumerate(new):
            if j in base_of_new:
                last = base_of_new[j]
                continue
            if unclaimed[added.key] > 0:
                unclaimed[added.key] -= 1
                continue
            element = self._clone(added)
            if element is not None:
                self._place(element, edited, staying, last, len(base), container)
                self.marks.insert(element)
                self.changes += 1
        for i, was in enumerate(base):
            now, kept = in_new.get(i), in_edited.get(i)
            if now is not None and now.same:
                continue
            mine = edited[kept.other] if kept is not None else None
            if now is None:
                self._deleted(was, mine, kept)
            elif mine is None:
                anchor = self._anchor(edited, in_edited, i, len(base), container)
                self._conflict(
                    anchor,
                    f"Vous aviez supprimé « {quoted(was)} » ; la mise à jour le remplace par "
                    f"« {quoted(new[now.other])} ». Il reste supprimé : reprenez ce texte "
                    f"si vous le voulez.",
                )
            elif mine.key != new[now.other].key:
                assert kept is not None
                by_hand = not kept.same and mine.key not in self.known
                self._changed(was, mine, new[now.other], by_hand=by_hand)

    def _deleted(self, was: Unit, mine: Unit | None, kept: Match | None) -> None:
        if mine is None or kept is None:
            return  # deleted on both sides
        if kept.same or mine.key in self.known:
            self.marks.delete(mine.element)
            self.changes += 1
            return
        self._conflict(
            mine.element,
            f"La mise à jour supprime ce passage, que vous avez modifié : il est conservé "
            f"tel quel. Texte d'origine : « {quoted(was)} ». Supprimez-le s'il n'a plus "
            f"lieu d'être.",
        )

    def _changed(self, was: Unit, mine: Unit, now: Unit, *, by_hand: bool) -> None:
        if was.kind == "tbl":
            self.sequence(was.children, mine.children, now.children, container=mine.element)
            return
        cells = {len(was.children), len(mine.children), len(now.children)}
        if was.kind == "tr" and len(cells) == 1:
            for old, edited, new in zip(was.children, mine.children, now.children, strict=True):
                if edited.key != new.key and old.key != new.key:
                    self.sequence(
                        old.children, edited.children, new.children, container=edited.element
                    )
            return
        if not by_hand:
            same_text = was.kind == "p" and mine.text == now.text
            # The new version's paragraph, its styles named as the edited document names them.
            theirs = self._in_their_styles(now.element) if was.kind == "p" else now.element
            if was.kind == "p" and _style_token(mine) == _style_token(now):
                _same_style(theirs, mine.element)  # named otherwise, the same style
            if same_text and self.marks.restyle(mine.element, theirs):
                self.changes += 1
                return
            if was.kind == "p" and self.marks.rewrite(mine.element, theirs):
                self.changes += 1
                return
            self._replace(mine, now)
            return
        # Changed on both sides: the consultant's text stays, untouched, and the update's
        # version is in the comment only; so accepting every revision still says one thing.
        self._conflict(
            mine.element,
            f"Ce passage a été modifié de votre côté (à la main ou en suivi) et par la mise "
            f"à jour : votre texte est conservé tel quel. Reportez-y, si vous le voulez, "
            f"ce que la mise à jour change. Avant : « {quoted(was)} ». "
            f"Mise à jour : « {quoted(now)} ».",
        )

    def _replace(self, mine: Unit, now: Unit) -> None:
        element = self._clone(now)
        if element is None:
            return
        if mine.kind == now.kind == "p" and (_last(mine.element) or _ends_section(mine.element)):
            # The last paragraph of a cell keeps its mark, and a section's last paragraph its
            # section break: their content changes in place.
            self.marks.replace(mine.element, element)
        else:  # the new after the old, as Word's comparison shows a replaced paragraph
            mine.element.addnext(element)
            self.marks.insert(element)
            self.marks.delete(mine.element)
        self.changes += 1

    # -- placing -------------------------------------------------------------------------

    def _place(
        self,
        element: etree._Element,
        edited: list[Unit],
        in_edited: dict[int, Match],
        after: int,
        count: int,
        container: etree._Element,
    ) -> None:
        """Before the next unit of the base still in the edited file, else at the end."""
        following = self._following(edited, in_edited, after, count)
        if following is not None:
            following.addprevious(element)
            return
        tail = container.find(w("sectPr")) if local(container) == "body" else None
        if tail is not None:
            tail.addprevious(element)
        else:
            container.append(element)

    @staticmethod
    def _following(
        edited: list[Unit], in_edited: dict[int, Match], after: int, count: int
    ) -> etree._Element | None:
        for i in range(after + 1, count):
            if i in in_edited:
                return edited[in_edited[i].other].element
        return None

    def _anchor(
        self,
        edited: list[Unit],
        in_edited: dict[int, Match],
        i: int,
        count: int,
        container: etree._Element,
    ) -> etree._Element:
        following = self._following(edited, in_edited, i, count)
        if following is not None:
            return following
        earlier = [edited[m.other].element for k, m in in_edited.items() if k < i]
        return earlier[-1] if earlier else container

    def _in_their_styles(self, element: etree._Element) -> etree._Element:
        copied = copy.deepcopy(element)
        self.styles.remap(copied)
        return copied

    def _clone(self, unit: Unit) -> etree._Element | None:
        """A copy of the new version's unit, fit to live in the edited document."""
        element = copy.deepcopy(unit.element)
        for mark in list(element.iter(w("bookmarkStart"), w("bookmarkEnd"))):
            parent = mark.getparent()
            if parent is not None:
                parent.remove(mark)
        try:
            self._relink(element)
        except _Unexpressible as error:
            self.not_carried.append(
                f"« {quoted(unit)} » : {error} ; reprenez-le depuis la nouvelle version."
            )
            return None
        self.styles.remap(element)
        for drawing in element.iter(f"{{{WP}}}docPr"):
            drawing.set("id", str(self._next_drawing))
            self._next_drawing += 1
        return element

    def _relink(self, element: etree._Element) -> None:
        """Point the copy's relationships (images, links) at parts of the edited document."""
        target = self.edited.part
        for node in element.iter():
            for name, rid in list(node.attrib.items()):
                if not name.startswith(f"{{{R}}}"):
                    continue
                kind, where, external = self.new.rels.get(rid, ("", "", False))
                if not kind:
                    raise _Unexpressible("une relation introuvable")
                if external:
                    new_rid = target.relate_to(where, kind, is_external=True)
                elif kind == RT.IMAGE and (blob := self.new.blob(rid)) is not None:
                    new_rid, _ = target.get_or_add_image(io.BytesIO(blob))
                else:
                    raise _Unexpressible("un objet incorporé que le suivi ne sait pas reporter")
                node.set(name, new_rid)

    # -- conflicts -----------------------------------------------------------------------

    def _conflict(self, where: etree._Element, text: str) -> None:
        paragraph = where if local(where) == "p" else next(where.iter(w("p")), None)
        if paragraph is None:
            self.not_carried.append(text)
            return
        self.conflicts.append(Conflict(paragraph, text))


def _keys(units: list[Unit]) -> Iterator[str]:
    for unit in units:
        yield unit.key
        yield from _keys(unit.children)


class _Unexpressible(Exception):
    """A unit of the new version that a revision cannot carry (the reason in French)."""


def _add_styles(document: WordDocument, styles: list[etree._Element]) -> None:
    """The new version's styles the edited document lacks, for the passages copied over."""
    if styles:
        target = document.styles.element
        for style in styles:
            target.append(parse_xml(etree.tostring(style)))
