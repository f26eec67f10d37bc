"""The flow: workbook → validated model → documents in memory → outbox.

:func:`build` is the whole trip of one workbook; everything it calls is either
pure (contexts) or confined to one stage (reading, rendering, writing).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from filelock import Timeout

from pipeline import model as m
from pipeline.analysis.overview import Analysis, analyse
from pipeline.config import Config
from pipeline.errors import AmoorError
from pipeline.invoicing.billing import PdfService, Placed
from pipeline.invoicing.pieces import bill
from pipeline.layout import lay_out
from pipeline.manifest import digest
from pipeline.names import deliverable_name
from pipeline.outbox import Commit, Document, Tracking, commit, mission_folder
from pipeline.provenance import DOCUMENT, PRICED, WORKBOOK, Inputs, Recipe
from pipeline.render.cahier import cahier_context, cahier_title, presented_scenario
from pipeline.render.chart_cache import ChartCache
from pipeline.render.communication import communication_context, communication_title
from pipeline.render.docx import Context, render_docx
from pipeline.render.fee import engagement_fee, fee_context
from pipeline.render.logo import firm_template
from pipeline.render.page_breaks import breakable
from pipeline.render.pistes import pistes_context, pistes_title
from pipeline.render.roi_grid import grid_title, rating_grid
from pipeline.render.roi_guide import guide_context, guide_title
from pipeline.render.strategie import strategie_context, strategie_title
from pipeline.tracked import Bases, Tracker
from pipeline.workbook.circumstances import Circumstances
from pipeline.workbook.grid_completion import (
    complete_engagement,
    grid_reference,
    is_rating_grid,
    ratings_left_out,
)
from pipeline.workbook.reader import read_workbook
from pipeline.workbook.sniff import read_source
from pipeline.workspace import Workspace


@dataclass(frozen=True)
class Deliverable:
    """One Word document an offer produces, and how to build its context."""

    title: Callable[[m.Mission], str]  # the file is « <title> - <référence>.docx »
    template: str
    context: Callable[[m.Engagement, Analysis, str, date], Context]
    # The document states the firm's fee (« fee » in its context), as the invoice does.
    priced: bool = False

    def file_name(self, engagement: m.Engagement) -> str:
        return _file_name(self.title, engagement, "docx")

    @property
    def recipe(self) -> Recipe:
        return Recipe(PRICED if self.priced else DOCUMENT, self.template)

    def render(
        self, engagement: m.Engagement, analysis: Analysis, workspace: Workspace, today: date
    ) -> bytes:
        context = self.full_context(engagement, analysis, workspace.config, today)
        template = firm_template(workspace, self.template)
        charts = ChartCache(workspace.state.charts)  # a chart is drawn only when its data change
        return breakable(render_docx(template, context, dated=today, charts=charts), context)

    def full_context(
        self, engagement: m.Engagement, analysis: Analysis, config: Config, today: date
    ) -> Context:
        """The context function's context, with the fee when the document states it."""
        context = self.context(engagement, analysis, config.seller.name, today)
        if self.priced:
            fee = engagement_fee(engagement, config)
            context["fee"] = fee_context(
                engagement, fee, config.seller.name, presented_scenario(engagement, analysis)
            )
        return context


@dataclass(frozen=True)
class WorkbookDeliverable:
    """A deliverable that is an Excel workbook: ``make`` returns its .xlsx bytes (pure)."""

    title: Callable[[m.Mission], str]  # the file is « <title> - <référence>.xlsx »
    make: Callable[[m.Engagement, Analysis, str, date], bytes]

    def file_name(self, engagement: m.Engagement) -> str:
        return _file_name(self.title, engagement, "xlsx")

    @property
    def recipe(self) -> Recipe:
        return Recipe(WORKBOOK)

    def render(
        self, engagement: m.Engagement, analysis: Analysis, workspace: Workspace, today: date
    ) -> bytes:
        return self.make(engagement, analysis, workspace.config.seller.name, today)


def _file_name(title: Callable[[m.Mission], str], engagement: m.Engagement, extension: str) -> str:
    mission = engagement.mission
    return deliverable_name(title(mission), mission.reference, extension)


CAHIER = Deliverable(cahier_title, "cahier_des_charges.docx", cahier_context, priced=True)
CAHIER_STRATEGIE = Deliverable(
    strategie_title, "cahier_strategie.docx", strategie_context, priced=True
)
ROI_GUIDE = Deliverable(guide_title, "kit_roi_guide.docx", guide_context)
ROI_GRID = WorkbookDeliverable(grid_title, rating_grid)
PISTES = Deliverable(pistes_title, "rapport_pistes.docx", pistes_context, priced=True)
KIT = Deliverable(communication_title, "kit_communication.docx", communication_context)

# What each offer produces (docs/deliverables.md, « By offer »), invoices apart (see
# pipeline/invoicing).
DELIVERABLES: dict[m.Offer, tuple[Deliverable | WorkbookDeliverable, ...]] = {
    m.Offer.CONCERTATION: (CAHIER, KIT),
    m.Offer.STRATEGIE: (CAHIER_STRATEGIE, KIT, ROI_GUIDE, ROI_GRID),
    m.Offer.EMERGENCE: (PISTES, KIT),
}


@dataclass(frozen=True)
class BuildResult:
    engagement: m.Engagement
    analysis: Analysis
    commit: Commit | None  # None when nothing was written in the mission's own folder
    notices: tuple[str, ...] = ()  # French: invoice differences, LibreOffice missing…
    invoice_number: str | None = None
    other_commits: tuple[Commit, ...] = ()  # issued pieces kept in another buyer's folder


def render_all(
    engagement: m.Engagement,
    analysis: Analysis,
    workspace: Workspace,
    today: date,
    source: str,
    only: Collection[str] | None = None,
) -> list[Document]:
    """Every deliverable of the engagement (or those named ``only``), rendered in memory.

    ``source``: the digest of the workbook's bytes; each document carries the digest
    of its inputs (provenance.py), which the manifest records.
    """
    inputs = Inputs(workspace)
    documents = []
    for deliverable in DELIVERABLES[engagement.offer]:
        name = deliverable.file_name(engagement)
        if only is None or name in only:
            data = deliverable.render(engagement, analysis, workspace, today)
            made = (deliverable.recipe.text(), inputs.of(deliverable.recipe, source))
            documents.append(Document(name, data, provenance=made))
    return documents


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
    issued invoices, the page numbers of the tables of contents (layout.py) and,
    ``with_pdf``, a PDF beside each ``.docx``; without it the ``.docx`` are
    produced, their tables without page numbers, and a notice says what is
    missing. A filled R.O.I. rating grid builds the engagement of its
    Référence, its ratings added (workbook/grid_completion.py).
    """
    name, data = workbook.name, read_source(workbook)  # read once: validated and kept
    if is_rating_grid(data):  # a filled R.O.I. grid completes the workbook kept in outbox/
        # From reading the kept workbook to writing it back with the ratings added: one
        # grid at a time, or two grids dropped together would each lose the other's.
        with engagement_turn(workspace, grid_reference(data, name)):
            name, data = complete_engagement(data, name, workspace.outbox, today)
            return _build(name, data, workspace, today, pdf, with_pdf, from_grid=True)
    return _build(name, data, workspace, today, pdf, with_pdf, from_grid=False)


def _build(
    name: str,
    data: bytes,
    workspace: Workspace,
    today: date,
    pdf: PdfService | None,
    with_pdf: bool,
    *,
    from_grid: bool,
) -> BuildResult:
    """The trip of one workbook's bytes. The engagement's turn is taken here, from the
    invoice number to the last file, unless a grid's completion already holds it."""
    checked = Circumstances(today, workspace.config.catalogue)  # the day, the option prices
    engagement = read_workbook(data, name, checked)  # -> validated model, or error
    analysis = analyse(engagement)  # pure: R.O.I. citoyen, opinions, concept tests
    made_from = digest(data)  # each document records what it was made from (provenance.py)
    documents = render_all(engagement, analysis, workspace, today, made_from)  # bytes in memory
    reference = engagement.mission.reference
    turn = nullcontext() if from_grid else engagement_turn(workspace, reference)
    with turn:  # one process at a time
        billing = bill(engagement, workspace, today, pdf, name, made_from)  # numbers once
        home = mission_folder(workspace.outbox, engagement.mission)
        placed = [Placed(home, d) for d in documents] + list(billing.documents)
        aside = None if from_grid else set_aside(workspace, engagement, data, today)
        placed += [Placed(home, aside[0])] if aside else []
        # LibreOffice numbers the tables of contents; PDF copies when asked
        placed, pdf_notices = lay_out(
            placed, pdf, numbered=workspace.config.page_numbers, with_pdf=with_pdf
        )
        tracking = tracker(workspace, today)  # hand-edited documents get a tracked update
        written, others = write_placed(placed, home, (name, data), reference, tracking)
    return BuildResult(
        engagement,
        analysis,
        written,
        notices=(
            *billing.pricing_warnings,
            *billing.notices,
            *pdf_notices,
            *([aside[1]] if aside else []),
        ),
        invoice_number=billing.number,
        other_commits=others,
    )


def set_aside(
    workspace: Workspace, engagement: m.Engagement, data: bytes, today: date
) -> tuple[Document, str] | None:
    """The kept workbook copy, as a dated document of its own, when ``data`` would
    replace it without the ratings a filled grid added to it; and the notice saying so.
    (A grid's completion builds from that copy: nothing to set aside then.)"""
    left_out = ratings_left_out(workspace.outbox, engagement, data)
    if left_out is None:
        return None
    stem, _, extension = left_out.name.rpartition(".")
    name = f"{stem} (avec les notes des grilles, copie du {today.isoformat()}).{extension}"
    notice = (
        f"La copie du classeur gardée avec les livrables avait {left_out.count} note(s) R.O.I. "
        f"ajoutée(s) par une grille de notation, que ce classeur n'a pas : les documents sont "
        f"faits sans elles. Cette copie est conservée sous « {name} » : pour reprendre ses "
        f"notes, déposez-la à la place de ce classeur."
    )
    return Document(name, left_out.data), notice


@contextmanager
def engagement_turn(workspace: Workspace, reference: str) -> Iterator[None]:
    """The engagement's lock, from its invoice number to its last file written.

    Another build of the same engagement waits its turn; the start-up recovery
    of another process leaves the engagement alone meanwhile.
    """
    try:
        with workspace.engagement_lock(reference):
            yield
    except Timeout:
        raise AmoorError(
            f"La mission {reference} est en cours de traitement par un autre amoor depuis "
            f"plus de dix minutes : relancez quand il aura fini."
        ) from None


@contextmanager
def invoice_turn(workspace: Workspace, number: str) -> Iterator[None]:
    """The turn of the engagement invoice ``number`` belongs to, for a command that
    numbers a credit note, records a payment or writes a reminder into its folder:
    every writer of an engagement's pieces holds its lock. An unknown number takes
    no lock (the command then says the number is unknown)."""
    from pipeline.invoicing.ledger import Ledger

    record = Ledger.of(workspace).get(number)
    if record is None:
        yield
        return
    with engagement_turn(workspace, record.reference):
        yield


def tracker(workspace: Workspace, today: date) -> Tracker:
    """Keeps what amoor writes (the bases) and updates hand-edited documents (tracked/)."""
    return Tracker(Bases(workspace.state.bases), today)


def forget_bases(workspace: Workspace) -> int:
    """Once a run is over: the bases no manifest cites any more go (tracked/bases.py)."""
    return Bases(workspace.state.bases).prune(workspace.outbox)


def write_placed(
    placed: list[Placed],
    home: Path,
    source: tuple[str, bytes] | None,
    reference: str,
    tracking: Tracking | None = None,
    backup_day: date | None = None,
) -> tuple[Commit | None, tuple[Commit, ...]]:
    """Commit each folder's documents; the workbook copy goes with the mission's own.

    An issued invoice keeps the folder of the buyer it was issued to, which may
    not be the mission's folder any more; every folder is this Référence's own.
    ``tracking``: a hand-edited Word document also gets its tracked update.
    """
    by_folder: dict[Path, list[Document]] = {}
    for item in placed:
        by_folder.setdefault(item.folder, []).append(item.document)
    mine = by_folder.pop(home, [])
    written = (
        commit(
            home, mine, source=source, reference=reference, backup_day=backup_day, tracking=tracking
        )
        if mine or source
        else None
    )
    others = tuple(
        commit(f, docs, reference=reference, tracking=tracking) for f, docs in by_folder.items()
    )
    return written, others
