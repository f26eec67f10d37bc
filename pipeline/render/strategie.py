"""Context of the Cahier des charges of a Stratégie globale opérationnelle.

Pure: the engagement and the opinions analysis in, pre-formatted French strings
out. Sections 1–3 and 7–16 are those of the concertation's cahier (the shared
pieces of ``context.py``; ``docs/deliverables.md``); sections 4–6 are the strategy's
own: the three workshops, the dispositifs with what each public thought of them
(``docs/roi-citoyen.md``, « Stratégie globale: opinions on participation devices »),
and the lignes de force that become the solutions to prototype.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from fractions import Fraction

from pipeline import model as m
from pipeline.analysis.opinions import DeviceResult, OpinionCounts, Verbatim, Verdict
from pipeline.analysis.overview import Analysis
from pipeline.formats import decimal, enumeration, long_date, money, number, plural, quoted, to
from pipeline.render.chart_cache import Chart
from pipeline.render.commitments import commitments_context
from pipeline.render.context import (
    MEANS_RUBRIQUES,
    SETTING_RUBRIQUES,
    blocks,
    budget,
    frame,
    parameter_groups,
    stakeholder_figure,
    stakeholders_context,
    sum_amounts,
    value,
)
from pipeline.render.docx import Context, Picture
from pipeline.render.governance import governance_context
from pipeline.render.roi_context import roi_context

TITLE = "Cahier des charges"

# How the publics read in a sentence, after « de » and in a verbatim's attribution.
PUBLIC_NAMES: dict[m.WorkshopPublic, str] = {
    m.WorkshopPublic.AGENTS: "les agents",
    m.WorkshopPublic.ELUS: "les élus",
    m.WorkshopPublic.PANEL_CITOYEN: "le panel citoyen",
}
PUBLIC_OF: dict[m.WorkshopPublic, str] = {
    m.WorkshopPublic.AGENTS: "des agents",
    m.WorkshopPublic.ELUS: "des élus",
    m.WorkshopPublic.PANEL_CITOYEN: "du panel citoyen",
}
# Pale tints behind a classification in Word tables (black text stays legible).
VERDICT_SHADES: dict[Verdict, str] = {
    Verdict.LIGNE_DE_FORCE: "C9E7C4",
    Verdict.A_DEBATTRE: "FFF2CC",
    Verdict.ECARTE: "F4C2C2",
}
NO_VERDICT_SHADE = "FFFFFF"

OPINIONS_LEGEND = (
    "Lecture : le score net d'un public est (J'aime − Je n'aime pas) / nombre d'avis, de −1 "
    "(tous contre) à +1 (tous pour). Un dispositif est une ligne de force quand son score net "
    "est positif dans chaque public qui l'a examiné, à débattre quand un public le soutient et "
    "un autre non, écarté quand aucun public ne le soutient."
)

STRATEGIE_DELIVERABLES: tuple[tuple[str, str], ...] = (
    (
        "Stratégie globale de participation",
        "les dispositifs retenus pour le mandat, leur calendrier commun avec les communes et "
        "les moyens qu'ils mobilisent ; présentée aux élus puis aux habitants.",
    ),
    (
        "Prototypes des solutions retenues",
        "chaque ligne de force testée à petite échelle, avec ses usagers, avant d'être "
        "généralisée ; un bilan par prototype.",
    ),
    (
        "Outil de communication interne et externe",
        "pour les services et les élus (pourquoi, qui fait quoi, calendrier) et pour les "
        "habitants (ce qui est soumis au débat, comment participer, ce qu'ils en retireront).",
    ),
    (
        "Kit R.O.I. citoyen personnalisé",
        "un guide et une grille de notation préremplie avec les critères ci-dessous et les "
        "dispositifs, pour mesurer chaque année le retour sur investissement citoyen.",
    ),
)


def strategie_title(mission: m.Mission) -> str:
    return TITLE


def strategie_context(
    engagement: m.Engagement, analysis: Analysis, firm_name: str, today: date
) -> Context:
    """Context of the Cahier des charges (stratégie globale opérationnelle)."""
    mission = engagement.mission
    results = analysis.opinions or ()
    parameters = engagement.parameters
    return {
        **frame(mission, firm_name, TITLE, today),
        "purpose": _purpose(mission, firm_name),
        "stakeholders": stakeholders_context(engagement.stakeholders),
        "figures": {
            "stakeholder_map": stakeholder_figure(engagement.stakeholders),
            "opinions": _opinions_figure(results),
        },
        "workshops": _workshops(engagement),
        "devices": _devices(engagement, results),
        "lines": _lines_of_force(results),
        # The Kit R.O.I. citoyen grid, once filled and built: the dispositifs ranked.
        "roi": roi_context(engagement, analysis.roi)
        if analysis.roi is not None and analysis.roi.ranking
        else {"rated": False},
        # The means first, then any other rubrique of the sheet: every amount is shown.
        "means": parameter_groups(parameters, MEANS_RUBRIQUES)
        + parameter_groups(parameters, SETTING_RUBRIQUES),
        "budget": budget(parameters),
        "budget_total": money(sum_amounts(p.amount for p in parameters)),
        "governance": governance_context(engagement, firm_name),
        **commitments_context(engagement, firm_name),
        "deliverables": [{"name": n, "description": d} for n, d in STRATEGIE_DELIVERABLES],
        "evaluation": [
            {
                "code": c.code,
                "name": c.name,
                "definition": c.definition,
                "weight": number(c.weight),
            }
            for c in engagement.criteria
        ],
    }


def _purpose(mission: m.Mission, firm_name: str) -> str:
    return (
        f"Le présent cahier des charges précise le cadre de la mission {quoted(mission.title)}, "
        f"confiée {to(firm_name)} par la collectivité {quoted(mission.collectivite)} : les "
        f"dispositifs de participation examinés en atelier par les agents, les élus et un "
        f"panel citoyen, leurs lignes de force et les solutions à prototyper."
    )


# --------------------------------------------------------------------------- workshops
def _workshops(engagement: m.Engagement) -> Context:
    order = {p: i for i, p in enumerate(m.WorkshopPublic)}
    workshops = sorted(
        engagement.workshops, key=lambda w: (order[w.public], w.date or date.max, w.code)
    )
    counts = {w.code: 0 for w in workshops}
    for o in engagement.opinions:
        counts[o.workshop] = counts.get(o.workshop, 0) + 1
    missing = [p for p in m.WorkshopPublic if not any(w.public is p for w in workshops)]
    silent = [w for w in workshops if not counts[w.code]] if engagement.opinions else []
    notes = []
    if missing and workshops:
        which = enumeration(PUBLIC_OF[p] for p in missing)
        if len(missing) == 1:
            notes.append(
                f"Il manque l'atelier {which} : la stratégie ne tient pas encore compte de "
                f"son avis."
            )
        else:
            notes.append(
                f"Il manque les ateliers {which} : la stratégie ne tient pas encore compte de "
                f"leur avis."
            )
    for w in silent:
        when = f" du {long_date(w.date)}" if w.date else ""
        notes.append(f"L'atelier {PUBLIC_OF[w.public]}{when} n'a encore donné aucun avis.")
    said = "a donné" if engagement.opinions else "donnera"
    return {
        "intro": "La stratégie s'appuie sur trois ateliers, un par public : les agents, les élus "
        f"et un panel citoyen. Chacun {said} son avis sur les dispositifs examinés, présentés "
        "dans la section suivante.",
        "items": [
            {
                "public": w.public.value,
                "date": long_date(w.date) or "à fixer",
                "place": w.place or "à fixer",
                "participants": w.participants,
                "opinions": number(counts[w.code]),
            }
            for w in workshops
        ],
        "notes": notes,
        "empty_text": ""
        if workshops
        else "Les trois ateliers (agents, élus, panel citoyen) ne sont pas encore organisés : "
        "leurs dates, lieux et participants seront précisés avec la collectivité.",
    }


# --------------------------------------------------------------------------- dispositifs
def _devices(engagement: m.Engagement, results: Sequence[DeviceResult]) -> Context:
    by_code = {r.code: r for r in results}
    items = [_device(d, by_code.get(d.code)) for d in engagement.devices]
    rated = [r for r in results if r.overall.n]
    return {
        "items": items,
        "rated": bool(rated),
        "intro": _devices_intro(engagement.devices, rated),
        "legend": OPINIONS_LEGEND if rated else "",
        "empty_text": ""
        if items
        else "Aucun dispositif de participation n'a encore été formalisé : ils seront décrits "
        "avec la collectivité, puis soumis à l'avis des trois ateliers.",
    }


def _devices_intro(devices: Sequence[m.Device], rated: Sequence[DeviceResult]) -> str:
    if not devices:
        return ""
    total = plural(len(devices), "dispositif")
    if not rated:
        return (
            f"{total} de participation {'est' if len(devices) == 1 else 'sont'} soumis à "
            f"l'avis des ateliers ; aucun avis n'a encore été recueilli : le classement des "
            f"dispositifs (ligne de force, à débattre, écarté) suivra les ateliers."
        )
    opinions = sum(r.overall.n for r in rated)
    collected = "recueilli" if opinions == 1 else "recueillis"
    return (
        f"{total} de participation {'a' if len(devices) == 1 else 'ont'} été soumis à l'avis "
        f"des ateliers : {plural(opinions, 'avis', 'avis')} {collected}, présentés ci-dessous par "
        f"public. Les verbatims « Ce qui plaît » et « Ce qui déplaît » sont cités sous chaque "
        f"dispositif."
    )


def _device(device: m.Device, result: DeviceResult | None) -> Context:
    rated = result is not None and result.overall.n > 0
    verdict = result.verdict if result is not None else None
    return {
        "code": device.code,
        "name": device.name,
        "title": f"{device.code} — {device.name}",
        "techniques": enumeration(t.value for t in device.techniques),
        "level": value(device.participation_level),
        "description_blocks": blocks(device.description),
        "rated": rated,
        "verdict": verdict.value if verdict else "",
        "reason": _reason(result) + "." if result is not None and rated else "",
        "color": VERDICT_SHADES[verdict] if verdict else NO_VERDICT_SHADE,
        "scores": [_net(result.by_public.get(p) if result else None) for p in m.WorkshopPublic],
        "publics": [_counts(p.value, c) for p, c in (result.by_public.items() if result else ())],
        "overall": _counts("Ensemble", result.overall) if result else None,
        "likes": _quotes(result.likes) if result else [],
        "dislikes": _quotes(result.dislikes) if result else [],
        "empty_text": "" if rated else "Aucun avis n'a encore été recueilli sur ce dispositif.",
    }


def _counts(label: str, counts: OpinionCounts) -> Context:
    return {
        "public": label,
        "likes": number(counts.likes),
        "neutral": number(counts.neutral),
        "dislikes": number(counts.dislikes),
        "n": number(counts.n),
        "net": _net(counts),
    }


def _signed(net: Fraction) -> str:
    """« +0,43 », « −0,43 » (a true minus sign), « 0,00 »."""
    text = decimal(float(abs(net)))
    return text if net == 0 else ("+" if net > 0 else "−") + text


def _net(counts: OpinionCounts | None) -> str:
    return "—" if counts is None or counts.net is None else _signed(counts.net)


def _scores(result: DeviceResult, publics: Iterable[m.WorkshopPublic]) -> str:
    """« les agents (+0,71) et les élus (+0,50) »."""
    return enumeration(f"{PUBLIC_NAMES[p]} ({_net(result.by_public[p])})" for p in publics)


def _sides(result: DeviceResult) -> tuple[list[m.WorkshopPublic], ...]:
    nets = {p: c.net for p, c in result.by_public.items() if c.net is not None}
    return (
        [p for p, n in nets.items() if n > 0],
        [p for p, n in nets.items() if n == 0],
        [p for p, n in nets.items() if n < 0],
    )


def _reason(result: DeviceResult) -> str:
    """Why the dispositif has its classification, public by public: « soutenu par les
    élus (+0,17), rejeté par les agents (−0,43) »; the verdict follows from these sides."""
    pro, even, con = _sides(result)
    absent = [p for p in m.WorkshopPublic if p not in result.by_public]
    parts = [
        f"{label} {_scores(result, publics)}"
        for label, publics in (("soutenu par", pro), ("partagé chez", even), ("rejeté par", con))
        if publics
    ]
    text = ", ".join(parts)
    if absent:
        alone = len(absent) == 1 and absent[0] is m.WorkshopPublic.PANEL_CITOYEN
        verb = "ne l'a pas examiné" if alone else "ne l'ont pas examiné"
        text += f" ; {enumeration(PUBLIC_NAMES[p] for p in absent)} {verb}"
    return text


def _quotes(verbatims: Iterable[Verbatim]) -> list[Context]:
    """Each verbatim once, with the publics that said it, in the order first said."""
    said: dict[str, list[m.WorkshopPublic]] = {}
    for v in verbatims:
        publics = said.setdefault(v.text, [])
        if v.public not in publics:
            publics.append(v.public)
    return [
        {"text": quoted(text), "who": enumeration(p.value.lower() for p in publics)}
        for text, publics in said.items()
    ]


def _opinions_figure(results: Sequence[DeviceResult]) -> Picture | None:
    groups = [
        (
            f"{r.code} — {r.name}",
            [(p.value, (c.likes, c.neutral, c.dislikes)) for p, c in r.by_public.items()],
        )
        for r in results
        if r.overall.n
    ]
    if not groups:
        return None
    return Picture(
        Chart("opinions_chart", (groups,)),
        17.0,
        "Avis des ateliers sur chaque dispositif, par public : J'aime, Neutre, Je n'aime pas",
    )


# --------------------------------------------------------------------------- lignes de force
def _lines_of_force(results: Sequence[DeviceResult]) -> Context:
    """Section 6: lignes de force → solutions to prototype; the rest to arbitrate or set aside."""
    rated = [r for r in results if r.verdict is not None]

    def of(verdict: Verdict) -> list[DeviceResult]:
        return [r for r in rated if r.verdict is verdict]

    prototypes = [
        {
            "title": f"{r.code} — {r.name}",
            "support": _sentence(_reason(r)),
            "watch": _quotes(r.dislikes),
        }
        for r in of(Verdict.LIGNE_DE_FORCE)
    ]
    arbitrations = [
        {"title": f"{r.code} — {r.name}", "text": _reason(r) + "."} for r in of(Verdict.A_DEBATTRE)
    ]
    discarded = [
        {"title": f"{r.code} — {r.name}", "text": _reason(r) + _criticisms(r) + "."}
        for r in of(Verdict.ECARTE)
    ]
    unrated = [f"{r.code} — {r.name}" for r in results if r.verdict is None]
    return {
        "rated": bool(rated),
        "empty_text": ""
        if rated
        else "Les avis des ateliers ne sont pas encore recueillis : les lignes de force, les "
        "solutions à prototyper et les points soumis à l'arbitrage en découleront.",
        "prototypes": prototypes,
        "no_prototype": ""
        if prototypes
        else "Aucun dispositif n'est soutenu par tous les publics qui l'ont examiné : aucune "
        "solution ne peut être prototypée sans un arbitrage préalable des élus.",
        "arbitrations": arbitrations,
        "discarded": discarded,
        "unrated": unrated,
    }


def _criticisms(result: DeviceResult, most: int = 3) -> str:
    """« ; principales critiques : « … », « … » et « … » » (the first said), or nothing."""
    said = list(dict.fromkeys(v.text.rstrip(" .") for v in result.dislikes))[:most]
    quotes = [quoted(text) for text in said]
    return f" ; principales critiques : {enumeration(quotes)}" if quotes else ""


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."
