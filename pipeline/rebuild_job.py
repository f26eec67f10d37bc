"""One engagement rebuilt from the workbook kept in its folder: the job, its outcome.

rebuild.py plans the jobs and runs them, here or in a pool of worker processes
(rebuild_worker.py); both run :func:`run_job`, which lives here so that neither
the planner nor the worker imports the other's module.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import model as m
from pipeline.errors import AmoorError
from pipeline.manifest import digest, recorded
from pipeline.outbox import Tracked
from pipeline.provenance import PROFORMA
from pipeline.state import LOG_SHOWN
from pipeline.workspace import Workspace

if TYPE_CHECKING:
    from pipeline.invoicing.billing import PdfService

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """One engagement to rebuild from the workbook kept in its folder."""

    folder: Path
    reference: str
    workbook: Path
    # The deliverables out of date; every deliverable when ``everything`` (the manifest
    # does not say what made them: written by an earlier amoor).
    stale: frozenset[str] = frozenset()
    everything: bool = False


@dataclass(frozen=True)
class Outcome:
    """What the rebuild of one engagement did; ``error`` (French) when it failed."""

    folder: Path
    reference: str
    written: tuple[Path, ...] = ()
    kept: tuple[tuple[Path, Path], ...] = ()  # (edited by hand, where the new version went)
    tracked: tuple[Tracked, ...] = ()  # the tracked update of each hand-edited .docx
    backed_up: tuple[tuple[Path, Path], ...] = ()  # (replaced, its dated backup): --force
    notices: tuple[str, ...] = ()
    error: str = ""


def rebuild_engagement(
    job: Job,
    workspace: Workspace,
    today: date,
    pdf: PdfService | None = None,
    *,
    force: bool = False,
    with_pdf: bool = False,
) -> Outcome:
    """Redo the out-of-date deliverables of one engagement, from its kept workbook.

    read -> analyse -> render (only what is out of date) -> write, as build.py,
    without issuing anything: the proforma is redone, the ledger's pieces stay.
    """
    from pipeline.analysis.overview import analyse
    from pipeline.build import (
        DELIVERABLES,
        engagement_turn,
        render_all,
        tracker,
    )
    from pipeline.build import write_placed as write
    from pipeline.invoicing.billing import Placed
    from pipeline.invoicing.pieces import bill
    from pipeline.layout import lay_out
    from pipeline.workbook.reader import read_workbook
    from pipeline.workbook.sniff import read_source

    data = read_source(job.workbook)
    engagement = read_workbook(data, job.workbook.name)
    analysis = analyse(engagement)
    made = recorded(job.folder).made
    source = digest(data)
    names = {d.file_name(engagement) for d in DELIVERABLES[engagement.offer]}
    wanted = names if job.everything else {n for n in names if n in job.stale or n not in made}
    documents = render_all(engagement, analysis, workspace, today, source, only=wanted)
    placed = [Placed(job.folder, d) for d in documents]
    notices: list[str] = []
    reference = engagement.mission.reference
    with engagement_turn(workspace, reference):
        if _proforma_wanted(engagement, job, made):
            billing = bill(engagement, workspace, today, pdf, job.workbook.name, source)
            placed += [p for p in billing.documents if p.folder == job.folder]
            notices += [*billing.pricing_warnings, *billing.notices]
        placed, pdf_notices = lay_out(
            placed, pdf, numbered=workspace.config.page_numbers, with_pdf=with_pdf
        )
        notices += pdf_notices
        tracking = tracker(workspace, today)  # hand-edited documents get a tracked update
        home, others = write(
            placed, job.folder, None, reference, tracking, today if force else None
        )
    commits = [c for c in (home, *others) if c is not None]
    return Outcome(
        job.folder,
        reference,
        written=tuple(p for c in commits for p in c.written),
        kept=tuple(k for c in commits for k in c.kept),
        tracked=tuple(t for c in commits for t in c.tracked),
        backed_up=tuple(b for c in commits for b in c.backed_up),
        notices=tuple(notices),
    )


def _proforma_wanted(engagement: m.Engagement, job: Job, made: dict[str, tuple[str, str]]) -> bool:
    """A proforma is redone when the engagement asks for one and its inputs changed.

    ``bill`` never numbers a proforma engagement; « À émettre » ones are left to
    ``amoor build``: a rebuild issues nothing.
    """
    if engagement.mission.invoice_mode is not m.InvoiceMode.PROFORMA:
        return False
    drafts = [n for n, (r, _) in made.items() if r.startswith(f"{PROFORMA}:")]
    return job.everything or not drafts or any(n in job.stale for n in drafts)


def run_job(
    job: Job,
    workspace: Workspace,
    today: date,
    pdf: PdfService | None = None,
    *,
    force: bool = False,
    with_pdf: bool = False,
) -> Outcome:
    """:func:`rebuild_engagement`, its failure turned into its outcome (French)."""
    try:
        return rebuild_engagement(job, workspace, today, pdf, force=force, with_pdf=with_pdf)
    except AmoorError as error:
        return Outcome(job.folder, job.reference, error=str(error))
    except Exception:  # a bug must not stop the other engagements
        log.exception("unexpected failure rebuilding %s", job.folder)
        return Outcome(
            job.folder,
            job.reference,
            error=f"erreur interne d'amoor (le détail est dans {LOG_SHOWN} ; "
            "transmettez-le à l'équipe technique).",
        )
