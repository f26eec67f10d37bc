"""The batch rebuild (issue 10): every row of its Targets table, measured in this run.

Set-up (not timed): N synthetic engagements (bench/workbooks.py, the three
offers mixed, 40–80 stakeholders, 15–25 participants, 3–4 scenarios), built
into a fresh workspace by ``amoor rebuild``'s own pool.

- **Baseline**, what a developer writes with docxtpl: for each workbook, the
  project's reading and context building, charts drawn, then for each Word
  deliverable ``DocxTemplate(path)``, ``render(context, autoescape=True)``,
  ``save()``, sequentially (on the first ``BASELINE`` engagements: a rate).
- **The pipeline**: every template changed, then ``plan`` + ``execute`` over
  the N engagements, ``--jobs`` the machine's cores: every Word deliverable
  rebuilt (charts read from the cache, templates prepared once per worker).
- No-op rebuild of the N (nothing changed): the plan, in this process, and
  the whole ``amoor rebuild`` command in its own process for information.
- One workbook, cold process: ``amoor build`` of one Concertation workbook
  in a new process (its charts already in the workspace's cache; without
  them, printed for information).
- Peak memory: the sum of the proportional set sizes (PSS: a page shared by
  the forked workers counted once in all) of an ``amoor rebuild`` command after a
  second template change, its forkserver and its workers, sampled every 50 ms;
  resident sizes where PSS is not available. (This process is not counted: it
  holds the set-up's and the baseline's memory, which a consultant's command
  does not.)
- ``--pdf``: a rebuild of a few engagements with PDFs, ``--jobs 2``: the
  LibreOffice starts logged, against the workers.

The workspaces do without the page numbers of the tables of contents
(``numeros_de_page = false``): the baseline does no layout, and LibreOffice's
layout is not amoor's work. What they cost is printed for information: the cold
build of one workbook again, with them.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date
from io import BytesIO
from pathlib import Path

from bench.prepared import prepared_figures
from bench.workbooks import OFFERS, Shape, page_numbers, write_workbook

TODAY = date(2026, 11, 25)
ENGAGEMENTS = 100
BASELINE = 20
PDF_ENGAGEMENTS = 4
TARGET_RATIO = 8.0
TARGET_PREPARED = 5.0
TARGET_NOOP_S = 0.5
TARGET_COLD_S = 1.0
TARGET_MEMORY_MB = 400.0


def _row(report: Callable[[str], None], what: str, value: str, target: str, met: bool) -> bool:
    report(f"  {what:<58} {value:>12}   target {target:<12} {'met' if met else 'MISSED'}")
    return met


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _engagements(inbox: Path, count: int) -> list[Path]:
    paths = []
    for index in range(count):
        shape = Shape(
            OFFERS[index % len(OFFERS)],
            stakeholders=40 + (index * 7) % 41,
            participants=15 + (index * 3) % 11,
            candidates=3 + index % 2,
            actions=10,
            options=2,
            seed=index,
            reference=f"BENCH-{index:03d}",
        )
        paths.append(write_workbook(inbox / f"engagement-{index:03d}.xlsx", shape))
    return paths


def _populate(workspace: object, workbooks: list[Path]) -> None:
    """The outbox as ``amoor build`` leaves it, the builds run in the rebuild's pool."""
    from pipeline.manifest import MANIFEST
    from pipeline.rebuild import Plan, execute
    from pipeline.rebuild_job import Job
    from pipeline.workspace import Workspace

    assert isinstance(workspace, Workspace)
    jobs = []
    for path in workbooks:  # a folder holding only its workbook copy: rebuilt whole
        folder = workspace.outbox / path.stem
        folder.mkdir()
        shutil.copyfile(path, folder / path.name)
        (folder / MANIFEST).write_text(
            f'{{"files": {{}}, "source": "{path.name}", "reference": ""}}', encoding="utf-8"
        )
        jobs.append(Job(folder, "", folder / path.name, everything=True))
    for outcome in execute(Plan(tuple(jobs)), workspace, TODAY, jobs=_cores()):
        if outcome.error:
            raise RuntimeError(outcome.error)


def _baseline(workspace: object, workbooks: list[Path]) -> tuple[float, int]:
    """(seconds, Word deliverables) of plain docxtpl over ``workbooks``."""
    from docxtpl import DocxTemplate

    from pipeline.analysis.overview import analyse
    from pipeline.build import DELIVERABLES, Deliverable
    from pipeline.render.docx import _prepare
    from pipeline.render.prepared import environment
    from pipeline.workbook.reader import read_workbook
    from pipeline.workbook.sniff import read_source
    from pipeline.workspace import Workspace

    assert isinstance(workspace, Workspace)
    count = 0
    started = time.perf_counter()
    for path in workbooks:
        engagement = read_workbook(read_source(path), path.name)
        analysis = analyse(engagement)
        for deliverable in DELIVERABLES[engagement.offer]:
            if not isinstance(deliverable, Deliverable):
                continue
            context = deliverable.full_context(engagement, analysis, workspace.config, TODAY)
            document = DocxTemplate(workspace.template(deliverable.template))
            ready = _prepare(context, document)  # charts drawn here, as a developer would
            document.render(ready, jinja_env=environment(), autoescape=True)
            document.save(BytesIO())
            count += 1
    return time.perf_counter() - started, count


class _PeakMemory:
    """The largest sum of memory sizes (PSS) of a process (this one by default) and its
    children, sampled."""

    def __init__(self, pid: int | None = None) -> None:
        import psutil

        self._me = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        import psutil

        while not self._stop.wait(0.05):
            total = 0
            for process in [self._me, *self._me.children(recursive=True)]:
                try:
                    info = process.memory_full_info()
                    total += getattr(info, "pss", info.rss)
                except psutil.Error:
                    continue
            self.peak = max(self.peak, total)

    def __enter__(self) -> _PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def _change_templates(workspace: object, text: str) -> None:
    from docx import Document

    from pipeline.workspace import Workspace, copy_template, shipped_templates

    assert isinstance(workspace, Workspace)
    for template in shipped_templates():
        target = workspace.templates / template.name
        if not target.exists():
            copy_template(workspace, template.name)
        document = Document(str(target))
        document.add_paragraph(text)
        document.save(str(target))


def _amoor(root: Path, *args: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pipeline", "-w", str(root), *args],
        check=True,
        capture_output=True,
        env={**os.environ, "AMOOR_TODAY": TODAY.isoformat()},
    )
    return time.perf_counter() - started


def run(report: Callable[[str], None]) -> bool:
    from pipeline.libreoffice import find_soffice
    from pipeline.rebuild import execute, plan
    from pipeline.workspace import init_workspace

    met = True
    with tempfile.TemporaryDirectory(prefix="amoor-bench-") as temp:
        folder = Path(temp)
        workspace = init_workspace(folder / "espace")
        page_numbers(workspace.config_path, False)
        workbooks = _engagements(folder, ENGAGEMENTS)
        started = time.perf_counter()
        _populate(workspace, workbooks)
        report(
            f"Set-up: {ENGAGEMENTS} engagements built in {time.perf_counter() - started:.1f} s"
            f" ({_cores()} worker(s)); the figures:"
        )

        base_s, base_count = _baseline(workspace, workbooks[:BASELINE])
        base_rate = base_count / base_s

        _change_templates(workspace, "Modèle modifié par le cabinet.")
        started = time.perf_counter()
        the_plan = plan(workspace)
        outcomes = list(execute(the_plan, workspace, TODAY, jobs=_cores()))
        rebuild_s = time.perf_counter() - started
        failures = [o.error for o in outcomes if o.error]
        if failures:
            raise RuntimeError(failures[0])
        rebuilt = sum(1 for o in outcomes for p in o.written if p.suffix == ".docx")
        rate = rebuilt / rebuild_s
        ratio = rate / base_rate
        met &= _row(
            report,
            f"Rebuild of {ENGAGEMENTS} after a template change vs docxtpl",
            f"{ratio:.1f}×",
            f"≥ {TARGET_RATIO:g}×",
            ratio >= TARGET_RATIO,
        )
        report(
            f"      pipeline {rate:.1f} deliverables/s ({rebuilt} .docx in {rebuild_s:.1f} s);"
            f" plain docxtpl {base_rate:.1f}/s ({base_count} .docx of {BASELINE} engagements"
            f" in {base_s:.1f} s, charts drawn)"
        )

        prepared = prepared_figures(runs=9)
        met &= _row(
            report,
            "One prepared render of the Cahier vs plain docxtpl",
            f"{prepared['ratio']:.1f}×",
            f"≥ {TARGET_PREPARED:g}×",
            prepared["ratio"] >= TARGET_PREPARED,
        )

        noop = []
        for _ in range(5):
            started = time.perf_counter()
            nothing = plan(workspace)
            list(execute(nothing, workspace, TODAY, jobs=_cores()))
            noop.append(time.perf_counter() - started)
        assert not nothing.jobs, "a no-op rebuild found work"
        noop_s = statistics.median(noop)
        met &= _row(
            report,
            f"No-op rebuild of {ENGAGEMENTS} engagements (plan, in process)",
            f"{noop_s * 1000:.0f} ms",
            f"≤ {TARGET_NOOP_S:g} s",
            noop_s <= TARGET_NOOP_S,
        )
        report(
            f"      the whole « amoor rebuild » command: {_amoor(workspace.root, 'rebuild'):.2f} s"
        )

        one = next(p for p in workbooks if "000" in p.name)  # a Concertation engagement
        cold = init_workspace(folder / "froid")
        page_numbers(cold.config_path, False)
        shutil.copytree(workspace.state.charts, cold.state.charts)
        cold_s = min(_amoor(cold.root, "build", str(one)) for _ in range(3))
        met &= _row(
            report,
            "One workbook, cold process, all .docx (charts cached)",
            f"{cold_s:.2f} s",
            f"≤ {TARGET_COLD_S:g} s",
            cold_s <= TARGET_COLD_S,
        )
        shutil.rmtree(cold.state.charts)
        drawn_s = _amoor(cold.root, "build", str(folder / "engagement-003.xlsx"))
        report(f"      the same, charts not cached (drawn, matplotlib imported): {drawn_s:.2f} s")
        if find_soffice() is not None:
            page_numbers(cold.config_path, True)
            numbered_s = min(_amoor(cold.root, "build", str(one)) for _ in range(2))
            page_numbers(cold.config_path, False)
            report(
                f"      the same, tables of contents with page numbers (LibreOffice started,"
                f" each document laid out): {numbered_s:.2f} s"
            )

        # What a consultant's « amoor rebuild » uses: the command, its forkserver and its
        # workers (the benchmark's own process holds the baseline's and set-up's memory).
        _change_templates(workspace, "Modèle modifié une deuxième fois.")
        command = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "-w", str(workspace.root), "rebuild"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "AMOOR_TODAY": TODAY.isoformat()},
        )
        with _PeakMemory(command.pid) as memory:
            if command.wait() != 0:
                raise RuntimeError("amoor rebuild failed after the second template change")
        peak_mb = memory.peak / 1e6
        met &= _row(
            report,
            f"Peak memory, « amoor rebuild » of {ENGAGEMENTS} (command + workers)",
            f"{peak_mb:.0f} MB",
            f"≤ {TARGET_MEMORY_MB:g} MB",
            peak_mb <= TARGET_MEMORY_MB,
        )

        if find_soffice() is None:
            report("  --pdf: LibreOffice absent, not measured")
        else:
            log = workspace.root / ".amoor" / "amoor.log"
            starts_before = log.read_text(encoding="utf-8").count("LibreOffice started")
            refs = [f"--ref=BENCH-{i:03d}" for i in range(PDF_ENGAGEMENTS)]
            pdf_s = _amoor(workspace.root, "rebuild", "--pdf", "--jobs", "2", *refs)
            starts = log.read_text(encoding="utf-8").count("LibreOffice started") - starts_before
            pdfs = sum(1 for p in workspace.outbox.glob("*/*.pdf"))
            met &= _row(
                report,
                f"--pdf, {PDF_ENGAGEMENTS} engagements, --jobs 2: LibreOffice starts",
                f"{starts} for {pdfs} PDF",
                "≤ 1 a worker",
                0 < starts <= 2,
            )
            report(f"      in {pdf_s:.1f} s")
    return met


if __name__ == "__main__":
    run(print)
