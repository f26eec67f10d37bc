"""The R.O.I. citoyen section's edge cases, as the documents and the reader show them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl

from pipeline import model as m
from pipeline.analysis.overview import analyse
from pipeline.analysis.roi import analyse_roi
from pipeline.render.cahier import cahier_context
from pipeline.render.roi_context import retained_scenario, roi_context
from pipeline.workbook.reader import read_engagement
from tests.conftest import EXAMPLES

SAINT_AUBIN = next(p for p in EXAMPLES if "saint-aubin" in p.name)
SCENARIOS = (m.Scenario("S1", "Réunion"), m.Scenario("S2", "Ateliers"))


def _mission(**changes: object) -> m.Mission:
    base = {
        "reference": "R1",
        "offer": m.Offer.CONCERTATION,
        "title": "Place",
        "collectivite": "Commune",
        "stage": m.Stage.ATELIER_REALISE,
    }
    return m.Mission(**{**base, **changes})  # type: ignore[arg-type]


def test_no_ratings_the_section_says_the_workshop_has_none() -> None:
    engagement = m.Engagement(mission=_mission(), scenarios=SCENARIOS)
    roi = analyse_roi(engagement.scenarios, engagement.criteria, engagement.ratings)
    context = roi_context(engagement, roi)
    assert context["rated"] is False
    assert "n'a pas encore de notes" in str(context["empty_text"])
    full = cahier_context(engagement, analyse(engagement), "amoor", date(2026, 11, 25))
    assert full["chosen_scenario"] is None


def test_an_unrated_scenario_is_listed_apart_and_never_recommended() -> None:
    ratings = tuple(
        m.Rating(f"P{i}", m.Public.CITOYEN, "S1", (("EFF", m.Grade.BIEN),)) for i in range(3)
    )
    engagement = m.Engagement(
        mission=_mission(workshop_date=date(2026, 3, 14)), scenarios=SCENARIOS, ratings=ratings
    )
    roi = analyse_roi(engagement.scenarios, engagement.criteria, engagement.ratings)
    context = roi_context(engagement, roi)
    assert [r["code"] for r in context["ranking"]] == ["S1"]  # type: ignore[index]
    assert any("S2" in note and "non évalué" in note for note in context["notes"])  # type: ignore[attr-defined]
    assert "14 mars 2026" in str(context["intro"])
    assert roi.recommended == "S1"


def test_the_workbook_choice_overrides_the_recommendation_and_the_document_says_so() -> None:
    engagement = read_engagement(SAINT_AUBIN)
    roi = analyse_roi(engagement.scenarios, engagement.criteria, engagement.ratings, chosen="S4")
    assert roi.recommended == "S2" and roi.chosen == "S4" and roi.chosen_differs
    retained = retained_scenario(roi, "S4")
    assert retained is not None and retained.code == "S4"
    assert "diffère de la recommandation de l'atelier R.O.I. citoyen (S2)" in retained.origin
    context = roi_context(engagement, roi)
    assert "La collectivité a retenu le scénario S4, qui diffère de cette recommandation." in str(
        context["recommendation"]
    )


def test_an_unknown_criterion_column_is_a_warning(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(SAINT_AUBIN)
    sheet = book["Notation ROI"]
    sheet.cell(1, sheet.max_column + 1, "BONUS")
    target = tmp_path / "avec-colonne.xlsx"
    book.save(target)
    engagement = read_engagement(target)
    assert any("« BONUS » n'est pas un code de critère" in w for w in engagement.warnings)
    assert engagement.ratings == read_engagement(SAINT_AUBIN).ratings


def test_tie_break_five_uses_the_criterion_weighted_mean() -> None:
    criteria = (m.Criterion("EFF", "Effort", weight=Decimal(3)), m.Criterion("ACC", "Accès"))
    ratings = (
        m.Rating(
            "Ana", m.Public.CITOYEN, "S1", (("EFF", m.Grade.TRES_BIEN), ("ACC", m.Grade.A_REJETER))
        ),
        m.Rating(
            "Ana", m.Public.CITOYEN, "S2", (("EFF", m.Grade.TRES_BIEN), ("ACC", m.Grade.PASSABLE))
        ),
    )
    roi = analyse_roi(SCENARIOS, criteria, ratings)
    # Same overall grade (Très bien) for both; weighted means 3.0 and 3.5: S2 first.
    assert [r.code for r in roi.ranking] == ["S2", "S1"]
    assert [float(r.weighted_mean) for r in roi.ranking] == [3.5, 3.0]


def test_sentences_are_correct_french_for_small_and_extreme_cases() -> None:
    ratings = (m.Rating("Léo", m.Public.ELU, "S1", (("EFF", m.Grade.A_REJETER),)),)
    engagement = m.Engagement(mission=_mission(), scenarios=SCENARIOS[:1], ratings=ratings)
    roi = analyse_roi(engagement.scenarios, engagement.criteria, engagement.ratings)
    context = roi_context(engagement, roi)
    text = " ".join(context["sentences"])  # type: ignore[arg-type]
    assert "1 participant (1 élu) a noté 1 scénario" in str(context["intro"])
    assert "mention majoritaire À rejeter⁻ ; il laisse de côté les élus" in text
    assert "ou mieux" not in text  # meaningless at the bottom of the scale
    assert "Signal de veto : 1 élu sur 1 (100 %) le juge « À rejeter »." in text
    assert "de les" not in text and "entre élus." not in text
    assert context["ranking"][0]["mean"] == "0,00"  # type: ignore[index]
