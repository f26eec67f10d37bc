"""Render contexts: pure functions from the domain to what templates show.

Every value is already formatted in French (dates, amounts, lists), so the
templates stay free of logic and the contexts can be compared as JSON in
golden tests. No I/O here; ``today`` is a parameter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from pipeline import model as m
from pipeline.analysis.stakeholders import count_by_category, group_by_quadrant
from pipeline.formats import long_date, money, number, quoted
from pipeline.render.agreement import elected_label
from pipeline.render.chart_cache import Chart
from pipeline.render.chart_stakeholders import one_marker_each
from pipeline.render.docx import Context, Picture

QUADRANT_EXPLANATIONS: dict[m.Quadrant, str] = {
    m.Quadrant.ACTEURS_CLES: (
        "Influence et intérêt élevés : ils sont associés étroitement à chaque étape, "
        "consultés avant les décisions et informés en priorité."
    ),
    m.Quadrant.A_SATISFAIRE: (
        "Influence élevée, intérêt modéré : leurs attentes sont prises en compte et ils sont "
        "tenus au courant aux moments clés, sans les solliciter à l'excès."
    ),
    m.Quadrant.A_INFORMER: (
        "Intérêt élevé, influence modérée : ils reçoivent une information régulière et sont "
        "invités à contribuer ; leur expertise d'usage est précieuse."
    ),
    m.Quadrant.A_SURVEILLER: (
        "Influence et intérêt faibles : une information générale suffit, en restant attentif "
        "à l'évolution de leur position."
    ),
}

PARTICIPATION_TEXTS: dict[m.ParticipationLevel, str] = {
    m.ParticipationLevel.INFORMER: (
        "La collectivité informe les habitants du projet et de ses décisions ; la décision "
        "elle-même n'est pas soumise au débat."
    ),
    m.ParticipationLevel.CONSULTER: (
        "Les habitants sont consultés : leur avis est recueilli et pris en compte, la "
        "collectivité décide et rend compte de ce qu'elle en a fait."
    ),
    m.ParticipationLevel.CONCERTER: (
        "Les habitants sont associés à l'élaboration du projet tout au long de la démarche ; "
        "la décision finale revient aux élus, qui motivent leurs choix."
    ),
    m.ParticipationLevel.CO_CONSTRUIRE: (
        "Le projet est élaboré avec les habitants : les propositions sont construites "
        "ensemble, la collectivité s'engage sur ce qui en sortira."
    ),
    m.ParticipationLevel.CO_DECIDER: (
        "La décision est partagée avec les habitants selon des règles fixées à l'avance "
        "(vote, jury, budget participatif)."
    ),
}

# Section 4 of the cahier des charges; the means rubriques go to section 7. A heading
# is the rubrique as the workbook names it (a consultant finds in the document the word
# picked in the sheet); a longer title starts with it.
SETTING_RUBRIQUES: dict[m.Rubrique, str] = {
    m.Rubrique.LIEU: m.Rubrique.LIEU.value,
    m.Rubrique.COMMUNICATION: m.Rubrique.COMMUNICATION.value,
    m.Rubrique.ANIMATION: m.Rubrique.ANIMATION.value,
    m.Rubrique.CONTRAT: "Contrat entre l'acteur public et les citoyens",
    m.Rubrique.CALENDRIER: m.Rubrique.CALENDRIER.value,
    m.Rubrique.AUTRE: m.Rubrique.AUTRE.value,
}
MEANS_RUBRIQUES: dict[m.Rubrique, str] = {
    m.Rubrique.MOYENS_HUMAINS: m.Rubrique.MOYENS_HUMAINS.value,
    m.Rubrique.MOYENS_MATERIELS: m.Rubrique.MOYENS_MATERIELS.value,
    m.Rubrique.BUDGET: m.Rubrique.BUDGET.value,
}


def frame(mission: m.Mission, firm_name: str, title: str, today: date) -> Context:
    """What every mission document's cover, header and footer show
    (``templating.common.start_document`` and ``build_cover``)."""
    return {
        "firm": {"name": firm_name},
        "doc": {"title": title, "generated_on": long_date(today)},
        "mission": mission_context(mission),
    }


def mission_context(mission: m.Mission) -> Context:
    level = mission.participation_level
    return {
        "reference": mission.reference,
        "title": mission.title,
        "quoted_title": quoted(mission.title),
        "offer": mission.offer.value,
        "collectivite": mission.collectivite,
        "quoted_collectivite": quoted(mission.collectivite),
        "collectivite_type": value(mission.collectivite_type),
        "pilot": mission.pilot,
        "elected_official": mission.elected_official,
        "elected_label": elected_label(mission.elected_official),
        "consultant": mission.consultant,
        "start_date": long_date(mission.start_date),
        "workshop_date": long_date(mission.workshop_date),
        "stage": mission.stage.value,
        "context": mission.context,
        "objectives": mission.objectives,
        "stakes": mission.stakes,
        "context_blocks": blocks(mission.context),
        "objectives_blocks": blocks(mission.objectives),
        "stakes_blocks": blocks(mission.stakes),
        "participation_level": value(level),
        "participation_level_text": PARTICIPATION_TEXTS[level] if level else "",
    }


_BULLET = re.compile(r"^\s*[•\-–—*·▪]\s+")


def blocks(text: str) -> list[Context]:
    """A cell's lines as Word paragraphs: a line typed as « • … » or « - … » is a bullet."""
    result = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        marker = _BULLET.match(line)
        result.append(
            {"text": line[marker.end() :] if marker else line.strip(), "bullet": bool(marker)}
        )
    return result


def budget(parameters: Iterable[m.Parameter]) -> list[Context]:
    """Every rubrique with an amount, in the sheet's list order: the amounts all add up."""
    items = list(parameters)
    rows = []
    for rubrique in m.Rubrique:
        total = sum_amounts(p.amount for p in items if p.rubrique is rubrique)
        if total is not None:
            heading = MEANS_RUBRIQUES.get(rubrique) or SETTING_RUBRIQUES[rubrique]
            rows.append({"heading": heading, "total": money(total)})
    return rows


def by_moment(actions: Iterable[m.CommunicationAction]) -> list[m.CommunicationAction]:
    order = {moment: index for index, moment in enumerate(m.Moment)}
    return sorted(
        actions,
        key=lambda a: (
            order.get(a.moment, len(order)) if a.moment else len(order),
            a.date or date.max,
        ),
    )


def communication_plan(actions: Iterable[m.CommunicationAction]) -> list[Context]:
    """The « Communication » sheet's actions by temps fort, then date."""
    return [action(a) for a in by_moment(actions)]


def action(action: m.CommunicationAction) -> Context:
    return {
        "moment": value(action.moment),
        "date": long_date(action.date),
        "target": action.target,
        "message": action.message,
        "channel": " · ".join(x for x in (action.channel, action.support) if x),
        "owner": action.owner,
    }


def register(stakeholders: Iterable[m.Stakeholder]) -> dict[m.Quadrant, list[m.Stakeholder]]:
    """The stakeholders by quadrant, in the grid's order, the most influential and
    interested first in each (who to meet first). Their rank in this order is their
    number, on the map and in the register."""
    return {
        quadrant: sorted(members, key=lambda s: (-s.influence, -s.interest, s.name.casefold()))
        for quadrant, members in group_by_quadrant(list(stakeholders)).items()
        if members
    }


def stakeholders_context(stakeholders: Iterable[m.Stakeholder]) -> Context:
    """The register grouped by quadrant, numbered as on the map, the contacts apart
    (a table of its own: an e-mail address needs a wide column), and counts per
    category."""
    items = list(stakeholders)
    groups = []
    contacts = []
    numbered = 0
    for quadrant, members in register(items).items():
        rows = []
        for s in members:
            numbered += 1
            rows.append(_stakeholder(numbered, s))
            if s.contact:
                contacts.append({"number": number(numbered), "name": s.name, "contact": s.contact})
        groups.append(
            {
                "quadrant": quadrant.value,
                "explanation": QUADRANT_EXPLANATIONS[quadrant],
                "count": number(len(members)),
                "items": rows,
            }
        )
    by_category = [
        {"category": c.value, "count": number(n)} for c, n in count_by_category(items).items() if n
    ]
    return {
        "total": number(len(items)),
        "groups": groups,
        "by_category": by_category,
        "contacts": contacts,
    }


def _stakeholder(rank: int, s: m.Stakeholder) -> Context:
    return {
        "number": number(rank),
        "name": s.name,
        "category": s.category.value,
        "role": s.role,
        "influence": number(s.influence),
        "interest": number(s.interest),
        "involvement": value(s.involvement),
        "contact": s.contact,
    }


def parameter_groups(
    parameters: Iterable[m.Parameter], rubriques: dict[m.Rubrique, str]
) -> list[Context]:
    items = list(parameters)
    groups = []
    for rubrique, heading in rubriques.items():
        members = [p for p in items if p.rubrique is rubrique]
        if members:
            groups.append(
                {
                    "rubrique": rubrique.value,
                    "heading": heading,
                    "items": [
                        {"label": p.label, "detail": p.detail, "amount": money(p.amount)}
                        for p in members
                    ],
                    "total": money(sum_amounts(p.amount for p in members)),
                }
            )
    return groups


def stakeholder_figure(stakeholders: tuple[m.Stakeholder, ...]) -> Picture | None:
    """The power/interest map, its markers numbered as the register."""
    if not stakeholders:
        return None
    ordered = [s for members in register(stakeholders).values() for s in members]
    what = (
        "chaque numéro renvoie au registre, forme et couleur indiquent la catégorie"
        if one_marker_each(len(ordered))
        else "chaque point donne le nombre de parties prenantes qui s'y trouvent et leurs "
        "numéros au registre, forme et couleur les catégories présentes"
    )
    # Only what the map draws goes into its key: a name, role or contact changed redraws
    # nothing (the register names each number).
    drawn = tuple(
        replace(s, name="", role="", involvement=None, contact="", internal_notes="")
        for s in ordered
    )
    return Picture(
        Chart("stakeholder_map", (drawn,)),
        17.0,
        f"Carte pouvoir / intérêt des parties prenantes : {what}",
    )


def sum_amounts(amounts: Iterable[Decimal | None]) -> Decimal | None:
    values = [a for a in amounts if a is not None]
    return sum(values, Decimal(0)) if values else None


def value(member: StrEnum | None) -> str:
    return "" if member is None else str(member.value)
