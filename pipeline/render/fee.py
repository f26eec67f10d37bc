"""The money of a démarche, told once: the consultancy's fee beside the collectivité's costs.

A cahier des charges holds three amounts a director reads side by side: the fee the
firm invoices (the very lines of the invoice or proforma: :func:`engagement_fee` calls
the pricing that makes them, and the instalments of the « Échéancier » as the invoices
split them), the estimated cost of the chosen scenario, and the budget of the démarche
(the « Moyens » amounts). The fee is the firm's; the scenario's cost and the budget are
what the collectivité spends itself; the context says so in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pipeline import model as m
from pipeline.analysis.pricing import price_engagement
from pipeline.config import Config
from pipeline.formats import long_date, money, number, of, quoted
from pipeline.invoicing.document import Pricing
from pipeline.render.docx import Context


@dataclass(frozen=True)
class Fee:
    """What the firm invoices for an engagement: its invoice lines and instalments."""

    pricing: Pricing
    payment_days: int  # the seller's terms, as the invoice prints them
    instalments: tuple[tuple[m.ScheduleLine, Decimal], ...] = ()  # each with its amount HT


def engagement_fee(engagement: m.Engagement, config: Config, source: str = "") -> Fee:
    """The fee as the invoice states it (WorkbookError for an unpriced option or an
    « Échéancier » whose parts do not add up, as the invoice would)."""
    # The schedule's module brings the invoicing flow with it: loaded only here.
    from pipeline.invoicing.schedule import instalment_amounts

    mission = engagement.mission
    pricing = price_engagement(
        engagement, config.catalogue[mission.offer], config.seller, source=source
    )
    days = config.seller.payment_days
    if not engagement.schedule:
        return Fee(pricing, days)
    where = source or f"mission {mission.reference}"
    amounts = instalment_amounts(engagement.schedule, pricing.total_ht, where)
    return Fee(pricing, days, tuple(zip(engagement.schedule, amounts, strict=True)))


def fee_context(
    engagement: m.Engagement, fee: Fee, firm_name: str, scenario: m.Scenario | None
) -> Context:
    """The fee, its schedule, and how it relates to the scenario's cost and the budget."""
    pricing = fee.pricing
    budget = _budget_total(engagement.parameters)
    cost = scenario.estimated_cost if scenario is not None else None
    summary = _summary(pricing, firm_name, scenario, cost, budget)
    return {
        "intro": _intro(engagement, firm_name, several=len(summary) > 1),
        "heading": f"Honoraires {of(firm_name)}",
        "lines": [
            {
                "description": line.description,
                "detail": line.detail,
                "quantity": number(line.quantity),
                "unit_price": money(line.unit_price),
                "total": money(line.total),
            }
            for line in pricing.lines
        ],
        "total_ht": money(pricing.total_ht),
        "vat_label": "TVA non applicable, art. 293 B du CGI"
        if pricing.vat_exempt
        else "TVA " + " ; ".join(f"{number(v.rate)} %" for v in pricing.vat_totals),
        "vat": "" if pricing.vat_exempt else money(pricing.total_vat),
        "total_ttc": money(pricing.total_ttc),
        "halved": engagement.mission.stage is m.Stage.ARRETEE,
        "schedule": [
            {
                "label": line.label,
                "part": f"{number(line.part.value)} %" if line.part.percent else "",
                "planned": long_date(line.planned) if line.planned else "à la date convenue",
                "amount": money(amount),
            }
            for line, amount in fee.instalments
        ],
        "schedule_text": _schedule_text(fee, firm_name),
        "summary": summary,
    }


def _intro(engagement: m.Engagement, firm_name: str, *, several: bool) -> str:
    """What the amounts are, in words that stay true: the fee alone is the firm's
    commitment; a cost the consultant typed in a lead (« Coût estimé : 180 000 € »)
    is an indicative estimate, not a second amount this document commits to."""
    if several:
        return (
            "Ce document mentionne plusieurs montants : ils n'ont pas le même objet et ne "
            "sont pas payés à la même personne. Tous sont exprimés hors taxes (HT)."
        )
    if any(_costed(lead) for lead in engagement.leads):
        return (
            f"Le seul engagement financier {of(firm_name)} dans ce document est celui de ses "
            "honoraires, hors taxes (HT). Les coûts cités pour certaines pistes sont des "
            "estimations indicatives, à affiner si la collectivité les expérimente : ce ne "
            "sont ni un devis ni un budget."
        )
    return (
        "Le seul montant de ce document est celui des honoraires, hors taxes (HT) : la "
        "collectivité n'y a pas chiffré de budget propre."
    )


def _costed(lead: m.Lead) -> bool:
    """Whether a lead's text gives an amount (a figure in euros)."""
    text = f"{lead.name} {lead.conditions} {lead.next_step}"
    return "€" in text or "euro" in text.casefold()


def _budget_total(parameters: tuple[m.Parameter, ...]) -> Decimal | None:
    amounts = [p.amount for p in parameters if p.amount is not None]
    return sum(amounts, Decimal(0)) if amounts else None


def _schedule_text(fee: Fee, firm_name: str) -> str:
    terms = f"chaque facture est payable par virement sous {number(fee.payment_days)} jours"
    if fee.instalments:
        return (
            f"Les honoraires sont facturés par {firm_name} en "
            f"{number(len(fee.instalments))} échéances, selon l'échéancier ci-dessous ; la "
            f"dernière, le solde, reprend toute la mission et déduit les acomptes facturés ; "
            f"{terms}."
        )
    return (
        f"Les honoraires sont facturés en une fois par {firm_name}, à l'acceptation du "
        f"dernier livrable ; {terms}."
    )


def _summary(
    pricing: Pricing,
    firm_name: str,
    scenario: m.Scenario | None,
    cost: Decimal | None,
    budget: Decimal | None,
) -> list[Context]:
    """The three amounts, each with whose it is and what it covers."""
    rows: list[Context] = [
        {
            "label": f"Honoraires {of(firm_name)}",
            "amount": money(pricing.total_ht),
            "text": "Le prix de la mission d'accompagnement, facturé par "
            f"{firm_name} à la collectivité (détail ci-dessous) : les mêmes montants que la "
            "facture.",
        }
    ]
    if scenario is not None and cost is not None:
        rows.append(
            {
                "label": f"Coût estimé du scénario {scenario.code}",
                "amount": money(cost),
                "text": f"L'estimation, faite lors de la comparaison des scénarios, de ce que "
                f"la mise en œuvre de {quoted(scenario.title)} coûte à la collectivité ; elle "
                "ne comprend pas les honoraires.",
            }
        )
    if budget is not None:
        text = (
            "Les moyens humains, matériels et budgétaires que la collectivité engage "
            "elle-même, détaillés dans la section des moyens ; hors honoraires."
        )
        if cost is not None and cost != budget:
            gap = budget - cost
            way = "au-dessus" if gap > 0 else "en dessous"
            text += (
                f" Ce budget détaillé se situe {money(abs(gap))} {way} de l'estimation du "
                "scénario : c'est lui qui fait foi."
            )
        rows.append({"label": "Budget de la démarche", "amount": money(budget), "text": text})
        rows.append(
            {
                "label": "Engagement total de la collectivité",
                "amount": money(budget + pricing.total_ht),
                "text": "Le budget de la démarche et les honoraires, hors taxes.",
            }
        )
    return rows
