"""The LibreOffice processes amoor starts: their profiles, how they are told ready, how they end.

``Instance`` is one running ``soffice --headless``: its launcher and
``soffice.bin`` form one process group (started with ``start_new_session``),
ended together.

One profile per process
-----------------------
LibreOffice binds its single-instance pipe to the user profile: a second
``soffice`` on a profile already in use hands its request to the first one
and quits, so two builds sharing a profile lose each other's e-invoices. A
process therefore *takes a slot* before starting LibreOffice: the first of
``<workspace>/.amoor/libreoffice/1``, ``2``… whose lock file it can lock
(``filelock``: the operating system releases it when the process ends, even
killed). The slot holds the profile, kept between runs (a warm profile starts
faster), and the converter's working files.

Nothing left running
--------------------
A process killed with SIGKILL cannot stop its LibreOffice. The slot's free
lock tells it: any LibreOffice still running on the profile of a free slot
(found by its ``-env:UserInstallation`` argument, with psutil) was started by
a process that is gone, and is ended by :func:`sweep` — which every command
runs at start — or by the next process that takes the slot.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import psutil
from filelock import FileLock, Timeout

from pipeline.errors import LibreOfficeStartFailed

log = logging.getLogger(__name__)

MAX_SLOTS = 64  # far more than concurrent builds in one workspace


@dataclass
class Instance:
    """The running LibreOffice: its process, the pipe it listens on, the document it keeps open."""

    process: subprocess.Popen[bytes]
    pipe: str
    keep_open: Path

    @property
    def _lock_file(self) -> Path:
        return self.keep_open.with_name(f".~lock.{self.keep_open.name}#")

    def _pipe_files(self) -> list[Path]:
        getuid = getattr(os, "getuid", None)  # POSIX: /tmp/OSL_PIPE_<uid>_<name>
        if getuid is None:
            return []
        return [Path(folder, f"OSL_PIPE_{getuid()}_{self.pipe}") for folder in ("/tmp", "/var/tmp")]

    def ready(self) -> bool:
        """The kept-open document is loaded (LibreOffice locked it), or the pipe listens.

        Both names are new at each start, so a leftover of a killed instance
        never passes for a ready one.
        """
        return self._lock_file.exists() or any(path.exists() for path in self._pipe_files())

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        """End LibreOffice (its launcher and soffice.bin, one process group)."""
        process = self.process
        if process.poll() is None:
            signal_group(process, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                signal_group(process, signal.SIGKILL)
                process.wait(timeout=10)
        for path in (*self._pipe_files(), self._lock_file, self.keep_open):
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)


def signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    killpg = getattr(os, "killpg", None)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if killpg is not None:
            killpg(process.pid, signum)  # the group of our own child, started with setsid
        else:  # Windows
            process.kill()


def profile_argument(profile: Path) -> str:
    """The command-line argument that binds LibreOffice to ``profile``."""
    return f"-env:UserInstallation={profile.resolve().as_uri()}"


class Slot:
    """A LibreOffice profile and working folder that this process alone uses, while held."""

    def __init__(self, folder: Path, lock: FileLock) -> None:
        self.folder = folder
        self._lock = lock

    @property
    def profile(self) -> Path:
        return self.folder / "profile"

    @property
    def work(self) -> Path:
        """Where the converter keeps the documents being converted (emptied at each take)."""
        return self.folder / "work"

    def release(self) -> None:
        self._lock.release()


def take_slot(root: Path) -> Slot:
    """The first free slot under ``root``, locked for this process until ``release``.

    What a dead holder left in it (a LibreOffice still running, working files)
    is cleared first.
    """
    root.mkdir(parents=True, exist_ok=True)
    for index in range(1, MAX_SLOTS + 1):
        folder = root / str(index)
        lock = FileLock(root / f"{index}.lock", timeout=0, is_singleton=False)
        try:
            lock.acquire()
        except Timeout:
            continue
        _clear(folder)
        folder.mkdir(exist_ok=True)
        return Slot(folder, lock)
    raise OSError(f"all {MAX_SLOTS} LibreOffice profiles of {root} are in use")


def sweep(root: Path) -> int:
    """End the LibreOffice processes left running on free slots; how many were ended."""
    if not root.is_dir():
        return 0
    held: list[FileLock] = []
    try:
        for lock_path in sorted(root.glob("*.lock")):
            lock = FileLock(lock_path, timeout=0, is_singleton=False)
            try:
                lock.acquire()
            except Timeout:
                continue  # its process is alive: its LibreOffice is its own business
            held.append(lock)
        folders = [root / Path(str(lock.lock_file)).stem for lock in held]
        ended = end_processes_using(*(folder / "profile" for folder in folders))
        for folder in folders:
            shutil.rmtree(folder / "work", ignore_errors=True)
        return ended
    finally:
        for lock in held:
            lock.release()


def _clear(folder: Path) -> int:
    ended = end_processes_using(folder / "profile")
    shutil.rmtree(folder / "work", ignore_errors=True)
    return ended


def end_processes_using(*profiles: Path) -> int:
    """End every process started on one of ``profiles`` (launcher and soffice.bin).

    The process table is read once, whatever the number of profiles.
    """
    arguments = {profile_argument(profile) for profile in profiles}
    found = []
    for process in psutil.process_iter(["cmdline"]) if arguments else ():
        with contextlib.suppress(psutil.Error):
            if arguments.intersection(process.info["cmdline"] or ()):
                found.append(process)
    for process in found:
        with contextlib.suppress(psutil.Error):
            process.terminate()
    _, alive = psutil.wait_procs(found, timeout=5)
    for process in alive:
        with contextlib.suppress(psutil.Error):
            process.kill()
    psutil.wait_procs(alive, timeout=5)
    if found:
        log.warning("ended %d LibreOffice process(es) left running", len(found))
    return len(found)


def start_instance(soffice: str, profile: Path, work: Path, startup_timeout: float) -> Instance:
    """A headless LibreOffice on ``profile``, listening on a pipe of its own, ready.

    It keeps a tiny document open (in ``work``, beside its log ``soffice.log``):
    without one, LibreOffice quits after the first conversion handed over to it.
    Raises ``LibreOfficeStartFailed`` (never « install LibreOffice »: it is there).
    """
    name = f"amoor-{os.getpid()}-{uuid.uuid4().hex[:12]}"
    keep_open = work / f"{name}.txt"
    keep_open.write_text("amoor\n", encoding="utf-8")
    log_path = work / "soffice.log"
    command = [
        soffice,
        profile_argument(profile),
        "--headless",
        "--invisible",
        "--nologo",
        "--norestore",
        f"--accept=pipe,name={name};urp;",
        str(keep_open),
    ]
    started = time.monotonic()
    try:
        with log_path.open("ab") as log_file:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
    except OSError as exc:
        raise LibreOfficeStartFailed(
            f"LibreOffice ({soffice}) ne peut pas être lancé ({exc.strerror or exc})"
        ) from exc
    instance = Instance(process, name, keep_open)
    while not instance.ready():
        if not instance.alive():
            log.warning("LibreOffice exited at start: %s", log_tail(log_path))
            raise LibreOfficeStartFailed(
                f"LibreOffice s'est arrêté dès son démarrage (code {process.returncode})"
            )
        if time.monotonic() - started > startup_timeout:
            instance.stop()
            raise LibreOfficeStartFailed(f"LibreOffice n'a pas démarré en {startup_timeout:.0f} s")
        time.sleep(0.05)
    log.info("LibreOffice started in %.1f s", time.monotonic() - started)
    return instance


def log_tail(path: Path, lines: int = 5) -> str:
    """The last lines of LibreOffice's log, for a message (French), or ""."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    last = [line for line in text.splitlines() if line.strip()][-lines:]
    return f"(journal de LibreOffice : {' / '.join(last)})" if last else ""
