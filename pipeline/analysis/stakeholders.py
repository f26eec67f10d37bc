"""Stakeholders: counts on the power/interest grid and per category.

Each stakeholder's quadrant is a property of the model; here they are only
counted, in the enums' order and with every member present (zeros included),
so that a grid or a table has the same rows from one mission to the next.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from pipeline.model import Category, Quadrant, Stakeholder


def count_by_quadrant(stakeholders: Iterable[Stakeholder]) -> dict[Quadrant, int]:
    counts = Counter(s.quadrant for s in stakeholders)
    return {q: counts[q] for q in Quadrant}


def count_by_category(stakeholders: Iterable[Stakeholder]) -> dict[Category, int]:
    counts = Counter(s.category for s in stakeholders)
    return {c: counts[c] for c in Category}


def group_by_quadrant(
    stakeholders: Iterable[Stakeholder],
) -> dict[Quadrant, tuple[Stakeholder, ...]]:
    """Members of each quadrant in register order (every quadrant present)."""
    items = tuple(stakeholders)
    return {q: tuple(s for s in items if s.quadrant is q) for q in Quadrant}
