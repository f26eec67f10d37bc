"""Context of the Kit de communication (Concertation citoyenne, Émergence de concepts)
and of the Outil de communication, interne et externe (Stratégie globale opérationnelle).

Two parts: **interne** (élus and services: why, who does what, when) and
**externe** (inhabitants: the key message, what is open to debate and what is
not, how to take part, when, where, what they get back). Targets are the
stakeholders by category, treated according to their quadrant; channels,
supports and the calendar by temps fort come from the « Communication » sheet.
Without that sheet, a plan is built from the rest of the workbook
(``communication_proposal``), following the mission's stage. Either way the kit is a
document the collectivité may publish: no placeholder, no date « à fixer »
(``kit_calendar``). A concertation stopped before its workshop gets a kit about its
information plan, with no workshop in it.

Pure: the engagement and its analysis in, pre-formatted French strings out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from pipeline import model as m
from pipeline.analysis.overview import Analysis
from pipeline.formats import enumeration, long_date, number, plural, quoted
from pipeline.render.agreement import consultant_label, elected_label
from pipeline.render.communication_proposal import TO_APPOINT, Proposal, propose
from pipeline.render.context import blocks, by_moment, frame, parameter_groups
from pipeline.render.docx import Context
from pipeline.render.kit_calendar import (
    calendar_groups,
    calendar_note,
    internal_calendar,
    moment_when,
    when_list,
)
from pipeline.render.participation import (
    Facts,
    commitment,
    gather,
    item,
    participation,
    places,
    returns,
)
from pipeline.render.people import PeopleIndex

INTERNAL = (m.Category.ELUS, m.Category.SERVICES, m.Category.PRESTATAIRES)
EXTERNAL = (
    m.Category.HABITANTS,
    m.Category.ASSOCIATIONS,
    m.Category.ACTEURS_ECONOMIQUES,
    m.Category.INSTITUTIONS,
    m.Category.AUTRE,
)

# How each quadrant of the power/interest grid is addressed.
TREATMENTS: dict[m.Quadrant, str] = {
    m.Quadrant.ACTEURS_CLES: (
        "rencontrés personnellement avant chaque temps fort ; ils relisent les messages et sont "
        "informés avant le grand public."
    ),
    m.Quadrant.A_SATISFAIRE: (
        "informés officiellement aux moments clés (annonce et restitution), par courrier ou "
        "rendez-vous, sans être sollicités à l'excès."
    ),
    m.Quadrant.A_INFORMER: (
        "destinataires de chaque temps fort par les canaux de proximité et invités "
        "personnellement aux temps d'échange."
    ),
    m.Quadrant.A_SURVEILLER: (
        "touchés par les canaux grand public (journal, site, affichage) ; on reste attentif à "
        "l'évolution de leur position."
    ),
}

STOPPED_TEXT = (
    "La démarche de concertation a été arrêtée avant l'atelier R.O.I. citoyen, d'un commun "
    "accord entre la collectivité et {}. Ce kit porte sur le plan d'information des habitants "
    "qui la remplace : aucun atelier n'est prévu. La note de décision en donne les motifs."
)
WHY_INTERNAL = (
    "Les élus et les agents sont les premiers ambassadeurs de la démarche : ils en connaissent "
    "le sens, les règles et le calendrier avant les habitants, pour répondre d'une même voix à "
    "l'accueil, au téléphone ou sur le marché."
)


def communication_title(mission: m.Mission) -> str:
    """« Outil de communication » (interne et externe) for Stratégie globale."""
    if mission.offer is m.Offer.STRATEGIE:
        return "Outil de communication"
    return "Kit de communication"


def communication_context(
    engagement: m.Engagement, analysis: Analysis, firm_name: str, today: date
) -> Context:
    """Context of the Kit (or Outil) de communication."""
    mission = engagement.mission
    title = communication_title(mission)
    stopped = mission.stage is m.Stage.ARRETEE
    facts = gather(engagement, analysis)
    proposal = propose(engagement, facts, firm_name)
    derived = not engagement.communication
    actions = proposal.actions if derived else engagement.communication
    when = proposal.timing if derived else {mo: moment_when(actions, mo) for mo in m.Moment}
    done = proposal.done if derived else frozenset()  # a typed plan is the consultant's
    return {
        **frame(mission, firm_name, title, today),
        "stopped": stopped,
        "stopped_text": STOPPED_TEXT.format(firm_name) if stopped else "",
        "derived": derived,
        "intro": _intro(mission, title, stopped),
        "source_note": _source_note(engagement, proposal, derived),
        "stage_note": proposal.stage_note if derived else "",
        "internal": {
            "why": WHY_INTERNAL,
            "why_blocks": blocks(mission.objectives or mission.context),
            "why_missing": "Le sens de la démarche (objectifs, contexte) reste à formuler avec "
            "la collectivité avant toute communication.",
            "roles": _roles(engagement, actions, stopped),
            "targets": _targets(engagement.stakeholders, INTERNAL),
            "calendar": internal_calendar(when, stopped, done),
        },
        "external": _external(engagement, facts, actions, when_list(when, done), proposal),
        "channels": _channels(actions),
        "channel_parameters": parameter_groups(
            engagement.parameters, {m.Rubrique.COMMUNICATION: "Communication"}
        ),
        "calendar": calendar_groups(actions, when, derived, done),
        "calendar_note": calendar_note(derived),
    }


def _intro(mission: m.Mission, title: str, stopped: bool) -> str:
    article = "Cet" if title.startswith("Outil") else "Ce"
    taking_part = "comment s'informer et poser ses questions" if stopped else "comment participer"
    return (
        f"{article} {title.lower()} accompagne la démarche {quoted(mission.title)} de la "
        f"collectivité {quoted(mission.collectivite)}. Il réunit de quoi en parler d'une même "
        f"voix : en interne, aux élus et aux services (pourquoi, qui fait quoi, quand) ; en "
        f"externe, aux habitants (le message clé, ce qui est soumis au débat et ce qui ne l'est "
        f"pas, {taking_part}, quand, où, et ce qu'ils recevront en retour)."
    )


def _source_note(engagement: m.Engagement, proposal: Proposal, derived: bool) -> str:
    if derived:
        return (
            f"Le plan, les canaux et le calendrier ci-après sont établis à partir "
            f"{proposal.basis} ; la collectivité les valide avant toute diffusion."
        )
    count = plural(len(engagement.communication), "action")
    return (
        f"Le plan reprend le plan de communication arrêté avec la collectivité ({count}) ; les "
        "cibles viennent aussi du registre des parties prenantes, traitées selon leur place "
        "dans la grille pouvoir / intérêt."
    )


def _roles(
    engagement: m.Engagement,
    actions: Sequence[m.CommunicationAction],
    stopped: bool,
) -> list[Context]:
    """Who does what: the élu référent, the pilot, the consultant, then every other owner."""
    mission = engagement.mission
    advice = (
        "Conseille sur les messages et les supports d'information."
        if stopped
        else "Conseille sur les messages et anime les temps d'échange."
    )
    rows = [
        (
            mission.elected_official,
            elected_label(mission.elected_official),
            "Porte la démarche et ses messages ; valide le plan de communication.",
        ),
        (
            mission.pilot,
            "Pilote du projet",
            "Coordonne le plan, tient le calendrier, prépare les réponses des services.",
        ),
        (
            mission.consultant,
            consultant_label(mission.consultant),
            advice,
        ),
    ]
    people = [(who, role, [duty]) for who, role, duty in rows if who]
    index: PeopleIndex[tuple[str, str, list[str]]] = PeopleIndex()
    for person in people:
        index.add_principal(person[0], person)
    for a in by_moment(actions):
        owner = a.owner.strip()
        if not owner or owner == TO_APPOINT:
            continue
        found = index.find(owner)
        if found is None:
            found = (owner, "Responsable d'actions du plan", [])
            people.append(found)
            index.add(owner, found)
        what = a.support or a.channel or a.message
        when = f" ({long_date(a.date)})" if a.date else ""
        moment = a.moment.value if a.moment else "Hors temps fort"
        found[2].append(f"{moment}{when} : {what}")
    return [{"who": w, "role": r, "tasks": "\n".join(t)} for w, r, t in people]


def _targets(
    stakeholders: Iterable[m.Stakeholder], categories: Sequence[m.Category]
) -> list[Context]:
    """The stakeholders of these categories, each with the treatment of its quadrant."""
    order = {q: i for i, q in enumerate(m.Quadrant)}
    groups = []
    items = list(stakeholders)
    for category in categories:
        members = sorted(
            (s for s in items if s.category is category),
            key=lambda s: (order[s.quadrant], -s.influence, -s.interest, s.name.casefold()),
        )
        if not members:
            continue
        quadrants = [q for q in m.Quadrant if any(s.quadrant is q for s in members)]
        groups.append(
            {
                "category": category.value,
                "count": plural(len(members), "partie prenante", "parties prenantes"),
                "treatments": [
                    {
                        "quadrant": q.value,
                        "count": number(sum(s.quadrant is q for s in members)),
                        "text": TREATMENTS[q],
                    }
                    for q in quadrants
                ],
                "items": [
                    {
                        "name": s.name,
                        "quadrant": s.quadrant.value,
                        "role": s.role or "—",
                        "contact": s.contact,  # blank when unknown: the cell is there to fill
                    }
                    for s in members
                ],
            }
        )
    return groups


def _external(
    engagement: m.Engagement,
    facts: Facts,
    actions: Sequence[m.CommunicationAction],
    when: list[Context],
    proposal: Proposal,
) -> Context:
    announced = next(
        (a.message for a in by_moment(actions) if a.moment is m.Moment.ANNONCE and a.message),
        "",
    )
    from_sheet = bool(engagement.communication and announced)
    return {
        "key_message": announced if from_sheet else proposal.key_message,
        "key_message_note": "Le message de l'annonce, tel que le plan de communication le "
        "prévoit : il ouvre chaque support, les autres messages le déclinent."
        if from_sheet
        else "Le message clé ouvre chaque support ; les autres messages le déclinent.",
        "stakes_missing": "Ce qui est soumis au débat et ce qui ne l'est pas reste à écrire "
        "ensemble, avant toute diffusion.",
        "how_heading": "Comment s'informer et poser ses questions"
        if facts.stopped
        else "Comment participer",
        "how": participation(engagement, facts),
        "how_missing": "Les modalités de participation restent à préciser avec la collectivité.",
        "when": when,
        "calendar_parameters": [
            item(p.label, detail=p.detail)
            for p in engagement.parameters
            if p.rubrique is m.Rubrique.CALENDRIER
        ],
        "places": places(engagement),  # none known: the kit says nothing of them
        "returns_intro": commitment(facts),
        "returns": returns(engagement, actions),
        "targets": _targets(engagement.stakeholders, EXTERNAL),
        "plan_targets": _plan_targets(actions),
    }


def _plan_targets(actions: Sequence[m.CommunicationAction]) -> list[Context]:
    """Each « Cible » of the plan, with the temps forts it is addressed at."""
    targets: dict[str, list[str]] = {}
    for a in by_moment(actions):
        moments = targets.setdefault(a.target, [])
        label = a.moment.value if a.moment else "hors temps fort"
        if label not in moments:
            moments.append(label)
    return [{"target": t, "moments": enumeration(mo)} for t, mo in targets.items()]


def _channels(actions: Sequence[m.CommunicationAction]) -> list[Context]:
    """Each channel and support of the plan, with whom it reaches and when."""
    rows: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
    for a in by_moment(actions):
        if not (a.channel or a.support):
            continue
        targets, moments = rows.setdefault((a.channel, a.support), ([], []))
        if a.target not in targets:
            targets.append(a.target)
        if a.moment and a.moment.value not in moments:
            moments.append(a.moment.value)
    return [
        {
            "channel": channel or "—",
            "support": support or "—",
            "targets": enumeration(targets),
            "moments": enumeration(moments) or "—",
        }
        for (channel, support), (targets, moments) in rows.items()
    ]
