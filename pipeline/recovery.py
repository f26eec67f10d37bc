"""Start-up recovery: what an interrupted run left behind is finished or cleared.

Every command that works in a workspace runs :func:`recover` first:

- every issued piece of the ledger (invoice, credit note) whose documents are
  missing from the outbox is rendered again from the ledger's record and
  written: a run killed after its number was recorded and before its files
  were written leaves a number with no document only until the next command;
- the temp files of writes that a kill interrupted are removed;
- LibreOffice processes left running by a killed process are ended.

An engagement that another live process is writing right now (its lock is
held) is left to that process.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from filelock import Timeout

from pipeline.atomic import remove_stale_temp_files
from pipeline.invoicing.billing import PdfService, missing_files, record_folder, restore_missing
from pipeline.invoicing.ledger import Ledger
from pipeline.invoicing.records import InvoiceRecord
from pipeline.office_processes import sweep
from pipeline.outbox import commit
from pipeline.workspace import Workspace

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Restored:
    """An issued piece whose missing documents were written again from the ledger."""

    number: str
    reference: str
    written: tuple[Path, ...]
    notices: tuple[str, ...]  # French: what could not be made (the PDF without LibreOffice…)


@dataclass(frozen=True)
class Recovery:
    restored: tuple[Restored, ...] = ()
    temp_files: int = 0  # temp files of interrupted writes, removed
    libreoffice_ended: int = 0  # LibreOffice processes of killed runs, ended


def recover(workspace: Workspace, pdf: PdfService) -> Recovery:
    """Finish or clear what interrupted runs left in ``workspace``."""
    ended = sweep(workspace.state.libreoffice)
    temp_files = remove_stale_temp_files(workspace.outbox)
    restored = tuple(
        done
        for record in _issued(workspace)
        if (done := _restore(record, workspace, pdf)) is not None
    )
    return Recovery(restored, temp_files, ended)


def _issued(workspace: Workspace) -> list[InvoiceRecord]:
    if not Ledger.of(workspace).path.exists():
        return []
    return Ledger.of(workspace).list_invoices()


def _restore(record: InvoiceRecord, workspace: Workspace, pdf: PdfService) -> Restored | None:
    # A piece whose PDF is missing because LibreOffice is not installed is
    # reported by the build of its workbook, not at every command.
    if not missing_files(record, workspace, with_pdf=pdf.installed):
        return None
    folder = record_folder(workspace, record)
    try:
        with workspace.engagement_lock(record.reference, timeout=0):
            notices: list[str] = []
            placed = restore_missing(record, workspace, pdf, notices)
            if not placed:
                return None
            done = commit(folder, [item.document for item in placed])
    except Timeout:
        return None  # its own process is writing it now
    if not done.written:
        return None
    log.warning("restored %s from the ledger: %s", record.number, [p.name for p in done.written])
    return Restored(record.number, record.reference, done.written, tuple(notices))
