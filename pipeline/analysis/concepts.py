"""Émergence de concepts: how each target received each tested scenario.

Scenarios are free text in the « Tests » sheet: rows are grouped by name
ignoring case and surrounding spaces, shown with their first spelling, in
order of first appearance. Per target (in ``Target`` order, targets that were
tested only), the counts and shares of Adhésion / Réserve / Rejet; a scenario
*convainc* a target when adhésion > rejet (compared on counts, so exactly).
Shares are floats for display. Leads pass through in sheet order.

Each crucial parameter is received as the scenarios that test it were: the
reactions to every test naming it, pooled per target, tell whether the
hypothesis convinced that target, still has to, or was never put to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from pipeline.model import ConceptTest, CrucialParameter, Lead, Reaction, Target


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
class ParameterReception:
    """How the targets received the scenarios testing one crucial parameter."""

    code: str
    scenarios: tuple[str, ...]  # the scenarios testing it, as ``ConceptResult.scenario``
    by_target: Mapping[Target, ReactionCounts] = field(hash=False)  # tested targets only

    @property
    def untested(self) -> tuple[Target, ...]:
        """The targets no test of this parameter reached, in ``Target`` order."""
        return tuple(t for t in Target if t not in self.by_target)

    @property
    def unconvinced(self) -> tuple[Target, ...]:
        """Tested targets its scenarios did not convince (pooled reactions)."""
        return tuple(t for t, c in self.by_target.items() if not c.convinces)


@dataclass(frozen=True)
class EmergenceAnalysis:
    scenarios: tuple[ConceptResult, ...]
    leads: tuple[Lead, ...]
    parameters: tuple[ParameterReception, ...] = ()  # in the sheet's order


def analyse_emergence(
    tests: Iterable[ConceptTest],
    leads: Iterable[Lead],
    parameters: Iterable[CrucialParameter] = (),
) -> EmergenceAnalysis:
    results = analyse_concepts(tests)
    return EmergenceAnalysis(results, tuple(leads), receive_parameters(parameters, results))


def receive_parameters(
    parameters: Iterable[CrucialParameter], results: Iterable[ConceptResult]
) -> tuple[ParameterReception, ...]:
    """Per crucial parameter, the reactions to the tests that name it, per target."""
    scenarios = list(results)
    receptions = []
    for parameter in parameters:
        rows = [t for s in scenarios for t in s.tests if parameter.code in t.parameters]
        by_target = {
            t: ReactionCounts.of(r.reaction for r in rows if r.target is t) for t in Target
        }
        receptions.append(
            ParameterReception(
                code=parameter.code,
                scenarios=tuple(
                    s.scenario
                    for s in scenarios
                    if any(parameter.code in t.parameters for t in s.tests)
                ),
                by_target=_tested(by_target),
            )
        )
    return tuple(receptions)


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
