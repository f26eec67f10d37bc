"""Context of the Cahier des charges of a Concertation citoyenne (or its Note de décision).

Pure: the engagement and its analysis in, pre-formatted French strings out.
"""

from __future__ import annotations

from datetime import date

from pipeline import model as m
from pipeline.analysis.overview import Analysis
from pipeline.formats import enumeration, money, number, quoted, to
from pipeline.render.commitments import commitments_context
from pipeline.render.context import (
    MEANS_RUBRIQUES,
    SETTING_RUBRIQUES,
    blocks,
    budget,
    communication_plan,
    frame,
    parameter_groups,
    stakeholder_figure,
    stakeholders_context,
    sum_amounts,
)
from pipeline.render.docx import Context
from pipeline.render.governance import governance_context
from pipeline.render.roi_context import Retained, retained_scenario, roi_context

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

STOPPED_EVALUATION = (
    "Sans atelier, la grille R.O.I. citoyen n'est pas employée : le plan d'information est "
    "évalué par son bilan (ce qui a été diffusé, à qui, les questions reçues et les réponses "
    "apportées), présenté aux élus."
)

STOPPED_TEXT = (
    "La démarche de concertation a été arrêtée avant l'atelier R.O.I. citoyen, d'un commun "
    "accord entre la collectivité et {}. Cette note consigne la décision et ses motifs "
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
        **frame(mission, firm_name, cahier_title(mission), today),
        "purpose": _purpose(mission, firm_name),
        "stopped": stopped,
        "stopped_text": STOPPED_TEXT.format(firm_name) if stopped else "",
        "stakeholders": stakeholders_context(engagement.stakeholders),
        "parameters": parameter_groups(engagement.parameters, SETTING_RUBRIQUES),
        "scenarios": [_scenario(s, retained) for s in engagement.scenarios],
        "chosen_scenario": _chosen(engagement, retained),
        "roi": roi_context(engagement, analysis.roi)
        if analysis.roi is not None
        else {"rated": False, "empty_text": "", "notes": []},
        "figures": {"stakeholder_map": stakeholder_figure(engagement.stakeholders)},
        "means": parameter_groups(engagement.parameters, MEANS_RUBRIQUES),
        "budget": budget(engagement.parameters),
        "budget_total": money(sum_amounts(p.amount for p in engagement.parameters)),
        "information_plan": communication_plan(engagement.communication),
        "governance": governance_context(engagement, firm_name),
        **commitments_context(engagement, firm_name),
        "deliverables": [
            {"name": n, "description": d}
            for n, d in (STOPPED_DELIVERABLES if stopped else CONCERTATION_DELIVERABLES)
        ],
        # A decision note has no workshop, so no R.O.I. citoyen grid: its plan is judged
        # by the information's own record.
        "evaluation": []
        if stopped
        else [
            {"code": c.code, "name": c.name, "definition": c.definition}
            for c in engagement.criteria
        ],
        "evaluation_text": STOPPED_EVALUATION if stopped else "",
    }


def presented_scenario(engagement: m.Engagement, analysis: Analysis) -> m.Scenario | None:
    """The scenario the cahier presents as retained or recommended (concertation only)."""
    retained = retained_scenario(analysis.roi, engagement.mission.chosen_scenario)
    return engagement.scenario(retained.code) if retained and engagement.scenarios else None


def _purpose(mission: m.Mission, firm_name: str) -> str:
    client = f"confiée {to(firm_name)} par la collectivité {quoted(mission.collectivite)}"
    if mission.stage is m.Stage.ARRETEE:
        # No parenthesis around the mission: a firm's name may hold its own.
        return (
            f"La présente note, établie dans le cadre de la mission {client}, consigne la "
            f"décision d'arrêter la démarche {quoted(mission.title)} avant l'atelier R.O.I. "
            f"citoyen, et ce qui la remplace."
        )
    return (
        f"Le présent cahier des charges précise le cadre de la mission {quoted(mission.title)}, "
        f"{client}."
    )


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
