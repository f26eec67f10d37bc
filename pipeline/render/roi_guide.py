"""Context of the Kit R.O.I. citoyen's guide (Stratégie globale): running the workshop.

Pure: the engagement and its analysis in, pre-formatted French strings out. The
guide explains the client's own grid (its dispositifs, its criteria and their
weights) and works one example through the real aggregation of
``pipeline.analysis.roi``: a small set of fictitious grades over the client's
first dispositifs, ranked and read exactly as the workshop's will be.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from pipeline import model as m
from pipeline.analysis.opinions import DeviceResult
from pipeline.analysis.overview import Analysis
from pipeline.analysis.roi import DISPOSITIF, analyse_roi, overall_grade
from pipeline.formats import enumeration, number, of, plural, quoted
from pipeline.names import deliverable_name
from pipeline.render.agreement import elected_label, facilitator_label
from pipeline.render.context import frame, value
from pipeline.render.docx import Context
from pipeline.render.roi_context import GRADE_SHADES, NO_GRADE_SHADE, roi_context
from pipeline.render.roi_grid import GRID_TITLE

GUIDE_TITLE = "Kit R.O.I. citoyen - Guide d'animation"  # the file's name
DOCUMENT_TITLE = "Kit R.O.I. citoyen — Guide d’animation"  # its cover and footer

SCALE_MEANINGS: dict[m.Grade, str] = {
    m.Grade.TRES_BIEN: "J’y gagne nettement plus que ce que j’y mets : je le recommanderais "
    "à mes voisins.",
    m.Grade.BIEN: "J’y trouve mon compte : ce que j’y gagne vaut ce que j’y mets.",
    m.Grade.PASSABLE: "Cela peut aller, avec des réserves : le compte est tout juste équilibré.",
    m.Grade.INSUFFISANT: "J’y mets plus que ce que j’en retire : je n’y reviendrais pas.",
    m.Grade.A_REJETER: "Cela me coûte sans rien m’apporter, ou me décourage de participer.",
}

PUBLICS: dict[m.Public, tuple[str, str]] = {
    m.Public.ELU: (
        "Les élus de la collectivité : majorité et, si possible, opposition.",
        "Le dispositif est-il tenable politiquement, et la collectivité saura-t-elle "
        "répondre à ce qu’il fera remonter ?",
    ),
    m.Public.AGENT: (
        "Les agents qui feront vivre le dispositif : services, accueil, animation.",
        "Le dispositif épuise-t-il les services pour un maigre résultat ?",
    ),
    m.Public.CITOYEN: (
        "Des habitants : membres du panel citoyen, usagers, habitants éloignés de la "
        "participation.",
        "Les habitants s’y retrouvent-ils, au regard de ce qu’on leur demande ?",
    ),
    m.Public.PARTENAIRE: (
        "Les partenaires : associations, bailleurs, acteurs économiques, institutions.",
        "Le dispositif s’articule-t-il avec ce que font déjà les partenaires ?",
    ),
}

# The worked example: two fictitious participants per public, and three profiles of
# grades for the client's first three dispositifs (well received everywhere;
# liked by the habitants, not by the élus; rejected by the agents).
EXAMPLE_PEOPLE: tuple[tuple[str, m.Public], ...] = (
    ("Claire", m.Public.ELU),
    ("Bernard", m.Public.ELU),
    ("Nadia", m.Public.AGENT),
    ("Thomas", m.Public.AGENT),
    ("Lina", m.Public.CITOYEN),
    ("Marcel", m.Public.CITOYEN),
    ("Sophie", m.Public.PARTENAIRE),
    ("Karim", m.Public.PARTENAIRE),
)
EXAMPLE_PROFILES: tuple[dict[m.Public, int], ...] = (
    {m.Public.ELU: 3, m.Public.AGENT: 3, m.Public.CITOYEN: 4, m.Public.PARTENAIRE: 3},
    {m.Public.ELU: 2, m.Public.AGENT: 2, m.Public.CITOYEN: 3, m.Public.PARTENAIRE: 3},
    {m.Public.ELU: 3, m.Public.AGENT: 0, m.Public.CITOYEN: 4, m.Public.PARTENAIRE: 2},
)
PERSON_SHIFTS = (0, -1, 0, 1, 0, -1, 1, 0)  # each person rates a little differently
CRITERION_SHIFTS = (0, 1, 0, -1, 0, 0, 1, -1)  # and differently from one criterion to another
PUBLIC_FEMININE: dict[m.Public, str] = {
    m.Public.ELU: "élue",
    m.Public.AGENT: "agente",
    m.Public.CITOYEN: "citoyenne",
    m.Public.PARTENAIRE: "partenaire",
}
PUBLIC_MASCULINE: dict[m.Public, str] = {
    m.Public.ELU: "élu",
    m.Public.AGENT: "agent",
    m.Public.CITOYEN: "citoyen",
    m.Public.PARTENAIRE: "partenaire",
}
FEMININE_NAMES = frozenset({"Claire", "Nadia", "Lina", "Sophie"})


def guide_title(mission: m.Mission) -> str:
    return GUIDE_TITLE


def guide_context(
    engagement: m.Engagement, analysis: Analysis, firm_name: str, today: date
) -> Context:
    """Context of the guide of the Kit R.O.I. citoyen (Stratégie globale opérationnelle)."""
    mission = engagement.mission
    criteria = engagement.criteria
    return {
        **frame(mission, firm_name, DOCUMENT_TITLE, today),
        "grid_file": deliverable_name(GRID_TITLE, mission.reference, "xlsx"),
        "devices": _devices(engagement.devices, analysis.opinions or ()),
        "devices_count": plural(len(engagement.devices), "dispositif"),
        "criteria": [
            {
                "code": c.code,
                "name": c.name,
                "definition": c.definition,
                "weight": number(c.weight),
            }
            for c in criteria
        ],
        "criteria_count": plural(len(criteria), "critère"),
        "criteria_origin": _criteria_origin(criteria),
        "weights_text": _weights_text(criteria),
        "scale": [
            {"label": g.label, "value": number(int(g)), "meaning": SCALE_MEANINGS[g]}
            for g in reversed(m.Grade)
        ],
        "publics": [
            {"name": p.value, "who": who, "question": question}
            for p, (who, question) in PUBLICS.items()
        ],
        "roles": _roles(mission, firm_name),
        **_timing(len(engagement.devices), len(criteria), mission),
        "example": _example(engagement),
    }


def _devices(devices: tuple[m.Device, ...], opinions: tuple[DeviceResult, ...]) -> list[Context]:
    verdicts = {d.code: d.verdict for d in opinions}
    return [
        {
            "code": d.code,
            "name": d.name,
            "level": value(d.participation_level) or "—",
            "verdict": value(verdicts.get(d.code)) or "sans avis",
        }
        for d in devices
    ]


def _criteria_origin(criteria: tuple[m.Criterion, ...]) -> str:
    if criteria == m.DEFAULT_CRITERIA:
        return (
            "La grille reprend les huit critères du R.O.I. citoyen, tous de poids 1 : ils "
            "n’ont pas été adaptés pour la mission."
        )
    return (
        "Les critères et leurs poids sont ceux que la collectivité a retenus pour la mission, "
        "tous formulés du point de vue du citoyen."
    )


def _weights_text(criteria: tuple[m.Criterion, ...]) -> str:
    weights = {c.weight for c in criteria}
    if len(weights) <= 1:
        return (
            "Tous les critères ont le même poids : chacun compte autant dans la note globale "
            "d’un participant."
        )
    heaviest = max(weights)
    names = enumeration(f"{quoted(c.name)} ({c.code})" for c in criteria if c.weight == heaviest)
    return (
        "Le poids d’un critère dit combien il compte dans la note globale d’un participant : "
        f"un critère de poids 2 compte deux fois plus qu’un critère de poids 1. Ici, "
        f"{names} pèse{'nt' if ' et ' in names else ''} le plus (poids {number(heaviest)})."
    )


def _roles(mission: m.Mission, firm_name: str) -> list[Context]:
    def who(name: str, fallback: str) -> str:
        return name or fallback

    return [
        {
            "role": facilitator_label(mission.consultant),
            "who": who(mission.consultant, f"Le consultant {of(firm_name)}"),
            "task": "Conduit l’atelier, présente les dispositifs et les critères, tient le "
            "point de vue du citoyen, lit les résultats.",
        },
        {
            "role": "Secrétaire de séance",
            "who": "Un agent de la collectivité ou un second consultant",
            "task": "Saisit les notes dans la grille au fil de l’atelier et note les "
            "commentaires qui expliquent une note.",
        },
        {
            "role": "Gardien du temps",
            "who": "Un participant volontaire",
            "task": "Annonce le temps restant à chaque séquence.",
        },
        {
            "role": elected_label(mission.elected_official),
            "who": who(mission.elected_official, "L’élu chargé de la participation"),
            "task": "Ouvre l’atelier, dit ce qui sera fait des résultats, et s’y engage.",
        },
        {
            "role": "Pilote",
            "who": who(mission.pilot, "Le pilote du projet à la collectivité"),
            "task": "Répond aux questions sur les moyens et le calendrier de chaque dispositif.",
        },
    ]


def _round_up(minutes: float, step: int = 5) -> int:
    return max(step, -(-int(minutes) // step) * step)


def duration(minutes: int) -> str:
    """« 45 min », « 1 h », « 2 h 35 »."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h" + (f" {rest:02d}" if rest else "")


def _timing(devices: int, criteria: int, mission: m.Mission) -> Context:
    """The workshop's sequences; rating takes about 20 seconds per mention given. Who
    leads each: the labels agree with the élu référent and the consultant named."""
    elected = elected_label(mission.elected_official)
    facilitator = facilitator_label(mission.consultant)
    presenting = _round_up(5 + 3 * devices)
    rating = _round_up(devices * criteria / 3)
    sharing = _round_up(4 * devices)
    steps = [
        (
            "Accueil et enjeux",
            10,
            f"L’{elected.lower()} ouvre l’atelier : pourquoi il a lieu, ce qui sera fait des "
            "résultats.",
            f"{elected}, {facilitator.lower()}",
        ),
        (
            "Se mettre à la place des citoyens",
            20,
            "Chaque participant choisit un portrait d’habitant et le garde pour toute la notation.",
            facilitator,
        ),
        (
            "Présentation des dispositifs et des critères",
            presenting,
            "Un dispositif après l’autre : ce qu’il demande aux habitants, ce qu’il leur apporte.",
            f"{facilitator}, pilote",
        ),
        (
            "Notation individuelle",
            rating,
            "Chacun note chaque dispositif sur chaque critère, en silence, sur sa fiche.",
            "Participants",
        ),
        (
            "Mise en commun",
            sharing,
            "Par dispositif : ce qui a fait monter ou baisser les "
            "notes ; le secrétaire saisit les fiches.",
            f"{facilitator}, secrétaire",
        ),
        (
            "Lecture des résultats",
            15,
            "Le classement à chaud, par public ; les points de désaccord.",
            facilitator,
        ),
        (
            "Clôture",
            10,
            "Les suites : quand et comment les participants sauront ce qui a été retenu.",
            f"{elected}, pilote",
        ),
    ]
    if sum(minutes for _, minutes, _, _ in steps) > 150:
        steps.insert(4, ("Pause", 15, "Les fiches sont ramassées pour la saisie.", "Tous"))
    total = sum(minutes for _, minutes, _, _ in steps)
    return {
        "timing": [
            {"step": step, "duration": duration(minutes), "what": what, "who": who}
            for step, minutes, what, who in steps
        ],
        "total_duration": duration(total),
    }


def example_ratings(
    devices: tuple[m.Device, ...], criteria: tuple[m.Criterion, ...]
) -> tuple[m.Rating, ...]:
    """The fictitious grades of the worked example: eight people, up to three dispositifs."""
    ratings = []
    for device, profile in zip(devices, EXAMPLE_PROFILES, strict=False):
        for (name, public), shift in zip(EXAMPLE_PEOPLE, PERSON_SHIFTS, strict=True):
            grades = tuple(
                (c.code, m.Grade(min(4, max(0, profile[public] + shift + extra))))
                for c, extra in zip(criteria, _cycle(CRITERION_SHIFTS, len(criteria)), strict=True)
            )
            ratings.append(m.Rating(_person(name, public), public, device.code, grades))
    return tuple(ratings)


def _cycle(values: tuple[int, ...], count: int) -> tuple[int, ...]:
    return tuple(values[i % len(values)] for i in range(count))


def _person(name: str, public: m.Public, between: str = " (") -> str:
    """« Claire (élue) », or with ``between="\n"`` « Claire », then « élue » below."""
    nouns = PUBLIC_FEMININE if name in FEMININE_NAMES else PUBLIC_MASCULINE
    return f"{name}{between}{nouns[public]}{')' if between == ' (' else ''}"


def _example(engagement: m.Engagement) -> Context | None:
    """The worked example, computed by the R.O.I. citoyen aggregation itself."""
    devices = engagement.devices[: len(EXAMPLE_PROFILES)]
    if not devices:
        return None
    criteria = engagement.criteria
    ratings = example_ratings(devices, criteria)
    fictitious = replace(
        engagement,
        mission=replace(engagement.mission, workshop_date=None),
        devices=devices,
        ratings=ratings,
    )
    roi = analyse_roi(devices, criteria, ratings, noun=DISPOSITIF)
    weights = {c.code: c.weight for c in criteria}
    return {
        # Column headers: the name above the public, so that narrow columns break nowhere.
        "people": [_person(name, public, "\n") for name, public in EXAMPLE_PEOPLE],
        "devices": [
            _example_grid(d, [r for r in ratings if r.scenario == d.code], criteria, weights)
            for d in devices
        ],
        "weights_legend": " · ".join(f"{c.code} : poids {number(c.weight)}" for c in criteria),
        "scale_legend": " · ".join(f"{int(g)} : {g.label}" for g in reversed(m.Grade)),
        "walkthrough": _walkthrough(ratings[0], criteria, weights),
        "roi": roi_context(fictitious, roi),
    }


def _shaded(grade: m.Grade | None) -> Context:
    if grade is None:
        return {"label": "—", "color": NO_GRADE_SHADE}
    return {"label": number(int(grade)), "color": GRADE_SHADES[grade]}


def _example_grid(
    device: m.Device,
    ratings: list[m.Rating],
    criteria: tuple[m.Criterion, ...],
    weights: dict[str, Decimal],
) -> Context:
    rows = [
        {"code": c.code, "cells": [_shaded(r.grade(c.code)) for r in ratings]} for c in criteria
    ]
    rows.append(
        {"code": "Note globale", "cells": [_shaded(overall_grade(r, weights)) for r in ratings]}
    )
    return {"code": device.code, "name": device.name, "rows": rows}


def _walkthrough(
    rating: m.Rating, criteria: tuple[m.Criterion, ...], weights: dict[str, Decimal]
) -> str:
    """How one participant's overall grade comes out of their criterion grades."""
    overall = overall_grade(rating, weights)
    assert overall is not None  # every criterion is graded in the example
    total = sum((weights[c] for c, _ in rating.grades), Decimal(0))
    reached = sum((weights[c] for c, g in rating.grades if g <= overall), Decimal(0))
    below = sum((weights[c] for c, g in rating.grades if g < overall), Decimal(0))
    given = enumeration(f"{c} {g.label}" for c, g in rating.grades)
    return (
        f"Prenons {rating.participant}, pour le dispositif {rating.scenario} : {given}. Ses "
        f"critères pèsent {number(total)} au total, dont la moitié vaut {number(total / 2)}. "
        f"En partant du bas de l’échelle, les critères notés en dessous de « {overall.label} » "
        f"pèsent {number(below)} : la moitié n’est pas atteinte ; avec ceux notés "
        f"« {overall.label} », on arrive à {number(reached)} : elle l’est. Sa note globale "
        f"est donc « {overall.label} »."
    )
