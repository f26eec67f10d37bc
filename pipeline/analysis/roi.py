"""R.O.I. citoyen: from the participants' grades to a ranking of the scenarios.

The definitions are those of ``docs/roi-citoyen.md``; the choices it leaves open
are settled here, once:

* **Numbers.** Every decision (majority grade, gauge, ranking, balance, veto,
  consensus) is taken on integer counts or exact ``Fraction``\\ s, so no
  rounding can flip a result. ``GradeStats`` then shows means and shares as
  ``float`` (0–4 and 0–1), which is what charts, sentences and JSON want.
* **Which mean.** The raw statistics of one criterion count each participant
  once (plain mean of their grades). Criterion weights only matter where
  criteria are combined: a participant's overall grade is the weighted lower
  median of their criterion grades. The "weighted mean" of tie-break 5
  (``docs/roi-citoyen.md``) is the mean of every criterion grade of the graded
  participants, weighted by the criteria's weights (:func:`weighted_mean`).
* **Weights.** A criterion of weight 0 does not count in an overall grade. A
  participant who graded only such criteria gets no overall grade (warned). If
  every criterion weighs 0, the weights cannot say anything, so all criteria
  count equally (warned) rather than leaving every scenario unrated.
* **Quartiles.** With ``k = n // 4`` (the quarter trimmed from each end,
  rounded down), Q1 is the (k+1)-th smallest overall grade and Q3 the (k+1)-th
  largest. The definition is symmetric (mirroring the scale keeps the IQR) and
  keeps the middle half when n is a multiple of 4; for n < 4 the IQR is the
  range. Grades are integers, so the IQR is an integer and « ≤ 1 consensuel,
  ≥ 2 clivant » covers every case.
* **Candidates.** What is ranked is a scenario (Concertation citoyenne) or a
  dispositif (Stratégie globale, its R.O.I. citoyen kit): anything with a code
  and a title. ``noun`` names them in the sentences; both French nouns are
  masculine and take an « s » in the plural, so one word is enough.
* **Majority value (tie-break 4).** Removing one grade equal to α from each
  profile until they differ can only run one profile out while all rounds
  were equal when both profiles are unanimous on the same grade; step 5 of
  ``docs/roi-citoyen.md`` (mean, then code) then decides, as written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from itertools import accumulate
from typing import Any, Protocol

from pipeline.formats import enumeration
from pipeline.model import Criterion, Grade, Public, Rating

GAUGE_SUPERSCRIPTS: dict[str, str] = {"+": "⁺", "-": "⁻"}

PUBLIC_PLURALS: dict[Public, str] = {
    Public.ELU: "les élus",
    Public.AGENT: "les agents",
    Public.CITOYEN: "les citoyens",
    Public.PARTENAIRE: "les partenaires",
}

VETO_SHARE = Fraction(1, 4)
CONSENSUAL_IQR = 1


class Candidate(Protocol):
    """What a workshop ranks: a scenario, or a dispositif of a Stratégie globale."""

    @property
    def code(self) -> str: ...

    @property
    def title(self) -> str: ...


SCENARIO = "scénario"
DISPOSITIF = "dispositif"


class Consensus(StrEnum):
    CONSENSUEL = "consensuel"
    CLIVANT = "clivant"


# ---------------------------------------------------------------------------
# Medians and quartiles


def lower_median(grades: Iterable[Grade]) -> Grade | None:
    """The value at index ``(n - 1) // 2`` of the sorted grades; None when there are none.

    ``statistics.median`` interpolates between the two middle values: wrong
    for a majority grade, which must be one of the grades given.
    """
    ordered = sorted(grades)
    return ordered[(len(ordered) - 1) // 2] if ordered else None


def weighted_lower_median(pairs: Iterable[tuple[Grade, Decimal]]) -> Grade | None:
    """The smallest grade g whose weights of grades ≤ g reach half the total weight.

    A weight of 0 contributes nothing; None when the total weight is 0 (no
    grade, or only weightless ones). With equal weights this is ``lower_median``.
    """
    totals = [Decimal(0)] * len(Grade)
    for grade, weight in pairs:
        if weight < 0:
            raise ValueError(f"negative weight {weight} for grade {grade}")
        totals[grade] += weight
    total = sum(totals, Decimal(0))
    if total == 0:
        return None
    return next(
        g for g, reached in zip(Grade, accumulate(totals), strict=True) if 2 * reached >= total
    )


def interquartile_range(grades: Iterable[Grade]) -> int:
    """Q3 − Q1 with the trimmed-quarter quartiles described in the module docstring."""
    ordered = sorted(grades)
    if not ordered:
        raise ValueError("the interquartile range of no grades is undefined")
    trimmed = len(ordered) // 4
    return int(ordered[len(ordered) - 1 - trimmed]) - int(ordered[trimmed])


def classify_consensus(iqr: int) -> Consensus:
    return Consensus.CONSENSUEL if iqr <= CONSENSUAL_IQR else Consensus.CLIVANT


# ---------------------------------------------------------------------------
# One profile of grades


def count_grades(grades: Iterable[Grade]) -> tuple[int, ...]:
    """How many of each grade, from À rejeter (index 0) to Très bien (index 4)."""
    counts = [0] * len(Grade)
    for grade in grades:
        counts[grade] += 1
    return tuple(counts)


def _majority_of(counts: Sequence[int]) -> Grade | None:
    """Lower median read from counts: the first grade whose cumulative count passes the rank."""
    n = sum(counts)
    if n == 0:
        return None
    rank = (n - 1) // 2
    return next(g for g, reached in zip(Grade, accumulate(counts), strict=True) if reached > rank)


@dataclass(frozen=True)
class GradeStats:
    """The merit profile of a set of grades (one scenario, criterion and/or public).

    ``distribution`` counts grades 0..4; ``majority`` is the lower median (None
    when ``n == 0``); ``p`` and ``q`` are the shares strictly above and below
    it; ``gauge`` is ``+`` when p > q, ``-`` otherwise, ``""`` when empty.
    ``mean`` (None when empty) and the shares are floats for display; build
    with ``GradeStats.of`` so the fields agree.
    """

    n: int
    mean: float | None
    distribution: tuple[int, ...]
    majority: Grade | None
    p: float
    q: float
    gauge: str

    @classmethod
    def of(cls, grades: Iterable[Grade]) -> GradeStats:
        return cls.from_distribution(count_grades(grades))

    @classmethod
    def from_distribution(cls, distribution: Sequence[int]) -> GradeStats:
        counts = tuple(distribution)
        n = sum(counts)
        majority = _majority_of(counts)
        if majority is None:
            return cls(0, None, counts, None, 0.0, 0.0, "")
        above, below = sum(counts[majority + 1 :]), sum(counts[:majority])
        return cls(
            n=n,
            mean=float(exact_mean(counts)),
            distribution=counts,
            majority=majority,
            p=above / n,
            q=below / n,
            gauge="+" if above > below else "-",
        )

    @property
    def mention(self) -> str:
        """« Passable⁺ », « Bien⁻ »; empty when nobody graded."""
        if self.majority is None:
            return ""
        return self.majority.label + GAUGE_SUPERSCRIPTS[self.gauge]

    @property
    def shares(self) -> tuple[float, ...]:
        """Share of each grade 0..4 (the merit-profile bar); zeros when empty."""
        return tuple(c / self.n if self.n else 0.0 for c in self.distribution)

    @property
    def at_least_majority(self) -> float:
        """Share graded the majority grade or better (« 62 % de Bien ou mieux »)."""
        return 1.0 - self.q if self.n else 0.0


def exact_mean(distribution: Sequence[int]) -> Fraction:
    n = sum(distribution)
    if n == 0:
        raise ValueError("the mean of no grades is undefined")
    return Fraction(sum(g * c for g, c in enumerate(distribution)), n)


# ---------------------------------------------------------------------------
# Majority judgment

Round = tuple[int, int, Fraction]


def merit_rounds(distribution: Sequence[int]) -> tuple[Round, ...]:
    """The successive (α, gauge, share) of steps 1–4, each higher-is-better.

    gauge is 1 for ``+``; share is p when ``+`` and −q when ``−`` (smaller q
    wins). After each round one grade equal to α is removed (step 4). The
    sequence stops once what remains is unanimous: every later round would
    repeat that one, and stopping there lets two profiles unanimous on the same
    grade tie, to be separated by step 5 as docs/roi-citoyen.md says.
    """
    counts = list(distribution)
    rounds: list[Round] = []
    while (majority := _majority_of(counts)) is not None:
        n = sum(counts)
        above, below = sum(counts[majority + 1 :]), sum(counts[:majority])
        plus = above > below
        rounds.append((majority, int(plus), Fraction(above, n) if plus else -Fraction(below, n)))
        if counts[majority] == n:
            break
        counts[majority] -= 1
    return tuple(rounds)


RankKey = tuple[tuple[Round, ...], Fraction, str]


def rank_key(stats: GradeStats, code: str, mean: Fraction | None = None) -> RankKey:
    """Sort key, best first: majority judgment (steps 1–4), higher mean, then code.

    ``mean`` is the scenario's weighted mean (step 5); by default the plain mean
    of the grades in ``stats``. Being a plain tuple of totally ordered parts,
    the key makes the ranking a total order: antisymmetric and transitive by
    construction, and distinct codes never tie.
    """
    worst_first = tuple((-a, -g, -s) for a, g, s in merit_rounds(stats.distribution))
    return (worst_first, -(exact_mean(stats.distribution) if mean is None else mean), code)


# ---------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class ScenarioResult:
    """One rated scenario.

    ``overall`` and ``by_public`` describe the participants' overall grades
    (publics that have one, in ``Public`` order); ``by_criterion`` and
    ``by_criterion_public`` the raw grades of each criterion, whatever its
    weight (every criterion listed, n may be 0; every public that graded
    something). ``weighted_mean`` is the mean of every criterion grade of the
    participants who have an overall grade, weighted by the criteria's weights:
    tie-break 5 of docs/roi-citoyen.md and the « moyenne » shown. ``left_behind`` are the
    publics whose majority is below Passable; ``veto`` those with ≥ 25 % « À rejeter ».
    """

    code: str
    title: str
    rank: int
    overall: GradeStats
    weighted_mean: Fraction
    by_public: Mapping[Public, GradeStats] = field(hash=False)
    by_criterion: Mapping[str, GradeStats] = field(hash=False)
    by_criterion_public: Mapping[tuple[str, Public], GradeStats] = field(hash=False)
    left_behind: tuple[Public, ...]
    iqr: int
    consensus: Consensus
    veto: tuple[Public, ...]

    @property
    def balanced(self) -> bool:
        """« Équilibré »: every public that rated it gives at least Passable."""
        return not self.left_behind

    def to_json(self) -> dict[str, Any]:
        """The ``ranking`` object of ``amoor analyse --json``."""
        majority = self.overall.majority
        return {
            "code": self.code,
            "title": self.title,
            "rank": self.rank,
            "n": self.overall.n,
            "majority_grade": None if majority is None else int(majority),
            "mention": self.overall.mention,
            "gauge": self.overall.gauge,
            "p": self.overall.p,
            "q": self.overall.q,
            "mean": float(self.weighted_mean),
            "balanced": self.balanced,
            "left_behind": [p.value for p in self.left_behind],
            "iqr": self.iqr,
            "consensus": self.consensus.value,
            "veto": [p.value for p in self.veto],
        }


@dataclass(frozen=True)
class RoiAnalysis:
    """The workshop's outcome: ranked scenarios, the unrated apart, the recommendation.

    ``chosen`` is the workbook's « Scénario retenu » when it names a scenario;
    ``chosen_differs`` says it is not the recommendation. ``warnings`` are
    French sentences for the documents and the console. ``noun`` is what the
    candidates are (« scénario », « dispositif »), for sentences about them.
    """

    ranking: tuple[ScenarioResult, ...]
    unrated: tuple[str, ...]
    recommended: str | None
    chosen: str | None
    chosen_differs: bool
    warnings: tuple[str, ...]
    noun: str = SCENARIO

    def result(self, code: str) -> ScenarioResult | None:
        return next((r for r in self.ranking if r.code == code), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "ranking": [r.to_json() for r in self.ranking],
            "unrated": list(self.unrated),
            "recommended": self.recommended,
            "chosen": self.chosen,
            "chosen_differs": self.chosen_differs,
            "warnings": list(self.warnings),
        }


# ---------------------------------------------------------------------------
# Analysis


@dataclass(frozen=True)
class _Graded:
    """One rating row that produced an overall grade."""

    rating: Rating
    overall: Grade


def analyse_roi(
    scenarios: Iterable[Candidate],
    criteria: Iterable[Criterion],
    ratings: Iterable[Rating],
    chosen: str = "",
    noun: str = SCENARIO,
) -> RoiAnalysis:
    """Rank the scenarios (or dispositifs: ``noun``) by majority judgment and recommend
    one (docs/roi-citoyen.md, « Aggregation »)."""
    scenarios, criteria = tuple(scenarios), tuple(criteria)
    warnings: list[str] = []
    weights = _effective_weights(criteria, warnings)
    rows = _group_by_scenario(ratings, {s.code for s in scenarios}, warnings, noun)
    results: list[ScenarioResult] = []
    unrated: list[str] = []
    for scenario in scenarios:
        scenario_rows = rows.get(scenario.code, [])
        graded = _grade_participants(scenario.code, scenario_rows, weights, warnings, noun)
        if graded:
            results.append(_summarise_scenario(scenario, criteria, scenario_rows, graded, weights))
        else:
            unrated.append(scenario.code)
    rated_rows = sum(map(len, rows.values()))
    warnings.extend(_coverage_warnings(scenarios, unrated, rated_rows, noun))
    ranking = rank_scenarios(results)
    recommended = _recommend(ranking, warnings, noun)
    chosen_code = _resolve_chosen(chosen, scenarios, unrated, warnings)
    return RoiAnalysis(
        ranking=ranking,
        unrated=tuple(unrated),
        recommended=recommended,
        chosen=chosen_code,
        chosen_differs=chosen_code is not None and chosen_code != recommended,
        warnings=tuple(warnings),
        noun=noun,
    )


def rank_scenarios(results: Iterable[ScenarioResult]) -> tuple[ScenarioResult, ...]:
    """Sort by ``rank_key`` and number the ranks from 1."""
    ordered = sorted(results, key=lambda r: rank_key(r.overall, r.code, r.weighted_mean))
    return tuple(replace(r, rank=i) for i, r in enumerate(ordered, start=1))


def _effective_weights(criteria: Sequence[Criterion], warnings: list[str]) -> dict[str, Decimal]:
    """Criterion weights, or equal weights when every one is 0 (see module docstring)."""
    weights = {c.code: c.weight for c in criteria}
    if weights and not any(weights.values()):
        warnings.append(
            "Tous les critères ont un poids nul : ils sont comptés à poids égal "
            "pour la note globale de chaque participant."
        )
        return dict.fromkeys(weights, Decimal(1))
    return weights


def _group_by_scenario(
    ratings: Iterable[Rating], known: set[str], warnings: list[str], noun: str
) -> dict[str, list[Rating]]:
    rows: dict[str, list[Rating]] = {}
    for rating in ratings:
        if rating.scenario in known:
            rows.setdefault(rating.scenario, []).append(rating)
        else:
            warnings.append(
                f"La notation de « {rating.participant} » porte sur un {noun} inconnu "
                f"« {rating.scenario} » : elle est ignorée."
            )
    return rows


def overall_grade(rating: Rating, weights: Mapping[str, Decimal]) -> Grade | None:
    """The participant's weighted lower median; criteria not graded (or unknown) are ignored."""
    return weighted_lower_median((g, weights[c]) for c, g in rating.grades if c in weights)


def _grade_participants(
    code: str,
    rows: Iterable[Rating],
    weights: Mapping[str, Decimal],
    warnings: list[str],
    noun: str,
) -> list[_Graded]:
    graded: list[_Graded] = []
    for rating in rows:
        overall = overall_grade(rating, weights)
        if overall is not None:
            graded.append(_Graded(rating, overall))
        elif any(c in weights for c, _ in rating.grades):
            warnings.append(
                f"« {rating.participant} » n'a noté pour le {noun} {code} que des critères "
                "de poids nul : sa note globale n'est pas calculée."
            )
    return graded


def _summarise_scenario(
    scenario: Candidate,
    criteria: Sequence[Criterion],
    rows: Sequence[Rating],
    graded: Sequence[_Graded],
    weights: Mapping[str, Decimal],
) -> ScenarioResult:
    """Overall figures from the overall grades; criterion figures from every row's raw grades."""
    publics = [p for p in Public if any(g.rating.public is p for g in graded)]
    by_public = {
        p: GradeStats.of(g.overall for g in graded if g.rating.public is p) for p in publics
    }
    graders = [p for p in Public if any(r.public is p and r.grades for r in rows)]
    iqr = interquartile_range(g.overall for g in graded)
    return ScenarioResult(
        code=scenario.code,
        title=scenario.title,
        rank=0,  # numbered by rank_scenarios
        overall=GradeStats.of(g.overall for g in graded),
        weighted_mean=weighted_mean(graded, weights),
        by_public=by_public,
        by_criterion={c.code: _criterion_stats(c.code, rows) for c in criteria},
        by_criterion_public={
            (c.code, p): _criterion_stats(c.code, rows, p) for c in criteria for p in graders
        },
        left_behind=tuple(p for p, s in by_public.items() if _below_passable(s)),
        iqr=iqr,
        consensus=classify_consensus(iqr),
        veto=tuple(p for p, s in by_public.items() if _has_veto(s)),
    )


def weighted_mean(graded: Iterable[_Graded], weights: Mapping[str, Decimal]) -> Fraction:
    """Σ w·g / Σ w over every criterion grade of the graded participants (exact)."""
    total = Fraction(0)
    weight = Fraction(0)
    for row in graded:
        for criterion, grade in row.rating.grades:
            w = Fraction(weights.get(criterion, Decimal(0)))
            total += w * int(grade)
            weight += w
    # A graded participant has at least one criterion of positive weight.
    return total / weight


def _criterion_stats(
    criterion: str, rows: Iterable[Rating], public: Public | None = None
) -> GradeStats:
    return GradeStats.of(
        grade
        for r in rows
        if public is None or r.public is public
        if (grade := r.grade(criterion)) is not None
    )


def _below_passable(stats: GradeStats) -> bool:
    return stats.majority is not None and stats.majority < Grade.PASSABLE


def _has_veto(stats: GradeStats) -> bool:
    rejections = stats.distribution[Grade.A_REJETER]
    return stats.n > 0 and Fraction(rejections, stats.n) >= VETO_SHARE


def _coverage_warnings(
    scenarios: Sequence[Candidate], unrated: Sequence[str], rated_rows: int, noun: str
) -> list[str]:
    if not scenarios:
        return [f"Aucun {noun} n'est décrit : le R.O.I. citoyen n'a rien à classer."]
    if rated_rows == 0:
        return [f"Aucune notation R.O.I. citoyen n'a été saisie : aucun {noun} n'est classé."]
    return [
        f"Le {noun} {code} n'a été noté par personne : il est « non évalué » "
        "et n'entre pas dans le classement."
        for code in unrated
    ]


def _recommend(ranking: Sequence[ScenarioResult], warnings: list[str], noun: str) -> str | None:
    """The best-ranked équilibré scenario, else the best-ranked one with a warning."""
    if not ranking:
        return None
    balanced = next((r for r in ranking if r.balanced), None)
    if balanced is not None:
        return balanced.code
    best = ranking[0]
    warnings.append(
        f"Aucun {noun} n'est équilibré entre les publics : le mieux classé, {best.code}, "
        f"est recommandé, mais {enumeration(PUBLIC_PLURALS[p] for p in best.left_behind)} "
        "lui donnent une mention majoritaire inférieure à Passable."
    )
    return best.code


def _resolve_chosen(
    chosen: str, scenarios: Sequence[Candidate], unrated: Sequence[str], warnings: list[str]
) -> str | None:
    """The « Scénario retenu », if it names a scenario (the reader has already checked)."""
    if not chosen:
        return None
    code = next((s.code for s in scenarios if s.code.casefold() == chosen.casefold()), None)
    if code is None:
        warnings.append(f"Le scénario retenu « {chosen} » ne figure pas parmi les scénarios.")
    elif code in unrated:
        warnings.append(f"Le scénario retenu, {code}, n'a pas été noté lors de l'atelier.")
    return code
