"""The 100 % bar charts: the R.O.I. citoyen merit profile, the opinions on the
dispositifs, and the reactions to the tested scenarios, with their palettes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline import model as m
from pipeline.formats import percent
from pipeline.render import chart_figure
from pipeline.render.chart_figure import (
    CM,
    DPI,
    draw_text,
    in_document_font,
    new_figure,
    text_measure,
)
from pipeline.render.chart_text import clip

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


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
            draw_text(
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
BAR_HEIGHT = 0.7  # a grouped bar's height, in units of the y axis
TITLE_GAP_POINTS = 3  # between a group's title and the top of its first bar


def _group_title(figure: Figure, ax: Axes, bar_top: float, title: str) -> None:
    """A group's title above its first bar, whose top is at ``bar_top``: its
    descenders a few points clear of the bar, whatever the figure's scale (the titles
    sat on the bars when centred at a fixed distance in data units)."""
    from matplotlib.transforms import offset_copy

    above = offset_copy(
        ax.transData, fig=figure, x=TITLE_GAP_POINTS, y=TITLE_GAP_POINTS, units="points"
    )
    draw_text(
        ax,
        0,
        bar_top,
        title,
        transform=above,
        fontsize=8.5,
        fontweight="bold",
        va="bottom",
        zorder=6,
    )


def _half_line(ax: Axes, spans: Sequence[tuple[float, float]]) -> None:
    """The dashed 50 % line over each group's bars only, (bottom, top) in ``spans``: a
    line drawn from the top of the chart to its foot ran through every group title
    longer than half the plot (a white box behind the title still left it crossing)."""
    if spans:
        ax.vlines(
            [50] * len(spans),
            [bottom for bottom, _ in spans],
            [top for _, top in spans],
            colors="black",
            linewidth=0.8,
            linestyles=(0, (4, 2)),
        )


def _percent_axis(ax: Axes) -> None:
    ax.set_xlim(0, 100)
    ax.set_xticks(range(0, 101, 25), [f"{v} %" for v in range(0, 101, 25)], fontsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


@in_document_font
def merit_profile(rows: Sequence[tuple[str, Sequence[float]]]) -> bytes:
    """Stacked horizontal bars, one per scenario (best first, at the top).

    ``rows``: (label, shares of grades 0..4). The majority grade is where a
    bar crosses the 50 % line.
    """
    figure = new_figure(17, 2.2 + 1.25 * max(len(rows), 1))
    ax = figure.add_subplot()
    positions = list(range(len(rows)))[::-1]
    for y, (_, shares) in zip(positions, rows, strict=True):
        segments = [(share * 100, f"{share * 100:.0f} %") for share in shares]
        _stacked_bar(ax, y, segments, GRADES, height=0.62, min_label=7)
    ax.axvline(50, color="black", linewidth=1.6, linestyle=(0, (4, 2)), zorder=5)
    draw_text(
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
    return chart_figure.png(figure)


@in_document_font
def opinions_chart(groups: Sequence[tuple[str, Sequence[tuple[str, Sequence[int]]]]]) -> bytes:
    """Opinions per dispositif and public: one 100 % bar per public, grouped by dispositif.

    ``groups``: (dispositif label, [(public label, (likes, neutral, dislikes))]).
    """
    bars = sum(len(publics) for _, publics in groups)
    figure = new_figure(17, 2.4 + 0.62 * bars + 0.5 * len(groups))
    ax = figure.add_subplot()
    measure = text_measure(figure, 8.5, "bold")
    y = 0.0
    ticks: list[float] = []
    tick_labels: list[str] = []
    spans: list[tuple[float, float]] = []  # each group's bars, bottom and top
    for label, publics in groups:
        y -= 1.1
        top = y + BAR_HEIGHT / 2
        title = clip(label, GROUP_LABEL_CM * CM * DPI, measure)
        _group_title(figure, ax, top, title)
        for public, counts in publics:
            total = sum(counts) or 1
            segments = [(100 * count / total, str(count)) for count in counts]
            _stacked_bar(ax, y, segments, OPINIONS, height=BAR_HEIGHT, min_label=9)
            ticks.append(y)
            tick_labels.append(f"{public} ({sum(counts)})")
            y -= 0.85
        spans.append((y + 0.85 - BAR_HEIGHT / 2, top))
        y -= 0.3
    ax.set_yticks(ticks, tick_labels, fontsize=7.5, parse_math=False)
    ax.set_ylim(y + 0.3, 0.2)
    _percent_axis(ax)
    _half_line(ax, spans)
    OPINIONS.legend(figure)
    return chart_figure.png(figure)


# Émergence de concepts: adhésion dark and plain, réserve light with dots, rejet light
# with stripes, as the opinions above.
REACTIONS = Palette(
    labels=tuple(r.value for r in m.Reaction),
    colours=("#1B7837", "#F3E3B0", "#F2A7A7"),
    hatches=("", "..", "///"),
    text=("white", "black", "black"),
)


@in_document_font
def reactions_chart(
    groups: Sequence[tuple[str, Sequence[tuple[str, Sequence[int], bool]]]],
) -> bytes:
    """Reactions to the tested scenarios: one 100 % bar per target, grouped by scenario.

    ``groups``: (scenario, [(target, (adhésion, réserve, rejet), convinced)]).
    Segments show French percentages; each bar's label says whether the scenario
    convinced the target, so the verdict reads without colour.
    """
    bars = sum(len(targets) for _, targets in groups)
    figure = new_figure(17, 2.4 + 0.78 * bars + 0.5 * len(groups))
    ax = figure.add_subplot()
    measure = text_measure(figure, 8.5, "bold")
    y = 0.0
    ticks: list[float] = []
    tick_labels: list[str] = []
    for scenario, targets in groups:
        y -= 1.15
        title = clip(scenario, GROUP_LABEL_CM * CM * DPI, measure)
        _group_title(figure, ax, y + BAR_HEIGHT / 2, title)
        for target, counts, convinced in targets:
            total = sum(counts) or 1
            segments = [(100 * c / total, percent(c / total)) for c in counts]
            _stacked_bar(ax, y, segments, REACTIONS, height=BAR_HEIGHT, min_label=9)
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
    return chart_figure.png(figure)
