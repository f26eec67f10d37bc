"""One dropped file, from its bytes to where it goes: exactly once per content.

::

    sha256 of the bytes ──known──▶ « doublon » : moved to inbox/traités/, nothing run
          │ new
          ▼
    build() (the same as ``amoor build``) ──AmoorError──▶ inbox/erreurs/ + French report
          │ committed
          ▼
    recorded in .amoor/depot.sqlite3, then moved to inbox/traités/

The order is what makes a kill harmless: the content is recorded only after
the outbox commit, and the workbook leaves ``inbox/`` only after it is
recorded. Killed before the record, the workbook is still in ``inbox/`` and is
built again at the next start (same files, the same invoice number: the
ledger numbers an engagement once); killed after it, the next start finds its
content known and only moves it. A workbook saved again while it was being
built is left in ``inbox/`` and built again, its new content unrecorded.

Two workers never build the same content at once: the second waits for the
first, then finds it known.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.atomic import atomic_write
from pipeline.errors import AmoorError, WorkbookError
from pipeline.tracked.bases import Bases
from pipeline.watch import inbox, wording
from pipeline.watch.outcome import Kind, Outcome
from pipeline.watch.processed import Depot, Done
from pipeline.workbook.sniff import truncated_message
from pipeline.workspace import Workspace

if TYPE_CHECKING:
    from pipeline.build import BuildResult
    from pipeline.invoicing.billing import PdfService

    Build = Callable[..., BuildResult]

log = logging.getLogger(__name__)


class Handling:
    """Processes dropped files in one workspace; shared by every worker thread."""

    def __init__(
        self,
        workspace: Workspace,
        today: Callable[[], date],
        now: Callable[[], datetime],
        *,
        build: Build | None = None,
        with_pdf: bool = False,
    ) -> None:
        if build is None:
            from pipeline.build import build as build_workbook

            build = build_workbook
        self.workspace = workspace
        self.depot = Depot.of(workspace)
        self._today = today
        self._now = now
        self._build = build
        self._with_pdf = with_pdf
        self._turns = threading.Condition()
        self._busy: set[str] = set()

    def now(self) -> datetime:
        return self._now()

    @property
    def processed(self) -> Path:
        return self.workspace.inbox / inbox.PROCESSED_FOLDER

    @property
    def errors(self) -> Path:
        return self.workspace.inbox / inbox.ERRORS_FOLDER

    def handle(self, path: Path, pdf: PdfService | None) -> Outcome | None:
        """Process ``path``; None when it vanished before it could be read."""
        started = time.perf_counter()
        try:
            sha = inbox.content_digest(path)
        except FileNotFoundError:
            return None
        with self._turn(sha):
            earlier = self.depot.done(sha)
            if earlier is not None:
                moved = inbox.move_aside(path, self.processed)
                self._retire_report(path.name)  # its content is done: the old report goes
                return Outcome(
                    Kind.DUPLICATE, path.name, self._now(), moved_to=moved, earlier=earlier
                )
            try:
                result = self._build(
                    path, self.workspace, self._today(), pdf, with_pdf=self._with_pdf
                )
            except AmoorError as error:
                return self._reject(path, error, started)
            except Exception:
                log.exception("unexpected failure on %s", path)
                return self._reject(path, None, started)
            try:
                after = inbox.content_digest(path)
            except FileNotFoundError:
                after = None
            if after != sha:
                return Outcome(Kind.CHANGED, path.name, self._now(), time.perf_counter() - started)
            mission = result.engagement.mission
            commits = [c for c in (result.commit, *result.other_commits) if c is not None]
            folder = result.commit.folder if result.commit else None
            self.depot.record(
                Done(sha, path.name, mission.reference, folder.name if folder else "", self._now())
            )
            moved = inbox.move_aside(path, self.processed)
            self._retire_report(path.name)
            Bases(self.workspace.state.bases).prune(self.workspace.outbox)  # tracked/bases.py
            return Outcome(
                Kind.PROCESSED,
                path.name,
                self._now(),
                time.perf_counter() - started,
                offer=str(mission.offer),
                reference=mission.reference,
                folder=folder,
                written=tuple(p for c in commits for p in c.written),
                kept=tuple(k for c in commits for k in c.kept),
                tracked=tuple(t for c in commits for t in c.tracked),
                invoice=result.invoice_number,
                notices=(
                    *result.engagement.warnings,
                    *result.analysis.warnings,
                    *result.notices,
                ),
                moved_to=moved,
            )

    def unreadable(self, path: Path) -> Outcome | None:
        """A file whose zip never opened within the timeout: a bad input."""
        if not path.exists():
            return None
        return self._reject(path, AmoorError(truncated_message(path.name)), time.perf_counter())

    @contextmanager
    def _turn(self, sha: str) -> Iterator[None]:
        with self._turns:
            while sha in self._busy:
                self._turns.wait()
            self._busy.add(sha)
        try:
            yield
        finally:
            with self._turns:
                self._busy.discard(sha)
                self._turns.notify_all()

    def _reject(self, path: Path, error: AmoorError | None, started: float) -> Outcome:
        """Move ``path`` to inbox/erreurs/ with its French report beside it (written first)."""
        at = self._now()
        if isinstance(error, WorkbookError):
            text = error.report(limit=len(error.problems))  # every problem, in the report
        elif error is None:
            text = wording.INTERNAL_ERROR
        else:
            text = str(error)
        self._retire_report(path.name)
        report = self.errors / inbox.report_name(path.name)
        self.errors.mkdir(parents=True, exist_ok=True)
        atomic_write(report, wording.report(path.name, text, at).encode("utf-8"))
        moved = inbox.move_aside(path, self.errors)
        return Outcome(
            Kind.REJECTED,
            path.name,
            at,
            time.perf_counter() - started,
            reason=wording.reason(error),
            moved_to=moved,
            report=report,
        )

    def _retire_report(self, name: str) -> None:
        """An earlier rejection of a workbook of this name goes to « anciennes versions »."""
        old = self.errors / inbox.OLD_VERSIONS_FOLDER
        for leftover in (self.errors / name, self.errors / inbox.report_name(name)):
            if leftover.is_file():
                inbox.move_aside(leftover, old)
