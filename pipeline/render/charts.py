"""Charts for the Word deliverables, drawn with matplotlib (Agg) into PNG bytes.

matplotlib is imported only when a chart is drawn: it costs a few tenths of a
second, and most commands never draw. Figures are built with the object API
(``Figure`` + Agg canvas), not pyplot, so no global state is shared between
builds. Every chart reads printed in black and white: categories differ by
marker shape as well as colour, grades by lightness as well as hue.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import TYPE_CHECKING, Any

from pipeline import model as m
from pipeline.formats import number, percent, plural
from pipeline.text import french_spacing

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Text

DPI = 200
CM = 1 / 2.54  # matplotlib sizes are in inches
FONT = "DejaVu Sans"  # ships with matplotlib: same rendering everywhere

# Colour-blind-safe palette (Okabe–Ito) paired with distinct marker shapes.
CATEGORY_STYLE: dict[m.Category, tuple[str, str]] = {
    m.Category.HABITANTS: ("#E69F00", "o"),
    m.Category.SERVICES: ("#0072B2", "s"),
    m.Category.ELUS: ("#D55E00", "^"),
    m.Category.PRESTATAIRES: ("#009E73", "D"),
    m.Category.ASSOCIATIONS: ("#CC79A7", "v"),
    m.Category.INSTITUTIONS: ("#56B4E9", "P"),
    m.Category.AUTRE: ("#7F7F7F", "X"),
}
# Stakeholder map: each stakeholder a numbered marker at its (interest, influence)
# point, several sharing a point grouped around it; the full names in a key below,
# numbered in the register's order (the document's register shows the same numbers).
HIGH_EDGE = m.HIGH_SCORE - 0.5  # "high" means 3 or more
QUADRANT_LABELS: dict[m.Quadrant, tuple[float, float]] = {
    m.Quadrant.A_SATISFAIRE: (1.5, 5.62),
    m.Quadrant.ACTEURS_CLES: (4.0, 5.62),
    m.Quadrant.A_SURVEILLER: (1.5, 0.36),
    m.Quadrant.A_INFORMER: (4.0, 0.36),
}
MAP_WIDTH_CM = 17.0
MAP_HEIGHT_CM = 12.0  # the grid with its axis labels and category legend
KEY_COLUMNS = 3
KEY_FONT_SIZE = 6.5
KEY_LINE_CM = 0.3  # one line of the key
MARKER_STEP = (0.2, 0.16)  # data units between two markers of one point, x and y
MARKER_ROOM = (0.9, 0.82)  # the most a point's group may take of its cell, x and y


def _figure(width_cm: float, height_cm: float, *, constrained: bool = True) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(
        figsize=(width_cm * CM, height_cm * CM),
        dpi=DPI,
        layout="constrained" if constrained else None,
    )
    FigureCanvasAgg(figure)
    return figure


def _text(ax: Axes, x: float, y: float, text: str, **style: Any) -> Text:
    """Text drawn as typed: a « $ » in a name is a dollar sign, not TeX math."""
    return ax.text(x, y, text, parse_math=False, **style)


def _png(figure: Figure) -> bytes:
    buffer = BytesIO()
    # No « Software » entry: the bytes do not change with the matplotlib version.
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _wrap(text: str, limit: float, measure: Callable[[str], float], max_lines: int) -> list[str]:
    """``text`` on ``max_lines`` lines at most, each ``limit`` wide at most (in the unit
    of ``measure``); a text that needs more ends its last line with « … ».

    Lines break at spaces, as many words on each as fit; a word wider than a whole
    line is broken where the line is full, as Word breaks a word wider than its
    column. Linear in the length of the text, and quick: only what the lines can hold
    is looked at, a text that fits is measured once, and each line's end is found by
    a galloping search from the previous line's length (a few measures a line).
    """
    shown = text[: max_lines * LINE_CHARS]
    rest = " ".join(w for w in shown.split(" ") if w)  # no-break spaces do not break
    lines: list[str] = []
    guess = 0
    while rest and len(lines) < max_lines:
        head = rest[:LINE_CHARS]
        if not guess:
            width = measure(head)
            if width <= limit and len(head) == len(rest):
                lines.append(rest)
                rest = ""
                break
            guess = max(1, int(len(head) * limit / width)) if width > limit else len(head)
        fits = _fits(head, limit, measure)
        size = _longest(len(head), fits, guess)
        if size >= len(rest):
            lines.append(rest)
            rest = ""
            break
        space = rest.rfind(" ", 0, size + 1)
        if space > 0:
            lines.append(rest[:space])
            rest = rest[space + 1 :]
        else:
            size = max(size, 1)  # a glyph wider than the line still takes one
            lines.append(rest[:size])
            rest = rest[size:]
        guess = max(1, size)
    if not lines:
        return [ELLIPSIS if text.strip() else ""]  # only spaces could be shown
    if rest or len(shown) < len(text):
        lines[-1] = _with_ellipsis(lines[-1], limit, measure)
    return lines


LINE_CHARS = 400  # more than a chart's widest line holds (no glyph is under a pixel wide)
ELLIPSIS = "…"


def _fits(text: str, limit: float, measure: Callable[[str], float]) -> Callable[[int], bool]:
    """Whether the first ``k`` characters of ``text`` fit in ``limit``."""
    return lambda k: measure(text[:k]) <= limit


def _longest(n: int, fits: Callable[[int], bool], guess: int) -> int:
    """The largest ``k`` in 0..``n`` with ``fits(k)``, for ``fits`` true at 0 and false
    from some point on: galloping from ``guess``, then bisection (a few calls when
    the guess is close, ``2 log n`` at worst)."""
    k = min(max(guess, 1), n)
    low, high = 0, n + 1  # fits(low); high: the smallest known not to fit (n + 1: none)
    if fits(k):
        low, step = k, 1
        while low + step < high:
            if not fits(low + step):
                high = low + step
                break
            low, step = low + step, step * 2
    else:
        high, step = k, 1
        while high - step > low:
            if fits(high - step):
                low = high - step
                break
            high, step = high - step, step * 2
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if fits(middle) else (low, middle)
    return low


def _with_ellipsis(line: str, limit: float, measure: Callable[[str], float]) -> str:
    """``line`` ending with « … », shortened until it fits."""

    def fits(k: int) -> bool:
        return k == 0 or measure(line[:k].rstrip() + ELLIPSIS) <= limit

    return line[: _longest(len(line), fits, len(line))].rstrip() + ELLIPSIS


def _at_most(
    lines: list[str], count: int, limit: float, measure: Callable[[str], float]
) -> list[str]:
    """The first ``count`` of a text's ``lines``, the last with « … » if some are left out."""
    if len(lines) <= count:
        return lines
    return [*lines[: count - 1], _with_ellipsis(lines[count - 1], limit, measure)]


def clip(text: str, limit: float, measure: Callable[[str], float]) -> str:
    """``text`` on one line ``limit`` wide at most, ended by « … » when cut."""
    return _wrap(" ".join(text[: LINE_CHARS + 1].split()), limit, measure, max_lines=1)[0]


def _text_measure(figure: Figure, size: float, weight: str = "normal") -> Callable[[str], float]:
    """Width in pixels of a one-line text at ``size`` points in this figure."""
    from matplotlib.font_manager import FontProperties

    # get_renderer() is the Agg canvas's, not in the base canvas type matplotlib declares.
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    font = FontProperties(family=FONT, size=size, weight=weight)

    def measure(text: str) -> float:
        width, _, _ = renderer.get_text_width_height_descent(text, font, ismath=False)
        return float(width)

    return measure


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


def stakeholder_map(stakeholders: Sequence[m.Stakeholder]) -> bytes:
    """The power/interest grid, numbered in the order given (the register's).

    Up to :data:`MAX_NUMBERED` stakeholders, stakeholder n is marker n at its
    (interest, influence) point, its shape and colour giving its category, and the key
    below gives its name, wrapped (a long name ends with « … » after a few lines: the
    register has it in full). Markers sharing a point are grouped around it, never on
    top of one another; names never overlap because they are in the key. Legible with
    60 stakeholders, and deterministic (no iterative label repulsion).

    More stakeholders could not be read one by one (nor the key fit a page): each
    point then shows a marker per category present, how many stakeholders are there
    and their numbers in the register (consecutive there: same quadrant, influence
    and interest). The drawing costs the same for 100 stakeholders as for 10 000.
    """
    figure = _figure(MAP_WIDTH_CM, MAP_HEIGHT_CM, constrained=False)
    numbered = one_marker_each(len(stakeholders))
    columns = _key(stakeholders, _text_measure(figure, KEY_FONT_SIZE)) if numbered else []
    key_lines = max((sum(len(lines) for lines in column) for column in columns), default=0)
    key_cm = key_lines * KEY_LINE_CM + (0.4 if key_lines else 0)
    height_cm = MAP_HEIGHT_CM + key_cm
    figure.set_size_inches(MAP_WIDTH_CM * CM, height_cm * CM)

    def box(
        left_cm: float, bottom_cm: float, width_cm: float, top_cm: float
    ) -> tuple[float, float, float, float]:
        return (
            left_cm / MAP_WIDTH_CM,
            bottom_cm / height_cm,
            width_cm / MAP_WIDTH_CM,
            (top_cm - bottom_cm) / height_cm,
        )

    ax = figure.add_axes(box(1.4, key_cm + 2.5, MAP_WIDTH_CM - 1.8, height_cm - 0.2))
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
            bbox_to_anchor=(0.5, (key_cm + 0.05) / height_cm),
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

    if columns:
        key_ax = figure.add_axes(box(0, 0.1, MAP_WIDTH_CM, key_cm))
        _draw_key(key_ax, stakeholders, columns, key_cm)
    return _png(figure)


Key = list[list[str]]  # a column of the key: each name's lines
MAX_NUMBERED = 90  # stakeholders a map numbers one by one (its key then fits a page)
KEY_MAX_LINES = 40  # lines of a key's column: the map and its key fit an A4 page
NAME_MAX_LINES = 5  # lines of one name in the key, when the column has room


def _key(stakeholders: Sequence[m.Stakeholder], measure: Callable[[str], float]) -> list[Key]:
    """The key's columns: each stakeholder's name as lines, in order.

    A name takes up to :data:`NAME_MAX_LINES` lines; when a column would exceed
    :data:`KEY_MAX_LINES`, every name gets the same share of it (one line at least).
    """
    if not stakeholders:
        return []
    column_px = (MAP_WIDTH_CM / KEY_COLUMNS - 1.2) * CM * DPI  # minus marker, number, margin
    # Only what the lines can hold is spaced and measured: linear in the names' length.
    room = NAME_MAX_LINES * LINE_CHARS + 1
    key = [
        _wrap(
            french_spacing(" ".join(s.name[:room].split())),
            column_px,
            measure,
            max_lines=NAME_MAX_LINES,
        )
        for s in stakeholders
    ]
    per_column = math.ceil(len(key) / KEY_COLUMNS)
    columns = [key[i : i + per_column] for i in range(0, len(key), per_column)]
    if max(sum(len(lines) for lines in column) for column in columns) <= KEY_MAX_LINES:
        return columns
    share = max(1, KEY_MAX_LINES // per_column)
    return [[_at_most(lines, share, column_px, measure) for lines in column] for column in columns]


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
            _text(ax, x + 0.0, y, str(rank), fontsize=size, va="center", ha="left", zorder=4)


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
        _text(
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


def _draw_key(
    key_ax: Axes, stakeholders: Sequence[m.Stakeholder], columns: list[Key], key_cm: float
) -> None:
    key_ax.set_axis_off()
    key_ax.set_xlim(0, MAP_WIDTH_CM)
    key_ax.set_ylim(0, key_cm - 0.1)
    n = 0
    for index, column in enumerate(columns):
        left = 0.3 + index * MAP_WIDTH_CM / KEY_COLUMNS
        top = key_cm - 0.35
        for lines in column:
            n += 1
            colour, marker = CATEGORY_STYLE[stakeholders[n - 1].category]
            key_ax.scatter(
                [left],
                [top],
                s=12,
                c=colour,
                marker=marker,
                edgecolors="black",
                linewidths=0.4,
            )
            _text(
                key_ax,
                left + 0.2,
                top,
                str(n),
                fontsize=KEY_FONT_SIZE,
                va="center",
                fontweight="bold",
            )
            for line in lines:
                _text(key_ax, left + 0.75, top, line, fontsize=KEY_FONT_SIZE, va="center")
                top -= KEY_LINE_CM


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
        _text(
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


@dataclass(frozen=True)
class Palette:
    """Segments of a 100 % bar: a colour, a hatch and a label colour each, and a legend."""

    labels: tuple[str, ...]
    colours: tuple[str, ...]
    hatches: tuple[str, ...]
    text: tuple[str, ...]

    def legend(self, figure: Figure) -> None:
        from matplotlib.patches import Patch

        handles = [
            Patch(facecolor=c, hatch=h, edgecolor="#404040", label=label)
            for label, c, h in zip(self.labels, self.colours, self.hatches, strict=True)
        ]
        figure.legend(
            handles=handles,
            loc="outside lower center",
            ncols=len(handles),
            fontsize=8,
            frameon=False,
        )


# R.O.I. citoyen grades, from À rejeter to Très bien: only « Très bien » is dark;
# the others are light with distinct patterns (crosses, stripes, plain, dots),
# which survive a grey-scale print.
GRADES = Palette(
    labels=tuple(g.label for g in m.Grade),
    colours=("#E7A0A0", "#F6C7A6", "#F7F7F7", "#B9E2B3", "#1B7837"),
    hatches=("xx", "///", "", "..", ""),
    text=("black", "black", "black", "black", "white"),
)
OPINIONS = Palette(
    labels=tuple(o.value for o in m.Opinion),
    colours=("#1B7837", "#F7F7F7", "#F2A7A7"),
    hatches=("", "", "///"),
    text=("white", "black", "black"),
)


def _stacked_bar(
    ax: Axes,
    y: float,
    segments: Sequence[tuple[float, str]],
    palette: Palette,
    height: float,
    min_label: float,
) -> None:
    """One 100 % bar: (width in %, label) per segment; labels only where they fit."""
    left = 0.0
    for index, (width, label) in enumerate(segments):
        colour = palette.colours[index]
        ax.barh(
            [y],
            [width],
            left=left,
            height=height,
            color=colour,
            hatch=palette.hatches[index],
            edgecolor="#404040",
            linewidth=0.5,
        )
        if width >= min_label:
            _text(
                ax,
                left + width / 2,
                y,
                label,
                ha="center",
                va="center",
                fontsize=7.5,
                color=palette.text[index],
                fontweight="bold",
                bbox={"boxstyle": "round,pad=0.12", "facecolor": colour, "edgecolor": "none"},
            )
        left += width


GROUP_LABEL_CM = 12.5  # a group's label, over its bars: the plot's width, tick labels aside


def _percent_axis(ax: Axes) -> None:
    ax.set_xlim(0, 100)
    ax.set_xticks(range(0, 101, 25), [f"{v} %" for v in range(0, 101, 25)], fontsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def merit_profile(rows: Sequence[tuple[str, Sequence[float]]]) -> bytes:
    """Stacked horizontal bars, one per scenario (best first, at the top).

    ``rows``: (label, shares of grades 0..4). The majority grade is where a
    bar crosses the 50 % line.
    """
    figure = _figure(17, 2.2 + 1.25 * max(len(rows), 1))
    ax = figure.add_subplot()
    positions = list(range(len(rows)))[::-1]
    for y, (_, shares) in zip(positions, rows, strict=True):
        segments = [(share * 100, f"{share * 100:.0f} %") for share in shares]
        _stacked_bar(ax, y, segments, GRADES, height=0.62, min_label=7)
    ax.axvline(50, color="black", linewidth=1.6, linestyle=(0, (4, 2)), zorder=5)
    _text(
        ax,
        50,
        len(rows) - 0.3,
        "50 %",
        ha="center",
        va="bottom",
        fontsize=8,
        bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"},
        zorder=6,
    )
    ax.set_yticks(positions, [label for label, _ in rows], fontsize=8.5, parse_math=False)
    ax.set_ylim(-0.6, len(rows) - 0.2)
    _percent_axis(ax)
    ax.set_xlabel("Part des participants (note globale de chacun)", fontsize=8.5)
    GRADES.legend(figure)
    return _png(figure)


def opinions_chart(groups: Sequence[tuple[str, Sequence[tuple[str, Sequence[int]]]]]) -> bytes:
    """Opinions per dispositif and public: one 100 % bar per public, grouped by dispositif.

    ``groups``: (dispositif label, [(public label, (likes, neutral, dislikes))]).
    """
    bars = sum(len(publics) for _, publics in groups)
    figure = _figure(17, 2.4 + 0.62 * bars + 0.5 * len(groups))
    ax = figure.add_subplot()
    measure = _text_measure(figure, 8.5, "bold")
    y = 0.0
    ticks: list[float] = []
    tick_labels: list[str] = []
    for label, publics in groups:
        _text(
            ax,
            0,
            y - 0.55,
            clip(label, GROUP_LABEL_CM * CM * DPI, measure),
            fontsize=8.5,
            fontweight="bold",
            va="center",
            zorder=6,
            bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"},
        )
        y -= 1.1
        for public, counts in publics:
            total = sum(counts) or 1
            segments = [(100 * count / total, str(count)) for count in counts]
            _stacked_bar(ax, y, segments, OPINIONS, height=0.7, min_label=9)
            ticks.append(y)
            tick_labels.append(f"{public} ({sum(counts)})")
            y -= 0.85
        y -= 0.3
    ax.set_yticks(ticks, tick_labels, fontsize=7.5, parse_math=False)
    ax.set_ylim(y + 0.3, 0.2)
    _percent_axis(ax)
    ax.axvline(50, color="black", linewidth=0.8, linestyle=(0, (4, 2)))
    OPINIONS.legend(figure)
    return _png(figure)


# Émergence de concepts: adhésion dark and plain, réserve light with dots, rejet light
# with stripes, as the opinions above.
REACTIONS = Palette(
    labels=tuple(r.value for r in m.Reaction),
    colours=("#1B7837", "#F3E3B0", "#F2A7A7"),
    hatches=("", "..", "///"),
    text=("white", "black", "black"),
)


def reactions_chart(
    groups: Sequence[tuple[str, Sequence[tuple[str, Sequence[int], bool]]]],
) -> bytes:
    """Reactions to the tested scenarios: one 100 % bar per target, grouped by scenario.

    ``groups``: (scenario, [(target, (adhésion, réserve, rejet), convinced)]).
    Segments show French percentages; each bar's label says whether the scenario
    convinced the target, so the verdict reads without colour.
    """
    bars = sum(len(targets) for _, targets in groups)
    figure = _figure(17, 2.4 + 0.78 * bars + 0.5 * len(groups))
    ax = figure.add_subplot()
    measure = _text_measure(figure, 8.5, "bold")
    y = 0.0
    ticks: list[float] = []
    tick_labels: list[str] = []
    for scenario, targets in groups:
        _text(
            ax,
            0,
            y - 0.55,
            clip(scenario, GROUP_LABEL_CM * CM * DPI, measure),
            fontsize=8.5,
            fontweight="bold",
            va="center",
            zorder=6,
            bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"},
        )
        y -= 1.15
        for target, counts, convinced in targets:
            total = sum(counts) or 1
            segments = [(100 * c / total, percent(c / total)) for c in counts]
            _stacked_bar(ax, y, segments, REACTIONS, height=0.7, min_label=9)
            ticks.append(y)
            verdict = "convaincus" if convinced else "pas convaincus"
            tick_labels.append(f"{target} ({sum(counts)})\n{verdict}")
            y -= 1.0
        y -= 0.2
    ax.set_yticks(ticks, tick_labels, fontsize=7.5, parse_math=False, linespacing=1.1)
    ax.set_ylim(y + 0.4, 0.2)
    _percent_axis(ax)
    ax.set_xlabel("Part des réactions de chaque cible (effectif entre parenthèses)", fontsize=8.5)
    REACTIONS.legend(figure)
    return _png(figure)
