"""The stakeholder map: the power / interest grid, each stakeholder a numbered marker
(or, for a crowd, a count at each point).

The map has no key of names: its key is the register right below it in every
document that shows it, where each stakeholder has the same number and its name in
full. A key drawn into the picture made it 5 to 8 cm taller, too tall for what was
left of its page: half a page stayed empty before every map (issue 20), and the
names repeated the register's, in a smaller font nobody could edit."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pipeline import model as m
from pipeline.formats import number, plural
from pipeline.render import chart_figure
from pipeline.render.chart_figure import (
    draw_text,
    in_document_font,
    new_figure,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

# Colour-blind-safe palette (Okabe–Ito) paired with distinct marker shapes.
CATEGORY_STYLE: dict[m.Category, tuple[str, str]] = {
    m.Category.HABITANTS: ("#E69F00", "o"),
    m.Category.SERVICES: ("#0072B2", "s"),
    m.Category.ELUS: ("#D55E00", "^"),
    m.Category.PRESTATAIRES: ("#009E73", "D"),
    m.Category.ASSOCIATIONS: ("#CC79A7", "v"),
    m.Category.ACTEURS_ECONOMIQUES: ("#F0E442", "h"),
    m.Category.INSTITUTIONS: ("#56B4E9", "P"),
    m.Category.AUTRE: ("#7F7F7F", "X"),
}
# Stakeholder map: each stakeholder a numbered marker at its (interest, influence)
# point, several sharing a point grouped around it, numbered in the register's order
# (the document's register, below the map, gives each number its name).
HIGH_EDGE = m.HIGH_SCORE - 0.5  # "high" means 3 or more
QUADRANT_LABELS: dict[m.Quadrant, tuple[float, float]] = {
    m.Quadrant.A_SATISFAIRE: (1.5, 5.62),
    m.Quadrant.ACTEURS_CLES: (4.0, 5.62),
    m.Quadrant.A_SURVEILLER: (1.5, 0.36),
    m.Quadrant.A_INFORMER: (4.0, 0.36),
}
MAP_WIDTH_CM = 17.0
MAP_HEIGHT_CM = 10.5  # the grid with its axis labels and category legend
MARKER_STEP = (0.2, 0.16)  # data units between two markers of one point, x and y
MARKER_ROOM = (0.9, 0.82)  # the most a point's group may take of its cell, x and y


def _group_offsets(count: int) -> list[tuple[float, float]]:
    """Offsets from a grid point of ``count`` markers sharing it, centred on it."""
    columns = min(count, max(1, math.ceil(math.sqrt(count * 1.6))))
    rows = math.ceil(count / columns)
    dx = min(MARKER_STEP[0], MARKER_ROOM[0] / columns)
    dy = min(MARKER_STEP[1], MARKER_ROOM[1] / rows)
    offsets = []
    for index in range(count):
        row, column = divmod(index, columns)
        in_row = min(columns, count - row * columns)  # the last row is centred too
        offsets.append(((column - (in_row - 1) / 2) * dx, ((rows - 1) / 2 - row) * dy))
    return offsets


def one_marker_each(count: int) -> bool:
    """Whether a map of ``count`` stakeholders numbers each one (else it counts them)."""
    return count <= MAX_NUMBERED


@in_document_font
def stakeholder_map(stakeholders: Sequence[m.Stakeholder]) -> bytes:
    """The power/interest grid, numbered in the order given (the register's).

    Up to :data:`MAX_NUMBERED` stakeholders, stakeholder n is marker n at its
    (interest, influence) point, its shape and colour giving its category; the
    register names it. Markers sharing a point are grouped around it, never on top
    of one another. Legible with 60 stakeholders, and deterministic (no iterative
    label repulsion).

    More stakeholders could not be read one by one: each
    point then shows a marker per category present, how many stakeholders are there
    and their numbers in the register (consecutive there: same quadrant, influence
    and interest). The drawing costs the same for 100 stakeholders as for 10 000.
    """
    figure = new_figure(MAP_WIDTH_CM, MAP_HEIGHT_CM, constrained=False)
    numbered = one_marker_each(len(stakeholders))
    height_cm = MAP_HEIGHT_CM

    def box(
        left_cm: float, bottom_cm: float, width_cm: float, top_cm: float
    ) -> tuple[float, float, float, float]:
        return (
            left_cm / MAP_WIDTH_CM,
            bottom_cm / height_cm,
            width_cm / MAP_WIDTH_CM,
            (top_cm - bottom_cm) / height_cm,
        )

    ax = figure.add_axes(box(1.4, 2.5, MAP_WIDTH_CM - 1.8, height_cm - 0.2))
    _draw_grid(ax)
    present = {s.category for s in stakeholders}
    handles = [
        ax.scatter(
            [],
            [],
            s=24,
            c=CATEGORY_STYLE[c][0],
            marker=CATEGORY_STYLE[c][1],
            edgecolors="black",
            linewidths=0.5,
            label=c.value,
        )
        for c in m.Category
        if c in present
    ]
    if handles:
        figure.legend(
            handles=handles,
            loc="lower center",
            bbox_to_anchor=(0.5, 0.05 / height_cm),
            ncols=min(len(handles), 4),
            fontsize=8,
            frameon=False,
        )

    points: dict[tuple[int, int], list[int]] = defaultdict(list)
    for rank, stakeholder in enumerate(stakeholders, start=1):
        points[(stakeholder.interest, stakeholder.influence)].append(rank)
    if numbered:
        _numbered_points(ax, stakeholders, points)
    else:
        _counted_points(ax, stakeholders, points)
    return chart_figure.png(figure)


MAX_NUMBERED = 90  # stakeholders a map numbers one by one (beyond, it counts them)


def _numbered_points(
    ax: Axes, stakeholders: Sequence[m.Stakeholder], points: dict[tuple[int, int], list[int]]
) -> None:
    """Marker n, numbered, for stakeholder n, grouped with the others of its point."""
    for (interest, influence), numbers in points.items():
        size = 5.5 if len(numbers) <= 20 else 4.5
        for rank, (dx, dy) in zip(numbers, _group_offsets(len(numbers)), strict=True):
            colour, marker = CATEGORY_STYLE[stakeholders[rank - 1].category]
            x, y = interest + dx, influence + dy
            ax.scatter(
                [x - 0.03],
                [y],
                s=16,
                c=colour,
                marker=marker,
                edgecolors="black",
                linewidths=0.4,
                zorder=3,
            )
            draw_text(ax, x + 0.0, y, str(rank), fontsize=size, va="center", ha="left", zorder=4)


def _counted_points(
    ax: Axes, stakeholders: Sequence[m.Stakeholder], points: dict[tuple[int, int], list[int]]
) -> None:
    """At each point: a marker per category present, the count and the register's numbers."""
    for (interest, influence), numbers in points.items():
        here = {stakeholders[n - 1].category for n in numbers}
        categories = [c for c in m.Category if c in here]
        step = 0.11
        for index, category in enumerate(categories):
            colour, marker = CATEGORY_STYLE[category]
            ax.scatter(
                [interest + (index - (len(categories) - 1) / 2) * step],
                [influence + 0.16],
                s=16,
                c=colour,
                marker=marker,
                edgecolors="black",
                linewidths=0.4,
                zorder=3,
            )
        label = plural(len(numbers), "partie prenante", "parties prenantes")
        runs = _runs(numbers)
        if len(runs) <= 2:
            label += "\nn° " + " et ".join(
                number(a) if a == b else f"{number(a)} à {number(b)}" for a, b in runs
            )
        draw_text(
            ax,
            interest,
            influence - 0.02,
            label,
            fontsize=5.5,
            ha="center",
            va="top",
            linespacing=1.15,
            zorder=4,
        )


def _runs(numbers: Sequence[int]) -> list[tuple[int, int]]:
    """Consecutive numbers as (first, last) runs: 1, 2, 3, 7 → (1, 3), (7, 7)."""
    runs: list[tuple[int, int]] = []
    for n in sorted(numbers):
        if runs and runs[-1][1] == n - 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs


def _draw_grid(ax: Axes) -> None:
    """The 5 × 5 grid, the quadrant edges in bold, the quadrant names in the margins."""
    ax.set_xlim(0.5, 5.5)
    # Bands above row 5 and below row 1 hold the quadrant names.
    ax.set_ylim(0.2, 5.8)
    ax.set_xticks(range(1, 6))
    ax.set_yticks(range(1, 6))
    ax.set_xlabel("Intérêt pour le projet (1 à 5)", fontsize=9)
    ax.set_ylabel("Influence sur la décision (1 à 5)", fontsize=9)
    ax.tick_params(labelsize=8, length=3)
    for edge in (1.5, 2.5, 3.5, 4.5):
        strong = edge == HIGH_EDGE
        colour, width = ("#303030", 1.4) if strong else ("#C8C8C8", 0.5)
        ax.axvline(edge, color=colour, linewidth=width, zorder=1)
        ax.axhline(edge, color=colour, linewidth=width, zorder=1)
    for tick in range(1, 6):  # faint guides through the points the markers sit on
        ax.axvline(tick, color="#EEEEEE", linewidth=0.4, zorder=0)
        ax.axhline(tick, color="#EEEEEE", linewidth=0.4, zorder=0)
    for quadrant, (x, y) in QUADRANT_LABELS.items():
        draw_text(
            ax,
            x,
            y,
            quadrant.value,
            ha="center",
            va="center",
            fontsize=10,
            fontweight="bold",
            color="#303030",
        )
