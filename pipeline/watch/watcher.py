"""The resident process: watchdog events in, one outcome per dropped file out.

Threads, and what each may do:

- the **observer** (watchdog's; native, or polling for network shares): its
  handler only puts a path in a queue. A handler that raises kills the
  observer silently; nothing here raises, and the supervisor restarts a dead
  observer all the same;
- the **loop** (:meth:`Watcher.run`, the caller's thread): takes the queued
  paths, follows each until it is complete (:class:`~.inbox.Settling`),
  hands complete files to the workers, no more at once than there are
  workers, rescans the inbox at start and periodically (events are missed:
  Windows' buffer overflow, NFS, a restarted observer), and supervises the
  observer;
- the **workers** (``jobs`` of them): each keeps its own LibreOffice warm
  (a :class:`~pipeline.invoicing.billing.PdfService`) and processes one file
  at a time (:class:`~.handling.Handling`). An exception is logged and the
  worker goes on.

:meth:`Watcher.stop` (Ctrl-C, SIGTERM) lets each worker finish the file it
is on; files not started stay in ``inbox/`` for the next start. One watcher
per workspace: :func:`watch_lock`.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from filelock import FileLock, Timeout
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from pipeline.errors import AmoorError
from pipeline.watch import inbox, wording
from pipeline.watch.handling import Handling
from pipeline.watch.outcome import Kind, Outcome
from pipeline.watch.processed import Entry
from pipeline.workspace import Workspace

if TYPE_CHECKING:
    from pipeline.invoicing.billing import PdfService

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Settings:
    jobs: int = 1  # workers: files processed at once
    polling: bool = False  # poll the folder (network shares) instead of native events
    once: bool = False  # process what is in inbox/, then return
    window: float = 0.25  # size and mtime unchanged this long: the file is complete
    unreadable_after: float = 30.0  # a zip that never opens is a bad input after this
    rescan_every: float = 30.0  # look at inbox/ itself, for missed events
    poll_interval: float = 0.5  # the polling observer's period
    tick: float = 0.05  # the loop's period


@dataclass(frozen=True)
class Summary:
    counts: Counter[Kind]
    waiting: int  # files still in inbox/, for the next start


class AlreadyWatching(AmoorError):
    """Another ``amoor watch`` serves this workspace."""


@contextmanager
def watch_lock(workspace: Workspace) -> Iterator[None]:
    """Held while a watcher serves ``workspace``; released by the system if it is killed."""
    workspace.state.root.mkdir(parents=True, exist_ok=True)
    lock = FileLock(workspace.state.watch_lock, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        pid = running(workspace)
        who = f" (processus {pid})" if pid else ""
        raise AlreadyWatching(
            f"Un autre « amoor watch »{who} surveille déjà le dossier inbox/ de l'espace de "
            f"travail {workspace.root} : celui-ci s'arrête. Un seul suffit ; « amoor statut » "
            f"montre ce qu'il a fait."
        ) from None
    pid_file = workspace.state.watch_pid
    try:
        pid_file.write_text(str(os.getpid()), encoding="utf-8")
        yield
    finally:
        with suppress(OSError):
            pid_file.unlink()
        lock.release()


def running(workspace: Workspace) -> int | None:
    """The pid of the watcher serving ``workspace`` (0 when unknown), or None if there is none."""
    lock = FileLock(workspace.state.watch_lock, timeout=0)
    if not (workspace.state.watch_lock).exists():
        return None
    try:
        with lock:
            return None
    except Timeout:
        try:
            return int((workspace.state.watch_pid).read_text(encoding="utf-8").strip() or 0)
        except (OSError, ValueError):
            return 0


class _Handler(FileSystemEventHandler):
    """Only enqueues: created, and moved-to (Excel's save renames its temp file)."""

    def __init__(self, enqueue: Callable[[str], None]) -> None:
        self._enqueue = enqueue

    def on_created(self, event: FileSystemEvent) -> None:
        if not event.is_directory:
            self._enqueue(os.fsdecode(event.src_path))

    def on_moved(self, event: FileSystemEvent) -> None:
        if not event.is_directory:
            self._enqueue(os.fsdecode(event.dest_path))


Report = Callable[[Outcome], None]


class Watcher:
    def __init__(
        self,
        handling: Handling,
        settings: Settings,
        report: Report,
        pdf: Callable[[], PdfService | None],
        *,
        clock: Callable[[], float] = time.monotonic,
        host: str | None = None,
    ) -> None:
        self.handling = handling
        self.settings = settings
        self.inbox = handling.workspace.inbox
        self.counts: Counter[Kind] = Counter()
        self.observer: BaseObserver | None = None
        self.restarts = 0  # observers found dead and replaced
        self.busiest = 0  # the most files processed at once
        self._report = report
        self._pdf = pdf
        self._clock = clock
        self._host = host
        self._events: queue.SimpleQueue[Path] = queue.SimpleQueue()
        self._settling = inbox.Settling(clock, settings.window, settings.unreadable_after)
        self._ready: deque[tuple[Path, inbox.State]] = deque()
        self._work: queue.Queue[tuple[Path, inbox.State] | None] = queue.Queue()
        self._taken: set[Path] = set()  # ready, queued or being processed
        self._busy = 0
        self._running = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._workers: list[threading.Thread] = []

    # -- what other threads call ------------------------------------------------

    def enqueue(self, path: str | Path) -> None:
        """A path seen in the inbox (the observer's handler calls this, and only this)."""
        self._events.put(Path(path))

    def stop(self) -> None:
        """Stop after the current files (safe from a signal handler or another thread)."""
        self._stopping.set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    # -- the loop ----------------------------------------------------------------

    def run(self) -> Summary:
        settings = self.settings
        for number in range(max(1, settings.jobs)):
            worker = threading.Thread(target=self._serve, name=f"amoor-worker-{number + 1}")
            worker.daemon = True  # a second Ctrl-C leaves at once; writes are atomic anyway
            worker.start()
            self._workers.append(worker)
        if not settings.once:
            self._start_observer()
        self._scan()
        next_scan = self._clock() + settings.rescan_every
        try:
            while not self._stopping.is_set():
                self._take_events()
                self._supervise()
                self._dispatch()
                if self._clock() >= next_scan:
                    self._scan()
                    next_scan = self._clock() + settings.rescan_every
                if settings.once and self._idle():
                    break
                self._stopping.wait(settings.tick)
        finally:
            self._shut_down()
        waiting = sum(1 for _ in inbox.dropped(self.inbox, self._host))
        return Summary(Counter(self.counts), waiting)

    def _start_observer(self) -> None:
        settings = self.settings
        observer: BaseObserver = (
            PollingObserver(timeout=settings.poll_interval) if settings.polling else Observer()
        )
        observer.schedule(_Handler(self.enqueue), str(self.inbox), recursive=False)
        observer.daemon = True
        observer.start()
        self.observer = observer

    def _supervise(self) -> None:
        if self.observer is None or self.observer.is_alive():
            return
        log.warning("the inbox observer died: restarted, inbox rescanned")
        with suppress(Exception):
            self.observer.stop()
        self.restarts += 1
        self._start_observer()
        self._scan()  # what arrived while it was dead

    def _scan(self) -> None:
        for path in inbox.dropped(self.inbox, self._host):
            self._events.put(path)

    def _take_events(self) -> None:
        while True:
            try:
                path = self._events.get_nowait()
            except queue.Empty:
                return
            if path.parent != self.inbox or inbox.ignored(path.name, self._host):
                continue
            with self._lock:
                taken = path in self._taken
            if not taken and path.exists() and self._settling.notice(path):
                self._emit(Outcome(Kind.RECEIVED, path.name, self.handling.now()))

    def _dispatch(self) -> None:
        for path, state in self._settling.check():
            if state is not inbox.State.GONE:
                self._ready.append((path, state))
                with self._lock:
                    self._taken.add(path)
        while self._ready and not self._stopping.is_set():
            with self._lock:
                if self._busy >= len(self._workers):
                    return
                self._busy += 1
            self._work.put(self._ready.popleft())

    def _idle(self) -> bool:
        with self._lock:
            busy = self._busy
        return not busy and not self._ready and not len(self._settling) and self._events.empty()

    def _shut_down(self) -> None:
        if self.observer is not None:
            with suppress(Exception):
                self.observer.stop()
        while True:  # files not started stay in inbox/
            try:
                if self._work.get_nowait() is not None:
                    with self._lock:
                        self._busy -= 1
            except queue.Empty:
                break
        for _ in self._workers:
            self._work.put(None)
        for worker in self._workers:
            worker.join()
        if self.observer is not None:
            with suppress(Exception):
                self.observer.join(timeout=5)

    # -- the workers ---------------------------------------------------------------

    def _serve(self) -> None:
        pdf = self._pdf()
        try:
            while (item := self._work.get()) is not None:
                self._process(*item, pdf)
        finally:
            if pdf is not None:
                pdf.close()

    def _process(self, path: Path, state: inbox.State, pdf: PdfService | None) -> None:
        with self._lock:
            self._running += 1
            self.busiest = max(self.busiest, self._running)
        outcome: Outcome | None = None
        try:
            if state is inbox.State.READY:
                outcome = self.handling.handle(path, pdf)
            else:
                outcome = self.handling.unreadable(path)
        except Exception as error:  # the watcher serves the next file all the same
            log.exception("processing %s failed", path)
            reason = str(error) if isinstance(error, AmoorError) else "erreur interne d'amoor"
            outcome = Outcome(Kind.FAILED, path.name, self.handling.now(), reason=reason)
        finally:
            if outcome is not None:
                self._emit(outcome)
            if outcome is not None and outcome.kind is Kind.CHANGED:
                self._events.put(path)  # its new content, from the start
            with self._lock:
                self._taken.discard(path)
                self._running -= 1
                self._busy -= 1

    def _emit(self, outcome: Outcome) -> None:
        with self._lock:
            self.counts[outcome.kind] += 1
        try:
            line = wording.line(outcome, self.handling.workspace.outbox)
            self.handling.depot.write(Entry(outcome.at, outcome.name, outcome.kind.value, line))
        except AmoorError as error:
            log.warning("journal not written: %s", error)
        try:
            self._report(outcome)
        except Exception:
            log.exception("reporting %s failed", outcome.name)
