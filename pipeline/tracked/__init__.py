"""Updates delivered into hand-edited documents as Word tracked changes.

When a deliverable was edited by hand, the outbox never overwrites it: it
writes the new version beside it (« … (nouvelle version).docx »), and, with
a :class:`Tracker`, also « … (mise à jour suivie).docx »: the consultant's
own document with what changed between the version they started from (the
*base*, bases.py) and the new one, as revisions to accept or reject one by
one (merge.py). The edited file itself is never touched.

    bases.py    the bytes amoor last wrote, by digest, pruned to what manifests cite
    content.py  what a passage says, apart from the markup office suites add
    styles.py   styles matched by name and definition, not by their (renamed) ids
    units.py    a body as nested units (paragraphs, tables, rows, cells), aligned
    versions.py which version the edited file is; another document is refused
    words.py    word by word inside a paragraph: pieces, changes, formatting
    marks.py    revision marks: inserted, deleted, restyled, words rewritten
    merge.py    the three-way update
    comments.py conflicts as Word comments over the consultant's passage
    package.py  a .docx read only (plain lxml), what changed outside its body
    review.py   accept all / reject all (the update's own check, and the tests)
"""

from __future__ import annotations

from datetime import date

from pipeline.tracked.bases import Bases
from pipeline.tracked.merge import Update, update
from pipeline.tracked.package import TrackingError

__all__ = ["Bases", "Tracker", "TrackingError", "Update"]


class Tracker:
    """What the outbox calls for tracked updates: keeps the bases, makes the updates."""

    def __init__(self, bases: Bases, day: date) -> None:
        self.bases = bases
        self.day = day  # the revisions' date

    def keep(self, data: bytes, sha: str) -> None:
        self.bases.keep(data, sha)

    def base(self, sha: str) -> bytes | None:
        return self.bases.get(sha)

    def update(self, base: bytes, edited: bytes, new: bytes, earlier: list[bytes]) -> Update:
        """The tracked update; raises :class:`TrackingError` (French reason)."""
        return update(base, edited, new, self.day, earlier)
