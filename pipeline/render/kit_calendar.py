"""When things happen in the communication kit: the temps forts of the internal calendar,
of « Quand et où », and the calendar of the plan's actions by temps fort.

A kit is a document the collectivité may publish, so it never shows a column of
dates to fix: the dates are the workbook's own; a temps fort the workbook does not
date is said in words, its table has no date column, and one sentence says its date
will be agreed with the collectivité. A temps fort the mission's stage has put behind
it (``communication_proposal.done_moments``) is said to have taken place, with no
action left to prepare and no duty for the élus and services.

Pure; every text is French, ready for the document.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from pipeline import model as m
from pipeline.formats import long_date
from pipeline.render.communication_proposal import TO_APPOINT
from pipeline.render.context import action, by_moment
from pipeline.render.docx import Context

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
DATE_AGREED = "La date sera convenue avec la collectivité."
DATES_AGREED = "Les dates précises seront convenues avec la collectivité."
HELD_MARK = "temps fort réalisé"
HELD_TEXT = "Ce temps fort a eu lieu : aucune action n'est plus à prévoir."
LOOSE = "Hors temps fort"


def moment_when(actions: Sequence[m.CommunicationAction], moment: m.Moment) -> str:
    """When a temps fort of a typed plan takes place: the days of its actions."""
    return _span([a for a in actions if a.moment is moment]) or DATE_AGREED


def _span(actions: Sequence[m.CommunicationAction]) -> str:
    """« Le 2 mars 2026 », « Du 16 février 2026 au 25 février 2026 », or "" undated."""
    days = sorted(a.date for a in actions if a.date)
    if not days:
        return ""
    if days[0] == days[-1]:
        return f"Le {long_date(days[0])}"
    return f"Du {long_date(days[0])} au {long_date(days[-1])}"


def when_list(when: dict[m.Moment, str], done: Collection[m.Moment]) -> list[Context]:
    """« Quand et où »: each temps fort and when, those already held said so."""
    return [
        {"moment": mo.value, "when": f"{when[mo]} — {HELD_MARK}" if mo in done else when[mo]}
        for mo in m.Moment
    ]


def internal_calendar(
    when: dict[m.Moment, str], stopped: bool, done: Collection[m.Moment]
) -> list[Context]:
    """What élus and services do at each temps fort still to come."""
    return [
        {
            "moment": mo.value,
            "when": when[mo],
            "duty": STOPPED_PENDANT_DUTY
            if stopped and mo is m.Moment.PENDANT
            else INTERNAL_DUTIES[mo],
        }
        for mo in m.Moment
        if mo not in done
    ]


def calendar_groups(
    actions: Sequence[m.CommunicationAction],
    when: dict[m.Moment, str],
    derived: bool,
    done: Collection[m.Moment],
) -> list[Context]:
    """The plan's actions by temps fort, then by date.

    A group whose actions are all undated has no date column (``dated`` false) and says
    its dates will be agreed; in a dated group, an undated action of a typed plan reads
    « À convenir »."""
    ordered = by_moment(actions)
    groups: list[tuple[str, str, list[m.CommunicationAction], bool]] = [
        (mo.value, when[mo], [a for a in ordered if a.moment is mo], mo in done) for mo in m.Moment
    ]
    loose = [a for a in ordered if a.moment is None]
    if loose:
        groups.append((LOOSE, _span(loose), loose, False))
    missing = (
        "Aucune action n'est proposée à ce temps fort."
        if derived
        else "Aucune action n'est prévue à ce temps fort dans le plan de communication."
    )
    rows = []
    for moment, period, members, held in groups:
        dated = any(a.date for a in members)
        rows.append(
            {
                "moment": moment,
                "when": period,
                "done_text": HELD_TEXT if held else "",
                "dated": dated,
                "actions": [_row(a, dated) for a in members],
                "agreed_text": DATES_AGREED
                if members and not dated and period != DATE_AGREED
                else "",
                "empty_text": "" if members or held else missing,
            }
        )
    return rows


def calendar_note(derived: bool) -> str:
    if derived:
        return (
            "Le calendrier présente les actions du plan par temps fort, aux dates que donne le "
            "calendrier de la démarche."
        )
    return "Le calendrier reprend le plan de communication, par temps fort puis par date."


def _row(a: m.CommunicationAction, dated: bool) -> Context:
    row = action(a)
    return {
        **row,
        "date": row["date"] or ("À convenir" if dated else ""),
        "message": row["message"] or "—",
        "channel": row["channel"] or "—",
        "owner": row["owner"] or TO_APPOINT,
    }
