"""What the communication kit proposes from the rest of the workbook.

When the workbook has no « Communication » sheet, the plan is built from the
stakeholders (an action for each quadrant that has members, at the temps fort
its treatment calls for), the parameters and what the offer's own sheets hold:
the retained scenario (Concertation), the workshops and the dispositifs that
are lignes de force (Stratégie), the tested scenarios and the leads
(Émergence), gathered in ``participation.Facts``. Dates are the workbook's own
(the workshop days, and each temps fort's day from its calendar: ``calendar.moment_days``);
where it gives none, the timing of the temps fort is said in words and no date is made up.

The plan follows the mission's « Étape »: once the workshop (the workshops, the tests)
has taken place, its announcement, mobilisation and sessions are behind it, and the plan
prepares the restitution only; nobody is invited to what is over.

Pure; every text is French, ready for the document.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from pipeline import model as m
from pipeline.analysis.stakeholders import group_by_quadrant
from pipeline.formats import enumeration, long_date, plural
from pipeline.render.agreement import elected_label
from pipeline.render.calendar import moment_days, restitution_date
from pipeline.render.participation import Facts
from pipeline.text import fold

TO_APPOINT = "À désigner"
EVERYONE = "Tous les habitants"
ANNONCE, MOBILISATION, PENDANT, RESTITUTION = m.Moment

# (message, channel, support) of the proposed actions.
BRIEFING = (
    "Avant l'annonce publique : le sens de la démarche, le calendrier et ce que l'on attend d'eux.",
    "Rencontre ou appel personnel",
    "Note de présentation d'une page",
)
OFFICIAL = (
    "La démarche, son calendrier, ce qui est soumis au débat et ce qui ne l'est pas.",
    "Courrier",
)
RULES = (
    "Les règles du jeu : ce qui est en débat, ce qui ne l'est pas, et ce que deviendra votre avis.",
    "Sur place",
)
PROGRESS = (
    "Où en est la démarche : ce qui s'y dit, les prochaines étapes.",
    "Site internet et réseaux sociaux",
    "Actualité et photos",
)
QUESTIONS = (
    "Venez poser vos questions : ce qui change, quand, et pour qui.",
    "Réunion d'information et permanences",
    "Plan affiché et questions-réponses",
)
ANSWERS = ("Les réponses aux questions reçues.", "Site internet", "Questions fréquentes à jour")
PREVIEW = ("Les résultats, avant leur publication.", "Rencontre", "Synthèse d'une page")
REPORT = (
    "Ce qui a été retenu, ce qui a été écarté, et pourquoi.",
    "Courrier ou e-mail",
    "Compte rendu",
)
RESULTS_LETTER = (
    "Les résultats de la démarche et les suites que la collectivité leur donne.",
    "Courrier",
)
RESULTS_INVITATION = (
    "Vous êtes invités à la restitution publique : ce qui a été retenu, et pourquoi.",
    "Invitation personnelle et relais de proximité",
    "Invitation à la restitution",
)
GENERAL_CHANNEL = "Journal, site internet et affichage"

KEY_MESSAGES: dict[m.ParticipationLevel, str] = {
    m.ParticipationLevel.INFORMER: "{} : ce qui change pour vous, et quand.",
    m.ParticipationLevel.CONSULTER: "{} : votre avis est attendu avant la décision.",
    m.ParticipationLevel.CONCERTER: "{} : participez aux choix avant la décision.",
    m.ParticipationLevel.CO_CONSTRUIRE: "{} : construisons ensemble les solutions.",
    m.ParticipationLevel.CO_DECIDER: "{} : vous décidez avec nous.",
}
# The key message once the workshop is over: what came out of it.
RESULT_MESSAGES: dict[m.Offer, str] = {
    m.Offer.CONCERTATION: "{} : ce qui a été retenu, ce qui a été écarté, et pourquoi.",
    m.Offer.STRATEGIE: "{} : ce que votre parole a changé.",
    m.Offer.EMERGENCE: "{} : ce que vos réactions ont changé.",
}
# What « Pendant » is, for each offer: what a stage puts behind the démarche.
SESSIONS: dict[m.Offer, str] = {
    m.Offer.CONCERTATION: "l'atelier",
    m.Offer.STRATEGIE: "les ateliers",
    m.Offer.EMERGENCE: "les tests des scénarios",
}
# Stages whose workshop has taken place: the temps forts before the restitution are done.
HELD = (m.Stage.ATELIER_REALISE, m.Stage.TERMINEE)


@dataclass(frozen=True)
class Proposal:
    key_message: str
    actions: tuple[m.CommunicationAction, ...]
    timing: dict[m.Moment, str]  # when each temps fort takes place, in words
    basis: str  # « à partir <basis> »
    done: frozenset[m.Moment]  # the temps forts the mission's stage has put behind it
    stage_note: str  # what the stage means for the plan, or ""


def done_moments(mission: m.Mission) -> frozenset[m.Moment]:
    """The temps forts behind a mission whose workshop has taken place (« Atelier
    réalisé », « Terminée »): its announcement, its mobilisation and the sessions. Only
    the restitution is left to prepare. A stopped concertation has its own plan."""
    if mission.stage in HELD:
        return frozenset({ANNONCE, MOBILISATION, PENDANT})
    return frozenset()


def propose(engagement: m.Engagement, facts: Facts, firm_name: str) -> Proposal:
    """The plan a workbook without a « Communication » sheet gets."""
    mission = facts.mission
    done = done_moments(mission)
    level = m.ParticipationLevel.INFORMER if facts.stopped else mission.participation_level
    template = KEY_MESSAGES[level] if level else "{} : informez-vous et participez."
    if ANNONCE in done:
        template = RESULT_MESSAGES[mission.offer]
    key_message = template.format(mission.title)
    plan = _actions(engagement, facts, key_message, firm_name)
    return Proposal(
        key_message=key_message,
        actions=_dated(tuple(a for a in plan if a.moment not in done), engagement),
        timing=_timing(facts, restitution_date(engagement)),
        basis=_basis(facts),
        done=done,
        stage_note=_stage_note(mission) if done else "",
    )


def _stage_note(mission: m.Mission) -> str:
    return (
        f"À l'étape « {mission.stage.value} » de la démarche, l'annonce, la mobilisation et "
        f"{SESSIONS[mission.offer]} ont eu lieu : le plan ci-après prépare la restitution."
    )


def _dated(
    plan: tuple[m.CommunicationAction, ...], engagement: m.Engagement
) -> tuple[m.CommunicationAction, ...]:
    """An action without a date takes its temps fort's, when the workbook's calendar
    gives one (the cahier's calendar and restitution commitment say the same)."""
    days = moment_days(engagement)
    return tuple(
        replace(a, date=days[a.moment]) if a.date is None and a.moment in days else a for a in plan
    )


def _owners(engagement: m.Engagement, firm_name: str) -> tuple[str, str, str]:
    """(communication, élu, animation): who is likely to carry each kind of action,
    named without their title (« Hélène Sautereau, vice-présidente… »: the name)."""
    mission = engagement.mission
    people = engagement.stakeholders
    communication = next(
        (
            s.name
            for s in people
            if s.category is m.Category.SERVICES and "communication" in fold(s.name)
        ),
        mission.pilot or TO_APPOINT,
    )
    key_elected = (
        s.name
        for s in people
        if s.category is m.Category.ELUS and s.quadrant is m.Quadrant.ACTEURS_CLES
    )
    elected = mission.elected_official or next(key_elected, TO_APPOINT)
    return _name(communication), _name(elected), _name(mission.consultant) or firm_name


def _name(person: str) -> str:
    return person.split(",")[0].strip()


def _actions(
    engagement: m.Engagement, facts: Facts, key_message: str, firm_name: str
) -> tuple[m.CommunicationAction, ...]:
    comm, elected, animator = _owners(engagement, firm_name)
    act = m.CommunicationAction
    quadrants = group_by_quadrant(engagement.stakeholders)
    key, satisfy, inform = (
        quadrants[q]
        for q in (m.Quadrant.ACTEURS_CLES, m.Quadrant.A_SATISFAIRE, m.Quadrant.A_INFORMER)
    )

    def who(members: tuple[m.Stakeholder, ...]) -> str:
        count = plural(len(members), "partie prenante", "parties prenantes")
        return f"{members[0].quadrant.value} ({count})"

    supports = " ; ".join(
        p.label for p in engagement.parameters if p.rubrique is m.Rubrique.COMMUNICATION
    )
    reminder = "Rappel : les dates, les lieux et comment participer."
    if facts.stopped:
        reminder = "Rappel : la réunion d'information et les permanences, dates et lieux."
    plan = [act(who(key), *BRIEFING, ANNONCE, owner=elected)] if key else []
    plan.append(
        act(
            EVERYONE,
            key_message,
            GENERAL_CHANNEL,
            supports or "Article et affiche",
            ANNONCE,
            owner=comm,
        )
    )
    letter = f"Lettre de l'{elected_label(engagement.mission.elected_official).lower()}"
    if satisfy:
        plan.append(act(who(satisfy), *OFFICIAL, letter, ANNONCE, owner=elected))
    if inform:
        invitation = (_invitation(facts), "Invitation personnelle et relais de proximité")
        plan.append(
            act(who(inform), *invitation, "Invitation et affiche", MOBILISATION, owner=comm)
        )
    plan.append(
        act(
            EVERYONE,
            reminder,
            "Réseaux sociaux et affichage",
            "Rappel des dates et lieux",
            MOBILISATION,
            owner=comm,
        )
    )
    plan.extend(_during(facts, comm, elected, animator))
    if key:
        plan.append(act(who(key), *PREVIEW, RESTITUTION, owner=elected))
    if not facts.stopped:
        # « À satisfaire » are told officially at the announcement and the restitution,
        # « À informer » at each temps fort: both hear of the results too.
        if satisfy:
            plan.append(act(who(satisfy), *RESULTS_LETTER, letter, RESTITUTION, owner=elected))
        if inform:
            plan.append(act(who(inform), *RESULTS_INVITATION, RESTITUTION, owner=comm))
        plan.append(act("Participants", *REPORT, RESTITUTION, owner=elected))
    plan.append(
        act(
            EVERYONE,
            _outcome(facts),
            GENERAL_CHANNEL,
            "Article et réunion publique",
            RESTITUTION,
            owner=elected,
        )
    )
    return tuple(plan)


def _during(facts: Facts, comm: str, elected: str, animator: str) -> list[m.CommunicationAction]:
    act = m.CommunicationAction
    progress = act(EVERYONE, *PROGRESS, PENDANT, owner=comm)
    if facts.stopped:
        return [
            act(EVERYONE, *QUESTIONS, PENDANT, owner=elected),
            act(EVERYONE, *ANSWERS, PENDANT, owner=comm),
        ]
    if facts.offer is m.Offer.STRATEGIE and facts.workshops:
        sessions = [
            act(
                f"Participants de l'atelier {w.code} ({w.public.value})",
                *RULES,
                "Règles du jeu et fiches des dispositifs",
                PENDANT,
                w.date,
                animator,
            )
            for w in facts.workshops
        ]
        return [*sessions, progress]
    if facts.offer is m.Offer.EMERGENCE:
        targets = f" ({facts.test_targets})" if facts.test_targets else ""
        what = "Ce que l'on teste, pourquoi, et ce que deviendront vos réactions."
        support = "Fiche de présentation des scénarios"
        return [
            act(
                f"Participants aux tests{targets}",
                what,
                "Sur place",
                support,
                PENDANT,
                owner=animator,
            ),
            progress,
        ]
    support = "Panneau « règles du jeu » et livret du participant"
    day = facts.mission.workshop_date
    return [act("Participants", *RULES, support, PENDANT, day, animator), progress]


def _invitation(facts: Facts) -> str:
    if facts.stopped:
        return "Réunion d'information : venez poser vos questions."
    if facts.offer is m.Offer.STRATEGIE:
        panels = [w for w in facts.workshops if w.public is m.WorkshopPublic.PANEL_CITOYEN]
        when = f" le {long_date(panels[0].date)}" if panels and panels[0].date else ""
        return f"Le panel citoyen se réunit{when} : donnez votre avis sur les façons de participer."
    if facts.offer is m.Offer.EMERGENCE:
        names = enumeration(c.scenario for c in facts.tested)
        return f"Testez avec nous de nouvelles idées{' : ' + names if names else ''}."
    if facts.scenario:
        day = facts.mission.workshop_date
        when = f", à partir du {long_date(day)}" if day else ""
        return f"Participez : {facts.scenario.title}{when}."
    return "Participez aux temps d'échange : dates, lieux et inscription."


def _outcome(facts: Facts) -> str:
    if facts.stopped:
        return "Le bilan : ce qui a changé, les questions reçues et les réponses apportées."
    if facts.offer is m.Offer.STRATEGIE:
        names = enumeration(d.name for d in facts.strong)
        return f"La stratégie retenue et ses dispositifs{' : ' + names if names else ''}."
    if facts.offer is m.Offer.EMERGENCE:
        ready = [x.name for x in facts.leads if x.maturity is m.Maturity.PRET]
        if ready:
            return f"Les pistes retenues et les expérimentations à venir : {enumeration(ready)}."
        return "Les pistes retenues et leurs prochaines étapes."
    return "Le résultat de la concertation : ce que la collectivité décide, et pourquoi."


def _timing(facts: Facts, restitution: date | None) -> dict[m.Moment, str]:
    """When each temps fort takes place, in words; the restitution on the day the cahier
    commits to, when the workbook's dates give one."""
    mission = facts.mission
    by = f"au plus tard le {long_date(restitution)}" if restitution else ""
    if facts.stopped:
        texts = (
            "Dès la décision, avant toute mise en œuvre",
            "Dans les deux semaines qui précèdent la réunion d'information",
            "Pendant la mise en œuvre : réunion d'information et permanences",
            "À la fin de la mise en œuvre : le bilan",
        )
    elif facts.offer is m.Offer.STRATEGIE:
        dated = [w.date for w in facts.workshops if w.date]
        first = f" ({long_date(dated[0])})" if dated else ""
        sessions = enumeration(
            f"{long_date(w.date)} ({w.public.value})" for w in facts.workshops if w.date
        )
        if sessions and mission.workshop_date:  # the kit R.O.I. citoyen's workshop
            sessions += f", puis l'atelier R.O.I. citoyen du {long_date(mission.workshop_date)}"
        texts = (
            f"Avant le premier atelier{first}",
            "Dans les trois semaines qui précèdent les ateliers",
            f"Les ateliers : {sessions}" if sessions else "Les ateliers",
            f"La stratégie retenue, présentée {by}"
            if by
            else "Dans les deux mois qui suivent le dernier atelier : la stratégie retenue",
        )
    elif facts.offer is m.Offer.EMERGENCE:
        start = f" ({long_date(mission.start_date)})" if mission.start_date else ""
        targets = f" ({facts.test_targets})" if facts.test_targets else ""
        texts = (
            f"Au lancement de la démarche{start}",
            "Dans les deux semaines qui précèdent les tests des scénarios",
            f"Les tests des scénarios{targets}",
            f"Les pistes et leurs prochaines étapes, présentées {by}"
            if by
            else "À la remise du rapport « Pistes créatives » : les pistes et leurs prochaines "
            "étapes",
        )
    else:
        day = mission.workshop_date
        event = f"l'atelier du {long_date(day)}" if day else "le premier temps d'échange"
        weeks = facts.scenario.duration_weeks if facts.scenario else None
        span = f", puis toute la durée du scénario ({plural(weeks, 'semaine')})" if weeks else ""
        texts = (
            f"Quatre à six semaines avant {event}",
            f"Dans les trois semaines qui précèdent {event}",
            f"{event[0].upper()}{event[1:]}{span}",
            f"{by[0].upper()}{by[1:]}"
            if by
            else "Dans les deux mois qui suivent le dernier temps d'échange",
        )
    return dict(zip(m.Moment, texts, strict=True))


def _basis(facts: Facts) -> str:
    """What the proposal is built from: « des parties prenantes, … et … »."""
    sources = ["des parties prenantes"]
    if facts.stopped:
        sources.append("des paramètres du plan d'information")
    elif facts.offer is m.Offer.STRATEGIE:
        sources += ["des ateliers", "des dispositifs retenus comme lignes de force"]
    elif facts.offer is m.Offer.EMERGENCE:
        sources += ["des tests de scénarios", "des pistes"]
    else:
        sources.append("des paramètres de la concertation")
        if facts.retained:
            sources.append(f"du {facts.retained.label.lower()}")
    return enumeration(sources)
