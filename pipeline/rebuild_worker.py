"""A worker process of ``amoor rebuild``: what it keeps for all the jobs it runs.

Each worker opens the workspace once, keeps its templates prepared
(render/prepared.py caches them per process) and, with ``--pdf``, one
LibreOffice warm in a profile of its own (a slot, office_processes.py),
stopped when the pool ends the worker. The state is this process's own: a
worker runs one job at a time.
"""

from __future__ import annotations

import logging
import multiprocessing.util
from datetime import date
from pathlib import Path

# Imported by the forkserver before it forks the workers: each starts with them loaded.
import pipeline.build  # noqa: F401
from pipeline.invoicing.billing import PdfService
from pipeline.rebuild_job import Job, Outcome, run_job
from pipeline.state import State
from pipeline.workspace import Workspace

_workspace: Workspace | None = None
_pdf: PdfService | None = None


def start(root: Path, with_pdf: bool) -> None:
    """The pool's initializer: the workspace, the developers' log, LibreOffice (not started)."""
    global _workspace, _pdf
    _workspace = Workspace.open(root)
    logging.captureWarnings(True)  # third-party warnings to the log, never on the terminal
    log_file = State.of(root).log
    log_file.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(log_file, encoding="utf-8", delay=True)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
    )
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(logging.INFO)
    if with_pdf:
        _pdf = PdfService(_workspace.state.libreoffice)  # started on the first PDF
        # Run when the pool ends this process (multiprocessing skips atexit handlers).
        multiprocessing.util.Finalize(_pdf, _pdf.close, exitpriority=10)


def run(job: Job, today: date, force: bool, with_pdf: bool) -> Outcome:
    if _workspace is None:
        raise RuntimeError("rebuild_worker.start() was not called in this process")
    return run_job(job, _workspace, today, _pdf, force=force, with_pdf=with_pdf)
