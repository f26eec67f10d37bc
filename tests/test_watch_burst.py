"""200 workbooks dropped at once, and the pieces of the watcher taken one by one."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import psutil
import pytest

from bench.workbooks import with_references
from pipeline.analysis.overview import analyse
from pipeline.build import BuildResult
from pipeline.outbox import Document, commit, mission_folder
from pipeline.watch import inbox
from pipeline.watch.outcome import Kind
from pipeline.watch.processed import Depot
from pipeline.workbook.reader import read_workbook
from pipeline.workbook.sniff import read_source
from pipeline.workspace import Workspace
from tests.watching import OBSERVERS, VALID, drop, watching

COUNT = 200


def reading_build(
    workbook: Path, workspace: Workspace, today: date, pdf: object, *, with_pdf: bool = False
) -> BuildResult:
    """The build without its Word rendering (the burst is about the watcher, and 200
    renderings would take minutes): the workbook read and validated, analysed, and one
    document committed to the outbox with the workbook's copy, by the real outbox."""
    data = read_source(workbook)
    engagement = read_workbook(data, workbook.name)
    analysis = analyse(engagement)
    mission = engagement.mission
    summary = Document(f"Analyse - {mission.reference}.txt", repr(analysis).encode())
    written = commit(
        mission_folder(workspace.outbox, mission),
        [summary],
        source=(workbook.name, data),
        reference=mission.reference,
    )
    return BuildResult(engagement, analysis, written)


@pytest.fixture(scope="module")
def burst(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """200 workbooks, each its own Référence (its own bytes)."""
    folder = tmp_path_factory.mktemp("burst")
    return with_references(VALID, folder, [f"2026-{n:04d}" for n in range(COUNT)])


@pytest.mark.slow
@OBSERVERS
def test_200_workbooks_at_once_are_all_processed_once_in_bounded_memory(
    workspace: Workspace, tmp_path: Path, burst: list[Path], polling: bool
) -> None:
    staged = tmp_path / "staged"
    staged.mkdir()
    copies = []
    for path in burst:
        copies.append(staged / path.name)
        os.link(path, copies[-1])
    process = psutil.Process()
    samples: list[int] = []
    with watching(workspace, polling, build=reading_build, jobs=2) as run:
        for copy in copies:  # all at once
            drop(copy, workspace.inbox)
        run.wait_for(Kind.PROCESSED, 40, timeout=120)
        samples.append(process.memory_info().rss)
        run.wait_for(Kind.PROCESSED, COUNT, timeout=300)
        samples.append(process.memory_info().rss)
        run.settle()
    processed = run.of(Kind.PROCESSED)
    assert sorted(o.name for o in processed) == sorted(p.name for p in burst)  # each once
    assert not run.of(Kind.REJECTED) and not run.of(Kind.DUPLICATE)
    assert run.watcher.busiest <= 2  # bounded concurrency
    growth = samples[1] - samples[0]
    assert growth < 60 * 1024 * 1024, f"memory grew by {growth / 1e6:.0f} MB over 160 files"
    folders = [p for p in workspace.outbox.iterdir() if p.is_dir()]
    assert len(folders) == COUNT
    assert Depot.of(workspace).count() == COUNT
    assert not list(inbox.dropped(workspace.inbox))
    assert len(list((workspace.inbox / inbox.PROCESSED_FOLDER).iterdir())) == COUNT


@pytest.mark.parametrize(
    ("name", "skipped"),
    [
        ("Mission.xlsx", False),
        ("Mission v2.xlsm", False),
        ("classeur.ods", False),  # taken, then refused with its reason: not silently skipped
        ("~$Mission.xlsx", True),
        (".~lock.Mission.xlsx#", True),
        ("._Mission.xlsx", True),
        (".cache", True),
        ("3A2F1B00", True),  # Excel's temp file, before it is renamed
        ("Mission.xlsx.tmp", True),
        ("Mission.xlsx.crdownload", True),
        ("~WRL0001.tmp", True),
        ("Thumbs.db", True),
        ("desktop.ini", True),
        ("Mission-PC-JEAN.xlsx", True),  # OneDrive's conflict copy, on computer PC-JEAN
    ],
)
def test_names_that_are_someone_elses(name: str, skipped: bool) -> None:
    assert inbox.ignored(name, host="PC-JEAN") is skipped


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_settling_waits_for_size_mtime_and_a_zip_that_opens(tmp_path: Path) -> None:
    clock = Clock()
    settling = inbox.Settling(clock, window=0.25, timeout=5)
    path = tmp_path / "Mission.xlsx"
    data = VALID.read_bytes()
    path.write_bytes(data[:100])  # half written: the zip does not open
    settling.notice(path)
    assert settling.check() == []
    clock.now += 1
    assert settling.check() == []  # stable, but its zip does not open yet: never reported
    path.write_bytes(data)
    clock.now += 0.1
    assert settling.check() == []  # it changed: the window starts again
    clock.now += 0.1
    assert settling.check() == []
    clock.now += 0.3
    assert settling.check() == [(path, inbox.State.READY)]


def test_a_zip_that_never_opens_is_unreadable_after_the_timeout(tmp_path: Path) -> None:
    clock = Clock()
    settling = inbox.Settling(clock, window=0.25, timeout=5)
    path = tmp_path / "Tronqué.xlsx"
    path.write_bytes(VALID.read_bytes()[:500])
    settling.notice(path)
    settling.check()
    clock.now += 4
    assert settling.check() == []
    clock.now += 1.5
    assert settling.check() == [(path, inbox.State.UNREADABLE)]


def test_moves_never_overwrite(tmp_path: Path) -> None:
    folder = tmp_path / "traités"
    for content in (b"un", b"deux", b"un"):
        source = tmp_path / "Mission.xlsx"
        source.write_bytes(content)
        inbox.move_aside(source, folder)
    assert sorted((p.name, p.read_bytes()) for p in folder.iterdir()) == [
        ("Mission (2).xlsx", b"deux"),
        ("Mission.xlsx", b"un"),  # the same bytes again: kept once, nothing lost
    ]
