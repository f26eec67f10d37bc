"""Which version of the deliverable the consultant's file is: the one their edits start from.

The consultant started from what amoor wrote (the base), and may since have
accepted tracked updates amoor delivered into the file: they then hold that
later version plus their edits. The update starts from the version the edited
file shares the most passages with, so that what they accepted is not brought
again, and refuses a file that is no version of the deliverable at all: another
document saved under its name would receive this one's facts as revisions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from pipeline.tracked.package import Package, TrackingError
from pipeline.tracked.units import Unit, blocks

# Below this share of the base's distinct passages found in the edited file, it is another
# document. A deliverable is mostly headings, table headers, cells of facts and template
# clauses that a consultant keeps while reworking a few sections. Measured on the examples:
# another deliverable, or the same one of another engagement, keeps 7 to 53 % (the Kit of a
# stopped concertation saved as its Note de décision: 53 %); hand edits and office suites'
# saves keep over 90 %. Invoices are mostly the same mentions: another engagement's keeps
# 52 to 75 %, and so passes; each of its differing facts is then a conflict, never
# written over. Too strict, and the consultant gets the new version beside their file,
# which is safe; too lax, and another document receives this one's facts as revisions.
KIN = 0.6
# Fewer distinct passages than this, and the share says nothing: no deliverable is so short
# (the shortest, an invoice, has over forty), only the small documents of tests.
KIN_SAMPLE = 12


@dataclass
class Version:
    """A version amoor wrote, read as units comparable with the base's (``reference``)."""

    package: Package
    reference: Package
    units: list[Unit] = field(init=False)

    def __post_init__(self) -> None:
        self.units = blocks(self.package.body, self.package.reading(self.reference))


def closest(versions: Sequence[Version], edited: list[Unit]) -> Version:
    """The version ``edited`` shares the most passages with (the latest among equals);
    :class:`TrackingError` when it is close to none: not a version of this deliverable."""
    resemblance = max(kinship(v.units, edited) for v in versions)
    if resemblance < KIN:
        raise TrackingError(
            f"il n'est pas une version de ce livrable ({resemblance:.0%} seulement de ce "
            f"qu'amoor avait écrit s'y retrouve) : laissez-le sous un autre nom si c'est un "
            f"autre document"
        )
    return max(reversed(versions), key=lambda v: shared(v.units, edited))


def kinship(base: list[Unit], edited: list[Unit]) -> float:
    """How much of what amoor wrote the edited document still says: the share of the base's
    distinct passages (paragraphs, cells' paragraphs) found word for word in it."""
    wanted = {u.text.strip() for u in leaves(base)} - {""}
    if len(wanted) < KIN_SAMPLE:
        return 1.0
    found = {u.text.strip() for u in leaves(edited)}
    return len(wanted & found) / len(wanted)


def shared(version: list[Unit], edited: list[Unit]) -> int:
    """How many passages (with their styles) ``edited`` has as ``version`` has them."""
    found = Counter(u.key for u in leaves(edited))
    return sum((Counter(u.key for u in leaves(version)) & found).values())


def leaves(units: list[Unit]) -> Iterator[Unit]:
    """The paragraphs (and opaque blocks) of ``units``, tables' cells included."""
    for unit in units:
        if unit.children:
            yield from leaves(unit.children)
        elif unit.kind in ("p", "sdt"):
            yield unit
