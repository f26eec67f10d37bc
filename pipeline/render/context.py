"""Render contexts: pure functions from the domain to what templates show.

Every value is already formatted in French (dates, amounts, lists), so the
templates stay free of logic and the contexts can be compared as JSON in
golden tests. No I/O here; ``today`` is a parameter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from enum import StrEnum

from pipeline import model as m
from pipeline.analysis.overview import Analysis
from pipeline.analysis.stakeholders import count_by_category, group_by_quadrant
from pipeline.formats import enumeration, long_date, money, number
from pipeline.render import charts
from pipeline.render.docx import Context, Picture
from pipeline.render.roi_context import Retained, retained_scenario, roi_context
from pipeline.workbook.kinds import fold

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

# Section 4 of the cahier des charges; the means rubriques go to section 7.
SETTING_RUBRIQUES: dict[m.Rubrique, str] = {
    m.Rubrique.LIEU: "Lieux",
    m.Rubrique.COMMUNICATION: "Communication",
    m.Rubrique.ANIMATION: "Animation",
    m.Rubrique.CONTRAT: "Contrat entre l'acteur public et les citoyens",
    m.Rubrique.CALENDRIER: "Calendrier",
    m.Rubrique.AUTRE: "Autres paramètres",
}
MEANS_RUBRIQUES: dict[m.Rubrique, str] = {
    m.Rubrique.MOYENS_HUMAINS: "Moyens humains",
    m.Rubrique.MOYENS_MATERIELS: "Moyens matériels",
    m.Rubrique.BUDGET: "Moyens budgétaires",
}

CONCERTATION_DELIVERABLES: tuple[tuple[str, str], ...] = (
    (
        "Plan et supports de communication",
        "Annonce, mobilisation, communication pendant la démarche et restitution, selon le "
        "plan de communication établi avec la collectivité.",
    ),
    (
        "Comptes rendus des temps de concertation",
        "Un compte rendu par temps d'échange, publié et transmis aux participants.",
    ),
    (
        "Bilan de la concertation",
        "Ce qui a été retenu ou écarté, et pourquoi ; présenté aux élus puis restitué aux "
        "habitants.",
    ),
    (
        "Évaluation R.O.I. citoyen de fin de démarche",
        "Les participants évaluent la démarche avec la grille ci-dessous ; les résultats, "
        "par public, alimentent le bilan.",
    ),
)

# A stopped concertation delivers its information plan, not a consultation.
STOPPED_DELIVERABLES: tuple[tuple[str, str], ...] = (
    (
        "Plan d'information des habitants",
        "Les actions décrites dans cette note (annonce, supports, temps d'information), selon "
        "le calendrier retenu.",
    ),
    (
        "Bilan de l'information",
        "Ce qui a été diffusé, à qui, et les questions reçues ; présenté aux élus.",
    ),
)

STOPPED_TEXT = (
    "La démarche de concertation a été arrêtée avant l'atelier R.O.I. citoyen, d'un commun "
    "accord entre la collectivité et amoor. Cette note consigne la décision et ses motifs "
    "(voir « Contexte et objet ») ainsi que les éléments réunis pendant le cadrage, qui restent "
    "utiles à la collectivité."
)


def cahier_title(mission: m.Mission) -> str:
    """A concertation stopped before its workshop gets a decision note instead."""
    return "Note de décision" if mission.stage is m.Stage.ARRETEE else "Cahier des charges"


def cahier_context(
    engagement: m.Engagement, analysis: Analysis, firm_name: str, today: date
) -> Context:
    """Context of the Cahier des charges (concertation citoyenne)."""
    mission = engagement.mission
    stopped = mission.stage is m.Stage.ARRETEE
    retained = retained_scenario(analysis.roi, mission.chosen_scenario)
    return {
        "firm": {"name": firm_name},
        "doc": {
            "title": cahier_title(mission),
            "generated_on": long_date(today),
        },
        "mission": mission_context(mission),
        "purpose": _purpose(mission, firm_name),
        "stopped": stopped,
        "stopped_text": STOPPED_TEXT if stopped else "",
        "stakeholders": stakeholders_context(engagement.stakeholders),
        "parameters": _parameter_groups(engagement.parameters, SETTING_RUBRIQUES),
        "scenarios": [_scenario(s, retained) for s in engagement.scenarios],
        "chosen_scenario": _chosen(engagement, retained),
        "roi": roi_context(engagement, analysis.roi)
        if analysis.roi is not None
        else {"rated": False, "empty_text": "", "notes": []},
        "figures": {"stakeholder_map": stakeholder_figure(engagement.stakeholders)},
        "means": _parameter_groups(engagement.parameters, MEANS_RUBRIQUES),
        "budget": _budget(engagement.parameters),
        "budget_total": money(_sum(p.amount for p in engagement.parameters)),
        "information_plan": [_action(a) for a in _by_moment(engagement.communication)],
        "governance": _governance(engagement, firm_name),
        "deliverables": [
            {"name": n, "description": d}
            for n, d in (STOPPED_DELIVERABLES if stopped else CONCERTATION_DELIVERABLES)
        ],
        "evaluation": [
            {"code": c.code, "name": c.name, "definition": c.definition}
            for c in engagement.criteria
        ],
    }


def mission_context(mission: m.Mission) -> Context:
    level = mission.participation_level
    return {
        "reference": mission.reference,
        "title": mission.title,
        "offer": mission.offer.value,
        "collectivite": mission.collectivite,
        "collectivite_type": _value(mission.collectivite_type),
        "pilot": mission.pilot,
        "elected_official": mission.elected_official,
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
        "participation_level": _value(level),
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


def _purpose(mission: m.Mission, firm_name: str) -> str:
    client = f"confiée à {firm_name} par la collectivité « {mission.collectivite} »"
    if mission.stage is m.Stage.ARRETEE:
        return (
            f"La présente note consigne la décision d'arrêter la démarche « {mission.title} » "
            f"avant l'atelier R.O.I. citoyen, et ce qui la remplace (mission {client})."
        )
    return (
        f"Le présent cahier des charges précise le cadre de la mission « {mission.title} », "
        f"{client}."
    )


def _budget(parameters: Iterable[m.Parameter]) -> list[Context]:
    """Every rubrique with an amount, in the sheet's list order: the amounts all add up."""
    items = list(parameters)
    rows = []
    for rubrique in m.Rubrique:
        total = _sum(p.amount for p in items if p.rubrique is rubrique)
        if total is not None:
            heading = MEANS_RUBRIQUES.get(rubrique) or SETTING_RUBRIQUES[rubrique]
            rows.append({"heading": heading, "total": money(total)})
    return rows


def _by_moment(actions: Iterable[m.CommunicationAction]) -> list[m.CommunicationAction]:
    order = {moment: index for index, moment in enumerate(m.Moment)}
    return sorted(
        actions,
        key=lambda a: (
            order.get(a.moment, len(order)) if a.moment else len(order),
            a.date or date.max,
        ),
    )


def _action(action: m.CommunicationAction) -> Context:
    return {
        "moment": _value(action.moment),
        "date": long_date(action.date),
        "target": action.target,
        "message": action.message,
        "channel": " · ".join(x for x in (action.channel, action.support) if x),
        "owner": action.owner,
    }


def stakeholders_context(stakeholders: Iterable[m.Stakeholder]) -> Context:
    """The register grouped by quadrant (in the grid's order), and counts per category."""
    items = list(stakeholders)
    groups = []
    for quadrant, in_quadrant in group_by_quadrant(items).items():
        # The most influential and interested first: who to meet first.
        members = sorted(in_quadrant, key=lambda s: (-s.influence, -s.interest, s.name.casefold()))
        if members:
            groups.append(
                {
                    "quadrant": quadrant.value,
                    "explanation": QUADRANT_EXPLANATIONS[quadrant],
                    "count": number(len(members)),
                    "items": [_stakeholder(s) for s in members],
                }
            )
    by_category = [
        {"category": c.value, "count": number(n)} for c, n in count_by_category(items).items() if n
    ]
    return {"total": number(len(items)), "groups": groups, "by_category": by_category}


def _stakeholder(s: m.Stakeholder) -> Context:
    return {
        "name": s.name,
        "category": s.category.value,
        "role": s.role,
        "influence": number(s.influence),
        "interest": number(s.interest),
        "involvement": _value(s.involvement),
        "contact": s.contact,
    }


def _parameter_groups(
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
                    "total": money(_sum(p.amount for p in members)),
                }
            )
    return groups


def _scenario(s: m.Scenario, retained: Retained | None) -> Context:
    return {
        "code": s.code,
        "title": s.title,
        "techniques": enumeration(t.value for t in s.techniques),
        "publics": s.publics,
        "description": s.description,
        "description_blocks": blocks(s.description),
        "duration": f"{number(s.duration_weeks)} semaine{'s' if s.duration_weeks != 1 else ''}"
        if s.duration_weeks is not None
        else "",
        "cost": money(s.estimated_cost),
        "mark": retained.mark if retained and retained.code == s.code else "",
    }


def _chosen(engagement: m.Engagement, retained: Retained | None) -> Context | None:
    scenario = engagement.scenario(retained.code) if retained else None
    if retained is None or scenario is None:
        return None
    return {
        "code": scenario.code,
        "title": scenario.title,
        "label": retained.label,
        "techniques": [t.value for t in scenario.techniques],
        "description": scenario.description,
        "origin": retained.origin,
    }


def stakeholder_figure(stakeholders: tuple[m.Stakeholder, ...]) -> Picture | None:
    if not stakeholders:
        return None
    return Picture(
        charts.stakeholder_map(stakeholders),
        17.0,
        "Carte pouvoir / intérêt des parties prenantes, par catégorie",
    )


def _governance(engagement: m.Engagement, firm_name: str) -> list[Context]:
    mission = engagement.mission
    people: dict[str, list[Context]] = {"Élus": [], "Services": [], "Prestataires": []}
    if mission.elected_official:
        people["Élus"].append({"name": mission.elected_official, "detail": "Élu référent"})
    if mission.pilot:
        people["Services"].append({"name": mission.pilot, "detail": "Pilote du projet"})
    if mission.consultant:
        people["Prestataires"].append(
            {"name": mission.consultant, "detail": f"{firm_name}, accompagnement de la démarche"}
        )
    categories = {
        m.Category.ELUS: "Élus",
        m.Category.SERVICES: "Services",
        m.Category.PRESTATAIRES: "Prestataires",
    }
    for s in engagement.stakeholders:
        role = categories.get(s.category)
        # « M. Jean-Baptiste Morvan, adjoint… » is the élu référent already listed.
        if role and not any(_same_person(p["name"], s.name) for p in people[role]):
            people[role].append({"name": s.name, "detail": s.role.replace("\n", " ")})
    return [{"role": role, "people": members} for role, members in people.items() if members]


def _same_person(listed: str, name: str) -> bool:
    a, b = fold(listed), fold(name)
    return bool(a and b) and (a in b or b in a)


def _sum(amounts: Iterable[Decimal | None]) -> Decimal | None:
    values = [a for a in amounts if a is not None]
    return sum(values, Decimal(0)) if values else None


def _value(member: StrEnum | None) -> str:
    return "" if member is None else str(member.value)
