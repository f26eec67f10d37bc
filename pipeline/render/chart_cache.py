"""Charts drawn only when their data change: a chart is a value until a document needs it.

Context building (pure) describes each chart as a :class:`Chart`: its kind (a
key of ``charts.CHARTS``, the drawing functions) and its arguments (only the
data the drawing reads). The render stage turns it into PNG bytes through a
:class:`ChartCache`, a folder of the workspace (``.amoor/charts/<key>.png``)
keyed by the hash of the chart's inputs and of the chart code's version (the
source of every chart module, charts.py and chart_*.py, and the version of
matplotlib): an unchanged chart is read back, never drawn again, and matplotlib
is imported only when something must be drawn (about 0.3 s of a cold process,
and 90–380 ms a chart).

Several processes may draw the same chart at once: each writes it atomically,
the same bytes, so any reader sees a whole PNG.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# Every module a drawing runs: charts.py and the chart_*.py it gathers (this one
# included, harmlessly), in a fixed order.
_CHART_SOURCES = tuple(sorted(Path(__file__).parent.glob("chart*.py")))


@cache
def chart_code_version() -> str:
    """What a drawing depends on besides its data: the chart modules' code and matplotlib's
    version."""
    try:
        matplotlib = metadata.version("matplotlib")
    except metadata.PackageNotFoundError:  # pragma: no cover - a dependency of amoor
        matplotlib = "?"
    code = b"".join(path.read_bytes() for path in _CHART_SOURCES)
    return hashlib.sha256(code + matplotlib.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Chart:
    """A chart still to draw: ``charts.CHARTS[kind](*args)``.

    ``args`` are made of tuples, strings, numbers, enums and frozen dataclasses,
    whose ``repr`` is the same in every process: it is what the key hashes.
    """

    kind: str
    args: tuple[Any, ...]

    @property
    def key(self) -> str:
        text = f"{chart_code_version()}\n{self.kind}\n{self.args!r}"
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def draw(self) -> bytes:
        from pipeline.render.charts import CHARTS  # matplotlib itself loads in the drawing

        png: bytes = CHARTS[self.kind](*self.args)
        return png


@dataclass(frozen=True)
class ChartCache:
    """PNG files by chart key in ``folder``."""

    folder: Path

    def png(self, chart: Chart) -> bytes:
        path = self.folder / f"{chart.key}.png"
        try:
            return path.read_bytes()
        except FileNotFoundError:
            log.debug("chart %s not cached yet", chart.kind)
        except OSError as error:  # unreadable cache: draw, as if it were empty
            log.warning("chart cache unreadable at %s: %s", path, error)
        png = chart.draw()
        log.info("chart %s drawn: %s", chart.kind, path.name)
        self._keep(path, png)
        return png

    def _keep(self, path: Path, png: bytes) -> None:
        from pipeline.atomic import atomic_write

        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            atomic_write(path, png)
        except OSError as error:  # a cache is a convenience, never a reason to fail
            log.warning("chart not kept in the cache at %s: %s", path, error)
