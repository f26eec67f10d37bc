"""How the inhabitants take part, where, and what they get back: the external part
of the communication kit that comes from the offer's own sheets.

Concertation: the retained (or recommended) scenario and the « Animation »,
« Lieu » and « Contrat » parameters. Stratégie globale: the workshops and the
dispositifs that every public approved (lignes de force). Émergence: the tested
scenarios, whom they convinced, and the leads ready to experiment.

Pure; every text is French, ready for the document.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from pipeline import model as m
from pipeline.analysis.concepts import ConceptResult
from pipeline.analysis.opinions import Verdict
from pipeline.analysis.overview import Analysis
from pipeline.formats import enumeration, long_date
from pipeline.render.context import blocks, by_moment
from pipeline.render.docx import Context
from pipeline.render.roi_context import Retained, retained_scenario

QUADRANT_NAMES = tuple(q.value for q in m.Quadrant)


@dataclass(frozen=True)
class Facts:
    """What the offer's own sheets say about the démarche."""

    mission: m.Mission
    stopped: bool
    retained: Retained | None
    scenario: m.Scenario | None
    workshops: tuple[m.Workshop, ...]  # by date
    strong: tuple[m.Device, ...]  # the lignes de force
    tested: tuple[ConceptResult, ...]
    leads: tuple[m.Lead, ...]

    @property
    def offer(self) -> m.Offer:
        return self.mission.offer

    @property
    def test_targets(self) -> str:
        return enumeration(dict.fromkeys(t.value for c in self.tested for t in c.by_target))


def gather(engagement: m.Engagement, analysis: Analysis) -> Facts:
    """What the offer's sheets and their analysis say, once for the whole kit."""
    mission = engagement.mission
    retained = retained_scenario(analysis.roi, mission.chosen_scenario)
    verdicts = {d.code: d.verdict for d in analysis.opinions or ()}
    return Facts(
        mission=mission,
        stopped=mission.stage is m.Stage.ARRETEE,
        retained=retained,
        scenario=engagement.scenario(retained.code) if retained else None,
        workshops=tuple(sorted(engagement.workshops, key=lambda w: w.date or date.max)),
        strong=tuple(
            d for d in engagement.devices if verdicts.get(d.code) is Verdict.LIGNE_DE_FORCE
        ),
        tested=analysis.emergence.scenarios if analysis.emergence else (),
        leads=engagement.leads,
    )


def commitment(facts: Facts) -> str:
    if facts.stopped:
        return (
            "La collectivité s'engage à informer à chaque étape et à publier les réponses aux "
            "questions reçues."
        )
    if facts.offer is m.Offer.STRATEGIE:
        return (
            "La collectivité s'engage à présenter la stratégie retenue et à montrer ce que la "
            "parole des agents, des élus et du panel citoyen y a changé."
        )
    if facts.offer is m.Offer.EMERGENCE:
        return (
            "La collectivité s'engage à présenter les pistes retenues, leurs expérimentations et "
            "ce que les réactions des participants y ont changé."
        )
    return (
        "La collectivité s'engage à rendre compte de la concertation : ce qui a été retenu, ce "
        "qui a été écarté, et pourquoi."
    )


def item(title: str, text: str = "", detail: str = "") -> Context:
    """One entry of a list in the kit: a bold title, a line of text, the detail's paragraphs."""
    return {"title": title, "text": text, "blocks": blocks(detail)}


def group(heading: str, intro: str, items: list[Context]) -> Context:
    return {"heading": heading, "intro": intro, "items": items}


def participation(engagement: m.Engagement, facts: Facts) -> list[Context]:
    """« Comment participer »: groups of entries, from the offer's own sheets."""
    if facts.offer is m.Offer.STRATEGIE:
        return _strategy_participation(facts)
    if facts.offer is m.Offer.EMERGENCE:
        return _emergence_participation(facts)
    groups = []
    if facts.retained and facts.scenario:
        s = facts.scenario
        techniques = enumeration(t.value for t in s.techniques)
        details = [
            f"Techniques : {techniques}" if techniques else "",
            s.publics and f"Publics ciblés : {s.publics}",
        ]
        text = ". ".join(d for d in details if d)
        entry = item(f"{s.code} — {s.title}", f"{text}." if text else "", s.description)
        groups.append(group(facts.retained.label, facts.retained.origin, [entry]))
    animation = [
        item(p.label, detail=p.detail)
        for p in engagement.parameters
        if p.rubrique is m.Rubrique.ANIMATION
    ]
    if animation:
        groups.append(group("Temps d'information" if facts.stopped else "Animation", "", animation))
    return groups


def _strategy_participation(facts: Facts) -> list[Context]:
    groups = []
    if facts.workshops:
        entries = []
        for w in facts.workshops:
            people = w.participants
            count = f"{people} participants" if people.isdigit() and people != "1" else people
            text = ", ".join(x for x in (long_date(w.date), w.place, count) if x)
            entries.append(item(f"Atelier {w.code} — {w.public.value}", text))
        intro = "Chaque public a donné son avis sur les dispositifs de participation envisagés."
        groups.append(group("Les ateliers de la démarche", intro, entries))
    intro = (
        "Chaque public qui a donné son avis les approuve (plus de « J'aime » que de « Je n'aime "
        "pas ») : ce sont les façons de participer que la stratégie proposera aux habitants."
        if facts.strong
        else "Aucun dispositif ne fait encore l'accord de tous les publics : les façons de "
        "participer seront précisées avec la stratégie."
    )
    devices = [
        item(
            f"{d.code} — {d.name}",
            f"Niveau de participation : {d.participation_level.value}."
            if d.participation_level
            else "",
            d.description,
        )
        for d in facts.strong
    ]
    groups.append(group("Les dispositifs retenus comme lignes de force", intro, devices))
    return groups


def _emergence_participation(facts: Facts) -> list[Context]:
    groups = []
    if facts.tested:
        entries = []
        for c in facts.tested:
            tested = enumeration(t.value for t in c.by_target)
            convinced = enumeration(t.value for t in c.convinced)
            verdict = f"convainc : {convinced}" if convinced else "ne convainc encore aucun public"
            entries.append(item(c.scenario, f"Testé auprès de : {tested} ; {verdict}."))
        intro = (
            "Élus, services et citoyens ont réagi à ces scénarios ; un scénario convainc un "
            "public quand les adhésions y dépassent les rejets."
        )
        groups.append(group("Les scénarios testés", intro, entries))
    ready = [x for x in facts.leads if x.maturity is m.Maturity.PRET]
    if ready:
        intro = "Les habitants pourront y prendre part lors des expérimentations."
        entries = [item(f"{x.code} — {x.name}", x.next_step) for x in ready]
        groups.append(group("Les pistes prêtes à expérimenter", intro, entries))
    elif facts.leads:
        intro = (
            "Aucune piste n'est encore prête à expérimenter : les habitants seront associés à "
            "leurs prochaines étapes."
        )
        entries = [
            item(
                f"{x.code} — {x.name}",
                " — ".join(y for y in (x.maturity.value if x.maturity else "", x.next_step) if y),
            )
            for x in facts.leads
        ]
        groups.append(group("Les pistes", intro, entries))
    return groups


def places(engagement: m.Engagement) -> list[Context]:
    """Where: the « Lieu » parameters, the workshops' places."""
    return [
        item(p.label, detail=p.detail)
        for p in engagement.parameters
        if p.rubrique is m.Rubrique.LIEU
    ] + [
        item(f"Atelier {w.code} — {w.public.value}", w.place)
        for w in engagement.workshops
        if w.place
    ]


def returns(engagement: m.Engagement, actions: Sequence[m.CommunicationAction]) -> list[Context]:
    """What they get back: the « Contrat » parameters, then the plan's restitution actions
    for the public (a briefing of the « Acteurs clés » is not one)."""
    contract = [
        item(p.label, detail=p.detail)
        for p in engagement.parameters
        if p.rubrique is m.Rubrique.CONTRAT
    ]
    restitution = []
    for a in by_moment(actions):
        if a.moment is m.Moment.RESTITUTION and not a.target.startswith(QUADRANT_NAMES):
            how = " · ".join(x for x in (a.support, a.channel) if x)
            restitution.append(
                item(a.target, " — ".join(x for x in (a.message, how, long_date(a.date)) if x))
            )
    return contract + restitution
