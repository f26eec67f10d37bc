"""The dated calendar of a démarche and its deliverables, from every date a workbook gives.

The dates come from « Mission » (Date de début, Date de l'atelier), the « Paramètres »
rubrique Calendrier (lines typed as « Restitution publique : 11 avril »), the
« Communication » actions, the workshops of a strategy and the « Échéancier ». The
deliverables are dated from them: a workshop's report two weeks after it, the final
report at the restitution. Pure: ``today`` never decides a date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from pipeline import model as m
from pipeline.formats import aside, long_date, quoted
from pipeline.render.docx import Context
from pipeline.text import fold

MONTHS = (
    "janvier",
    "fevrier",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "aout",
    "septembre",
    "octobre",
    "novembre",
    "decembre",
)
_DAY_MONTH = re.compile(
    r"\b(\d{1,2})(?:er)?\s+(" + "|".join(MONTHS) + r")(?:\s+(\d{4}))?\b", re.IGNORECASE
)
_ACCENTS = str.maketrans("éèêûôàç", "eeeuoac")
REPORT_DELAY = timedelta(days=14)  # a workshop's report, two weeks after it
RESTITUTION_DELAY = timedelta(days=61)  # « sous deux mois » when no date is typed


@dataclass(frozen=True)
class Milestone:
    day: date
    label: str
    deliverable: bool = False  # a document the collectivité receives


def later(day: date, delta: timedelta) -> date | None:
    """``day`` plus ``delta``, or None past the last date Python knows (31/12/9999)."""
    try:
        return day + delta
    except OverflowError:
        return None


def french_dates(text: str, year: int) -> list[date]:
    """The dates written in French in ``text`` (« 28 février et 4 mars 2026 »); a date
    without its year takes ``year``, or the next one when it falls before the previous
    date of the text."""
    found: list[date] = []
    for day, month, written in _DAY_MONTH.findall(text.translate(_ACCENTS)):
        number = MONTHS.index(month.lower()) + 1
        guess = int(written) if written else year
        try:
            value = date(guess, number, int(day))
            if not written and found and value < found[-1]:
                value = date(guess + 1, number, int(day))
        except ValueError:  # « 31 février »: not a date, not a milestone
            continue
        found.append(value)
        year = value.year
    return found


def milestones(engagement: m.Engagement) -> list[Milestone]:
    """Every dated step of the démarche and its deliverables, in order, each once."""
    mission = engagement.mission
    stopped = mission.stage is m.Stage.ARRETEE
    year = (mission.start_date or mission.workshop_date or date(2000, 1, 1)).year
    steps: list[Milestone] = []
    if mission.start_date:
        steps.append(Milestone(mission.start_date, "Lancement de la démarche"))
    for p in engagement.parameters:
        if p.rubrique is m.Rubrique.CALENDRIER:
            steps += _typed_steps(p, year)
    if mission.workshop_date and not stopped and engagement.offer is m.Offer.CONCERTATION:
        steps.append(Milestone(mission.workshop_date, "Atelier R.O.I. citoyen"))
        report = later(mission.workshop_date, REPORT_DELAY)
        if report:
            steps.append(
                Milestone(report, "Compte rendu de l'atelier remis à la collectivité", True)
            )
    if mission.workshop_date and engagement.offer is m.Offer.STRATEGIE:
        # The kit R.O.I. citoyen's workshop: the restitution is dated from it too.
        steps.append(
            Milestone(mission.workshop_date, "Atelier R.O.I. citoyen : notation des dispositifs")
        )
    for w in engagement.workshops:
        if w.date:
            place = f", {w.place}" if w.place else ""
            steps.append(Milestone(w.date, aside(f"Atelier {w.code}", f"{w.public}{place}")))
            report = later(w.date, REPORT_DELAY)
            if report:
                steps.append(Milestone(report, f"Compte rendu de l'atelier {w.code}", True))
    for a in engagement.communication:
        if a.date:
            what = a.support or a.message or a.channel
            moment = f"{a.moment} : " if a.moment else ""
            steps.append(Milestone(a.date, aside(f"{moment}{what}", a.target)))
    for line in engagement.schedule:
        if line.planned:
            steps.append(Milestone(line.planned, f"Facture d'échéance {quoted(line.label)}"))
    restitution = restitution_date(engagement)
    if restitution:
        final = "Bilan de l'information" if stopped else "Bilan de la démarche"
        steps.append(Milestone(restitution, f"{final} remis et restitué", deliverable=True))
    return _unique(sorted(steps, key=lambda s: (s.day, not s.deliverable)))


def restitution_date(engagement: m.Engagement) -> date | None:
    """When the participants are told what became of their contributions: the first
    « Restitution » action, else a calendar line naming the restitution, else two months
    after the last workshop."""
    dated = [
        a.date for a in engagement.communication if a.moment is m.Moment.RESTITUTION and a.date
    ]
    if dated:
        return min(dated)
    mission = engagement.mission
    year = (mission.start_date or mission.workshop_date or date(2000, 1, 1)).year
    for p in engagement.parameters:
        if p.rubrique is m.Rubrique.CALENDRIER:
            for step in _typed_steps(p, year):
                if "restitu" in fold(step.label):
                    return step.day
    last = max(
        (d for d in (mission.workshop_date, *(w.date for w in engagement.workshops)) if d),
        default=None,
    )
    return later(last, RESTITUTION_DELAY) if last else None


# The words of a « Calendrier » line that date a temps fort of the communication plan.
MOMENT_WORDS: dict[m.Moment, tuple[str, ...]] = {
    m.Moment.ANNONCE: ("annonce", "lancement"),
    m.Moment.MOBILISATION: ("mobilis", "invitation", "inscription"),
    m.Moment.PENDANT: ("atelier", "balade", "reunion", "rencontre", "permanence", "test"),
}


def moment_days(engagement: m.Engagement) -> dict[m.Moment, date]:
    """The day each temps fort starts, as the workbook dates it: its « Calendrier » lines,
    the start of the démarche for the announcement, its first workshop, and the
    restitution the cahier commits to."""
    mission = engagement.mission
    year = (mission.start_date or mission.workshop_date or date(2000, 1, 1)).year
    steps = [
        step
        for p in engagement.parameters
        if p.rubrique is m.Rubrique.CALENDRIER
        for step in _typed_steps(p, year)
    ]
    days: dict[m.Moment, date] = {}
    for moment, words in MOMENT_WORDS.items():
        found = [s.day for s in steps if any(w in fold(s.label) for w in words)]
        if found:
            days[moment] = min(found)
    if m.Moment.ANNONCE not in days and mission.start_date:
        days[m.Moment.ANNONCE] = mission.start_date
    first = min(
        (d for d in (mission.workshop_date, *(w.date for w in engagement.workshops)) if d),
        default=None,
    )
    if m.Moment.PENDANT not in days and first and mission.stage is not m.Stage.ARRETEE:
        days[m.Moment.PENDANT] = first
    restitution = restitution_date(engagement)
    if restitution:
        days[m.Moment.RESTITUTION] = restitution
    return days


def calendar_context(engagement: m.Engagement) -> Context:
    steps = milestones(engagement)
    return {
        "milestones": [
            {"date": long_date(s.day), "label": s.label, "deliverable": s.deliverable}
            for s in steps
        ],
        "undated": [
            line
            for p in engagement.parameters
            if p.rubrique is m.Rubrique.CALENDRIER
            for line in _lines(p)
            if not french_dates(line, 2000)
        ],
    }


def _lines(p: m.Parameter) -> list[str]:
    return [line.strip(" •-–—*·\t") for line in p.detail.split("\n") if line.strip()] or [p.label]


def _typed_steps(p: m.Parameter, year: int) -> list[Milestone]:
    """« Balades urbaines : 28 février et 4 mars » gives two dated steps."""
    steps = []
    for line in _lines(p):
        label, _, when = line.rpartition(":")
        for day in french_dates(when or line, year):
            steps.append(Milestone(day, (label or p.label).strip()))
            year = day.year
    return steps


def _unique(steps: list[Milestone]) -> list[Milestone]:
    seen: set[tuple[date, str]] = set()
    kept = []
    for s in steps:
        key = (s.day, fold(s.label))
        if key not in seen:
            seen.add(key)
            kept.append(s)
    return kept
