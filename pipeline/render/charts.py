"""Charts for the Word deliverables, drawn with matplotlib (Agg) into PNG bytes.

matplotlib is imported only when a chart is drawn: it costs a few tenths of a
second, and most commands never draw. Figures are built with the object API
(``Figure`` + Agg canvas), not pyplot, so no global state is shared between
builds. Every chart reads printed in black and white: categories differ by
marker shape as well as colour, grades by lightness as well as hue.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from io import BytesIO
from textwrap import shorten
from typing import TYPE_CHECKING, Any

from pipeline import model as m
from pipeline.formats import percent

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
# Stakeholder map: one grid cell per (interest, influence) pair, names listed in it.
FONT_SIZE = 5.6
TEXT_SPAN = 0.82  # x units from a name's start to the next cell's edge, with a margin
LINE_HEIGHT = 0.105  # in score units: 9 lines fill a cell
LINES_PER_CELL = 9
HIGH_EDGE = m.HIGH_SCORE - 0.5  # "high" means 3 or more
QUADRANT_LABELS: dict[m.Quadrant, tuple[float, float]] = {
    m.Quadrant.A_SATISFAIRE: (1.5, 5.62),
    m.Quadrant.ACTEURS_CLES: (4.0, 5.62),
    m.Quadrant.A_SURVEILLER: (1.5, 0.36),
    m.Quadrant.A_INFORMER: (4.0, 0.36),
}


def _figure(width_cm: float, height_cm: float) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width_cm * CM, height_cm * CM), dpi=DPI, layout="constrained")
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


def _width_checker(figure: Figure, ax: Axes, span: float) -> Callable[[str], bool]:
    """A test that a one-line label fits in ``span`` data units of the x axis."""
    from matplotlib.font_manager import FontProperties

    # get_renderer() is the Agg canvas's, not in the base canvas type matplotlib declares.
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    limit = abs(ax.transData.transform((span, 0))[0] - ax.transData.transform((0, 0))[0])
    font = FontProperties(family=FONT, size=FONT_SIZE)

    def fits(text: str) -> bool:
        width, _, _ = renderer.get_text_width_height_descent(text, font, ismath=False)
        return bool(width <= limit)

    return fits


def _fit(name: str, max_lines: int, fits: Callable[[str], bool]) -> str:
    """The name on at most ``max_lines`` lines that fit, shortened with « … » if needed."""
    words = " ".join(name.split()).split(" ")
    lines: list[str] = []
    while words and len(lines) < max_lines:
        line = words.pop(0)
        while words and fits(f"{line} {words[0]}"):
            line = f"{line} {words.pop(0)}"
        lines.append(line)
    if words or not fits(lines[-1]):
        last = lines[-1]
        while last and not fits(last + "…"):
            last = last[:-1].rstrip()
        lines[-1] = last + "…"
    return "\n".join(lines)


def stakeholder_map(stakeholders: Sequence[m.Stakeholder]) -> bytes:
    """The power/interest grid, one named marker per stakeholder, coloured by category.

    Influence and interest are integers, so stakeholders sharing a score share a
    cell of the grid: each cell lists its members one per line, in a column
    that cannot overlap the next cell's. Legible with 60 stakeholders, and
    deterministic (no iterative label repulsion).
    """
    figure = _figure(17, 13)
    ax = figure.add_subplot()
    ax.set_xlim(0.5, 5.5)
    # Bands above row 5 and below row 1 hold the quadrant names.
    ax.set_ylim(0.2, 5.8)
    ax.set_xticks(range(1, 6))
    ax.set_yticks(range(1, 6))
    ax.set_xlabel("Intérêt pour le projet (1 à 5)", fontsize=9)
    ax.set_ylabel("Influence sur la décision (1 à 5)", fontsize=9)
    ax.tick_params(labelsize=8, length=0)
    for edge in (1.5, 2.5, 3.5, 4.5):
        strong = edge == HIGH_EDGE
        ax.axvline(
            edge,
            color="#303030" if strong else "#C8C8C8",
            linewidth=1.4 if strong else 0.5,
            zorder=1,
        )
        ax.axhline(
            edge,
            color="#303030" if strong else "#C8C8C8",
            linewidth=1.4 if strong else 0.5,
            zorder=1,
        )
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

    present = [c for c in m.Category if any(s.category is c for s in stakeholders)]
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
        for c in present
    ]
    if handles:
        figure.legend(
            handles=handles,
            loc="outside lower center",
            ncols=min(len(handles), 4),
            fontsize=8,
            frameon=False,
        )
    figure.canvas.draw()  # settle the layout, so that text widths can be measured
    fits = _width_checker(figure, ax, TEXT_SPAN)

    cells: dict[tuple[int, int], list[m.Stakeholder]] = defaultdict(list)
    for stakeholder in sorted(stakeholders, key=lambda s: (s.category.value, s.name)):
        cells[(stakeholder.interest, stakeholder.influence)].append(stakeholder)
    for (interest, influence), members in cells.items():
        shown = members if len(members) <= LINES_PER_CELL else members[: LINES_PER_CELL - 1]
        # Few names in the cell: each may take two lines rather than be cut short.
        per_name = 2 if 2 * len(shown) <= LINES_PER_CELL else 1
        labels = [_fit(s.name, per_name, fits) for s in shown]
        used = sum(label.count("\n") + 1 for label in labels) + (len(shown) < len(members))
        y = influence + (used - 1) * LINE_HEIGHT / 2
        for stakeholder, label in zip(shown, labels, strict=True):
            height = label.count("\n") + 1
            centre = y - (height - 1) * LINE_HEIGHT / 2
            colour, marker = CATEGORY_STYLE[stakeholder.category]
            ax.scatter(
                [interest - 0.42],
                [y],
                s=14,
                c=colour,
                marker=marker,
                edgecolors="black",
                linewidths=0.4,
                zorder=3,
            )
            _text(
                ax,
                interest - 0.36,
                centre,
                label,
                fontsize=FONT_SIZE,
                va="center",
                zorder=4,
                linespacing=1.0,
            )
            y -= height * LINE_HEIGHT
        if len(shown) < len(members):
            _text(
                ax,
                interest - 0.36,
                y,
                f"+ {len(members) - len(shown)} (voir le registre)",
                fontsize=FONT_SIZE,
                va="center",
                style="italic",
            )
    return _png(figure)


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
    y = 0.0
    ticks: list[float] = []
    tick_labels: list[str] = []
    for label, publics in groups:
        _text(
            ax,
            0,
            y - 0.55,
            label,
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
    y = 0.0
    ticks: list[float] = []
    tick_labels: list[str] = []
    for scenario, targets in groups:
        _text(
            ax,
            0,
            y - 0.55,
            shorten(scenario, 90, placeholder=" …"),
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
