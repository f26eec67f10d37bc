"""The flow: workbook → validated model → documents in memory → outbox.

:func:`build` is the whole trip of one workbook; everything it calls is either
pure (contexts) or confined to one stage (reading, rendering, writing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipeline import model as m
from pipeline.analysis.overview import Analysis, analyse
from pipeline.errors import AmoorError
from pipeline.invoicing.billing import PdfService, Placed, bill
from pipeline.outbox import Commit, Document, commit, mission_folder, safe_name
from pipeline.render.cahier import cahier_context, cahier_title
from pipeline.render.docx import Context, render_docx
from pipeline.workbook.reader import read_workbook
from pipeline.workbook.sniff import read_source
from pipeline.workspace import Workspace


@dataclass(frozen=True)
class Deliverable:
    """One document an offer produces, and how to build its context."""

    title: Callable[[m.Mission], str]  # the file is « <title> - <référence>.docx »
    template: str
    context: Callable[[m.Engagement, Analysis, str, date], Context]

    def file_name(self, engagement: m.Engagement) -> str:
        mission = engagement.mission
        return safe_name(f"{self.title(mission)} - {mission.reference}.docx")


CAHIER = Deliverable(cahier_title, "cahier_des_charges.docx", cahier_context)

# What each offer produces today, and what deliverables.md asks that is still to come.
DELIVERABLES: dict[m.Offer, tuple[Deliverable, ...]] = {
    m.Offer.CONCERTATION: (CAHIER,),
    m.Offer.STRATEGIE: (),
    m.Offer.EMERGENCE: (),
}
NOT_YET_BUILT: dict[m.Offer, tuple[str, ...]] = {
    m.Offer.CONCERTATION: ("Kit de communication",),
    m.Offer.STRATEGIE: (
        "Cahier des charges",
        "Outil de communication",
        "Kit R.O.I. citoyen personnalisé",
    ),
    m.Offer.EMERGENCE: ("Rapport « Pistes créatives »", "Kit de communication"),
}


@dataclass(frozen=True)
class BuildResult:
    engagement: m.Engagement
    analysis: Analysis
    commit: Commit | None  # None when the offer has no deliverable built yet
    not_built: tuple[str, ...]
    notices: tuple[str, ...] = ()  # French: invoice differences, LibreOffice missing…
    invoice_number: str | None = None
    other_commits: tuple[Commit, ...] = ()  # issued pieces kept in another buyer's folder


def render_all(
    engagement: m.Engagement, analysis: Analysis, workspace: Workspace, today: date
) -> list[Document]:
    """Every deliverable of the engagement, rendered in memory."""
    firm = workspace.config.seller.name
    return [
        Document(
            deliverable.file_name(engagement),
            render_docx(
                workspace.template(deliverable.template),
                deliverable.context(engagement, analysis, firm, today),
            ),
        )
        for deliverable in DELIVERABLES[engagement.offer]
    ]


def build(
    workbook: Path,
    workspace: Workspace,
    today: date,
    pdf: PdfService | None = None,
    *,
    with_pdf: bool = False,
) -> BuildResult:
    """Read, render and write the deliverables of one workbook.

    ``pdf`` (LibreOffice, kept warm for a whole run) makes the Factur-X PDF of
    issued invoices and, ``with_pdf``, a PDF beside each ``.docx``; without it
    the ``.docx`` are produced and a notice says so.
    """
    data = read_source(workbook)  # read once: these bytes are validated and kept
    engagement = read_workbook(data, workbook.name)  # -> validated model, or WorkbookError
    analysis = analyse(engagement)  # pure: R.O.I. citoyen, opinions, concept tests
    documents = render_all(engagement, analysis, workspace, today)  # bytes in memory
    billing = bill(engagement, workspace, today, pdf, source=workbook.name)  # numbers once
    home = mission_folder(workspace.outbox, engagement.mission)
    placed = [Placed(home, d) for d in documents] + list(billing.documents)
    placed, pdf_notices = with_pdf_copies(placed, pdf) if with_pdf else (placed, ())
    written, others = _write(placed, home, source=(workbook.name, data))  # the only writes
    return BuildResult(
        engagement,
        analysis,
        written,
        NOT_YET_BUILT[engagement.offer],
        notices=(*billing.pricing_warnings, *billing.notices, *pdf_notices),
        invoice_number=billing.number,
        other_commits=others,
    )


def with_pdf_copies(
    placed: list[Placed], pdf: PdfService | None
) -> tuple[list[Placed], tuple[str, ...]]:
    """Each ``.docx`` followed by its PDF, unless it has one (an issued invoice: Factur-X).

    The PDFs are made from the rendered bytes, in one request to LibreOffice,
    tables of contents updated; each follows its ``.docx`` in the outbox
    (outbox.py says where when the ``.docx`` was edited by hand).
    """
    names = {(item.folder, item.document.name) for item in placed}
    wanted = [
        item
        for item in placed
        if item.document.name.endswith(".docx")
        and (item.folder, _pdf_name(item.document.name)) not in names
    ]
    if not wanted:
        return placed, ()
    try:
        pdfs = pdf.export([item.document.data for item in wanted]) if pdf is not None else None
    except AmoorError as error:
        return placed, (f"{error} Les .docx sont prêts.",)
    if pdfs is None:
        notice = pdf.export_notice if pdf is not None and pdf.export_notice else "PDF désactivé."
        return placed, (notice,)
    copies = {
        id(item): Placed(
            item.folder,
            Document(
                _pdf_name(item.document.name),
                data,
                keep_existing=item.document.keep_existing,
                follows=item.document.name,
            ),
        )
        for item, data in zip(wanted, pdfs, strict=True)
    }
    together = []
    for item in placed:
        together.append(item)
        if id(item) in copies:
            together.append(copies[id(item)])
    return together, ()


def _pdf_name(docx_name: str) -> str:
    return docx_name.removesuffix(".docx") + ".pdf"


def _write(
    placed: list[Placed], home: Path, source: tuple[str, bytes]
) -> tuple[Commit | None, tuple[Commit, ...]]:
    """Commit each folder's documents; the workbook copy goes with the mission's own.

    An issued invoice keeps the folder of the buyer it was issued to, which may
    not be the mission's folder any more.
    """
    by_folder: dict[Path, list[Document]] = {}
    for item in placed:
        by_folder.setdefault(item.folder, []).append(item.document)
    mine = by_folder.pop(home, [])
    written = commit(home, mine, source=source) if mine else None
    return written, tuple(commit(folder, docs) for folder, docs in by_folder.items())
