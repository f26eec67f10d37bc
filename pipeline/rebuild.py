"""Rebuild the engagements kept in ``outbox/``: plan what is out of date, then redo only that.

``make`` for documents. :func:`plan` reads each engagement folder's manifest
(what amoor made there, and from what: provenance.py) and the digest of the
workbook copy kept beside the deliverables, and compares the inputs each
deliverable was made from with those the workspace has now. Nothing is
opened but the manifests, the workbook copies (their bytes hashed, not read
as workbooks) and the templates (hashed once). The result is a value: the
engagements to redo, with the deliverables of each that are out of date; the
engagements that are up to date; those that cannot be rebuilt, and why.

:func:`execute` maps :func:`rebuild_job.rebuild_engagement` over the plan's jobs, in a
pool of processes (``jobs``), each job independent: a failure is its
outcome, never the end of the others. Each worker keeps its templates
prepared (render/prepared.py) and, with ``--pdf``, one LibreOffice warm for
all its jobs.

A rebuild never issues an invoice and never touches an issued one: it redoes
the proforma (the catalogue prices it), the ledger's pieces are the ledger's.
A deliverable edited by hand is never overwritten (outbox.py): its new
version goes beside it, or, forced, replaces it once the edited file is kept
under a dated name.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.manifest import MANIFEST, Recorded, digest, recorded
from pipeline.provenance import DOCUMENT, PRICED, Inputs, Recipe
from pipeline.rebuild_job import Job, Outcome, run_job
from pipeline.state import LOG_SHOWN
from pipeline.workspace import Workspace

if TYPE_CHECKING:
    from pipeline.invoicing.billing import PdfService

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Plan:
    jobs: tuple[Job, ...] = ()
    unchanged: tuple[Path, ...] = ()  # engagement folders up to date
    refused: tuple[Outcome, ...] = ()  # cannot be rebuilt (no workbook copy, unknown Référence)


def plan(
    workspace: Workspace,
    references: tuple[str, ...] = (),
    *,
    force: bool = False,
    with_pdf: bool = False,
) -> Plan:
    """What a rebuild of ``workspace`` has to do (every engagement, or those of ``references``).

    ``force``: a deliverable edited by hand is out of date (to be replaced);
    ``with_pdf``: so is a ``.docx`` without its PDF.
    """
    inputs = Inputs(workspace)
    jobs: list[Job] = []
    unchanged: list[Path] = []
    refused: list[Outcome] = []
    found: set[str] = set()
    for folder in _engagement_folders(workspace.outbox):
        record = recorded(folder)
        if not record.source or (references and record.reference not in references):
            continue  # a folder of issued pieces only, or another engagement's
        found.add(record.reference)
        workbook = folder / record.source
        try:
            source = digest(workbook.read_bytes())
        except OSError as error:
            refused.append(_no_workbook(record, workbook, error))
            continue
        if not record.made:
            jobs.append(Job(folder, record.reference, workbook, everything=True))
            continue
        stale = _stale(record, source, inputs, force=force, with_pdf=with_pdf)
        if stale:
            jobs.append(Job(folder, record.reference, workbook, frozenset(stale)))
        else:
            unchanged.append(folder)
    for reference in references:
        if reference not in found:
            refused.append(
                Outcome(
                    workspace.outbox,
                    reference,
                    error=f"aucune mission de Référence « {reference} » dans "
                    f"{workspace.outbox} : vérifiez la Référence, ou produisez ses livrables "
                    f"avec « amoor build » sur son classeur.",
                )
            )
    return Plan(tuple(jobs), tuple(unchanged), tuple(refused))


def _engagement_folders(outbox: Path) -> list[Path]:
    try:
        entries = sorted(os.scandir(outbox), key=lambda entry: entry.name)
    except FileNotFoundError:
        return []
    return [Path(e.path) for e in entries if e.is_dir() and Path(e.path, MANIFEST).is_file()]


def _no_workbook(record: Recorded, workbook: Path, error: OSError) -> Outcome:
    return Outcome(
        record.folder,
        record.reference,
        error=f"la copie du classeur « {workbook.name} » est illisible ou absente dans "
        f"« {record.folder} » ({error.strerror or error}) : relancez « amoor build » sur "
        f"le classeur de la mission.",
    )


def _stale(
    record: Recorded, source: str, inputs: Inputs, *, force: bool, with_pdf: bool
) -> set[str]:
    """The deliverables of ``record`` whose inputs changed, or whose file is missing."""
    stale: set[str] = set()
    for name, (recipe_text, made_from) in record.made.items():
        recipe = Recipe.parse(recipe_text)
        word = recipe is not None and recipe.kind in (DOCUMENT, PRICED)
        follower = word and name.endswith(".pdf")
        leader = name.removesuffix(".pdf") + ".docx" if follower else name
        if follower and not with_pdf:
            continue  # a PDF is made again with its .docx, when --pdf asks for PDFs
        path = record.folder / name
        try:
            current = recipe is not None and inputs.of(recipe, source) == made_from
        except OSError:  # a template gone: the render says so, in French
            current = False
        if not current or not path.exists():
            stale.add(leader)
        elif force and digest(path.read_bytes()) != record.files.get(name):
            stale.add(leader)  # edited by hand: replaced, once kept under a dated name
        elif with_pdf and name.endswith(".docx") and f"{name[:-5]}.pdf" not in record.made:
            stale.add(name)  # asked for its PDF, which it lacks
    return stale


def execute(
    the_plan: Plan,
    workspace: Workspace,
    today: date,
    *,
    jobs: int = 1,
    pdf: PdfService | None = None,
    force: bool = False,
    with_pdf: bool = False,
) -> Iterator[Outcome]:
    """Each job's outcome as it is done: in this process (``jobs`` 1, or one job), or in
    a pool of ``jobs`` processes, each with its own LibreOffice when ``with_pdf``."""
    yield from _outcomes(the_plan, workspace, today, jobs, pdf, force, with_pdf)
    if the_plan.jobs:
        from pipeline.build import forget_bases

        forget_bases(workspace)


def _outcomes(
    the_plan: Plan,
    workspace: Workspace,
    today: date,
    jobs: int,
    pdf: PdfService | None,
    force: bool,
    with_pdf: bool,
) -> Iterator[Outcome]:
    pending = list(the_plan.jobs)
    if jobs <= 1 or len(pending) <= 1:
        for job in pending:
            yield run_job(job, workspace, today, pdf, force=force, with_pdf=with_pdf)
        return
    from pipeline import rebuild_worker

    context = multiprocessing.get_context(
        "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    )
    if context.get_start_method() == "forkserver":
        # The server imports the pipeline once; each worker is a fork of it, ready.
        context.set_forkserver_preload(["pipeline.rebuild_worker"])
    with ProcessPoolExecutor(
        max_workers=min(jobs, len(pending)),
        mp_context=context,
        initializer=rebuild_worker.start,
        initargs=(workspace.root, with_pdf),
    ) as pool:
        futures = {
            pool.submit(rebuild_worker.run, job, today, force, with_pdf): job for job in pending
        }
        for future in as_completed(futures):
            job = futures[future]
            try:
                yield future.result()
            except BrokenProcessPool:
                yield Outcome(
                    job.folder,
                    job.reference,
                    error="le processus qui la reconstruisait s'est arrêté (mémoire "
                    "insuffisante ?) : relancez « amoor rebuild » pour cette mission.",
                )
            except Exception:  # the worker could not start (its log, its workspace)
                log.exception("rebuild worker failed on %s", job.folder)
                yield Outcome(
                    job.folder,
                    job.reference,
                    error="le processus de reconstruction n'a pas pu démarrer (le détail est "
                    f"dans {LOG_SHOWN}) : relancez avec --jobs 1.",
                )
