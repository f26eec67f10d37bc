"""R.O.I. citoyen: majority judgment as docs/roi-citoyen.md defines it."""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.analysis.roi import (
    Consensus,
    GradeStats,
    RoiAnalysis,
    analyse_roi,
    interquartile_range,
    lower_median,
    rank_key,
    weighted_lower_median,
)
from pipeline.model import Criterion, Grade, Public, Rating, Scenario

EXAMPLE = Path(__file__).resolve().parent.parent / "examples"
ONE = (Criterion("C", "Critère unique"),)
G = Grade


def scenarios(*codes: str) -> tuple[Scenario, ...]:
    return tuple(Scenario(code, f"Scénario {code}") for code in codes)


def rate(scenario: str, grades: Sequence[int], public: Public = Public.CITOYEN) -> list[Rating]:
    """One participant per grade, one criterion: each overall grade is that grade."""
    return [
        Rating(f"{public.value} {i}", public, scenario, (("C", Grade(g)),))
        for i, g in enumerate(grades)
    ]


def ranked(analysis: RoiAnalysis) -> list[str]:
    return [r.code for r in analysis.ranking]


# ---------------------------------------------------------------------------
# The worked example of docs/roi-citoyen.md and the point of majority judgment


def test_worked_example() -> None:
    analysis = analyse_roi(
        scenarios("X", "Y"), ONE, rate("X", [1, 2, 3, 4]) + rate("Y", [2, 2, 2, 4])
    )
    x, y = analysis.ranking
    assert (x.code, x.overall.majority, x.overall.p, x.overall.q) == ("X", G.PASSABLE, 0.5, 0.25)
    assert (y.code, y.overall.majority, y.overall.p, y.overall.q) == ("Y", G.PASSABLE, 0.25, 0.0)
    assert x.overall.mention == y.overall.mention == "Passable⁺"
    assert x.overall.mean == y.overall.mean == 2.5  # the plain mean cannot separate them
    assert [x.rank, y.rank] == [1, 2]


def test_mean_and_majority_judgment_disagree() -> None:
    # A: everyone says Passable. B: a higher mean, but half reject or find it insufficient.
    analysis = analyse_roi(
        scenarios("A", "B"), ONE, rate("A", [2, 2, 2, 2]) + rate("B", [0, 1, 4, 4])
    )
    a, b = (analysis.result("A"), analysis.result("B"))
    assert a is not None and b is not None
    by_mean = sorted(analysis.ranking, key=lambda r: -(r.overall.mean or 0))
    assert [r.code for r in by_mean] == ["B", "A"]
    assert ranked(analysis) == ["A", "B"]
    assert (a.overall.majority, b.overall.majority) == (G.PASSABLE, G.INSUFFISANT)


def test_tie_break_chain() -> None:
    ratings = (
        rate("HI", [3, 3, 3])  # 1. higher majority first
        + rate("PLUS", [1, 2, 2, 3, 4])  # 2. Passable⁺ (p = 40 %) beats every Passable⁻
        + rate("Q0", [2, 2, 2])  # 3. Passable⁻ with q = 0 %: smaller q first
        + rate("Q20", [1, 2, 2, 2, 3])  # p = q = 20 %: a gauge of −
        + rate("Q25", [1, 2, 2, 2])
        + rate("Q40", [1, 1, 2, 2, 2])
    )
    analysis = analyse_roi(scenarios("Q40", "Q20", "Q25", "PLUS", "Q0", "HI"), ONE, ratings)
    assert ranked(analysis) == ["HI", "PLUS", "Q0", "Q20", "Q25", "Q40"]


def test_majority_value_decides_against_the_mean() -> None:
    # Round 1 ties: α = Passable, gauge −, q = 1/3 for both. Removing one Passable leaves
    # (1, 2) → α = Insuffisant against (0, 4) → α = À rejeter: A wins, though B's mean is higher.
    a, b = [G(1), G(2), G(2)], [G(0), G(2), G(4)]
    analysis = analyse_roi(scenarios("B", "A"), ONE, rate("A", a) + rate("B", b))
    assert ranked(analysis) == ["A", "B"]
    means = [r.overall.mean for r in analysis.ranking]
    assert means == [5 / 3, 2.0]


def test_unanimous_profiles_tie_until_code_order() -> None:
    one, three = GradeStats.of([G.BIEN]), GradeStats.of([G.BIEN] * 3)
    assert rank_key(three, "B") > rank_key(one, "A")
    assert rank_key(one, "B") > rank_key(three, "A")


def test_identical_profiles_fall_back_to_code_order() -> None:
    stats = GradeStats.of([G.PASSABLE, G.BIEN])
    assert rank_key(stats, "S1") < rank_key(stats, "S2")


# ---------------------------------------------------------------------------
# Helpers against brute-force definitions

grades_lists = st.lists(st.sampled_from(list(Grade)), min_size=1, max_size=30)


def brute_lower_median(grades: Sequence[Grade]) -> Grade:
    """The smallest grade that at least half the grades are at or below."""
    return min(g for g in grades if 2 * sum(1 for x in grades if x <= g) >= len(grades))


@given(grades_lists)
def test_lower_median_is_the_brute_force_one(grades: list[Grade]) -> None:
    assert lower_median(grades) == brute_lower_median(grades)
    assert lower_median(grades) == sorted(grades)[(len(grades) - 1) // 2]


def test_lower_median_does_not_interpolate() -> None:
    assert lower_median([G.INSUFFISANT, G.BIEN]) is G.INSUFFISANT
    assert lower_median([]) is None


@given(st.lists(st.tuples(st.sampled_from(list(Grade)), st.integers(0, 6)), max_size=12))
def test_weighted_lower_median_is_the_replicated_lower_median(
    pairs: list[tuple[Grade, int]],
) -> None:
    # Weights in halves: replicating each grade by twice its weight gives the same median.
    weighted = weighted_lower_median((g, Decimal(w) / 2) for g, w in pairs)
    replicated = [g for g, w in pairs for _ in range(w)]
    assert weighted == lower_median(replicated)


@given(grades_lists)
def test_weighted_lower_median_with_equal_weights_is_the_lower_median(grades: list[Grade]) -> None:
    assert weighted_lower_median((g, Decimal(1)) for g in grades) == lower_median(grades)


def test_weighted_lower_median_edges() -> None:
    assert weighted_lower_median([]) is None
    assert weighted_lower_median([(G.BIEN, Decimal(0))]) is None
    assert weighted_lower_median([(G.INSUFFISANT, Decimal(3)), (G.TRES_BIEN, Decimal(1))]) is (
        G.INSUFFISANT
    )
    assert weighted_lower_median([(G.INSUFFISANT, Decimal(1)), (G.TRES_BIEN, Decimal(3))]) is (
        G.TRES_BIEN
    )
    # Exactly half reached at Insuffisant: the smallest such grade wins.
    assert weighted_lower_median([(G.INSUFFISANT, Decimal(1)), (G.BIEN, Decimal(1))]) is (
        G.INSUFFISANT
    )
    with pytest.raises(ValueError, match="negative"):
        weighted_lower_median([(G.BIEN, Decimal(-1))])


def test_interquartile_range_trims_a_quarter_from_each_end() -> None:
    assert interquartile_range([G(1), G(2), G(3), G(4)]) == 1  # middle half: 2, 3
    assert interquartile_range([G(0), G(0), G(4), G(4)]) == 4
    assert interquartile_range([G(1), G(3)]) == 2  # fewer than four: the range
    assert interquartile_range([G(2)]) == 0
    # 8 grades: the middle four are 1, 2, 2, 3.
    assert interquartile_range([G(g) for g in (0, 0, 1, 2, 2, 3, 4, 4)]) == 2
    with pytest.raises(ValueError):
        interquartile_range([])


@given(grades_lists)
def test_interquartile_range_is_symmetric_and_within_the_range(grades: list[Grade]) -> None:
    mirrored = [Grade(4 - g) for g in grades]
    iqr = interquartile_range(grades)
    assert iqr == interquartile_range(mirrored)
    assert 0 <= iqr <= max(grades) - min(grades)


def test_grade_stats_of_nothing() -> None:
    stats = GradeStats.of([])
    assert (stats.n, stats.mean, stats.majority, stats.gauge, stats.mention) == (
        0,
        None,
        None,
        "",
        "",
    )
    assert stats.shares == (0.0,) * 5


def test_grade_stats_shares_and_mention() -> None:
    stats = GradeStats.of([G(3), G(3), G(4), G(1), G(3), G(4), G(4), G(2)])
    assert stats.distribution == (0, 1, 1, 3, 3)
    assert stats.majority is G.BIEN
    assert (stats.p, stats.q, stats.gauge, stats.mention) == (0.375, 0.25, "+", "Bien⁺")
    assert stats.at_least_majority == 0.75
    assert sum(stats.shares) == pytest.approx(1)


# ---------------------------------------------------------------------------
# The ranking is a total order and agrees with the pairwise rules of docs/roi-citoyen.md


def spec_compare(a: list[Grade], b: list[Grade], code_a: str, code_b: str) -> int:
    """Steps 1–5 of docs/roi-citoyen.md, literally: < 0 when a ranks first."""
    x, y = sorted(map(int, a)), sorted(map(int, b))
    while x and y:
        rx, ry = _round(x), _round(y)
        if rx != ry:
            return -1 if rx > ry else 1
        x.remove(rx[0])
        y.remove(ry[0])
    mean_a, mean_b = Fraction(sum(a), len(a)), Fraction(sum(b), len(b))
    if mean_a != mean_b:
        return -1 if mean_a > mean_b else 1
    return (code_a > code_b) - (code_a < code_b)


def _round(grades: list[int]) -> tuple[int, int, Fraction]:
    alpha = grades[(len(grades) - 1) // 2]
    p = Fraction(sum(1 for g in grades if g > alpha), len(grades))
    q = Fraction(sum(1 for g in grades if g < alpha), len(grades))
    return (alpha, 1, p) if p > q else (alpha, 0, -q)


profiles = st.lists(st.sampled_from(list(Grade)), min_size=1, max_size=9)


@given(profiles, profiles, st.sampled_from(["S1", "S2"]), st.sampled_from(["S1", "S3"]))
def test_rank_key_agrees_with_the_spec(
    a: list[Grade], b: list[Grade], code_a: str, code_b: str
) -> None:
    key_a, key_b = rank_key(GradeStats.of(a), code_a), rank_key(GradeStats.of(b), code_b)
    expected = spec_compare(a, b, code_a, code_b)
    assert (key_a > key_b) - (key_a < key_b) == expected
    assert expected == -spec_compare(b, a, code_b, code_a)  # antisymmetric


@given(profiles, profiles, profiles)
def test_ranking_is_transitive_and_total(a: list[Grade], b: list[Grade], c: list[Grade]) -> None:
    keyed = {
        code: rank_key(GradeStats.of(g), code) for code, g in zip("ABC", (a, b, c), strict=True)
    }
    assert len(set(keyed.values())) == 3  # every pair comparable, never equal
    first, second, third = sorted(keyed, key=keyed.__getitem__)
    profile = dict(zip("ABC", (a, b, c), strict=True))
    assert spec_compare(profile[first], profile[second], first, second) < 0
    assert spec_compare(profile[second], profile[third], second, third) < 0
    assert spec_compare(profile[first], profile[third], first, third) < 0


# ---------------------------------------------------------------------------
# Properties of the whole analysis

CODES = ("S1", "S2", "S3", "S4")
WEIGHTED = (
    Criterion("A", "Critère A", weight=Decimal(1)),
    Criterion("B", "Critère B", weight=Decimal(2)),
    Criterion("C", "Critère C", weight=Decimal("0.5")),
)
Rows = list[tuple[str, Public, tuple[Grade | None, ...]]]
optional_grade = st.none() | st.sampled_from(list(Grade))
rows = st.lists(
    st.tuples(
        st.sampled_from(CODES),
        st.sampled_from(list(Public)),
        st.tuples(optional_grade, optional_grade, optional_grade),
    ),
    max_size=40,
)


def build(data: Rows) -> list[Rating]:
    return [
        Rating(
            f"P{i}",
            public,
            code,
            tuple((c.code, g) for c, g in zip(WEIGHTED, grades, strict=True) if g is not None),
        )
        for i, (code, public, grades) in enumerate(data)
    ]


def analyse(ratings: Sequence[Rating]) -> RoiAnalysis:
    return analyse_roi(scenarios(*CODES), WEIGHTED, ratings)


@given(rows, st.randoms(use_true_random=False))
def test_ranking_does_not_depend_on_row_order(data: Rows, rnd: random.Random) -> None:
    ratings = build(data)
    shuffled = list(ratings)
    rnd.shuffle(shuffled)
    before, after = analyse(ratings), analyse(shuffled)
    assert ranked(before) == ranked(after)
    assert before.ranking == after.ranking
    assert before.recommended == after.recommended


@given(rows, st.data())
def test_raising_a_grade_never_lowers_the_rank(data: Rows, draw: st.DataObject) -> None:
    ratings = build(data)
    raisable = [(i, j) for i, r in enumerate(ratings) for j, (_, g) in enumerate(r.grades) if g < 4]
    if not raisable:
        return
    i, j = draw.draw(st.sampled_from(raisable))
    target = ratings[i]
    grades = list(target.grades)
    criterion, grade = grades[j]
    grades[j] = (criterion, Grade(draw.draw(st.integers(grade + 1, 4))))
    raised = [
        *ratings[:i],
        Rating(target.participant, target.public, target.scenario, tuple(grades)),
        *ratings[i + 1 :],
    ]
    before = analyse(ratings).result(target.scenario)
    after = analyse(raised).result(target.scenario)
    assert before is not None and after is not None
    assert after.rank <= before.rank


@given(rows, st.sampled_from(list(Public)))
def test_with_one_public_the_public_result_is_the_overall_one(data: Rows, public: Public) -> None:
    analysis = analyse(build([(code, public, grades) for code, _, grades in data]))
    for result in analysis.ranking:
        assert list(result.by_public) == [public]
        assert result.by_public[public] == result.overall
        for criterion in WEIGHTED:
            assert (
                result.by_criterion_public[criterion.code, public]
                == (result.by_criterion[criterion.code])
            )


@given(rows)
def test_every_scenario_is_ranked_or_unrated(data: Rows) -> None:
    analysis = analyse(build(data))
    assert sorted([*ranked(analysis), *analysis.unrated]) == sorted(CODES)
    assert [r.rank for r in analysis.ranking] == list(range(1, len(analysis.ranking) + 1))
    json.dumps(analysis.to_json())


# ---------------------------------------------------------------------------
# Edge cases


def test_scenario_nobody_rated_is_listed_apart() -> None:
    analysis = analyse_roi(scenarios("S1", "S2"), ONE, rate("S1", [3, 3]))
    assert ranked(analysis) == ["S1"]
    assert analysis.unrated == ("S2",)
    assert analysis.recommended == "S1"
    assert analysis.warnings == (
        "Le scénario S2 n'a été noté par personne : il est « non évalué » "
        "et n'entre pas dans le classement.",
    )


def test_participant_who_rated_some_criteria() -> None:
    criteria = (Criterion("A", "a"), Criterion("B", "b"), Criterion("C", "c"))
    ratings = [
        Rating("Ana", Public.CITOYEN, "S1", (("A", G.TRES_BIEN),)),
        Rating("Bob", Public.CITOYEN, "S1", (("A", G.PASSABLE), ("C", G.TRES_BIEN))),
        Rating("Cyd", Public.CITOYEN, "S1", ()),  # listed, graded nothing: not counted
    ]
    analysis = analyse_roi(scenarios("S1"), criteria, ratings)
    (result,) = analysis.ranking
    assert result.overall.distribution == (0, 0, 1, 0, 1)  # Ana 4, Bob lower median of 2, 4
    assert result.by_criterion["A"].n == 2
    assert result.by_criterion["B"] == GradeStats.of([])
    assert result.by_criterion["C"].n == 1
    assert analysis.warnings == ()


def test_absent_public_is_not_reported() -> None:
    ratings = rate("S1", [3, 4], Public.ELU) + rate("S1", [2], Public.AGENT)
    (result,) = analyse_roi(scenarios("S1"), ONE, ratings).ranking
    assert list(result.by_public) == [Public.ELU, Public.AGENT]
    assert set(result.by_criterion_public) == {("C", Public.ELU), ("C", Public.AGENT)}
    assert result.balanced


def test_single_participant() -> None:
    analysis = analyse_roi(scenarios("S1"), ONE, rate("S1", [1]))
    (result,) = analysis.ranking
    assert (result.overall.majority, result.overall.gauge, result.iqr) == (G.INSUFFISANT, "-", 0)
    assert result.left_behind == (Public.CITOYEN,)
    assert not result.balanced
    assert analysis.recommended == "S1"


def test_all_grades_equal() -> None:
    (result,) = analyse_roi(scenarios("S1"), ONE, rate("S1", [3] * 6)).ranking
    assert (result.overall.p, result.overall.q, result.overall.mention) == (0.0, 0.0, "Bien⁻")
    assert (result.iqr, result.consensus) == (0, Consensus.CONSENSUEL)


def test_criterion_weighing_zero_is_ignored() -> None:
    criteria = (Criterion("A", "a"), Criterion("Z", "z", weight=Decimal(0)))
    ratings = [
        Rating("Ana", Public.CITOYEN, "S1", (("A", G.PASSABLE), ("Z", G.TRES_BIEN))),
        Rating("Bob", Public.CITOYEN, "S1", (("Z", G.TRES_BIEN),)),
    ]
    analysis = analyse_roi(scenarios("S1"), criteria, ratings)
    (result,) = analysis.ranking
    assert result.overall.distribution == (0, 0, 1, 0, 0)
    assert result.by_criterion["Z"].n == 2  # the raw grades are still shown
    assert analysis.warnings == (
        "« Bob » n'a noté pour le scénario S1 que des critères de poids nul : "
        "sa note globale n'est pas calculée.",
    )


def test_weights_decide_the_overall_grade() -> None:
    criteria = (Criterion("A", "a", weight=Decimal(3)), Criterion("B", "b"))
    ratings = [Rating("Ana", Public.CITOYEN, "S1", (("A", G.INSUFFISANT), ("B", G.TRES_BIEN)))]
    (result,) = analyse_roi(scenarios("S1"), criteria, ratings).ranking
    assert result.overall.majority is G.INSUFFISANT


def test_all_weights_zero_count_equally() -> None:
    criteria = (Criterion("A", "a", weight=Decimal(0)), Criterion("B", "b", weight=Decimal(0)))
    ratings = [Rating("Ana", Public.CITOYEN, "S1", (("A", G.PASSABLE), ("B", G.TRES_BIEN)))]
    analysis = analyse_roi(scenarios("S1"), criteria, ratings)
    assert analysis.ranking[0].overall.majority is G.PASSABLE
    assert analysis.warnings == (
        "Tous les critères ont un poids nul : ils sont comptés à poids égal "
        "pour la note globale de chaque participant.",
    )


def test_no_scenario() -> None:
    analysis = analyse_roi((), ONE, ())
    assert (analysis.ranking, analysis.unrated, analysis.recommended) == ((), (), None)
    assert analysis.warnings == (
        "Aucun scénario n'est décrit : le R.O.I. citoyen n'a rien à classer.",
    )


def test_no_rating() -> None:
    analysis = analyse_roi(scenarios("S1", "S2"), ONE, ())
    assert (analysis.ranking, analysis.unrated, analysis.recommended) == ((), ("S1", "S2"), None)
    assert analysis.warnings == (
        "Aucune notation R.O.I. citoyen n'a été saisie : aucun scénario n'est classé.",
    )


def test_rating_of_an_unknown_scenario_is_ignored_with_a_warning() -> None:
    analysis = analyse_roi(scenarios("S1"), ONE, rate("S1", [2]) + rate("S9", [4]))
    assert ranked(analysis) == ["S1"]
    assert "scénario inconnu « S9 »" in analysis.warnings[0]


# ---------------------------------------------------------------------------
# Balance, veto, consensus, recommendation


def test_balance_and_recommendation() -> None:
    ratings = (
        rate("S1", [4, 4, 4], Public.CITOYEN)
        + rate("S1", [1, 1], Public.ELU)
        + rate("S2", [3, 3, 2], Public.CITOYEN)
        + rate("S2", [2, 2], Public.ELU)
    )
    analysis = analyse_roi(scenarios("S1", "S2"), ONE, ratings)
    s1, s2 = analysis.ranking
    assert (s1.code, s1.balanced, s1.left_behind) == ("S1", False, (Public.ELU,))
    assert (s2.code, s2.balanced) == ("S2", True)
    assert analysis.recommended == "S2"
    assert analysis.warnings == ()


def test_when_none_is_balanced_the_best_is_recommended_with_a_warning() -> None:
    ratings = (
        rate("S1", [4, 4, 4], Public.CITOYEN)
        + rate("S1", [1, 1], Public.ELU)
        + rate("S1", [0], Public.AGENT)
        + rate("S2", [1], Public.CITOYEN)
    )
    analysis = analyse_roi(scenarios("S1", "S2"), ONE, ratings)
    assert analysis.recommended == "S1"
    assert analysis.warnings == (
        "Aucun scénario n'est équilibré entre les publics : le mieux classé, S1, est "
        "recommandé, mais les élus et les agents lui donnent une mention majoritaire "
        "inférieure à Passable.",
    )


def test_veto_is_a_quarter_of_rejections_within_a_public() -> None:
    ratings = rate("S1", [0, 3, 3, 3], Public.ELU) + rate("S1", [0, 3, 3, 3, 3], Public.AGENT)
    (result,) = analyse_roi(scenarios("S1"), ONE, ratings).ranking
    assert result.veto == (Public.ELU,)
    assert result.balanced


def test_consensus_labels() -> None:
    ratings = rate("CALME", [2, 3, 3, 2]) + rate("VIF", [0, 0, 4, 4])
    analysis = analyse_roi(scenarios("CALME", "VIF"), ONE, ratings)
    consensus = {r.code: (r.iqr, r.consensus) for r in analysis.ranking}
    assert consensus == {"CALME": (1, Consensus.CONSENSUEL), "VIF": (4, Consensus.CLIVANT)}


def test_chosen_scenario_overrides_and_says_it_differs() -> None:
    ratings = rate("S1", [4, 4]) + rate("S2", [2, 2])
    analysis = analyse_roi(scenarios("S1", "S2"), ONE, ratings, chosen="s2")
    assert (analysis.recommended, analysis.chosen, analysis.chosen_differs) == ("S1", "S2", True)
    same = analyse_roi(scenarios("S1", "S2"), ONE, ratings, chosen="S1")
    assert (same.chosen, same.chosen_differs) == ("S1", False)
    none = analyse_roi(scenarios("S1", "S2"), ONE, ratings)
    assert (none.chosen, none.chosen_differs) == (None, False)


def test_json_export() -> None:
    analysis = analyse_roi(
        scenarios("X", "Y"), ONE, rate("X", [1, 2, 3, 4]) + rate("Y", [2, 2, 2, 4])
    )
    exported = json.loads(json.dumps(analysis.to_json()))
    first = exported["ranking"][0]
    assert {
        k: first[k] for k in ("code", "majority_grade", "gauge", "p", "q", "mean", "balanced")
    } == {
        "code": "X",
        "majority_grade": 2,
        "gauge": "+",
        "p": 0.5,
        "q": 0.25,
        "mean": 2.5,
        "balanced": True,
    }
    assert exported["recommended"] == "X"


# ---------------------------------------------------------------------------
# The real example


def test_saint_aubin_example() -> None:
    from pipeline.workbook.reader import read_engagement

    engagement = read_engagement(EXAMPLE / "concertation-saint-aubin-des-brumes.xlsx")
    analysis = analyse_roi(
        engagement.scenarios,
        engagement.criteria,
        engagement.ratings,
        engagement.mission.chosen_scenario,
    )
    assert ranked(analysis) == ["S2", "S4", "S1", "S3"]
    s2, s3 = analysis.result("S2"), analysis.result("S3")
    assert s2 is not None and s3 is not None
    assert s2.by_public[Public.CITOYEN].majority is G.TRES_BIEN
    assert s3.consensus is Consensus.CLIVANT
    assert analysis.recommended == "S2"
