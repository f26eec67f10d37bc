"""The analysis of one engagement, whatever its offer: the pure middle of the flow."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from pipeline import model as m
from pipeline.analysis.concepts import EmergenceAnalysis, analyse_emergence
from pipeline.analysis.opinions import DeviceResult, analyse_opinions
from pipeline.analysis.roi import DISPOSITIF, RoiAnalysis, analyse_roi


@dataclass(frozen=True)
class Analysis:
    """What the workshops said: only the part that the engagement's offer has."""

    # Concertation citoyenne: the scenarios; Stratégie globale: the dispositifs (its kit).
    roi: RoiAnalysis | None = None
    opinions: tuple[DeviceResult, ...] | None = None  # Stratégie globale
    emergence: EmergenceAnalysis | None = None  # Émergence de concepts

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.roi.warnings if self.roi else ()


def analyse(engagement: m.Engagement) -> Analysis:
    """Aggregate the workshop data of an engagement (no I/O, no clock)."""
    if engagement.offer is m.Offer.CONCERTATION:
        roi = analyse_roi(
            engagement.scenarios,
            engagement.criteria,
            engagement.ratings,
            chosen=engagement.mission.chosen_scenario,
        )
        if engagement.mission.stage is m.Stage.ARRETEE and not engagement.ratings:
            # Stopped before the workshop: no ratings is the expected state, not a warning,
            # and no scenario is « non évalué »: none was ever to be rated.
            roi = replace(roi, warnings=(), unrated=())
        return Analysis(roi=roi)
    if engagement.offer is m.Offer.STRATEGIE:
        roi = analyse_roi(
            engagement.devices, engagement.criteria, engagement.ratings, noun=DISPOSITIF
        )
        if not engagement.ratings:
            # The « Notation ROI » sheet is optional: until the kit's workshop has taken
            # place, no rating is the expected state, and no dispositif is « non évalué ».
            roi = replace(roi, warnings=(), unrated=())
        return Analysis(
            roi=roi,
            opinions=analyse_opinions(
                engagement.devices, engagement.workshops, engagement.opinions
            ),
        )
    return Analysis(
        emergence=analyse_emergence(
            engagement.tests, engagement.leads, engagement.crucial_parameters
        )
    )


def analysis_json(engagement: m.Engagement, analysis: Analysis) -> dict[str, Any]:
    """The analysis as plain JSON (``amoor analyse --json``)."""
    mission = engagement.mission
    data: dict[str, Any] = {
        "reference": mission.reference,
        "offer": mission.offer.value,
        "collectivite": mission.collectivite,
    }
    if analysis.roi is not None:
        data.update(analysis.roi.to_json())
    if analysis.opinions is not None:
        data["devices"] = [
            {
                "code": d.code,
                "name": d.name,
                "verdict": d.verdict.value if d.verdict else None,
                "by_public": {
                    public.value: {
                        "likes": counts.likes,
                        "neutral": counts.neutral,
                        "dislikes": counts.dislikes,
                        "net": None if counts.net is None else float(counts.net),
                    }
                    for public, counts in d.by_public.items()
                },
            }
            for d in analysis.opinions
        ]
    if analysis.emergence is not None:
        data["scenarios"] = [
            {
                "scenario": c.scenario,
                "convinced": [t.value for t in c.convinced],
                "by_target": {
                    target.value: {
                        "adhesion": counts.adhesion,
                        "reserve": counts.reserve,
                        "rejet": counts.rejet,
                        "convinces": counts.convinces,
                    }
                    for target, counts in c.by_target.items()
                },
            }
            for c in analysis.emergence.scenarios
        ]
        data["leads"] = [
            {"code": lead.code, "name": lead.name, "maturity": _value(lead.maturity)}
            for lead in analysis.emergence.leads
        ]
    return data


def _value(member: StrEnum | None) -> str | None:
    return None if member is None else member.value
