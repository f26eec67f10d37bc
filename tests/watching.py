"""A real watcher on a temporary workspace, for the tests: started in a thread, its outcomes
collected, stopped at the end; and the workbooks dropped into it."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest

from pipeline.watch.handling import Handling
from pipeline.watch.outcome import Kind, Outcome
from pipeline.watch.watcher import Settings, Watcher
from pipeline.workspace import Workspace
from tests.conftest import EXAMPLES, TODAY
from tests.samples import set_mission_field

BROKEN = Path(__file__).resolve().parent / "data" / "broken"
VALID = BROKEN / "valid.xlsx"  # a small Concertation, « Facture » = Proforma
INVOICED = next(p for p in EXAMPLES if "arretee" in p.name)  # « Facture » = « À émettre »
NOW = datetime(2026, 11, 25, 10, 30)

# `make test-later` runs the suite under libfaketime 0.9.10, which fakes the monotonic
# clock but not sem_clockwait, which Python 3.11 uses for every wait with a timeout in a
# thread (an Event, a Queue, a Lock): such a wait never ends there. The watcher's
# threads wait so. Their dates are TODAY and NOW, never the clock: the day cannot change
# what they test, and `make test` runs them all.
needs_thread_waits = pytest.mark.skipif(
    "faketime" in os.environ.get("LD_PRELOAD", ""),
    reason="sous libfaketime (make test-later), les attentes avec délai des threads ne "
    "finissent jamais : le dossier de dépôt est testé par make test",
)
_BOTH = pytest.mark.parametrize("polling", [False, True], ids=["native", "polling"])


def OBSERVERS(test: Callable[..., None]) -> Callable[..., None]:
    """Run ``test`` with watchdog's native observer and with the polling one."""
    return needs_thread_waits(_BOTH(test))


@dataclass
class Running:
    watcher: Watcher
    outcomes: list[Outcome] = field(default_factory=list)

    def of(self, kind: Kind) -> list[Outcome]:
        return [o for o in list(self.outcomes) if o.kind is kind]

    def wait(self, condition: Callable[[], bool], timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                kinds = [(o.kind.value, o.name) for o in self.outcomes]
                raise AssertionError(f"timed out; outcomes so far: {kinds}")
            time.sleep(0.05)

    def wait_for(self, kind: Kind, count: int = 1, timeout: float = 60) -> list[Outcome]:
        self.wait(lambda: len(self.of(kind)) >= count, timeout)
        return self.of(kind)

    def settle(self, seconds: float = 1.0) -> None:
        """Give the watcher time to do anything more it would (wrongly) do."""
        time.sleep(seconds)


@contextmanager
def watching(
    workspace: Workspace,
    polling: bool,
    *,
    build: Callable[..., object] | None = None,
    jobs: int = 1,
    unreadable_after: float = 2.0,
    rescan_every: float = 60.0,
) -> Iterator[Running]:
    handling = Handling(workspace, lambda: TODAY, lambda: NOW, build=build)  # type: ignore[arg-type]
    settings = Settings(
        jobs=jobs,
        polling=polling,
        window=0.2,
        unreadable_after=unreadable_after,
        rescan_every=rescan_every,
        poll_interval=0.2,
    )
    outcomes: list[Outcome] = []
    # No LibreOffice in-process: the .docx deliverables, invoices numbered all the same.
    watcher = Watcher(handling, settings, outcomes.append, lambda: None)
    thread = threading.Thread(target=watcher.run, name="watcher-under-test")
    thread.start()
    running = Running(watcher, outcomes)
    try:
        running.wait(lambda: watcher.observer is not None and watcher.observer.is_alive(), 10)
        yield running
    finally:
        watcher.stop()
        thread.join(120)
        assert not thread.is_alive(), "the watcher did not stop"


def workbook(target: Path, reference: str, source: Path = VALID) -> Path:
    """``source`` with its own Référence: another engagement, other bytes."""
    return set_mission_field(source, target, "Référence", reference)


def drop(source: Path, inbox: Path, name: str | None = None) -> Path:
    """Move ``source`` into ``inbox`` at once, as a finished copy arrives."""
    target = inbox / (name or source.name)
    source.replace(target)
    return target


def copy_into(source: Path, inbox: Path, name: str, scratch: Path) -> Path:
    """A copy of ``source`` dropped atomically as ``name``."""
    staged = scratch / f".staged-{name}"
    staged.write_bytes(source.read_bytes())
    return drop(staged, inbox, name)


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())
