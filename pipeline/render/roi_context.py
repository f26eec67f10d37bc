"""The « Résultats de l'atelier R.O.I. citoyen » section: tables, chart and sentences.

Pure: the analysis comes in, French text and a chart come out. The sentences
follow ``docs/roi-citoyen.md`` (« What the documents show »): « Le scénario S2
obtient la mention majoritaire Bien⁺ (62 % de Bien ou mieux) ; il est équilibré entre
élus, agents et citoyens. »
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from pipeline import model as m
from pipeline.analysis.roi import PUBLIC_PLURALS, Consensus, GradeStats, RoiAnalysis
from pipeline.formats import decimal, enumeration, long_date, number, plural, quoted
from pipeline.render.chart_cache import Chart
from pipeline.render.docx import Context, Picture

# Pale tints behind a majority grade in Word tables (text stays black and legible).
GRADE_SHADES: dict[m.Grade, str] = {
    m.Grade.A_REJETER: "E8A3A3",
    m.Grade.INSUFFISANT: "F7CDB4",
    m.Grade.PASSABLE: "EDEDED",
    m.Grade.BIEN: "C9E7C4",
    m.Grade.TRES_BIEN: "8DCB8F",
}
NO_GRADE_SHADE = "FFFFFF"
LEGEND = (
    "Lecture : la mention majoritaire est la note que la moitié au moins des participants "
    "donnent ou dépassent. Le signe ⁺ indique plus d'avis au-dessus de cette mention qu'en "
    "dessous ; le signe ⁻, pas davantage."
)
PUBLIC_NOUNS: dict[m.Public, str] = {
    m.Public.ELU: "élu",
    m.Public.AGENT: "agent",
    m.Public.CITOYEN: "citoyen",
    m.Public.PARTENAIRE: "partenaire",
}
PUBLIC_HEADERS: dict[m.Public, str] = {
    m.Public.ELU: "Élus",
    m.Public.AGENT: "Agents",
    m.Public.CITOYEN: "Citoyens",
    m.Public.PARTENAIRE: "Partenaires",
}


def percent(share: float) -> str:
    return f"{round(share * 100)} %"


def _cell(stats: GradeStats | None) -> Context:
    if stats is None or stats.majority is None:
        return {"label": "—", "color": NO_GRADE_SHADE}
    return {"label": stats.mention, "color": GRADE_SHADES[stats.majority]}


def roi_context(engagement: m.Engagement, roi: RoiAnalysis) -> Context:
    """Context of the R.O.I. citoyen section of the Cahier des charges."""
    ranking = roi.ranking
    if not ranking:
        return {
            "rated": False,
            "empty_text": "L'atelier R.O.I. citoyen n'a pas encore de notes : cette section "
            "sera complétée après l'atelier, à partir des notes des participants.",
            "notes": list(roi.warnings),
        }
    publics = [p for p in m.Public if any(p in r.by_public for r in ranking)]
    return {
        "rated": True,
        "empty_text": "",
        "intro": _intro(engagement, engagement.mission.workshop_date, roi.noun),
        "legend": LEGEND,
        "figure": Picture(
            Chart(
                "merit_profile",
                (
                    tuple(
                        (_chart_label(r.code, r.overall.mention), tuple(r.overall.shares))
                        for r in ranking
                    ),
                ),
            ),
            16.5,
            f"Profil de mérite des {roi.noun}s : part de chaque mention, du meilleur au moins "
            "bien classé",
        ),
        "ranking": [
            {
                "rank": number(r.rank),
                "code": r.code,
                "title": r.title,
                "mention": r.overall.mention,
                "at_least": percent(r.overall.at_least_majority),
                "mean": decimal(float(r.weighted_mean)),
                "balanced": "Oui" if r.balanced else "Non",
                "consensus": r.consensus.value.capitalize(),
                "veto": enumeration(PUBLIC_HEADERS[p] for p in r.veto) or "—",
                "color": GRADE_SHADES[r.overall.majority]
                if r.overall.majority is not None
                else NO_GRADE_SHADE,
            }
            for r in ranking
        ],
        "criteria": [{"code": c.code, "name": c.name} for c in engagement.criteria],
        "criteria_legend": " · ".join(f"{c.code} : {c.name}" for c in engagement.criteria),
        "by_criterion": [
            {
                "code": r.code,
                "cells": [_cell(r.by_criterion.get(c.code)) for c in engagement.criteria],
            }
            for r in ranking
        ],
        "publics": [PUBLIC_HEADERS[p] for p in publics],
        "by_public": [
            {
                "code": r.code,
                "cells": [_cell(r.by_public.get(p)) for p in publics],
                "overall": _cell(r.overall),
            }
            for r in ranking
        ],
        "sentences": sentences(roi),
        "recommendation": recommendation(roi),
        "notes": list(roi.warnings),
    }


def _chart_label(code: str, mention: str) -> str:
    """The code and its mention: the ranking table right below gives the titles."""
    return f"{code}\n{mention}"


def _intro(engagement: m.Engagement, workshop_date: date | None, noun: str) -> str:
    people: dict[m.Public, set[str]] = {}
    for rating in engagement.ratings:
        people.setdefault(rating.public, set()).add(rating.participant.casefold())
    total = len({r.participant.casefold() for r in engagement.ratings})
    detail = enumeration(plural(len(people[p]), PUBLIC_NOUNS[p]) for p in m.Public if p in people)
    rated = {r.scenario for r in engagement.ratings}
    when = f" lors de l'atelier du {long_date(workshop_date)}" if workshop_date else ""
    verb = "a" if total == 1 else "ont"
    return (
        f"{plural(total, 'participant')} ({detail}) {verb} noté "
        f"{plural(len(rated), noun)} sur {plural(len(engagement.criteria), 'critère')}"
        f"{when}, du point de vue du citoyen. La note globale de chaque participant est la "
        f"médiane de ses notes par critère (pondérée par les poids des critères) ; les "
        f"{noun}s sont classés par jugement majoritaire."
    )


def sentences(roi: RoiAnalysis) -> list[str]:
    """« Le scénario S2 obtient la mention majoritaire Bien⁺ (62 % de Bien ou mieux) ; … »."""
    ranking = roi.ranking
    codes = [r.code for r in ranking]
    order = codes[0] if len(codes) == 1 else f"{codes[0]}, puis {enumeration(codes[1:])}"
    sentences = [f"Classement par jugement majoritaire : {order}."]
    # Only a strict reversal counts: two equal means say nothing against the ranking.
    reversed_pairs = [
        (better, worse)
        for i, better in enumerate(ranking)
        for worse in ranking[i + 1 :]
        if worse.weighted_mean > better.weighted_mean
    ]
    if reversed_pairs:
        by_mean = sorted(ranking, key=lambda r: -r.weighted_mean)
        sentences.append(
            "La moyenne des notes aurait donné un autre ordre ("
            + ", ".join(r.code for r in by_mean)
            + ") : le jugement majoritaire, lui, tient compte de toute la répartition des avis "
            "et ne laisse pas quelques notes extrêmes décider."
        )
    for result in ranking:
        stats = result.overall
        assert stats.majority is not None
        text = f"Le {roi.noun} {result.code} obtient la mention majoritaire {stats.mention}"
        if stats.majority is not m.Grade.A_REJETER:  # « ou mieux » says nothing at the bottom
            text += f" ({percent(stats.at_least_majority)} {_of(stats.majority.label)} ou mieux)"
        if result.balanced and len(result.by_public) == 1:
            (public,) = result.by_public
            text += (
                f" ; seuls {PUBLIC_PLURALS[public]} l'ont noté, et ils le jugent au moins Passable."
            )
        elif result.balanced:
            text += f" ; il est équilibré entre {_publics(result.by_public)}."
        else:
            behind = [
                f"{PUBLIC_PLURALS[p]} ({result.by_public[p].mention})" for p in result.left_behind
            ]
            text += f" ; il laisse de côté {enumeration(behind)}."
        if result.consensus is Consensus.CLIVANT:
            text += " Il est clivant : les avis sont très partagés."
        for public in result.veto:
            stats = result.by_public[public]
            rejecting = stats.distribution[m.Grade.A_REJETER]
            noun = PUBLIC_NOUNS[public] + ("s" if rejecting > 1 else "")
            verb = "le jugent" if rejecting > 1 else "le juge"
            text += (
                f" Signal de veto : {number(rejecting)} {noun} sur {number(stats.n)} "
                f"({percent(rejecting / stats.n)}) {verb} « À rejeter »."
            )
        sentences.append(text)
    return sentences


def _of(label: str) -> str:
    """« de Bien », « d'Insuffisant », « d'À rejeter »: French elision."""
    return f"d'{label}" if label[:1].lower() in "aàâeéèêiîoôuh" else f"de {label}"


def _publics(by_public: Iterable[m.Public]) -> str:
    return enumeration(PUBLIC_NOUNS[p] + "s" for p in m.Public if p in by_public)


def recommendation(roi: RoiAnalysis) -> str:
    """The recommended scenario (or dispositif), and what the collectivité chose."""
    recommended = roi.result(roi.recommended) if roi.recommended else None
    if recommended is None:
        return ""
    if recommended.balanced:
        text = (
            f"Recommandation : le {roi.noun} {recommended.code} ({quoted(recommended.title)}), le "
            f"mieux classé des {roi.noun}s équilibrés entre les publics."
        )
    else:
        behind = enumeration(PUBLIC_PLURALS[p] for p in recommended.left_behind)
        text = (
            f"Recommandation : aucun {roi.noun} n'est équilibré ; le mieux classé, "
            f"{recommended.code} ({quoted(recommended.title)}), est proposé, mais il laisse de "
            f"côté {behind}."
        )
    if roi.chosen and roi.chosen_differs:
        text += (
            f" La collectivité a retenu le scénario {roi.chosen}, qui diffère de cette "
            f"recommandation."
        )
    elif roi.chosen:
        text += " La collectivité a retenu ce scénario."
    return text


@dataclass(frozen=True)
class Retained:
    """The scenario a document presents: chosen by the collectivité, or recommended."""

    code: str
    label: str  # heading: « Scénario retenu » or « Scénario recommandé »
    mark: str  # after its title in the scenario table
    origin: str  # who chose it


def retained_scenario(roi: RoiAnalysis | None, chosen_in_workbook: str) -> Retained | None:
    if chosen_in_workbook:
        suffix = ""
        if roi is not None and roi.chosen_differs and roi.recommended:
            suffix = (
                f" Il diffère de la recommandation de l'atelier R.O.I. citoyen ({roi.recommended})."
            )
        return Retained(
            chosen_in_workbook,
            "Scénario retenu",
            "scénario retenu",
            f"Scénario retenu par la collectivité.{suffix}",
        )
    if roi is not None and roi.recommended:
        return Retained(
            roi.recommended,
            "Scénario recommandé",
            "recommandé par l'atelier",
            "Scénario recommandé par l'atelier R.O.I. citoyen (jugement majoritaire), à "
            "confirmer par la collectivité.",
        )
    return None
