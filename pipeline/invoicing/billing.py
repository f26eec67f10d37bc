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
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from pipeline import model as m
from pipeline.analysis.pricing import buyer_of, price_engagement
from pipeline.errors import AmoorError
from pipeline.invoicing.document import Invoice, InvoiceKind, Pricing
from pipeline.invoicing.facturx import (
    LibreOfficeUnavailable,
    PdfConverter,
    facturx_pdf,
    invoice_xml,
)
from pipeline.invoicing.ledger import InvoiceRecord, Ledger
from pipeline.outbox import Document, safe_name
from pipeline.render.docx import render_docx
from pipeline.render.invoice_context import invoice_context
from pipeline.workspace import Seller, Workspace

log = logging.getLogger(__name__)

TEMPLATE = "facture.docx"


class PdfService:
    """LibreOffice for PDF/A-3, started on the first request and shared by a whole run.

    When LibreOffice is missing, ``convert`` returns None and ``notice`` says so
    once: the ``.docx`` deliverables are produced all the same.
    """

    def __init__(self, profile: Path | None = None) -> None:
        self._converter: PdfConverter | None = None
        self._profile = profile  # kept between runs: LibreOffice starts faster
        self.notice: str | None = None

    def convert(self, docx: bytes) -> bytes | None:
        if self.notice is not None:
            return None
        try:
            if self._converter is None:
                if self._profile is not None:
                    self._profile.parent.mkdir(parents=True, exist_ok=True)
                self._converter = PdfConverter(self._profile)
            return self._converter.convert(docx)
        except LibreOfficeUnavailable as missing:
            self.notice = str(missing)
            log.warning("LibreOffice unavailable: %s", missing)
            return None
        except AmoorError as failure:
            # One document failed to convert: say so, keep the service for the others.
            log.warning("PDF conversion failed: %s", failure)
            raise

    def close(self) -> None:
        if self._converter is not None:
            self._converter.close()
            self._converter = None


@dataclass(frozen=True)
class Billing:
    documents: tuple[Document, ...] = ()
    notices: tuple[str, ...] = ()
    number: str | None = None
    pricing_warnings: tuple[str, ...] = field(default=())


def draft_invoice(
    engagement: m.Engagement, pricing: Pricing, seller: Seller, today: date
) -> Invoice:
    """The PROFORMA invoice of an engagement (pure: ``today`` is a parameter)."""
    mission = engagement.mission
    issue = mission.invoice_date or today
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


def bill(
    engagement: m.Engagement,
    workspace: Workspace,
    today: date,
    pdf: PdfService | None,
    source: str,
) -> Billing:
    """The invoice documents of one engagement, as its « Facture » field asks."""
    mission = engagement.mission
    if mission.invoice_mode is m.InvoiceMode.NON:
        return Billing()
    config = workspace.config
    pricing = price_engagement(
        engagement, config.catalogue[mission.offer], config.seller, source=source
    )
    draft = draft_invoice(engagement, pricing, config.seller, today)
    ledger = Ledger.of(workspace)
    if mission.invoice_mode is m.InvoiceMode.PROFORMA:
        issued = ledger.live_invoice(mission.reference)
        if issued is not None:
            return Billing(
                notices=(
                    f"La facture {issued.number} a déjà été émise pour la mission "
                    f"{mission.reference} : le brouillon proforma n'est plus produit.",
                ),
                number=issued.number,
                pricing_warnings=pricing.warnings,
            )
        name = safe_name(f"Facture proforma - {mission.reference}.docx")
        data = render_docx(workspace.template(TEMPLATE), invoice_context(draft, demo=config.demo))
        return Billing((Document(name, data),), pricing_warnings=pricing.warnings)

    outcome = ledger.issue(draft)
    record = outcome.record
    notices: list[str] = []
    if outcome.differences:
        changes = "\n".join(f"    · {d}" for d in outcome.differences)
        notices.append(
            f"La facture {record.number} a déjà été émise le "
            f"{record.issue_date.strftime('%d/%m/%Y')} : elle n'est pas modifiée, mais le "
            f"classeur implique désormais d'autres éléments :\n{changes}\n"
            f"  Pour facturer ces nouveaux éléments, annulez-la par un avoir "
            f'(amoor facture avoir {record.number} --motif "…"), puis relancez '
            f"« amoor build » : une nouvelle facture sera émise."
        )
    documents, pdf_notices = issued_documents(record, workspace, pdf)
    return Billing(
        tuple(documents),
        (*notices, *pdf_notices),
        record.number,
        pricing.warnings,
    )


def issued_documents(
    record: InvoiceRecord, workspace: Workspace, pdf: PdfService | None
) -> tuple[list[Document], list[str]]:
    """The .docx, and when LibreOffice is there the Factur-X PDF/A-3 and its XML.

    Rendered from the ledger's record, never from the workbook; marked
    ``keep_existing`` so that a rebuild leaves the issued files as they are.
    """
    invoice = record.invoice
    title = "Avoir" if invoice.kind is InvoiceKind.CREDIT_NOTE else "Facture"
    stem = safe_name(f"{title} {record.number} - {record.reference}")
    docx = render_docx(
        workspace.template(TEMPLATE), invoice_context(invoice, demo=workspace.config.demo)
    )
    documents = [Document(f"{stem}.docx", docx, keep_existing=True)]
    notices: list[str] = []
    xml = invoice_xml(invoice)
    try:
        converted = pdf.convert(docx) if pdf is not None else None
    except AmoorError as error:
        notices.append(f"{error} La facture électronique de {record.number} n'est pas produite.")
        return documents, notices
    if converted is None:
        notices.append(
            (pdf.notice if pdf is not None and pdf.notice else "PDF désactivé pour ce traitement.")
            + f" La facture électronique (Factur-X) de {record.number} sera produite au "
            f"prochain traitement avec LibreOffice ; le .docx est prêt."
        )
        return documents, notices
    try:
        e_invoice = facturx_pdf(converted, xml)
    except AmoorError as error:
        notices.append(str(error))
        return documents, notices
    documents += [
        Document(f"{stem}.pdf", e_invoice, keep_existing=True),
        Document(f"{stem} (Factur-X).xml", xml, keep_existing=True),
    ]
    return documents, notices


def credit_note(
    number: str, reason: str, workspace: Workspace, today: date, pdf: PdfService | None
) -> tuple[InvoiceRecord, list[Document], list[str]]:
    """Cancel an issued invoice by a credit note, and render the credit note."""
    record = Ledger.of(workspace).credit_note(number, reason, today)
    documents, notices = issued_documents(record, workspace, pdf)
    return record, documents, notices
