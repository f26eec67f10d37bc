"""Cost against size (docs/performance.md, issue 8): nothing grows faster than the workbook.

Two figures, each measured in this run, with its target beside it:

- the build of a workbook whose every free-text cell is one 100 000-character
  word without a space, for each offer: under 10 s;
- the build time per stakeholder row of 5 000 stakeholders × 500 participants,
  against that of 50 stakeholders × 5 participants: within 3×.

A build here is :func:`pipeline.build.build` on a fresh workspace, without
LibreOffice (no PDF): reading, analysis, charts, every ``.docx`` rendered and
written.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bench.workbooks import long_text_workbook, scaled_workbook
from pipeline import model as m
from pipeline.build import build
from pipeline.workspace import init_workspace

TODAY = date(2026, 11, 25)
LONG_TEXT_TARGET_S = 10.0
PER_ROW_TARGET_RATIO = 3.0


@dataclass(frozen=True)
class Figure:
    what: str
    value: str
    target: str
    met: bool


def _timed_build(workbook: Path, root: Path) -> float:
    workspace = init_workspace(root)
    started = time.perf_counter()
    build(workbook, workspace, TODAY)
    return time.perf_counter() - started


def long_texts(folder: Path, length: int = 100_000) -> list[Figure]:
    figures = []
    for offer in m.Offer:
        workbook = long_text_workbook(folder / f"long-{offer.name.lower()}.xlsx", offer, length)
        seconds = _timed_build(workbook, folder / f"ws-long-{offer.name.lower()}")
        figures.append(
            Figure(
                f"{offer.value}: every text cell {length:,} characters, no space".replace(",", " "),
                f"{seconds:.2f} s",
                f"< {LONG_TEXT_TARGET_S:.0f} s",
                seconds < LONG_TEXT_TARGET_S,
            )
        )
    return figures


def per_row(
    folder: Path,
    small: tuple[int, int] = (50, 5),
    large: tuple[int, int] = (5_000, 500),
) -> list[Figure]:
    figures = []
    for offer in m.Offer:
        times = {}
        for stakeholders, participants in (small, large):
            name = f"{offer.name.lower()}-{stakeholders}x{participants}"
            workbook = scaled_workbook(folder / f"{name}.xlsx", offer, stakeholders, participants)
            seconds = _timed_build(workbook, folder / f"ws-{name}")
            times[stakeholders] = seconds / stakeholders
        ratio = times[large[0]] / times[small[0]]
        figures.append(
            Figure(
                f"{offer.value}: time per stakeholder row, {large[0]}×{large[1]} vs "
                f"{small[0]}×{small[1]} ({times[large[0]] * 1000:.1f} ms vs "
                f"{times[small[0]] * 1000:.1f} ms)",
                f"{ratio:.2f}×",
                f"≤ {PER_ROW_TARGET_RATIO:.0f}×",
                ratio <= PER_ROW_TARGET_RATIO,
            )
        )
    return figures


SECTIONS: dict[str, Callable[[Path], list[Figure]]] = {
    "Long texts (100 000 characters)": long_texts,
    "Cost per stakeholder row": per_row,
}


def run(report: Callable[[str], None]) -> bool:
    """Measure every figure, report each line; True when every target is met."""
    met = True
    with tempfile.TemporaryDirectory(prefix="amoor-bench-") as scratch:
        for title, measure in SECTIONS.items():
            report(f"\n{title}")
            folder = Path(scratch) / title.split()[0].lower()
            folder.mkdir()
            for figure in measure(folder):
                mark = "ok " if figure.met else "MISSED"
                report(f"  [{mark}] {figure.what}: {figure.value} (target {figure.target})")
                met = met and figure.met
    return met
