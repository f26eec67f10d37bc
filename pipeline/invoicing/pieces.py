"""The bill step's entry: which pieces an engagement's workbook asks for.

With an « Échéancier », one invoice per instalment (schedule.py); without, the one
invoice, proforma or nothing its « Facture » field asks for (billing.py). Either way
the ledger's pieces of the engagement come first: they are what was issued.
"""

from __future__ import annotations

from datetime import date

from pipeline import model as m
from pipeline.invoicing.billing import Billing, PdfService, bill_single
from pipeline.invoicing.ledger import Ledger
from pipeline.invoicing.schedule import bill_schedule
from pipeline.workspace import Workspace


def bill(
    engagement: m.Engagement,
    workspace: Workspace,
    today: date,
    pdf: PdfService | None,
    source: str,
    made_from: str = "",
) -> Billing:
    """The invoice documents of one engagement, numbers taken in the ledger once."""
    reference = engagement.mission.reference
    records = [r for r in Ledger.of(workspace).list_invoices() if r.reference == reference]
    if engagement.schedule:  # « Échéancier »: one invoice per instalment
        return bill_schedule(engagement, workspace, today, pdf, source, made_from, records)
    return bill_single(engagement, workspace, today, pdf, source, made_from, records)
