"""Invoices in the flow: price the engagement, number it once, render it, make the e-invoice.

``Facture`` = ``Proforma`` gives a draft without a number; ``À émettre`` numbers
the invoice in the ledger (once per engagement) and renders it from what the
ledger recorded, so a rebuild gives the same invoice whatever the workbook
says now. When the workbook implies other amounts or another buyer, the
issued files are left untouched and the notice says what changed and the way
out (a credit note, then a new invoice).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import model as m
from pipeline.analysis.pricing import buyer_of, price_engagement
from pipeline.config import Seller
from pipeline.errors import AmoorError, Problem, WorkbookError
from pipeline.formats import enumeration, short_date
from pipeline.invoicing.document import Invoice, InvoiceKind, Pricing
from pipeline.invoicing.issuing import check_issue_date, check_real_seller
from pipeline.invoicing.ledger import DEFAULT_KEY, Ledger
from pipeline.invoicing.records import InvoiceRecord
from pipeline.names import safe_name
from pipeline.outbox import Document, engagement_folder, mission_folder
from pipeline.provenance import PROFORMA, Inputs, Recipe
from pipeline.render.docx import render_docx
from pipeline.render.invoice_context import invoice_context
from pipeline.render.logo import firm_template
from pipeline.workbook.mission_fields import MISSION
from pipeline.workbook.shared_sheets import SCHEDULE
from pipeline.workspace import Workspace

if TYPE_CHECKING:
    from pipeline.errors import LibreOfficeUnavailable
    from pipeline.libreoffice import LaidOut, PdfConverter
    from pipeline.office_processes import Slot

log = logging.getLogger(__name__)

TEMPLATE = "facture.docx"


class PdfService:
    """LibreOffice for the PDFs of a whole run, started on the first request.

    ``convert`` makes the PDF/A-3 of e-invoices; ``export`` the PDFs of the
    deliverables (``amoor build --pdf``), tables of contents up to date. When
    LibreOffice is missing both return None, and ``notice`` (the invoices'
    wording) and ``export_notice`` say so once: the ``.docx`` deliverables are
    produced all the same. When only the Python that drives LibreOffice for
    ``export`` is missing, the e-invoices are still made.
    """

    def __init__(self, slots: Path | None = None) -> None:
        self._converter: PdfConverter | None = None
        # Where this process takes its own LibreOffice profile, kept between runs
        # (a warm profile starts faster); a temporary one when None.
        self._slots = slots
        self._slot: Slot | None = None
        self.notice: str | None = None
        self.export_notice: str | None = None

    def convert(self, docx: bytes) -> bytes | None:
        # factur-x, lxml and pypdf load only when an e-invoice is made.
        from pipeline.errors import LibreOfficeUnavailable

        try:
            converter = self._started()
            return None if converter is None else converter.convert(docx)
        except LibreOfficeUnavailable as missing:
            self._unavailable(missing)
            return None
        except AmoorError as failure:
            # One document failed: the caller says so; LibreOffice keeps running for the rest.
            log.warning("PDF conversion failed: %s", failure)
            raise

    def export(self, documents: Sequence[bytes]) -> list[bytes] | None:
        """The PDF of each Word document, its table of contents updated; None when impossible."""
        laid_out = self.lay_out([(document, True) for document in documents])
        return None if laid_out is None else [item.pdf for item in laid_out if item.pdf]

    def lay_out(self, documents: Sequence[tuple[bytes, bool]]) -> list[LaidOut] | None:
        """Each Word document laid out by LibreOffice: its table of contents' entries with
        their page numbers and, when its flag is set, its PDF; None when impossible."""
        from pipeline.errors import LibreOfficeUnavailable, UnoUnavailable

        try:
            converter = None if self.export_notice else self._started()
            return None if converter is None else converter.lay_out_many(documents)
        except LibreOfficeUnavailable as missing:
            self._unavailable(missing)
            return None
        except UnoUnavailable as missing:
            self.export_notice = _export_notice(missing.detail)
            log.warning("No Python with uno: %s", missing)
            return None
        except AmoorError as failure:
            log.warning("PDF export failed: %s", failure)
            raise

    @property
    def installed(self) -> bool:
        """LibreOffice is on this machine and did not fail in this run (not started yet)."""
        from pipeline.libreoffice import find_soffice

        return self.notice is None and find_soffice() is not None

    def _started(self) -> PdfConverter | None:
        from pipeline.errors import LibreOfficeStartFailed
        from pipeline.libreoffice import PdfConverter
        from pipeline.office_processes import take_slot

        if self.notice is not None:
            return None
        if self._converter is None:
            if self._slots is None:
                self._converter = PdfConverter()
                return self._converter
            if self._slot is None:
                try:
                    self._slot = take_slot(self._slots)
                except OSError as error:
                    raise LibreOfficeStartFailed(
                        f"aucun profil LibreOffice n'est libre dans {self._slots} ({error})"
                    ) from error
            self._converter = PdfConverter(self._slot.profile, work=self._slot.work)
        return self._converter

    def _unavailable(self, missing: LibreOfficeUnavailable) -> None:
        self.notice = str(missing)
        self.export_notice = _export_notice(f"{missing.detail}. {missing.hint}")
        log.warning("LibreOffice unavailable: %s", missing)

    def close(self) -> None:
        """Stop LibreOffice, then free this process's profile for the next one."""
        try:
            if self._converter is not None:
                self._converter.close()
                self._converter = None
        finally:
            if self._slot is not None:
                self._slot.release()
                self._slot = None


def _export_notice(missing: str) -> str:
    return f"Les PDF des documents ne sont pas produits, les .docx sont prêts : {missing}"


@dataclass(frozen=True)
class Placed:
    """A document and the outbox folder it belongs in (an issued piece keeps its own)."""

    folder: Path
    document: Document


@dataclass(frozen=True)
class Billing:
    documents: tuple[Placed, ...] = ()
    notices: tuple[str, ...] = ()
    number: str | None = None
    pricing_warnings: tuple[str, ...] = field(default=())


def draft_invoice(
    engagement: m.Engagement, pricing: Pricing, seller: Seller, today: date
) -> Invoice:
    """The PROFORMA invoice of an engagement (pure: ``today`` is a parameter)."""
    mission = engagement.mission
    # An invoice is dated the day it is issued (issuing.py refuses any other « Date de facture »).
    issue = today
    # The service is dated by its last step known to have happened, never after the invoice.
    performed = (
        mission.workshop_date
        if mission.stage
        in (
            m.Stage.ATELIER_REALISE,
            m.Stage.TERMINEE,
        )
        else None
    )
    service_end = min(performed or issue, issue)
    start = mission.start_date if mission.start_date and mission.start_date < service_end else None
    return Invoice(
        kind=InvoiceKind.INVOICE,
        number=None,
        issue_date=issue,
        due_date=issue + timedelta(days=seller.payment_days),
        service_end=service_end,
        service_start=start,
        seller=seller,
        buyer=buyer_of(mission),
        reference=mission.reference,
        title=f"{mission.offer} — {mission.title}",
        pricing=pricing,
    )


def bill_single(
    engagement: m.Engagement,
    workspace: Workspace,
    today: date,
    pdf: PdfService | None,
    source: str,
    made_from: str,
    records: list[InvoiceRecord],
) -> Billing:
    """The invoice documents of an engagement without « Échéancier », as its « Facture »
    field asks (invoicing/pieces.py chooses between this and schedule.py).

    ``made_from``, the digest of the workbook's bytes, is recorded with the
    proforma (provenance.py): a rebuild redoes it when the catalogue changes.
    ``records``: the ledger's pieces of this engagement; those whose files are
    missing are rendered again from the ledger.
    """
    mission = engagement.mission
    live = next((r for r in records if r.is_live and r.key == DEFAULT_KEY), None)
    placed: list[Placed] = []
    notices: list[str] = []
    for record in records:
        if record is not live:
            placed += restore_missing(record, workspace, pdf, notices)
    instalments = [r.number for r in records if r.is_live and r.key != DEFAULT_KEY]
    if instalments and mission.invoice_mode is not m.InvoiceMode.NON:
        notices.append(
            f"Des échéances de la mission {mission.reference} ont déjà été facturées "
            f"({enumeration(instalments)}) : sans la feuille « {SCHEDULE.name} », la "
            f"mission serait facturée deux fois. Aucune facture n'est produite ; remettez la "
            f"feuille « {SCHEDULE.name} » dans le classeur."
        )
        return Billing(tuple(placed), tuple(notices), None)

    if mission.invoice_mode is m.InvoiceMode.NON:
        if live is not None:
            notices.append(
                f"La facture {live.number} a été émise pour cette mission : « Facture » = "
                f"« Non » ne l'annule pas. Pour l'annuler, émettez un avoir "
                f'(amoor facture avoir {live.number} --motif "…").'
            )
            placed += restore_missing(live, workspace, pdf, notices)
        return Billing(tuple(placed), tuple(notices), live.number if live else None)

    config = workspace.config
    pricing = price_engagement(
        engagement, config.catalogue[mission.offer], config.seller, source=source
    )
    if mission.invoice_date is not None and mission.invoice_date > today:
        raise WorkbookError(
            source,
            [
                Problem(
                    f"la date de facture ({short_date(mission.invoice_date)}) est dans le futur",
                    sheet=MISSION.name,
                    cell=mission.cells.get("invoice_date", ""),
                    hint="Une facture est datée du jour où elle est émise : laissez « Date de "
                    "facture » vide (date du jour) ou indiquez une date passée.",
                )
            ],
        )
    past_date_notice(mission, today, notices)
    draft = draft_invoice(engagement, pricing, config.seller, today)
    here = mission_folder(workspace.outbox, mission)

    if mission.invoice_mode is m.InvoiceMode.PROFORMA:
        if live is not None:
            notices.append(
                f"La facture {live.number} a déjà été émise pour la mission "
                f"{mission.reference} : le brouillon proforma n'est plus produit."
            )
            placed += restore_missing(live, workspace, pdf, notices)
            return Billing(tuple(placed), tuple(notices), live.number, pricing.warnings)
        missing = [
            column.header
            for column in MISSION.fields
            if column.for_invoice and not getattr(mission, column.attr)
        ]
        if missing:
            notices.append(
                f"Proforma : {enumeration(f'« {h} »' for h in missing)} de l'acheteur "
                f"manque{'nt' if len(missing) > 1 else ''} dans la feuille « Mission » ; "
                f"complétez avant de passer « Facture » à « {m.InvoiceMode.A_EMETTRE} »."
            )
        name = safe_name(f"Facture proforma - {mission.reference}.docx")
        data = render_docx(
            firm_template(workspace, TEMPLATE), invoice_context(draft, demo=config.demo)
        )
        recipe = Recipe(PROFORMA, TEMPLATE)
        made = (recipe.text(), Inputs(workspace).of(recipe, made_from)) if made_from else None
        placed.append(Placed(here, Document(name, data, provenance=made)))
        return Billing(tuple(placed), tuple(notices), None, pricing.warnings)

    if live is None:
        # Everything that can refuse the invoice is checked before a number is taken:
        # a number is never spent on an invoice that cannot be produced.
        check_before_issuing(draft, mission, today, source)
    outcome = Ledger.of(workspace).issue(draft)
    record = outcome.record
    folder = record_folder(workspace, record)
    if outcome.differences:
        changes = "\n".join(f"    · {d}" for d in outcome.differences)
        where = "" if folder == here else f" Elle se trouve dans le dossier « {folder.name} »."
        notices.append(
            f"La facture {record.number} a déjà été émise le "
            f"{short_date(record.issue_date)} : elle n'est pas modifiée, mais le "
            f"classeur implique désormais d'autres éléments :\n{changes}\n"
            f"  Pour facturer ces nouveaux éléments, annulez-la par un avoir "
            f'(amoor facture avoir {record.number} --motif "…"), puis relancez '
            f"« amoor build » : une nouvelle facture sera émise.{where}"
        )
    placed += (
        [Placed(folder, d) for d in issued_documents(record, workspace, pdf, notices)]
        if outcome.created
        else restore_missing(record, workspace, pdf, notices)
    )
    return Billing(tuple(placed), tuple(notices), record.number, pricing.warnings)


def past_date_notice(mission: m.Mission, today: date, notices: list[str]) -> None:
    """A proforma with a past « Date de facture » is dated today, and says what issuing will do."""
    if mission.invoice_date is not None and mission.invoice_date < today:
        notices.append(
            f"Proforma : la « Date de facture » ({short_date(mission.invoice_date)}) est passée ; "
            f"le brouillon est daté du jour, et l'émission la refusera : une facture est datée "
            f"du jour où elle est émise. Videz la cellule."
        )


def check_before_issuing(draft: Invoice, mission: m.Mission, today: date, source: str) -> None:
    """Everything that can refuse an invoice, checked before its number is taken.

    A number is never spent on an invoice that cannot be produced, nor on one
    dated another day than its issue, nor on the demonstration seller's.
    """
    from pipeline.invoicing.facturx import invoice_xml

    check_issue_date(mission, today, source)
    check_real_seller(draft.seller)
    invoice_xml(replace(draft, number="CONTROLE"))


def record_folder(workspace: Workspace, record: InvoiceRecord) -> Path:
    """An issued piece stays with the buyer it was issued to, whatever the workbook says now."""
    return engagement_folder(workspace.outbox, record.invoice.buyer.name, record.reference)


def _stem(record: InvoiceRecord) -> str:
    title = "Avoir" if record.invoice.kind is InvoiceKind.CREDIT_NOTE else "Facture"
    return safe_name(f"{title} {record.number} - {record.reference}")


def missing_files(record: InvoiceRecord, workspace: Workspace, with_pdf: bool) -> list[str]:
    """The files of an issued piece missing from its folder (its PDF and XML: ``with_pdf``)."""
    folder = record_folder(workspace, record)
    stem = _stem(record)
    wanted = [f"{stem}.docx"]
    if with_pdf:
        wanted += [f"{stem}.pdf", f"{stem} (Factur-X).xml"]
    return [name for name in wanted if not (folder / name).exists()]


def restore_missing(
    record: InvoiceRecord, workspace: Workspace, pdf: PdfService | None, notices: list[str]
) -> list[Placed]:
    """The documents of an issued piece whose files are missing (lost, or made without PDF)."""
    if not missing_files(record, workspace, with_pdf=pdf is not None and pdf.notice is None):
        return []
    folder = record_folder(workspace, record)
    return [Placed(folder, d) for d in issued_documents(record, workspace, pdf, notices)]


def issued_documents(
    record: InvoiceRecord, workspace: Workspace, pdf: PdfService | None, notices: list[str]
) -> list[Document]:
    """The .docx, and when LibreOffice is there the Factur-X PDF/A-3 and its XML.

    Rendered from the ledger's record, never from the workbook; marked
    ``keep_existing`` so that a rebuild leaves the issued files as they are.
    Whatever fails after the .docx becomes a notice: the .docx is always there.
    """
    from pipeline.invoicing.facturx import facturx_pdf, invoice_xml

    invoice = record.invoice
    stem = _stem(record)
    docx = render_docx(
        firm_template(workspace, TEMPLATE), invoice_context(invoice, demo=workspace.config.demo)
    )
    documents = [Document(f"{stem}.docx", docx, keep_existing=True)]
    try:
        xml = invoice_xml(invoice)
        converted = pdf.convert(docx) if pdf is not None else None
        if converted is None:
            notices.append(
                (pdf.notice if pdf is not None and pdf.notice else "PDF désactivé.")
                + f" La facture électronique (Factur-X) de {record.number} sera produite au "
                f"prochain « amoor build » avec LibreOffice ; le .docx est prêt."
            )
            return documents
        e_invoice = facturx_pdf(converted, xml)
    except AmoorError as error:
        notices.append(f"{error} La facture électronique de {record.number} n'est pas produite.")
        return documents
    return [
        *documents,
        Document(f"{stem}.pdf", e_invoice, keep_existing=True),
        Document(f"{stem} (Factur-X).xml", xml, keep_existing=True),
    ]


def credit_note(
    number: str, reason: str, workspace: Workspace, today: date, pdf: PdfService | None
) -> tuple[InvoiceRecord, list[Placed], list[str]]:
    """Cancel an issued invoice by a credit note, and render the credit note."""
    record = Ledger.of(workspace).credit_note(number, reason, today)
    notices: list[str] = []
    documents = issued_documents(record, workspace, pdf, notices)
    folder = record_folder(workspace, record)
    return record, [Placed(folder, d) for d in documents], notices
