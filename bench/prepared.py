"""One prepared render of the Cahier vs plain docxtpl on the same context (issue 10).

The context is the Saint-Aubin-des-Brumes example's Cahier des charges,
built by the project (charts included), then made ready for Word
(``_prepare``: strings cleaned and spaced, pictures as inline images) for
each side outside the timings: what is compared is the render and the save.

- plain docxtpl: ``DocxTemplate(path)``, ``render(context, jinja_env,
  autoescape=True)``, ``save()`` — what a developer writes by hand;
- prepared: ``PreparedTemplate.start()``, docxtpl's ``render()`` on it,
  ``package()``; the template prepared once beforehand (its cost printed).

The two sides alternate, and medians are compared. ``render_docx`` itself
(context preparation and the cache look-up included) is printed as well.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORKBOOK = ROOT / "examples" / "concertation-saint-aubin-des-brumes.xlsx"
TODAY = date(2026, 11, 25)
TARGET = 5.0  # prepared render at least five times faster than plain docxtpl
RUNS = 15


def _drawn(value: Any) -> Any:
    """``value`` with each chart still to draw replaced by its PNG bytes."""
    from pipeline.render.docx import Picture

    if isinstance(value, Picture):
        return Picture(value.png, value.width_cm, value.description)
    if isinstance(value, dict):
        return {key: _drawn(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_drawn(item) for item in value]
    return value


def prepared_figures(runs: int = RUNS) -> dict[str, float]:
    """Medians in ms of each side (``plain``, ``prepared``…), the preparation's time,
    the parts compiled at render, and the ``ratio`` plain / prepared."""
    from docxtpl import DocxTemplate

    from pipeline.analysis.overview import analyse
    from pipeline.build import CAHIER
    from pipeline.config import load_config
    from pipeline.installation import bundled
    from pipeline.render.docx import _prepare, render_docx
    from pipeline.render.prepared import PreparedTemplate, environment
    from pipeline.workbook.reader import read_workbook
    from pipeline.workbook.sniff import read_source

    engagement = read_workbook(read_source(WORKBOOK), WORKBOOK.name)
    config = load_config(bundled("amoor.toml"))
    # The charts drawn once, here: what is compared is the render, not matplotlib.
    context = _drawn(CAHIER.full_context(engagement, analyse(engagement), config, TODAY))
    template = bundled("templates_docx") / CAHIER.template

    started = time.perf_counter()
    prepared = PreparedTemplate(template.read_bytes())
    preparation = time.perf_counter() - started

    def plain() -> float:
        document = DocxTemplate(template)
        ready = _prepare(context, document)
        started = time.perf_counter()
        document.render(ready, jinja_env=environment(), autoescape=True)
        document.save(BytesIO())
        return time.perf_counter() - started

    def prepared_render() -> float:
        started = time.perf_counter()
        document = prepared.start()
        forked = time.perf_counter() - started
        ready = _prepare(context, document)
        started = time.perf_counter()
        document.render(ready, jinja_env=prepared.environment, autoescape=True)
        document.package()
        return forked + time.perf_counter() - started

    def whole(render: Callable[[], Any]) -> Callable[[], float]:
        def timed() -> float:
            started = time.perf_counter()
            render()
            return time.perf_counter() - started

        return timed

    def plain_whole() -> None:
        document = DocxTemplate(template)
        document.render(_prepare(context, document), jinja_env=environment(), autoescape=True)
        document.save(BytesIO())

    sides: dict[str, Callable[[], float]] = {
        "plain": plain,
        "prepared": prepared_render,
        "plain, context preparation included": whole(plain_whole),
        "render_docx": whole(lambda: render_docx(template, context, dated=TODAY)),
    }
    times: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(2):  # warm-up: imports, caches, first allocations
        for side in sides.values():
            side()
    for _ in range(runs):  # alternated, so that a busy moment weighs on every side
        for name, side in sides.items():
            times[name].append(side())
    median = {name: statistics.median(values) * 1000 for name, values in times.items()}
    median["preparation"] = preparation * 1000
    median["compiled at render"] = prepared.environment.compiled_at_render
    median["ratio"] = median["plain"] / median["prepared"]
    return median


def bench_prepared(report: Callable[[str], None], runs: int = RUNS) -> bool:
    """Measure, print each figure through ``report`` (one line a call), and say
    whether the prepared render meets its target (≥ 5× plain docxtpl)."""
    from pipeline.build import CAHIER

    median = prepared_figures(runs)
    ratio = median["ratio"]
    whole_ratio = median["plain, context preparation included"] / median["render_docx"]
    met = ratio >= TARGET
    report(f"Prepared template: {CAHIER.template}, {WORKBOOK.stem}, median of {runs} runs")
    report(f"  plain docxtpl, render + save        {median['plain']:7.1f} ms")
    report(
        f"  prepared, render + package          {median['prepared']:7.1f} ms"
        f"   (prepared once: {median['preparation']:.1f} ms,"
        f" {median['compiled at render']:.0f} part compiled at render)"
    )
    report(
        f"  ratio                               {ratio:7.1f}×   target ≥ {TARGET:g}×"
        f"   {'met' if met else 'MISSED'}"
    )
    report(
        f"  with the context made ready for Word: render_docx {median['render_docx']:.1f} ms,"
        f" plain {median['plain, context preparation included']:.1f} ms ({whole_ratio:.1f}×)"
    )
    return met


if __name__ == "__main__":
    bench_prepared(print)
