"""``amoor watch`` as a consultant runs it: its own process, killed, interrupted, twice.

Each with the native observer and the polling one.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.atomic import TEMP_PREFIX
from pipeline.cli import cli
from pipeline.invoicing.ledger import Ledger
from pipeline.watch import inbox
from pipeline.watch.processed import Depot
from pipeline.workspace import Workspace
from tests.samples import amoor
from tests.watching import INVOICED, OBSERVERS, drop, files_under, needs_thread_waits, workbook


class Watch:
    """``amoor watch`` running; its output read as it comes."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def count(self, text: str) -> int:
        return sum(text in line for line in list(self.lines))

    def wait_for(self, text: str, count: int = 1, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while self.count(text) < count:
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError(f"« {text} » ×{count} not seen: {self.lines}")
            time.sleep(0.05)

    def finish(self, timeout: float = 120) -> int:
        code = self.process.wait(timeout)
        self._reader.join(10)
        return code


@contextmanager
def watch(workspace: Workspace, *args: str) -> Iterator[Watch]:
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "-w", str(workspace.root), "watch", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    running = Watch(process)
    try:
        yield running
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(30)
        running.finish()
        assert process.stdout is not None
        process.stdout.close()


def _mode(polling: bool) -> tuple[str, ...]:
    return ("--polling",) if polling else ()


def _engagements(tmp_path: Path, count: int, prefix: str) -> list[Path]:
    """``count`` engagements to invoice, each its own Référence."""
    folder = tmp_path / "depot"
    folder.mkdir()
    return [
        workbook(folder / f"Mission {n}.xlsx", f"{prefix}-{n:02d}", INVOICED) for n in range(count)
    ]


@pytest.mark.libreoffice
@OBSERVERS
def test_killed_mid_burst_then_restarted_every_workbook_processed_exactly_once(
    workspace: Workspace, tmp_path: Path, polling: bool
) -> None:
    books = _engagements(tmp_path, 6, "2026-K")
    with watch(workspace, *_mode(polling)) as run:
        run.wait_for("surveille")
        for book in books:
            drop(book, workspace.inbox)
        run.wait_for("traité : ", 2)
        run.process.send_signal(signal.SIGKILL)  # in the middle of the third, as it comes
        run.finish()
    with watch(workspace, "--once", *_mode(polling)) as again:
        assert again.finish() == 0, again.lines

    leftovers = [p for p in files_under(workspace.outbox) if p.name.startswith(TEMP_PREFIX)]
    assert leftovers == []
    assert not [p for p in files_under(workspace.outbox) if "nouvelle version" in p.name]
    records = Ledger.of(workspace).list_invoices()
    numbers = sorted(r.number for r in records)
    assert numbers == [f"F-2026-{n:04d}" for n in range(1, 7)]  # none skipped, none twice
    assert sorted(r.reference for r in records) == [f"2026-K-{n:02d}" for n in range(6)]
    for record in records:
        folder = next(workspace.outbox.glob(f"* - {record.reference}"))
        assert (folder / f"Facture {record.number} - {record.reference}.docx").is_file()
        assert len(list(folder.glob("Facture F-*.docx"))) == 1
    assert Depot.of(workspace).count() == 6
    assert not list(inbox.dropped(workspace.inbox))
    assert len(list((workspace.inbox / inbox.PROCESSED_FOLDER).glob("*.xlsx"))) == 6


@pytest.mark.libreoffice
@OBSERVERS
def test_ctrl_c_during_a_burst_stops_after_the_current_file_with_a_summary(
    workspace: Workspace, tmp_path: Path, polling: bool
) -> None:
    books = _engagements(tmp_path, 5, "2026-C")
    with watch(workspace, *_mode(polling)) as run:
        run.wait_for("surveille")
        for book in books:
            drop(book, workspace.inbox)
        run.wait_for("traité : ")
        run.process.send_signal(signal.SIGINT)
        assert run.finish(timeout=60) == 0, run.lines
    output = "\n".join(run.lines)
    assert "Arrêt demandé : amoor watch finit le classeur en cours" in output
    summary = run.lines[-1]
    assert summary.startswith("amoor watch arrêté : ")
    done = run.count("traité : ")
    waiting = len(list(inbox.dropped(workspace.inbox)))
    assert done + waiting == 5  # nothing lost: what was not processed waits in inbox/
    assert f"{done} classeur" in summary
    if waiting:
        assert f"{waiting} fichier" in summary and "au prochain démarrage" in summary
    assert not [p for p in files_under(workspace.outbox) if p.name.startswith(TEMP_PREFIX)]
    assert len(Ledger.of(workspace).list_invoices()) == done


@pytest.mark.slow
@needs_thread_waits
def test_a_second_watcher_on_the_same_workspace_says_so_and_exits(
    workspace: Workspace,
) -> None:
    with watch(workspace) as first:
        first.wait_for("surveille")
        second = amoor("-w", str(workspace.root), "watch", "--once", cwd=workspace.root)
        assert second.returncode == 1
        assert "Un autre « amoor watch »" in second.stderr
        assert f"(processus {first.process.pid})" in second.stderr
        status = CliRunner().invoke(cli, ["-w", str(workspace.root), "statut"])
        assert f"amoor watch est en marche (processus {first.process.pid})" in status.output
        first.process.send_signal(signal.SIGTERM)
        assert first.finish(timeout=60) == 0


@pytest.mark.slow
@needs_thread_waits
def test_statut_shows_recent_activity_and_what_waits_in_errors(
    workspace: Workspace, tmp_path: Path
) -> None:
    broken = Path(__file__).resolve().parent / "data" / "broken" / "several-problems.xlsx"
    (workspace.inbox / "À revoir.xlsx").write_bytes(broken.read_bytes())
    ran = amoor("-w", str(workspace.root), "watch", "--once", cwd=workspace.root)
    assert ran.returncode == 0, ran.stderr
    assert "refusé : « À revoir.xlsx » rangé dans inbox/erreurs/ — 4 problèmes" in ran.stdout
    log = (workspace.state.depot_log).read_text(encoding="utf-8")
    assert "25/11/2026" in log and "refusé : « À revoir.xlsx »" in log
    result = CliRunner().invoke(cli, ["-w", str(workspace.root), "statut"])
    assert result.exit_code == 0, result.output
    assert "amoor watch n'est pas en marche" in result.output
    assert "25/11/2026" in result.output and "reçu : « À revoir.xlsx »" in result.output
    assert "À corriger dans inbox/erreurs/ : 1" in result.output
    assert (
        "  À revoir.xlsx — Feuille « Mission », cellule B4 : l'intitulé est obligatoire"
        in result.output
    )
