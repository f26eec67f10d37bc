"""The follow-up of issued invoices, for the commands: read, decide, render; no writes.

- :func:`partial_credit` numbers a partial credit note and renders it (the
  same documents as any issued piece: .docx, Factur-X PDF and XML);
- :func:`ledger_standings` is where every piece stands today (status.py);
- :func:`reminder` renders the reminder letter of a late invoice;
- :func:`fec_export` is the accounting export (fec.py).

The command writes what comes back through the outbox (atomic writes).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pipeline.invoicing.billing import PdfService, Placed, issued_documents, record_folder
from pipeline.invoicing.fec import fec_bytes, sales_journal
from pipeline.invoicing.ledger import Ledger
from pipeline.invoicing.ledger_schema import LedgerError
from pipeline.invoicing.records import InvoiceRecord
from pipeline.invoicing.settlement import list_payments, partial_credit_note
from pipeline.invoicing.status import Standing, standings
from pipeline.names import safe_name
from pipeline.outbox import Document
from pipeline.render.docx import render_docx
from pipeline.render.logo import firm_template
from pipeline.render.reminder import reminder_context
from pipeline.workspace import Workspace

REMINDER_TEMPLATE = "relance.docx"


def partial_credit(
    number: str,
    amount: Decimal,
    reason: str,
    workspace: Workspace,
    today: date,
    pdf: PdfService | None,
) -> tuple[InvoiceRecord, list[Placed], list[str]]:
    """Credit ``amount`` HT of an issued invoice, and render the credit note."""
    record = partial_credit_note(Ledger.of(workspace), number, amount, reason, today)
    notices: list[str] = []
    documents = issued_documents(record, workspace, pdf, notices)
    folder = record_folder(workspace, record)
    return record, [Placed(folder, d) for d in documents], notices


def ledger_standings(workspace: Workspace, today: date) -> list[Standing]:
    """Every invoice and credit note of the ledger, as it stands on ``today``."""
    ledger = Ledger.of(workspace)
    return standings(ledger.list_invoices(), list_payments(ledger), today)


def standing_of(number: str, workspace: Workspace, today: date) -> Standing:
    found = next((s for s in ledger_standings(workspace, today) if s.record.number == number), None)
    if found is None:
        raise LedgerError(
            f"Aucune facture ne porte le numéro « {number} » dans le registre des factures. "
            f"Vérifiez le numéro dans la liste des factures (amoor factures)."
        )
    return found


def reminder(number: str, workspace: Workspace, today: date) -> tuple[Standing, Placed]:
    """The reminder letter of the late invoice ``number``; ``NotLate`` if it is not late."""
    standing = standing_of(number, workspace, today)
    config = workspace.config
    context = reminder_context(
        standing, config.seller, config.accounting.ecb_rate, today, demo=config.demo
    )
    data = render_docx(firm_template(workspace, REMINDER_TEMPLATE), context, dated=today)
    record = standing.record
    name = safe_name(f"Relance {record.number} - {today.isoformat()} - {record.reference}.docx")
    return standing, Placed(record_folder(workspace, record), Document(name, data))


def fec_export(workspace: Workspace, today: date) -> tuple[bytes, list[Standing]]:
    """The FEC of every piece and payment of the ledger, and the standings it was made from."""
    ledger = Ledger.of(workspace)
    payments = list_payments(ledger)
    found = standings(ledger.list_invoices(), payments, today)
    return fec_bytes(sales_journal(found, payments, workspace.config.accounting)), found
