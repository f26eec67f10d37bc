"""Stratégie globale (opinions per device), Émergence (scenario tests), stakeholder counts."""

from __future__ import annotations

from fractions import Fraction

import pytest

from pipeline.analysis.concepts import ReactionCounts, analyse_concepts, analyse_emergence
from pipeline.analysis.opinions import (
    OpinionCounts,
    Verbatim,
    Verdict,
    analyse_opinions,
    classify_device,
)
from pipeline.analysis.stakeholders import count_by_category, count_by_quadrant, group_by_quadrant
from pipeline.model import (
    Category,
    ConceptTest,
    CrucialParameter,
    Device,
    DeviceOpinion,
    Lead,
    Maturity,
    Opinion,
    Quadrant,
    Reaction,
    Stakeholder,
    Target,
    Workshop,
    WorkshopPublic,
)

LIKE, NEUTRAL, DISLIKE = Opinion.AIME, Opinion.NEUTRE, Opinion.AIME_PAS
AGENTS, ELUS, PANEL = WorkshopPublic.AGENTS, WorkshopPublic.ELUS, WorkshopPublic.PANEL_CITOYEN

WORKSHOPS = (
    Workshop("A1", AGENTS),
    Workshop("A2", ELUS),
    Workshop("A3", PANEL),
    Workshop("A4", AGENTS),  # a second agents' workshop: same public
)
DEVICES = tuple(Device(f"D{i}", f"Dispositif {i}") for i in range(1, 6))


def said(workshop: str, device: str, *opinions: Opinion) -> list[DeviceOpinion]:
    return [DeviceOpinion(workshop, f"{workshop}-{i}", device, o) for i, o in enumerate(opinions)]


OPINIONS = (
    said("A1", "D1", LIKE, LIKE, NEUTRAL)
    + said("A4", "D1", DISLIKE)
    + said("A2", "D1", LIKE)
    + said("A3", "D1", LIKE, DISLIKE, LIKE)
    + said("A1", "D2", LIKE)
    + said("A2", "D2", DISLIKE)
    + said("A1", "D3", NEUTRAL)
    + said("A2", "D3", DISLIKE)
    + said("A1", "D4", LIKE)
    + said("A2", "D4", NEUTRAL)
    # D5: nobody gave an opinion
)


def test_counts_and_net_scores_per_public() -> None:
    d1 = analyse_opinions(DEVICES, WORKSHOPS, OPINIONS)[0]
    assert d1.by_public == {
        AGENTS: OpinionCounts(likes=2, neutral=1, dislikes=1),  # A1 and A4 together
        ELUS: OpinionCounts(likes=1),
        PANEL: OpinionCounts(likes=2, dislikes=1),
    }
    assert [c.net for c in d1.by_public.values()] == [Fraction(1, 4), 1, Fraction(1, 3)]
    assert d1.overall == OpinionCounts(likes=5, neutral=1, dislikes=2)
    assert d1.overall.n == 8


def test_verdicts() -> None:
    results = analyse_opinions(DEVICES, WORKSHOPS, OPINIONS)
    assert [(r.code, r.verdict) for r in results] == [
        ("D1", Verdict.LIGNE_DE_FORCE),  # > 0 in all three publics
        ("D2", Verdict.A_DEBATTRE),  # > 0 for agents, < 0 for élus
        ("D3", Verdict.ECARTE),  # 0 and < 0
        ("D4", Verdict.A_DEBATTRE),  # > 0 and = 0: docs/roi-citoyen.md settles it
        ("D5", None),
    ]
    assert results[4].by_public == {}
    assert results[4].overall.net is None


@pytest.mark.parametrize(
    ("nets", "verdict"),
    [
        ([Fraction(1, 2)], Verdict.LIGNE_DE_FORCE),
        ([Fraction(0)], Verdict.ECARTE),
        ([Fraction(-1, 3), Fraction(0)], Verdict.ECARTE),
        ([Fraction(1, 3), Fraction(-1, 3)], Verdict.A_DEBATTRE),
        ([Fraction(1, 3), Fraction(0)], Verdict.A_DEBATTRE),
        ([], None),
    ],
)
def test_classify_device(nets: list[Fraction], verdict: Verdict | None) -> None:
    assert classify_device(nets) == verdict


def test_verbatims_are_quoted_in_sheet_order() -> None:
    opinions = [
        DeviceOpinion("A3", "Léa", "D1", LIKE, likes="On vote nous-mêmes."),
        DeviceOpinion("A1", "Marc", "D1", DISLIKE, likes="  ", dislikes="Trop lourd à instruire."),
        DeviceOpinion("A2", "Anne", "D1", NEUTRAL, likes="Visible", dislikes="Peu doté"),
    ]
    (d1,) = analyse_opinions(DEVICES[:1], WORKSHOPS, opinions)
    assert d1.likes == (
        Verbatim("On vote nous-mêmes.", PANEL, "Léa", "A3"),
        Verbatim("Visible", ELUS, "Anne", "A2"),
    )
    assert d1.dislikes == (
        Verbatim("Trop lourd à instruire.", AGENTS, "Marc", "A1"),
        Verbatim("Peu doté", ELUS, "Anne", "A2"),
    )


def test_publics_follow_the_enum_order() -> None:
    opinions = said("A3", "D1", LIKE) + said("A1", "D1", LIKE) + said("A2", "D1", LIKE)
    (d1,) = analyse_opinions(DEVICES[:1], WORKSHOPS, opinions)
    assert list(d1.by_public) == [AGENTS, ELUS, PANEL]


def test_unknown_reference_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown workshop 'A9'"):
        analyse_opinions(DEVICES, WORKSHOPS, said("A9", "D1", LIKE))
    with pytest.raises(ValueError, match="unknown device 'D9'"):
        analyse_opinions(DEVICES, WORKSHOPS, said("A1", "D9", LIKE))


def test_no_device() -> None:
    assert analyse_opinions((), WORKSHOPS, ()) == ()


# ---------------------------------------------------------------------------
# Émergence de concepts

ELUS_T, SERVICES, CITOYENS = Target.ELUS, Target.SERVICES, Target.CITOYENS
ADH, RES, REJ = Reaction.ADHESION, Reaction.RESERVE, Reaction.REJET


def reactions_to(scenario: str, target: Target, *reactions: Reaction) -> list[ConceptTest]:
    return [ConceptTest(scenario, target, r, parameters=("P1",)) for r in reactions]


TESTS = (
    reactions_to("La tournée", CITOYENS, ADH, ADH, RES, REJ)
    + reactions_to("Comptoir", ELUS_T, ADH, REJ)
    + reactions_to(" la Tournée ", ELUS_T, RES, REJ)  # same scenario, other spelling
    + [ConceptTest("La tournée", SERVICES, ADH, parameters=("P3", "P1"), verbatim="Enfin !")]
)


def test_reactions_per_scenario_and_target() -> None:
    tournee, comptoir = analyse_concepts(TESTS)
    assert tournee.scenario == "La tournée"
    assert tournee.by_target == {
        ELUS_T: ReactionCounts(reserve=1, rejet=1),
        SERVICES: ReactionCounts(adhesion=1),
        CITOYENS: ReactionCounts(adhesion=2, reserve=1, rejet=1),
    }
    assert tournee.overall == ReactionCounts(adhesion=3, reserve=2, rejet=2)
    assert tournee.by_target[CITOYENS].shares == (0.5, 0.25, 0.25)
    assert tournee.convinced == (SERVICES, CITOYENS)
    assert tournee.parameters == ("P1", "P3")
    assert len(tournee.tests) == 7
    assert comptoir.scenario == "Comptoir"
    assert list(comptoir.by_target) == [ELUS_T]  # targets not tested are absent
    assert not comptoir.by_target[ELUS_T].convinces  # adhésion = rejet does not convince


def test_reaction_counts_of_nothing() -> None:
    empty = ReactionCounts.of([])
    assert (empty.n, empty.shares, empty.convinces) == (0, (0.0, 0.0, 0.0), False)


def test_leads_pass_through_in_order() -> None:
    leads = (
        Lead("PI2", "Jeudi soir", conditions="Volontariat", maturity=Maturity.PRET),
        Lead("PI1", "Comptoir", maturity=Maturity.IDEE),
    )
    analysis = analyse_emergence(TESTS, leads)
    assert analysis.leads == leads
    assert [s.scenario for s in analysis.scenarios] == ["La tournée", "Comptoir"]
    assert analyse_emergence((), ()).scenarios == ()


def test_each_crucial_parameter_is_received_as_the_tests_naming_it() -> None:
    parameters = (
        CrucialParameter("P1", "Le lieu vient à l'usager"),
        CrucialParameter("P2", "Des horaires décalés"),
        CrucialParameter("P3", "Sans guichet"),
    )
    p1, p2, p3 = analyse_emergence(TESTS, (), parameters).parameters
    # P1: every test row; pooled over both scenarios, per target.
    assert (p1.code, p1.scenarios) == ("P1", ("La tournée", "Comptoir"))
    assert p1.by_target == {
        ELUS_T: ReactionCounts(adhesion=1, reserve=1, rejet=2),
        SERVICES: ReactionCounts(adhesion=1),
        CITOYENS: ReactionCounts(adhesion=2, reserve=1, rejet=1),
    }
    assert (p1.unconvinced, p1.untested) == ((ELUS_T,), ())
    # P2: named by no test.
    assert (p2.scenarios, dict(p2.by_target), p2.untested) == ((), {}, tuple(Target))
    # P3: one services' row only.
    assert p3.by_target == {SERVICES: ReactionCounts(adhesion=1)}
    assert (p3.unconvinced, p3.untested) == ((), (ELUS_T, CITOYENS))


# ---------------------------------------------------------------------------
# Stakeholders


def test_stakeholder_counts_in_enum_order() -> None:
    people = (
        Stakeholder("Maire", Category.ELUS, influence=5, interest=4),
        Stakeholder("DGS", Category.SERVICES, influence=4, interest=2),
        Stakeholder("Riverain", Category.HABITANTS, influence=1, interest=5),
        Stakeholder("Adjointe", Category.ELUS, influence=3, interest=3),
    )
    assert list(count_by_quadrant(people).items()) == [
        (Quadrant.ACTEURS_CLES, 2),
        (Quadrant.A_SATISFAIRE, 1),
        (Quadrant.A_INFORMER, 1),
        (Quadrant.A_SURVEILLER, 0),
    ]
    by_category = count_by_category(people)
    assert list(by_category) == list(Category)
    assert (by_category[Category.ELUS], by_category[Category.AUTRE]) == (2, 0)
    assert [s.name for s in group_by_quadrant(people)[Quadrant.ACTEURS_CLES]] == [
        "Maire",
        "Adjointe",
    ]
