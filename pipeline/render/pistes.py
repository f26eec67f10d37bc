"""Context of the Rapport « Pistes créatives » of an Émergence de concepts.

Pure: the engagement and its analysis in, pre-formatted French strings out.
The report follows the method: the research carried out (by type, in the
contract's order), the crucial parameters and their hypotheses, the scenario
tests per target, the leads by maturity, and what comes next. A sheet left
empty gives its section a sentence saying what is missing, never an empty table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from pipeline import model as m
from pipeline.analysis.concepts import (
    ConceptResult,
    EmergenceAnalysis,
    ParameterReception,
    ReactionCounts,
)
from pipeline.analysis.overview import Analysis
from pipeline.formats import enumeration, number, percent, plural, quoted, to
from pipeline.render.calendar import calendar_context
from pipeline.render.chart_cache import Chart
from pipeline.render.commitments import validation_rows
from pipeline.render.context import blocks, frame, stakeholder_figure, stakeholders_context
from pipeline.render.docx import Context, Picture

TITLE = "Rapport « Pistes créatives »"

RESEARCH_EXPLANATIONS: dict[m.ResearchType, str] = {
    m.ResearchType.OBSERVATION: (
        "Regarder les usages tels qu’ils se déroulent, sur le terrain, avant de les interpréter."
    ),
    m.ResearchType.ANALOGIE: (
        "Chercher dans d’autres univers comment un problème semblable a été résolu."
    ),
    m.ResearchType.DISTANCIATION: (
        "Prendre du recul sur le fonctionnement actuel (« et si… ? ») pour imaginer d’autres "
        "manières de faire."
    ),
    m.ResearchType.DESYNCHRONISATION: (
        "Décaler un paramètre (horaire, lieu, rythme) pour voir ce qui change, et pour qui."
    ),
    m.ResearchType.USAGER_EXTREME: (
        "Écouter les usagers aux marges : leurs besoins, poussés à l’extrême, éclairent ceux de "
        "tous."
    ),
    m.ResearchType.EXPERT: "Recueillir le regard d’un spécialiste du sujet.",
    m.ResearchType.ICONOCLASTE: (
        "Interroger une personne étrangère au sujet, qui voit ce que les habitués ne voient plus."
    ),
}

MATURITY_EXPLANATIONS: dict[m.Maturity, str] = {
    m.Maturity.PRET: (
        "Les conditions sont réunies pour un essai en situation réelle, sur un territoire et "
        "une durée limités."
    ),
    m.Maturity.CONCEPT: (
        "La piste est formalisée et confrontée aux cibles ; elle doit être prototypée avant "
        "d’être expérimentée."
    ),
    m.Maturity.IDEE: "Une intuition née des recherches, à approfondir avant d’être testée.",
}
# The most mature first: what the collectivité can launch now leads the report.
MATURITY_ORDER: tuple[m.Maturity, ...] = (m.Maturity.PRET, m.Maturity.CONCEPT, m.Maturity.IDEE)
NO_MATURITY = "Maturité à préciser"

# Targets as a sentence names them: « convainc les élus et les services ».
TARGET_NAMES: dict[m.Target, str] = {
    m.Target.ELUS: "les élus",
    m.Target.SERVICES: "les services",
    m.Target.CITOYENS: "les citoyens",
}
TARGET_AFTER_DE: dict[m.Target, str] = {
    m.Target.ELUS: "des élus",
    m.Target.SERVICES: "des services",
    m.Target.CITOYENS: "des citoyens",
}


def pistes_title(mission: m.Mission) -> str:
    return TITLE


def pistes_context(
    engagement: m.Engagement, analysis: Analysis, firm_name: str, today: date
) -> Context:
    """Context of the Rapport « Pistes créatives » (Émergence de concepts)."""
    mission = engagement.mission
    emergence = analysis.emergence or EmergenceAnalysis((), ())
    names = {p.code: p.name for p in engagement.crucial_parameters}
    return {
        **frame(mission, firm_name, TITLE, today),
        "purpose": (
            f"Le présent rapport rassemble les recherches menées, les paramètres cruciaux et "
            f"leurs hypothèses, les tests de scénarios auprès des élus, des services et des "
            f"citoyens, et les pistes créatives qui en découlent, pour la mission "
            f"{quoted(mission.title)} confiée {to(firm_name)} par la collectivité "
            f"{quoted(mission.collectivite)}."
        ),
        "stakeholders": stakeholders_context(engagement.stakeholders),
        "figures": {"stakeholder_map": stakeholder_figure(engagement.stakeholders)},
        "research": research_context(engagement.research),
        "parameters": parameters_context(engagement.crucial_parameters, emergence.parameters),
        "tests": tests_context(emergence.scenarios, names),
        "leads": leads_context(emergence.leads),
        "next_steps": next_steps_context(
            engagement.crucial_parameters, emergence.parameters, emergence.leads
        ),
        # Of a professional report's frame, what an Émergence has: its calendar and who
        # signs it (the fee is added by the deliverable: build.PISTES is priced).
        "calendar": calendar_context(engagement),
        "validation": validation_rows(mission, firm_name),
    }


# --------------------------------------------------------------------------- research
def research_context(research: Sequence[m.Research]) -> Context:
    groups = []
    for kind in m.ResearchType:
        items = [r for r in research if r.type is kind]
        if items:
            groups.append(
                {
                    "type": kind.value,
                    "count": number(len(items)),
                    "explanation": RESEARCH_EXPLANATIONS[kind],
                    "items": [
                        {
                            "source": r.source or "Source non précisée",
                            "finding_blocks": blocks(r.finding),
                            "lesson": r.lesson,
                        }
                        for r in items
                    ],
                }
            )
    used = {r.type for r in research}
    unused = [k.value for k in m.ResearchType if k not in used]
    return {
        "count": number(len(research)),
        "groups": groups,
        "by_type": [{"type": g["type"], "count": g["count"]} for g in groups],
        "unused": (
            f"Types de recherche non mobilisés dans cette mission : {enumeration(unused)}."
            if groups and unused
            else ""
        ),
    }


# --------------------------------------------------------------------------- parameters
def parameters_context(
    parameters: Sequence[m.CrucialParameter], receptions: Sequence[ParameterReception]
) -> list[Context]:
    tested_in = {r.code: r.scenarios for r in receptions}
    return [
        {
            "code": p.code,
            "name": p.name,
            "hypothesis": p.hypothesis or "Hypothèse à formuler",
            "tested_in": ", ".join(tested_in.get(p.code, ())) or "Pas encore testé",
        }
        for p in parameters
    ]


# --------------------------------------------------------------------------- tests
def tests_context(results: Sequence[ConceptResult], names: Mapping[str, str]) -> Context:
    """Every tested scenario, per target, with the chart of all of them."""
    reactions = sum(r.overall.n for r in results)
    targets = [t for t in m.Target if any(t in r.by_target for r in results)]
    return {
        "tested": bool(results),
        "intro": (
            f"Les tests ont porté sur {plural(len(results), 'scénario')} : "
            f"{plural(reactions, 'réaction recueillie', 'réactions recueillies')} auprès "
            f"{_targets_after_de(targets)}."
            if results
            else ""
        ),
        "figure": _figure(results),
        "synthesis": [
            {
                "scenario": r.scenario,
                "cells": [_verdict(r.by_target.get(t)) for t in m.Target],
            }
            for r in results
        ],
        "scenarios": [_scenario(r, names) for r in results],
    }


def _figure(results: Sequence[ConceptResult]) -> Picture | None:
    if not results:
        return None
    groups = [
        (
            r.scenario,
            [
                (t.value, (c.adhesion, c.reserve, c.rejet), c.convinces)
                for t, c in r.by_target.items()
            ],
        )
        for r in results
    ]
    return Picture(
        Chart("reactions_chart", (groups,)),
        17.0,
        "Réactions aux scénarios testés (adhésion, réserve, rejet), par cible",
    )


def _verdict(counts: ReactionCounts | None) -> str:
    if counts is None:
        return "Non testé"
    return "Convaincus" if counts.convinces else "Pas convaincus"


def _scenario(result: ConceptResult, names: Mapping[str, str]) -> Context:
    return {
        "scenario": result.scenario,
        "parameters": [{"code": c, "name": names.get(c, "")} for c in result.parameters],
        "targets": [
            {
                "target": t.value,
                "n": number(c.n),
                "shares": [_share(count, c.n) for count in (c.adhesion, c.reserve, c.rejet)],
                "convinces": "Oui" if c.convinces else "Non",
            }
            for t, c in result.by_target.items()
        ],
        "sentence": _scenario_sentence(result),
        "quotes": _quotes(result.tests),
    }


def _share(count: int, n: int) -> str:
    return f"{percent(count / n)} ({number(count)})" if n else ""


def _scenario_sentence(result: ConceptResult) -> str:
    convinced = list(result.convinced)
    others = [t for t in result.by_target if t not in convinced]
    if not others:
        return f"Ce scénario convainc {_targets(convinced)} : l’adhésion l’emporte sur le rejet."
    detail = _balance(result.by_target, others)
    if not convinced:
        return f"Ce scénario ne convainc aucune des cibles testées ({detail})."
    return f"Ce scénario convainc {_targets(convinced)}, pas {_targets(others)} ({detail})."


def _quotes(tests: Iterable[m.ConceptTest]) -> list[Context]:
    """One verbatim per target and reaction (the first typed), each quoted once."""
    rows = [t for t in tests if t.verbatim.strip()]
    chosen: list[Context] = []
    seen: set[str] = set()
    for target in m.Target:
        for reaction in m.Reaction:
            for row in rows:
                key = " ".join(row.verbatim.split()).casefold()
                if row.target is target and row.reaction is reaction and key not in seen:
                    seen.add(key)
                    chosen.append(
                        {
                            "text": quoted(row.verbatim),
                            "who": f"{target.value}, {reaction.value.lower()}",
                        }
                    )
                    break
    return chosen


# --------------------------------------------------------------------------- leads
def by_maturity(leads: Iterable[m.Lead]) -> list[m.Lead]:
    """Leads from the most mature to the least, sheet order kept within a level."""
    rank = {level: index for index, level in enumerate(MATURITY_ORDER)}
    return sorted(
        leads, key=lambda lead: rank.get(lead.maturity, len(rank)) if lead.maturity else len(rank)
    )


def leads_context(leads: Sequence[m.Lead]) -> Context:
    ordered = by_maturity(leads)
    groups = []
    for level in (*MATURITY_ORDER, None):
        members = [lead for lead in ordered if lead.maturity is level]
        if members:
            groups.append(
                {
                    "maturity": level.value if level else NO_MATURITY,
                    "count": number(len(members)),
                    "explanation": MATURITY_EXPLANATIONS[level] if level else "",
                    "items": [_lead(lead) for lead in members],
                }
            )
    return {
        "count": number(len(leads)),
        "summary": [_lead(lead) for lead in ordered],
        "groups": groups,
    }


def _lead(lead: m.Lead) -> Context:
    return {
        "code": lead.code,
        "name": lead.name,
        "maturity": lead.maturity.value if lead.maturity else NO_MATURITY,
        "conditions_blocks": blocks(lead.conditions),
        "next_step": lead.next_step or "À définir",
    }


# --------------------------------------------------------------------------- next steps
def next_steps_context(
    parameters: Sequence[m.CrucialParameter],
    receptions: Sequence[ParameterReception],
    leads: Sequence[m.Lead],
) -> Context:
    """Per lead its next step; the crucial parameters that still need a test."""
    reception = {r.code: r for r in receptions}
    to_test = []
    for p in parameters:
        sentence = _still_to_test(reception.get(p.code))
        if sentence:
            to_test.append({"code": p.code, "name": p.name, "text": sentence})
    return {
        "leads": [_lead(lead) for lead in by_maturity(leads)],
        "to_test": to_test,
        "all_tested": (
            "Chaque paramètre crucial a été testé auprès des élus, des services et des citoyens, "
            "et les scénarios qui le portent les ont convaincus."
            if parameters and not to_test
            else ""
        ),
    }


def _still_to_test(reception: ParameterReception | None) -> str:
    if reception is None or not reception.by_target:
        return "n’a encore été testé dans aucun scénario."
    parts = []
    if reception.unconvinced:
        detail = _balance(reception.by_target, reception.unconvinced)
        parts.append(
            f"à retravailler, les scénarios qui le testent ne convainquent pas "
            f"{_targets(reception.unconvinced)} ({detail})"
        )
    if reception.untested:
        parts.append(f"à tester auprès {_targets_after_de(reception.untested)}")
    return " ; ".join(parts) + "." if parts else ""


def _balance(by_target: Mapping[m.Target, ReactionCounts], targets: Iterable[m.Target]) -> str:
    """« Élus : adhésion 25 %, rejet 25 % » for each target given."""
    return " ; ".join(
        f"{t.value} : adhésion {percent(by_target[t].shares[0])}, "
        f"rejet {percent(by_target[t].shares[2])}"
        for t in targets
    )


def _targets(targets: Iterable[m.Target]) -> str:
    return enumeration(TARGET_NAMES[t] for t in targets)


def _targets_after_de(targets: Iterable[m.Target]) -> str:
    return enumeration(TARGET_AFTER_DE[t] for t in targets)
