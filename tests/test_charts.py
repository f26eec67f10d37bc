"""Charts: drawn for every example, sharp enough to print, every label inside, names apart."""

from __future__ import annotations

from io import BytesIO
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from pipeline import model as m
from pipeline.analysis.overview import analyse
from pipeline.render import chart_figure
from pipeline.render.chart_bars import REACTIONS, merit_profile, opinions_chart, reactions_chart
from pipeline.render.chart_stakeholders import MAP_HEIGHT_CM, stakeholder_map
from pipeline.workbook.reader import read_engagement
from tests.conftest import EXAMPLES, TODAY


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


def _charts_of(path: Path) -> list[bytes]:
    engagement = read_engagement(path)
    analysis = analyse(engagement)
    pictures = [stakeholder_map(engagement.stakeholders)]
    if analysis.roi is not None and analysis.roi.ranking:
        pictures.append(merit_profile([(r.code, r.overall.shares) for r in analysis.roi.ranking]))
    if analysis.opinions:
        pictures.append(
            opinions_chart(
                [
                    (
                        d.name,
                        [
                            (p.value, (c.likes, c.neutral, c.dislikes))
                            for p, c in d.by_public.items()
                        ],
                    )
                    for d in analysis.opinions
                ]
            )
        )
    if analysis.emergence is not None and analysis.emergence.scenarios:
        pictures.append(reactions_chart(_reaction_groups(analysis.emergence.scenarios)))
    return pictures


def _reaction_groups(results: Any) -> list[Any]:
    return [
        (
            r.scenario,
            [
                (t.value, (c.adhesion, c.reserve, c.rejet), c.convinces)
                for t, c in r.by_target.items()
            ],
        )
        for r in results
    ]


def _text_boxes(figure: Any) -> list[tuple[str, Any]]:
    renderer = figure.canvas.get_renderer()
    boxes = []
    from matplotlib.text import Text

    for text in figure.findobj(Text):  # a legend's TextArea wraps one of these Texts
        if text.get_visible() and text.get_text().strip():
            boxes.append((text.get_text(), text.get_window_extent(renderer)))
    return boxes


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_charts_render_sharp_with_every_label_inside(path: Path, drawn: list[Any]) -> None:
    pictures = _charts_of(path)
    assert len(pictures) == len(drawn) >= 1
    for png, figure in zip(pictures, drawn, strict=True):
        image = Image.open(BytesIO(png))
        assert image.format == "PNG"
        dpi_x, dpi_y = image.info["dpi"]
        assert round(dpi_x) >= 150 and round(dpi_y) >= 150
        width_cm = image.width / dpi_x * 2.54
        assert 15 <= width_cm <= 17.5  # fits the 17 cm text width of an A4 page
        canvas = figure.bbox
        for text, box in _text_boxes(figure):
            assert box.x0 >= canvas.x0 - 1 and box.x1 <= canvas.x1 + 1, text
            assert box.y0 >= canvas.y0 - 1 and box.y1 <= canvas.y1 + 1, text


def _crowd(size: int) -> list[m.Stakeholder]:
    engagement = read_engagement(next(p for p in EXAMPLES if "saint-aubin" in p.name))
    crowd = list(engagement.stakeholders)
    for index, stakeholder in enumerate(engagement.stakeholders * 2):
        if len(crowd) >= size:
            break
        crowd.append(
            m.Stakeholder(
                f"{stakeholder.name} ({index})",
                stakeholder.category,
                1 + index % 5,
                1 + (index * 3) % 5,
            )
        )
    return crowd


def test_sixty_stakeholders_each_a_numbered_marker_on_its_point(drawn: list[Any]) -> None:
    crowd = [*_crowd(60), m.Stakeholder("Établissement" * 12, m.Category.AUTRE, 5, 5)]
    stakeholder_map(crowd)
    figure = drawn[0]
    (grid,) = figure.axes  # no key of names: the register below the map names each number
    numbers = {t.get_text(): t for t in grid.texts if t.get_text().isdigit()}
    assert sorted(numbers, key=int) == [str(n) for n in range(1, len(crowd) + 1)]
    for number, text in numbers.items():
        stakeholder = crowd[int(number) - 1]
        x, y = text.get_position()
        # On its point: closer to its own (interest, influence) than to any other.
        assert abs(x - stakeholder.interest) < 0.5 and abs(y - stakeholder.influence) < 0.5
    texts = {t for t, _ in _text_boxes(figure)}
    assert not any(stakeholder.name in texts for stakeholder in crowd)
    boxes = _text_boxes(figure)
    for (first, a), (second, b) in combinations(boxes, 2):
        assert not a.overlaps(b), (first, second)
    canvas = figure.bbox
    for text, box in _text_boxes(figure):
        assert box.x0 >= canvas.x0 - 1 and box.x1 <= canvas.x1 + 1, text
        assert box.y0 >= canvas.y0 - 1 and box.y1 <= canvas.y1 + 1, text
    assert figure.get_size_inches()[1] * 2.54 == pytest.approx(MAP_HEIGHT_CM)  # 61 as 1


@pytest.mark.parametrize("offer", ["saint-aubin", "trois-vallees", "hautes-combes"])
def test_every_number_of_the_map_is_named_in_the_documents_register(
    offer: str, drawn: list[Any]
) -> None:
    """The map's key is the register of the same document: numbers 1..n, the map's
    marker n at the point of the register's stakeholder n."""
    from pipeline.render.cahier import cahier_context
    from pipeline.render.pistes import pistes_context
    from pipeline.render.strategie import strategie_context

    engagement = read_engagement(next(p for p in EXAMPLES if offer in p.name))
    make = {"saint-aubin": cahier_context, "trois-vallees": strategie_context}.get(
        offer, pistes_context
    )
    context = make(engagement, analyse(engagement), "amoor", TODAY)
    listed = [row for group in context["stakeholders"]["groups"] for row in group["items"]]
    assert [row["number"] for row in listed] == [str(n) for n in range(1, len(listed) + 1)]
    by_name = {s.name: s for s in engagement.stakeholders}
    picture = context["figures"]["stakeholder_map"]
    stakeholder_map(*picture.source.args)
    (grid,) = drawn[-1].axes
    for text in grid.texts:
        if text.get_text().isdigit():
            stakeholder = by_name[listed[int(text.get_text()) - 1]["name"]]
            x, y = text.get_position()
            assert abs(x - stakeholder.interest) < 0.5 and abs(y - stakeholder.influence) < 0.5


def test_dollar_signs_and_edge_cases_are_drawn_as_typed(drawn: list[Any]) -> None:
    stakeholder_map([m.Stakeholder("Asso $x^$ et $1", m.Category.AUTRE, 3, 3)])
    merit_profile([("S1 — budget $\\frac$", (0.2, 0.2, 0.2, 0.2, 0.2))])
    opinions_chart([("D1 — 5 $ par habitant", [("Agents", (1, 2, 3))])])
    reactions_chart([("Scénario à 5 $", [("Élus", (0, 0, 0), False)])])
    stakeholder_map([])
    merit_profile([(f"S{i}", (0.0, 0.0, 1.0, 0.0, 0.0)) for i in range(12)])
    texts = {t for figure in drawn[:3] for t, _ in _text_boxes(figure)}
    assert "D1 — 5 $ par habitant" in texts


def test_reactions_chart_speaks_french_and_reads_in_grey(drawn: list[Any]) -> None:
    engagement = read_engagement(next(p for p in EXAMPLES if "hautes-combes" in p.name))
    results = analyse(engagement).emergence
    assert results is not None
    reactions_chart(_reaction_groups(results.scenarios))
    texts = [t for t, _ in _text_boxes(drawn[0])]
    assert {r.value for r in m.Reaction} <= set(texts)  # the legend
    for result in results.scenarios:
        assert result.scenario in texts
        for target, counts in result.by_target.items():
            verdict = "convaincus" if counts.convinces else "pas convaincus"
            assert f"{target.value} ({counts.n})\n{verdict}" in texts
    shares = [t.get_text() for t in drawn[0].axes[0].texts if t.get_text().endswith("%")]
    assert len(shares) >= 20 and all("\u00a0%" in t for t in shares)  # « 75 % », never split
    # Printed in grey, the three reactions still differ: by lightness or by pattern.
    palette = REACTIONS
    grey = [_luminance(colour) for colour in palette.colours]
    for a, b in combinations(range(3), 2):
        assert abs(grey[a] - grey[b]) > 0.3 or palette.hatches[a] != palette.hatches[b]


def _luminance(colour: str) -> float:
    red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue
