"""Charts in the documents' font, and the grouped bar charts' titles clear of their bars
and of the 50 % line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from matplotlib import font_manager, rcParams
from matplotlib.patches import Rectangle
from matplotlib.path import Path as Polyline
from matplotlib.text import Text

from pipeline import model as m
from pipeline.render import chart_figure
from pipeline.render.chart_bars import merit_profile, opinions_chart, reactions_chart
from pipeline.render.chart_stakeholders import stakeholder_map

CARLITO = Path("/usr/share/fonts/truetype/crosextra/Carlito-Regular.ttf")

OPINIONS = [
    (
        "D2 — Conseil de développement renouvelé par tirage au sort",
        [("Agents", (3, 3, 1)), ("Élus", (1, 2, 3)), ("Panel citoyen", (5, 3, 1))],
    ),
    ("D3 — Plateforme numérique de consultation", [("Agents", (4, 2, 1)), ("Élus", (0, 0, 6))]),
]
REACTIONS = [
    (
        "Scénario A — une maison du projet",
        [("Élus", (3, 1, 0), True), ("Habitants", (1, 1, 4), False)],
    ),
    ("Scénario B — balades urbaines", [("Commerçants", (0, 2, 2), False)]),
]


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The matplotlib figures the charts draw, kept for inspection."""
    figures: list[Any] = []
    real_png = chart_figure.png

    def keep(figure: Any) -> bytes:
        figures.append(figure)
        return real_png(figure)

    monkeypatch.setattr(chart_figure, "png", keep)
    return figures


def _texts(figure: Any) -> list[Text]:
    return [t for t in figure.findobj(Text) if t.get_visible() and t.get_text().strip()]


def _draw_all() -> None:
    crowd = [
        m.Stakeholder(f"Partie prenante {n}", m.Category.ELUS, 1 + n % 5, 1 + n % 4)
        for n in range(8)
    ]
    stakeholder_map(crowd)
    merit_profile([("S1 — balades", (0.1, 0.2, 0.3, 0.2, 0.2))])
    opinions_chart(OPINIONS)
    reactions_chart(REACTIONS)


@pytest.mark.skipif(
    not CARLITO.is_file(), reason="Carlito absent : installez fonts-crosextra-carlito"
)
def test_every_chart_text_is_in_carlito_and_nothing_global_changes(drawn: list[Any]) -> None:
    family = list(rcParams["font.family"])
    _draw_all()
    assert len(drawn) == 4
    for figure in drawn:
        names = {text.get_fontname() for text in _texts(figure)}
        assert names == {"Carlito"}, names
    assert list(rcParams["font.family"]) == family


def test_without_the_documents_font_the_charts_fall_back_to_dejavu(
    drawn: list[Any], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    others = [
        f for f in font_manager.fontManager.ttflist if f.name not in chart_figure.DOCUMENT_FONTS
    ]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", others)
    chart_figure.font_family.cache_clear()
    try:
        assert chart_figure.font_family() == (chart_figure.FALLBACK_FONT,)
        opinions_chart(OPINIONS)
    finally:
        chart_figure.font_family.cache_clear()
    assert {t.get_fontname() for t in _texts(drawn[0])} == {"DejaVu Sans"}
    assert not [r for r in caplog.records if "findfont" in r.getMessage()]


@pytest.mark.parametrize(
    "draw",
    [lambda: opinions_chart(OPINIONS), lambda: reactions_chart(REACTIONS)],
    ids=["avis", "réactions"],
)
def test_group_titles_sit_above_their_bars_not_on_them(drawn: list[Any], draw: Any) -> None:
    draw()
    figure = drawn[0]
    renderer = figure.canvas.get_renderer()
    ax = figure.axes[0]
    titles = [t for t in ax.texts if t.get_fontweight() == "bold" and t.get_text()[:1] in "DS"]
    assert len(titles) == 2
    bars = [p.get_window_extent(renderer) for p in ax.patches if isinstance(p, Rectangle)]
    assert bars
    for title in titles:
        box = title.get_window_extent(renderer)
        assert not any(box.overlaps(bar) for bar in bars), title.get_text()
        # The nearest bar below the title is its group's first: a few points lower.
        below = [bar for bar in bars if bar.y1 <= box.y0]
        assert below
        gap_points = (box.y0 - max(bar.y1 for bar in below)) * 72 / figure.dpi
        assert 1 <= gap_points <= 6, (title.get_text(), gap_points)


def _lines(ax: Any) -> list[Any]:
    """Every line drawn in ``ax`` (the 50 % line, a ``Line2D`` or a ``LineCollection``),
    each as its vertices in display coordinates."""
    drawn = [line.get_transform().transform(line.get_xydata()) for line in ax.lines]
    for collection in ax.collections:
        transform = collection.get_transform()
        drawn += [transform.transform(path.vertices) for path in collection.get_paths()]
    return drawn


@pytest.mark.parametrize(
    "draw",
    [lambda: opinions_chart(OPINIONS), lambda: reactions_chart(REACTIONS)],
    ids=["avis", "réactions"],
)
def test_no_line_crosses_a_group_title(drawn: list[Any], draw: Any) -> None:
    draw()
    figure = drawn[0]
    renderer = figure.canvas.get_renderer()
    ax = figure.axes[0]
    titles = [t for t in ax.texts if t.get_fontweight() == "bold" and t.get_text()[:1] in "DS"]
    assert len(titles) == 2
    for title in titles:
        box = title.get_window_extent(renderer)
        for vertices in _lines(ax):
            assert not Polyline(vertices).intersects_bbox(box, filled=False), title.get_text()


def test_the_50_percent_line_runs_over_every_group_of_bars(drawn: list[Any]) -> None:
    """Kept clear of the titles, the line still marks the half of each group's bars."""
    opinions_chart(OPINIONS)
    figure = drawn[0]
    renderer = figure.canvas.get_renderer()
    ax = figure.axes[0]
    lines = _lines(ax)
    bars = [p.get_window_extent(renderer) for p in ax.patches if isinstance(p, Rectangle)]
    middle = ax.transData.transform((50, 0))[0]
    for bar in bars:
        centre = (bar.y0 + bar.y1) / 2
        assert any(
            min(v[:, 0]) <= middle <= max(v[:, 0]) and min(v[:, 1]) <= centre <= max(v[:, 1])
            for v in lines
        )
