"""The analysis of one engagement, whatever its offer: the pure middle of the flow."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline import model as m
from pipeline.analysis.concepts import EmergenceAnalysis, analyse_emergence
from pipeline.analysis.opinions import DeviceResult, analyse_opinions
from pipeline.analysis.roi import RoiAnalysis, analyse_roi


@dataclass(frozen=True)
class Analysis:
    """What the workshops said: only the part that the engagement's offer has."""

    roi: RoiAnalysis | None = None  # Concertation citoyenne
    opinions: tuple[DeviceResult, ...] | None = None  # Stratégie globale
    emergence: EmergenceAnalysis | None = None  # Émergence de concepts

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.roi.warnings if self.roi else ()


def analyse(engagement: m.Engagement) -> Analysis:
    """Aggregate the workshop data of an engagement (no I/O, no clock)."""
    if engagement.offer is m.Offer.CONCERTATION:
        return Analysis(
            roi=analyse_roi(
                engagement.scenarios,
                engagement.criteria,
                engagement.ratings,
                chosen=engagement.mission.chosen_scenario,
            )
        )
    if engagement.offer is m.Offer.STRATEGIE:
        return Analysis(
            opinions=analyse_opinions(engagement.devices, engagement.workshops, engagement.opinions)
        )
    return Analysis(emergence=analyse_emergence(engagement.tests, engagement.leads))
