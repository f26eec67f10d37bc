"""Nothing left behind: a run killed between its invoice number and its files.

Real processes, real SIGKILLs: ``amoor build`` is run in a child process in
which one function is made to kill the process with SIGKILL at a chosen
moment (after the number is recorded, LibreOffice running); then another
command, run as a consultant would, restores the piece from the ledger, says
so, removes the temp files and ends the LibreOffice the dead run left.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest

from pipeline.invoicing.ledger import Ledger
from pipeline.workspace import Workspace
from tests.conftest import EXAMPLES
from tests.libreoffice import needs_libreoffice
from tests.samples import amoor

STOPPED = next(p for p in EXAMPLES if "arretee" in p.name)  # Facture « À émettre »
SAINT_AUBIN = next(p for p in EXAMPLES if "saint-aubin" in p.name)
FOLDER = "Commune de Val-de-Brume - 2026-009"
STEM = "Facture F-2026-0001 - 2026-009"

# The child: ``amoor`` itself, with one function replaced by a SIGKILL.
KILLED_RUN = textwrap.dedent(
    """
    import os, signal, sys
    import pipeline.build, pipeline.outbox

    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    real_fsync = os.fsync

    def die_in_outbox(fd):  # charts cached in .amoor/ are written before: let those be
        if "/outbox/" in os.readlink(f"/proc/self/fd/{fd}"):
            die()
        real_fsync(fd)

    where = sys.argv.pop(1)
    if where == "before-writes":  # the number is recorded, the PDF made, nothing written
        pipeline.build.write_placed = die
    else:  # in the middle of the first write to the outbox: a temp file half written
        pipeline.outbox.os.fsync = die_in_outbox
    from pipeline.cli import main
    sys.argv[0] = "amoor"
    main()
    """
)


def _amoor(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return amoor(*args, cwd=cwd, timeout=300)


def _libreoffice_of(workspace: Workspace) -> list[psutil.Process]:
    """The LibreOffice processes running on one of the workspace's profiles."""
    marker = workspace.state.libreoffice.resolve().as_uri()
    found = []
    for process in psutil.process_iter(["cmdline"]):
        cmdline = process.info["cmdline"] or []
        if any(marker in arg for arg in cmdline):
            found.append(process)
    return found


def _temp_files(root: Path) -> list[Path]:
    return list(root.rglob(".~amoor-*.tmp"))


@pytest.mark.libreoffice
@needs_libreoffice
@pytest.mark.parametrize(
    ("where", "then"),
    [
        ("before-writes", ["factures"]),
        ("mid-write", ["build", str(SAINT_AUBIN)]),
    ],
    ids=["killed-before-writes-then-factures", "killed-mid-write-then-build"],
)
def test_a_killed_build_is_finished_by_the_next_command(
    workspace: Workspace, tmp_path: Path, where: str, then: list[str]
) -> None:
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_RUN, where, "-w", str(workspace.root), "build", str(STOPPED)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    # What the kill left: a number « émise » without its documents, LibreOffice running.
    (record,) = Ledger.of(workspace).list_invoices()
    assert record.number == "F-2026-0001"
    folder = workspace.outbox / FOLDER
    assert not (folder / f"{STEM}.docx").exists()
    assert _libreoffice_of(workspace), "the killed run's LibreOffice should still be running"
    if where == "mid-write":
        assert _temp_files(workspace.outbox)

    result = _amoor("-w", str(workspace.root), *then, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "Reprise : la pièce F-2026-0001 (mission 2026-009)" in result.stdout
    for name in (f"{STEM}.docx", f"{STEM}.pdf", f"{STEM} (Factur-X).xml"):
        assert (folder / name).is_file(), name
        assert f"écrit : {folder / name}" in result.stdout
    assert [r.number for r in Ledger.of(workspace).list_invoices()] == ["F-2026-0001"]
    assert _temp_files(workspace.outbox) == []
    if where == "mid-write":
        assert "fichier(s) temporaire(s)" in result.stdout
    assert "processus LibreOffice" in result.stdout
    deadline = time.monotonic() + 10
    while _libreoffice_of(workspace) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _libreoffice_of(workspace) == []

    # Once restored, nothing more to say.
    quiet = _amoor("-w", str(workspace.root), "factures", cwd=tmp_path)
    assert "Reprise" not in quiet.stdout


@pytest.mark.libreoffice
def test_sigterm_ends_the_run_and_its_libreoffice(workspace: Workspace, tmp_path: Path) -> None:
    """A service stop (SIGTERM) runs every clean-up: LibreOffice is ended with the run."""
    if not _has_soffice():
        pytest.skip("LibreOffice (soffice) absent : installez libreoffice-writer-nogui")
    script = textwrap.dedent(
        """
        import os, signal, sys, time
        import pipeline.build

        real = pipeline.build.write_placed
        def stop_here(*args, **kwargs):
            print("waiting", flush=True)
            time.sleep(60)
            return real(*args, **kwargs)

        pipeline.build.write_placed = stop_here
        from pipeline.cli import main
        sys.argv[0] = "amoor"
        main()
        """
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script, "-w", str(workspace.root), "build", str(STOPPED)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "waiting"
    assert _libreoffice_of(workspace)
    child.send_signal(signal.SIGTERM)
    assert child.wait(timeout=60) == 128 + signal.SIGTERM
    assert _libreoffice_of(workspace) == []
    child.stdout.close()
    assert child.stderr is not None
    child.stderr.close()


def test_leftover_temp_files_of_dead_writers_are_removed(
    workspace: Workspace, tmp_path: Path
) -> None:
    folder = workspace.outbox / "Commune de Nulle-Part - 2026-001"
    folder.mkdir()
    dead = _dead_pid()
    left = folder / f".~amoor-{dead}-0123456789abcdef.tmp"
    left.write_bytes(b"PK\x03\x04 half a document")
    mine = folder / f".~amoor-{os.getpid()}-fedcba9876543210.tmp"  # a live writer's
    mine.write_bytes(b"being written")
    result = _amoor("-w", str(workspace.root), "factures", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert not left.exists()
    assert mine.exists()
    assert "Reprise : 1 fichier(s) temporaire(s)" in result.stdout


def _dead_pid() -> int:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    pid = int(done.stdout)
    assert not psutil.pid_exists(pid)
    return pid


def _has_soffice() -> bool:
    import shutil

    return shutil.which("soffice") is not None or shutil.which("libreoffice") is not None
