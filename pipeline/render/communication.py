"""Context of the Kit de communication (Concertation citoyenne, Émergence de concepts)
and of the Outil de communication, interne et externe (Stratégie globale opérationnelle).

Two parts: **interne** (élus and services: why, who does what, when) and
**externe** (inhabitants: the key message, what is open to debate and what is
not, how to take part, when, where, what they get back). Targets are the
stakeholders by category, treated according to their quadrant; channels,
supports and the calendar by temps fort come from the « Communication » sheet.
Without that sheet, a plan is proposed (``communication_proposal``) and the
document says it is a proposal to complete. A concertation stopped before its
workshop gets a kit about its information plan, with no workshop in it.

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
from pipeline.render.context import action, blocks, by_moment, frame, parameter_groups
from pipeline.render.docx import Context
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

# What élus and services do at each temps fort, whatever the plan.
INTERNAL_DUTIES: dict[m.Moment, str] = {
    m.Moment.ANNONCE: (
        "Présenter la démarche en bureau et en réunion de services avant l'annonce publique ; "
        "remettre aux agents d'accueil une fiche questions-réponses (ce qui est en débat, les "
        "dates, à qui s'adresser)."
    ),
    m.Moment.MOBILISATION: (
        "Relayer l'invitation dans les réseaux de chacun (associations, écoles, commerces) ; "
        "chaque élu invite dans son secteur ; les services préparent les lieux et le matériel."
    ),
    m.Moment.PENDANT: (
        "Les élus écoutent et répondent aux questions de fait, sans défendre un projet déjà "
        "arrêté ; les services installent et accueillent ; un agent note les questions restées "
        "sans réponse."
    ),
    m.Moment.RESTITUTION: (
        "Arrêter en bureau ce qui est retenu ou écarté, et pourquoi ; en informer les agents "
        "avant les habitants ; répondre aux questions restées ouvertes."
    ),
}
STOPPED_PENDANT_DUTY = (
    "Un élu et un agent du service concerné tiennent la réunion d'information et les "
    "permanences ; les questions reçues et leurs réponses sont publiées."
)
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
    when = proposal.timing if derived else {mo: _dates(actions, mo) for mo in m.Moment}
    return {
        **frame(mission, firm_name, title, today),
        "stopped": stopped,
        "stopped_text": STOPPED_TEXT.format(firm_name) if stopped else "",
        "derived": derived,
        "intro": _intro(mission, title, stopped),
        "source_note": _source_note(engagement, proposal, derived),
        "internal": {
            "why": WHY_INTERNAL,
            "why_blocks": blocks(mission.objectives or mission.context),
            "why_missing": "Le sens de la démarche (objectifs, contexte) reste à formuler avec "
            "la collectivité avant toute communication.",
            "roles": _roles(engagement, actions, stopped),
            "targets": _targets(engagement.stakeholders, INTERNAL),
            "calendar": [
                {
                    "moment": mo.value,
                    "when": when[mo],
                    "duty": STOPPED_PENDANT_DUTY
                    if stopped and mo is m.Moment.PENDANT
                    else INTERNAL_DUTIES[mo],
                }
                for mo in m.Moment
            ],
        },
        "external": _external(engagement, facts, actions, when, proposal),
        "channels": _channels(actions),
        "channel_parameters": parameter_groups(
            engagement.parameters, {m.Rubrique.COMMUNICATION: "Communication"}
        ),
        "calendar": _calendar(actions, when, derived),
        "calendar_note": _calendar_note(derived),
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
            "Le plan, les canaux et le calendrier ci-après sont une proposition à compléter, "
            f"établie à partir {proposal.basis} : dates, responsables et supports sont à "
            "arrêter ensemble avant toute diffusion."
        )
    count = plural(len(engagement.communication), "action")
    return (
        f"Le plan reprend le plan de communication arrêté avec la collectivité ({count}) ; les "
        "cibles viennent aussi du registre des parties prenantes, traitées selon leur place "
        "dans la grille pouvoir / intérêt."
    )


def _dates(actions: Sequence[m.CommunicationAction], moment: m.Moment) -> str:
    days = sorted(a.date for a in actions if a.moment is moment and a.date)
    if not days:
        return "Dates à fixer"
    if days[0] == days[-1]:
        return f"Le {long_date(days[0])}"
    return f"Du {long_date(days[0])} au {long_date(days[-1])}"


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
        moment = a.moment.value if a.moment else "Temps fort à préciser"
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
    when: dict[m.Moment, str],
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
        else "Message proposé à partir de l'intitulé de la démarche et de son niveau de "
        "participation : à ajuster avec la collectivité, puis à reprendre sur chaque support.",
        "stakes_missing": "Ce qui est soumis au débat et ce qui ne l'est pas reste à écrire "
        "ensemble, avant toute diffusion.",
        "how_heading": "Comment s'informer et poser ses questions"
        if facts.stopped
        else "Comment participer",
        "how": participation(engagement, facts),
        "how_missing": "Les modalités de participation restent à préciser avec la collectivité.",
        "when": [{"moment": mo.value, "when": when[mo]} for mo in m.Moment],
        "calendar_parameters": [
            item(p.label, detail=p.detail)
            for p in engagement.parameters
            if p.rubrique is m.Rubrique.CALENDRIER
        ],
        "places": places(engagement),
        "places_missing": "Les lieux restent à préciser avec la collectivité.",
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
        label = a.moment.value if a.moment else "temps fort à préciser"
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
            "channel": channel or "À préciser",
            "support": support or "À préciser",
            "targets": enumeration(targets),
            "moments": enumeration(moments) or "À préciser",
        }
        for (channel, support), (targets, moments) in rows.items()
    ]


def _calendar(
    actions: Sequence[m.CommunicationAction], when: dict[m.Moment, str], derived: bool
) -> list[Context]:
    ordered = by_moment(actions)
    groups: list[tuple[str, str, list[m.CommunicationAction]]] = [
        (mo.value, when[mo], [a for a in ordered if a.moment is mo]) for mo in m.Moment
    ]
    loose = [a for a in ordered if a.moment is None]
    if loose:
        groups.append(("Temps fort à préciser", "Dates à fixer", loose))
    missing = (
        "Aucune action n'est proposée à ce temps fort : à compléter."
        if derived
        else "Aucune action n'est prévue à ce temps fort dans le plan de communication : "
        "à compléter."
    )
    return [
        {
            "moment": moment,
            "when": period,
            "actions": [_row(a) for a in members],
            "empty_text": "" if members else missing,
        }
        for moment, period, members in groups
    ]


def _row(a: m.CommunicationAction) -> Context:
    row = action(a)
    return {
        **row,
        "date": row["date"] or "À fixer",
        "message": row["message"] or "À rédiger",
        "channel": row["channel"] or "À préciser",
        "owner": row["owner"] or TO_APPOINT,
    }


def _calendar_note(derived: bool) -> str:
    if derived:
        return (
            "Calendrier proposé, à compléter : les temps forts et leurs moments découlent de la "
            "démarche ; les dates, les supports et les responsables sont à arrêter ensemble."
        )
    return "Le calendrier reprend le plan de communication, par temps fort puis par date."
