"""Instalments: the « Échéancier » sheet, one invoice per row, the last one the balance.

French practice, as the FNFE-MPE's note on acomptes (« Le traitement des
acomptes », 2026) and the DGFiP's external specifications describe it:

- a **facture d'acompte** (UNTDID 1001 type 386, cadre S1) invoices its part of
  the engagement HT, and the VAT on it: for services, VAT is due on each sum
  received (CGI art. 269, 2-c), so the acompte bears it;
- the **facture de solde** (type 380, cadre S4 « facture définitive après
  acompte ») lists the whole engagement, then takes back each acompte already
  invoiced as a negative line at its VAT rate (« reprise à la ligne », the
  method the DGFiP prefers), and cites each acompte by number and date (BG-3:
  BT-25, BT-26). Its VAT breakdown and totals are what remains, so the VAT
  already invoiced on the acomptes is never declared twice, and the pieces
  together charge exactly the engagement and its VAT. BT-113 (amount already
  *paid*) stays empty: an acompte invoiced is not necessarily paid.

Each instalment is numbered under its own ledger key (``échéance:<libellé>``):
rebuilding reuses its number, like any issued invoice. Parts are checked to
add up to the engagement's total HT before anything is issued.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from pipeline import model as m
from pipeline.analysis.pricing import price_engagement
from pipeline.errors import Problem, WorkbookError
from pipeline.formats import enumeration, long_date, money, number, short_date
from pipeline.invoicing.billing import (
    TEMPLATE,
    Billing,
    PdfService,
    Placed,
    check_before_issuing,
    draft_invoice,
    issued_documents,
    past_date_notice,
    record_folder,
    restore_missing,
)
from pipeline.invoicing.document import (
    Deduction,
    Instalment,
    Invoice,
    Line,
    Pricing,
    cents,
)
from pipeline.invoicing.ledger import DEFAULT_KEY, Ledger
from pipeline.invoicing.records import InvoiceRecord
from pipeline.names import safe_name
from pipeline.outbox import Document, mission_folder
from pipeline.provenance import PROFORMA, Inputs, Recipe
from pipeline.render.docx import render_docx
from pipeline.render.invoice_context import invoice_context
from pipeline.render.logo import firm_template
from pipeline.text import fold
from pipeline.workbook.shared_sheets import SCHEDULE
from pipeline.workspace import Workspace

SHEET = SCHEDULE.name
KEY_PREFIX = "échéance:"


def instalment_key(line: m.ScheduleLine) -> str:
    """The ledger key of an instalment: its « Libellé », folded (case, accents, spaces)."""
    return KEY_PREFIX + fold(line.label)


def instalment_amounts(
    schedule: tuple[m.ScheduleLine, ...], total_ht: Decimal, source: str
) -> list[Decimal]:
    """The amount HT of each instalment; the last is what remains. WorkbookError if the
    parts do not add up to ``total_ht``, naming their cells."""
    amounts = [
        cents(total_ht * line.part.value / 100) if line.part.percent else line.part.value
        for line in schedule
    ]
    cells = enumeration(line.cells.get("part", f"ligne {line.source_row}") for line in schedule)
    if all(line.part.percent for line in schedule):
        stated = sum((line.part.value for line in schedule), Decimal(0))
        adds_up = stated == 100
        said = f"{number(stated)} %"
    else:
        stated = sum(amounts, Decimal(0))
        # Each percentage is rounded to the cent: that much may separate the sum from the total.
        slack = Decimal("0.01") * sum(1 for line in schedule if line.part.percent)
        adds_up = abs(stated - total_ht) <= slack
        said = f"{money(stated)} HT"
    remainder = total_ht - sum(amounts[:-1], Decimal(0))
    if not adds_up or remainder <= 0:
        raise WorkbookError(
            source,
            [
                Problem(
                    f"les parts de l'échéancier (cellules {cells}) totalisent {said}, le total "
                    f"HT de la mission est de {money(total_ht)}",
                    sheet=SHEET,
                    hint="Corrigez les parts pour qu'elles totalisent 100 % (ou "
                    f"{money(total_ht)} HT) : la dernière échéance, le solde, facture ce qui "
                    "reste. Rien n'a été émis.",
                )
            ],
        )
    return [*amounts[:-1], remainder]


def bill_schedule(
    engagement: m.Engagement,
    workspace: Workspace,
    today: date,
    pdf: PdfService | None,
    source: str,
    made_from: str,
    records: list[InvoiceRecord],
) -> Billing:
    """The invoices of an engagement billed by instalments, each as its « Facture » asks."""
    mission = engagement.mission
    config = workspace.config
    schedule = engagement.schedule
    keys = [instalment_key(line) for line in schedule]
    live = {r.key: r for r in records if r.is_live}
    placed: list[Placed] = []
    notices: list[str] = []
    for old in records:
        if old.key not in keys or not old.is_live:
            placed += restore_missing(old, workspace, pdf, notices)
    orphans = [r for k, r in live.items() if k.startswith(KEY_PREFIX) and k not in keys]
    if orphans:
        # A renamed « Libellé » would be a new instalment: its part would be charged twice.
        labels = enumeration(
            f"« {r.invoice.instalment.label if r.invoice.instalment else r.key} » ({r.number})"
            for r in orphans
        )
        notices.append(
            f"Les échéances déjà facturées {labels} ne figurent plus dans la feuille "
            f"« {SHEET} » : aucune facture n'est émise. Rendez-leur leur libellé exact, ou "
            f"annulez leur facture par un avoir."
        )
        return Billing(tuple(placed), tuple(notices), None)
    whole = live.get(DEFAULT_KEY)
    if whole is not None:
        notices.append(
            f"La facture {whole.number} a été émise pour toute la mission : la feuille "
            f"« {SHEET} » n'est pas facturée. Pour facturer par échéances, annulez-la par un "
            f'avoir (amoor facture avoir {whole.number} --motif "…"), puis relancez.'
        )
        return Billing(tuple(placed), tuple(notices), whole.number)

    pricing = price_engagement(
        engagement, config.catalogue[mission.offer], config.seller, source=source
    )
    amounts = instalment_amounts(schedule, pricing.total_ht, source)
    past_date_notice(mission, today, notices)
    base = draft_invoice(engagement, pricing, config.seller, today)
    ledger = Ledger.of(workspace)
    here = mission_folder(workspace.outbox, mission)
    balance_key = keys[-1]
    numbers: list[str] = []
    for position, (line, key, amount) in enumerate(zip(schedule, keys, amounts, strict=True), 1):
        record = live.get(key)
        last = key == balance_key
        if line.invoice_mode is m.InvoiceMode.NON or (
            record is None and not last and balance_key in live
        ):
            if record is None and line.invoice_mode is not m.InvoiceMode.NON:
                notices.append(
                    f"Le solde {live[balance_key].number} a déjà été émis : l'échéance "
                    f"« {line.label} » est comprise dans le solde, elle n'est pas facturée "
                    f"à part."
                )
            if record is not None:
                placed += restore_missing(record, workspace, pdf, notices)
                numbers.append(record.number)
            continue
        earlier = [live[k] for k in keys[: position - 1] if k in live]
        draft = _instalment_invoice(
            base, line, (position, len(schedule)), amount, pricing, earlier if last else None
        )
        if line.invoice_mode is m.InvoiceMode.PROFORMA and record is None:
            if last:
                _pending_notice(schedule, keys, live, notices)
            name = safe_name(f"Facture proforma - {mission.reference} - {line.label}.docx")
            data = render_docx(
                firm_template(workspace, TEMPLATE), invoice_context(draft, demo=config.demo)
            )
            recipe = Recipe(PROFORMA, TEMPLATE)
            made = (recipe.text(), Inputs(workspace).of(recipe, made_from)) if made_from else None
            placed.append(Placed(here, Document(name, data, provenance=made)))
            continue
        if record is None:
            if last:
                _refuse_before_pending(schedule, keys, live, source)
            check_before_issuing(draft, mission, today, source)
        outcome = ledger.issue(draft, key=key)
        record = outcome.record
        live[key] = record
        numbers.append(record.number)
        if outcome.differences:
            changes = "\n".join(f"    · {d}" for d in outcome.differences)
            notices.append(
                f"La facture {record.number} (échéance « {line.label} ») a déjà été émise le "
                f"{short_date(record.issue_date)} : elle n'est pas modifiée, mais le classeur "
                f"implique désormais d'autres éléments :\n{changes}\n  Pour les facturer, "
                f'annulez-la par un avoir (amoor facture avoir {record.number} --motif "…"), '
                f"puis relancez « amoor build »."
            )
        folder = record_folder(workspace, record)
        placed += (
            [Placed(folder, d) for d in issued_documents(record, workspace, pdf, notices)]
            if outcome.created
            else restore_missing(record, workspace, pdf, notices)
        )
    return Billing(
        tuple(placed), tuple(notices), numbers[-1] if numbers else None, pricing.warnings
    )


def _instalment_invoice(
    base: Invoice,
    line: m.ScheduleLine,
    place: tuple[int, int],
    amount: Decimal,
    pricing: Pricing,
    earlier: list[InvoiceRecord] | None,
) -> Invoice:
    """The acompte (one line: its part), or the balance when ``earlier`` is given (the
    instalments issued before it): every line of the engagement, then each acompte taken
    back, HT at its VAT rate."""
    position, count = place
    rate = pricing.lines[0].vat_rate  # every line bears the seller's rate (pricing.py)
    share = line.part.value if line.part.percent else None
    if earlier is None:
        what = f"{number(share)} %" if share is not None else money(amount) + " HT"
        detail = f"{what} du montant de la mission ({money(pricing.total_ht)} HT)"
        lines: tuple[Line, ...] = (Line(line.label, Decimal(1), amount, rate, detail),)
        deductions: tuple[Deduction, ...] = ()
    else:
        deductions = tuple(
            Deduction(
                number=r.number,
                issue_date=r.issue_date,
                label=r.invoice.instalment.label if r.invoice.instalment else r.number,
                total_ht=r.total_ht,
                total_vat=r.total_vat,
            )
            for r in earlier
        )
        taken_back = tuple(
            Line(
                f"Acompte déduit : {d.label}",
                Decimal(-1),
                d.total_ht,
                rate,
                f"Facture d'acompte n° {d.number} du {long_date(d.issue_date)}",
            )
            for d in deductions
        )
        lines = (*pricing.lines, *taken_back)
    instalment = Instalment(
        label=line.label,
        position=position,
        count=count,
        engagement_ht=pricing.total_ht,
        engagement_vat=pricing.total_vat,
        share=share,
        balance=earlier is not None,
        deductions=deductions,
    )
    return replace(
        base,
        pricing=replace(pricing, lines=lines, warnings=()),
        instalment=instalment,
    )


def _pending(
    schedule: tuple[m.ScheduleLine, ...], keys: list[str], live: dict[str, InvoiceRecord]
) -> list[m.ScheduleLine]:
    """Earlier instalments to be invoiced on their own that are not issued yet."""
    return [
        line
        for line, key in zip(schedule[:-1], keys[:-1], strict=True)
        if key not in live and line.invoice_mode is not m.InvoiceMode.NON
    ]


def _pending_notice(
    schedule: tuple[m.ScheduleLine, ...],
    keys: list[str],
    live: dict[str, InvoiceRecord],
    notices: list[str],
) -> None:
    pending = _pending(schedule, keys, live)
    if pending:
        notices.append(
            f"Proforma du solde : {enumeration(f'« {p.label} »' for p in pending)} "
            f"n'{'ont' if len(pending) > 1 else 'a'} pas encore été émis : le brouillon du "
            f"solde ne les déduit pas."
        )


def _refuse_before_pending(
    schedule: tuple[m.ScheduleLine, ...],
    keys: list[str],
    live: dict[str, InvoiceRecord],
    source: str,
) -> None:
    """The balance is issued last: after it, an acompte would charge its part twice."""
    pending = _pending(schedule, keys, live)
    if pending:
        raise WorkbookError(
            source,
            [
                Problem(
                    f"le solde « {schedule[-1].label} » ne peut pas être émis avant l'échéance "
                    f"« {line.label} »",
                    sheet=SHEET,
                    cell=line.cells.get("invoice_mode", line.cells.get("label", "")),
                    hint=f"Émettez d'abord cette échéance (« {m.InvoiceMode.A_EMETTRE} »), ou "
                    f"passez-la à « {m.InvoiceMode.NON} » : le solde la comprendra alors. "
                    f"Rien n'a été émis.",
                )
                for line in pending
            ],
        )
