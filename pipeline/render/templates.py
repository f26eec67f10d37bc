"""The templates of a workspace: which there are, who uses them, what the check finds.

``check_templates`` is ``amoor templates check`` without the printing. It
looks at every template the workspace renders with: the shipped ones, each
replaced by the workspace's own copy of the same name when there is one
(``Workspace.template``), and any other ``.docx`` of the workspace's
``templates_docx/``. Who uses a template comes from the registries, never from
a list kept here: ``DELIVERABLES`` (``pipeline/build.py``) and the invoice's
template (``invoicing/billing.py``). Each user's context is rendered from the
example workbooks shipped with amoor, one engagement per example, so a tag
naming something no context supplies is found before a consultant's build.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from pipeline import model as m
from pipeline.errors import AmoorError
from pipeline.installation import bundled
from pipeline.render.docx import Context
from pipeline.render.template_check import Finding, Severity, check_template
from pipeline.workspace import TEMPLATES, Workspace, shipped_templates

log = logging.getLogger(__name__)


@dataclass
class Usage:
    """The documents made with one template, and their contexts for the examples."""

    documents: list[str] = field(default_factory=list)  # « Cahier des charges (Concertation…) »
    contexts: list[Context] = field(default_factory=list)


@dataclass(frozen=True)
class TemplateReport:
    name: str
    path: Path  # the file checked: the workspace's own, or the shipped one
    own: bool  # the workspace's own copy
    replaces: bool  # ... of a shipped template, which it replaces in this workspace
    documents: tuple[str, ...]
    findings: tuple[Finding, ...]

    @property
    def problems(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.PROBLEM)


def check_templates(workspace: Workspace, today: date) -> list[TemplateReport]:
    """Every template the workspace uses or holds, checked against its users' contexts."""
    usages, notes = template_usages(workspace, today)
    names = {path.name for path in shipped_templates()} | set(usages)
    if not workspace.ships_templates and workspace.templates.is_dir():
        names |= {
            path.name
            for path in workspace.templates.glob("*.docx")
            if not path.name.startswith(("~$", "."))  # Word's lock files
        }
    reports = []
    for name in sorted(names):
        path = workspace.template(name)
        own = not workspace.ships_templates and path.parent == workspace.templates
        usage = usages.get(name)
        findings: list[Finding] = []
        if not path.is_file():
            findings.append(
                Finding(
                    Severity.PROBLEM,
                    "Modèle introuvable, ni dans l'espace de travail ni parmi les modèles "
                    "fournis : réinstallez amoor.",
                )
            )
        else:
            findings += check_template(path, usage.contexts if usage else None)
            findings += _remarks(name, path, own, usage, notes)
        replaces = own and (bundled(TEMPLATES) / name).is_file()
        documents = tuple(usage.documents) if usage else ()
        reports.append(TemplateReport(name, path, own, replaces, documents, tuple(findings)))
    return reports


def _remarks(
    name: str, path: Path, own: bool, usage: Usage | None, notes: list[str]
) -> list[Finding]:
    remarks = []
    if usage is None:
        remarks.append(
            Finding(
                Severity.REMARK, "Aucun document d'amoor n'utilise ce modèle (nom du fichier ?)."
            )
        )
    elif not usage.contexts:
        remarks += [Finding(Severity.REMARK, note) for note in notes] or [
            Finding(
                Severity.REMARK, "Pas de classeur d'exemple : les données ne sont pas vérifiées."
            )
        ]
    shipped = bundled(TEMPLATES) / name
    if own and shipped.is_file() and shipped.read_bytes() == path.read_bytes():
        remarks.append(
            Finding(
                Severity.REMARK,
                "Copie identique au modèle fourni : supprimez-la pour recevoir les améliorations "
                "des prochaines versions d'amoor.",
            )
        )
    return remarks


def template_usages(workspace: Workspace, today: date) -> tuple[dict[str, Usage], list[str]]:
    """Template name → the documents made with it and their contexts for the examples."""
    from pipeline.analysis.overview import analyse
    from pipeline.build import DELIVERABLES, Deliverable
    from pipeline.invoicing.billing import TEMPLATE as INVOICE
    from pipeline.invoicing.followup import REMINDER_TEMPLATE

    notes: list[str] = []
    examples = _examples(notes)
    analyses = [analyse(engagement) for engagement in examples]
    usages: dict[str, Usage] = {}
    for offer, deliverables in DELIVERABLES.items():
        mine = [(e, a) for e, a in zip(examples, analyses, strict=True) if e.offer is offer]
        for deliverable in deliverables:
            if not isinstance(deliverable, Deliverable):  # a workbook: no Word template
                continue
            usage = usages.setdefault(deliverable.template, Usage())
            titles = sorted({deliverable.title(e.mission) for e, _ in mine})
            usage.documents.append(f"{' / '.join(titles) or 'document'} ({offer})")
            for engagement, analysis in mine:
                context = deliverable.full_context(engagement, analysis, workspace.config, today)
                usage.contexts.append(context)
    invoice = usages.setdefault(INVOICE, Usage())
    invoice.documents.append("Facture, facture proforma, avoir")
    invoice.contexts += _invoice_contexts(workspace, examples, today)
    reminder = usages.setdefault(REMINDER_TEMPLATE, Usage())
    reminder.documents.append("Lettre de relance d'une facture échue")
    reminder.contexts += _reminder_contexts(workspace, examples, today)
    return usages, notes


def _examples(notes: list[str]) -> list[m.Engagement]:
    from pipeline.workbook.reader import read_engagement

    try:
        paths = sorted(bundled("examples").glob("*.xlsx"))
    except AmoorError:
        paths = []
    if not paths:
        notes.append(
            "Les classeurs d'exemple d'amoor sont introuvables : les données des balises ne "
            "sont pas vérifiées. Réinstallez amoor."
        )
    engagements = []
    for path in paths:
        try:
            engagements.append(read_engagement(path))
        except AmoorError as error:  # a broken example is amoor's bug, not the firm's
            log.warning("example %s unreadable: %s", path, error)
    return engagements


def _invoice_contexts(
    workspace: Workspace, examples: list[m.Engagement], today: date
) -> list[Context]:
    """A draft, an issued invoice and a credit note per example: the three faces of one template."""
    from pipeline.analysis.pricing import price_engagement
    from pipeline.invoicing.billing import draft_invoice
    from pipeline.invoicing.document import InvoiceKind
    from pipeline.render.invoice_context import invoice_context

    config = workspace.config
    contexts = []
    for engagement in examples:
        try:
            pricing = price_engagement(
                engagement, config.catalogue[engagement.offer], config.seller, source="exemple"
            )
        except AmoorError:
            continue
        draft = draft_invoice(engagement, pricing, config.seller, today)
        issued = replace(draft, number="F-0000-0001")
        credit = replace(
            issued,
            kind=InvoiceKind.CREDIT_NOTE,
            number="F-0000-0002",
            preceding_number=issued.number,
            preceding_date=issued.issue_date,
            reason="Vérification du modèle",
        )
        contexts += [invoice_context(i, demo=config.demo) for i in (draft, issued, credit)]
    return contexts


def _reminder_contexts(
    workspace: Workspace, examples: list[m.Engagement], today: date
) -> list[Context]:
    """The reminder of each example's invoice, thirty days after its due date."""
    from datetime import timedelta

    from pipeline.analysis.pricing import price_engagement
    from pipeline.invoicing.billing import draft_invoice
    from pipeline.invoicing.records import InvoiceRecord, InvoiceStatus
    from pipeline.invoicing.status import Standing, Status
    from pipeline.render.reminder import reminder_context

    config = workspace.config
    contexts = []
    for engagement in examples:
        try:
            pricing = price_engagement(
                engagement, config.catalogue[engagement.offer], config.seller, source="exemple"
            )
        except AmoorError:
            continue
        issued = replace(draft_invoice(engagement, pricing, config.seller, today), number="F-1")
        record = InvoiceRecord(
            seq=1,
            number="F-1",
            kind=issued.kind,
            status=InvoiceStatus.ISSUED,
            reference=issued.reference,
            key="facture",
            issue_date=issued.issue_date,
            total_ht=pricing.total_ht,
            total_vat=pricing.total_vat,
            total_ttc=pricing.total_ttc,
            fingerprint="",
            invoice=issued,
        )
        late = Standing(record, Status.LATE, due=pricing.total_ttc, days_late=30)
        day = issued.due_date + timedelta(days=30)
        contexts.append(
            reminder_context(late, config.seller, config.accounting.ecb_rate, day, demo=config.demo)
        )
    return contexts


def describe(reports: list[TemplateReport]) -> list[str]:
    """The check as the consultant reads it, in French, one line per item."""
    lines = []
    for report in reports:
        origin = "modèle fourni"
        if report.own:
            origin = "modèle de l'espace de travail" + (
                ", à la place du modèle fourni" if report.replaces else ""
            )
        used = f" — pour : {', '.join(report.documents)}" if report.documents else ""
        lines.append(f"\n{report.name} ({origin}){used}")
        if not report.problems:
            lines.append("  Aucun problème.")
        for finding in report.findings:
            where = f" ({finding.where})" if finding.where else ""
            lines.append(f"  {finding.severity}{where} : {finding.message}")
            if finding.paragraph:
                lines.append(f"    Paragraphe : « {finding.paragraph} »")
    problems = sum(len(r.problems) for r in reports)
    faulty = [r for r in reports if r.problems]
    lines.append("")
    if not problems:
        lines.append(f"Les {len(reports)} modèles sont utilisables.")
    else:
        files = ", ".join(str(r.path) for r in faulty)
        lines.append(
            f"{problems} problème{'s' if problems > 1 else ''} dans {len(faulty)} modèle"
            f"{'s' if len(faulty) > 1 else ''} sur {len(reports)} : corrigez dans Word ({files}), "
            f"puis relancez « amoor templates check »."
        )
    return lines
