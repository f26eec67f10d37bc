"""Émergence de concepts: how each target received each tested scenario.

Scenarios are free text in the « Tests » sheet: rows are grouped by name
ignoring case and surrounding spaces, shown with their first spelling, in
order of first appearance. Per target (in ``Target`` order, targets that were
tested only), the counts and shares of Adhésion / Réserve / Rejet; a scenario
*convainc* a target when adhésion > rejet (compared on counts, so exactly).
Shares are floats for display. Leads pass through in sheet order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from pipeline.model import ConceptTest, Lead, Reaction, Target


@dataclass(frozen=True)
class ReactionCounts:
    adhesion: int = 0
    reserve: int = 0
    rejet: int = 0

    @classmethod
    def of(cls, reactions: Iterable[Reaction]) -> ReactionCounts:
        items = list(reactions)
        return cls(
            adhesion=items.count(Reaction.ADHESION),
            reserve=items.count(Reaction.RESERVE),
            rejet=items.count(Reaction.REJET),
        )

    @property
    def n(self) -> int:
        return self.adhesion + self.reserve + self.rejet

    @property
    def shares(self) -> tuple[float, float, float]:
        """Shares of adhésion, réserve, rejet (zeros when nobody reacted)."""
        if not self.n:
            return (0.0, 0.0, 0.0)
        return (self.adhesion / self.n, self.reserve / self.n, self.rejet / self.n)

    @property
    def convinces(self) -> bool:
        return self.adhesion > self.rejet


@dataclass(frozen=True)
class ConceptResult:
    """One tested scenario: reactions overall and per target, its tests in sheet order."""

    scenario: str
    overall: ReactionCounts
    by_target: Mapping[Target, ReactionCounts] = field(hash=False)
    tests: tuple[ConceptTest, ...]

    @property
    def convinced(self) -> tuple[Target, ...]:
        """The targets it convinces, in ``Target`` order."""
        return tuple(t for t, c in self.by_target.items() if c.convinces)

    @property
    def parameters(self) -> tuple[str, ...]:
        """Crucial parameters its tests name, in order of first mention."""
        return tuple(dict.fromkeys(p for t in self.tests for p in t.parameters))


@dataclass(frozen=True)
class EmergenceAnalysis:
    scenarios: tuple[ConceptResult, ...]
    leads: tuple[Lead, ...]


def analyse_emergence(tests: Iterable[ConceptTest], leads: Iterable[Lead]) -> EmergenceAnalysis:
    return EmergenceAnalysis(analyse_concepts(tests), tuple(leads))


def analyse_concepts(tests: Iterable[ConceptTest]) -> tuple[ConceptResult, ...]:
    return tuple(_summarise(rows) for rows in _group_by_scenario(tests).values())


def _scenario_key(name: str) -> str:
    return name.strip().casefold()


def _group_by_scenario(tests: Iterable[ConceptTest]) -> dict[str, list[ConceptTest]]:
    groups: dict[str, list[ConceptTest]] = {}
    for test in tests:
        groups.setdefault(_scenario_key(test.scenario), []).append(test)
    return groups


def _summarise(rows: Sequence[ConceptTest]) -> ConceptResult:
    by_target = {t: ReactionCounts.of(r.reaction for r in rows if r.target is t) for t in Target}
    return ConceptResult(
        scenario=rows[0].scenario.strip(),
        overall=ReactionCounts.of(r.reaction for r in rows),
        by_target=_tested(by_target),
        tests=tuple(rows),
    )


def _tested(by_target: Mapping[Target, ReactionCounts]) -> dict[Target, ReactionCounts]:
    return {t: c for t, c in by_target.items() if c.n}
