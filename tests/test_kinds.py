"""Cell values as consultants type them (docs/workbooks.md, « Reading rules »)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from pipeline import model as m
from pipeline.text import clean_text, fold
from pipeline.workbook.kinds import (
    CODE,
    CellValueError,
    Choice,
    Date,
    Digits,
    GradeKind,
    Integer,
    Money,
    MultiChoice,
    Siret,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (5000, Decimal(5000)),
        (5000.5, Decimal("5000.5")),
        (0.1, Decimal("0.1")),
        ("5000", Decimal(5000)),
        ("5 000", Decimal(5000)),
        ("5\u202f000,50", Decimal("5000.50")),
        ("5\u00a0000,50 €", Decimal("5000.50")),
        ("5000,5 €", Decimal("5000.5")),
        ("5000.5", Decimal("5000.5")),
        ("1 200 EUR", Decimal(1200)),
    ],
)
def test_money_accepts_numbers_and_french_text(raw: Any, expected: Decimal) -> None:
    assert Money().parse(raw) == expected


@pytest.mark.parametrize("raw", ["cinq mille", "5.000,00", "-10", "12 €€", True])
def test_money_refuses_what_is_not_an_amount(raw: Any) -> None:
    with pytest.raises(CellValueError, match="montant positif"):
        Money().parse(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (date(2026, 11, 25), date(2026, 11, 25)),
        (datetime(2026, 11, 25, 0, 0), date(2026, 11, 25)),
        (46351, date(2026, 11, 25)),  # Excel serial day number
        ("25/11/2026", date(2026, 11, 25)),
        ("2026-11-25", date(2026, 11, 25)),
    ],
)
def test_dates_accept_real_dates_serials_and_french_text(raw: Any, expected: date) -> None:
    assert Date().parse(raw) == expected


@pytest.mark.parametrize("raw", ["31/02/2026", "demain", "11/25/2026", -3])
def test_dates_refuse_impossible_or_ambiguous_text(raw: Any) -> None:
    with pytest.raises(CellValueError, match="une date"):
        Date().parse(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (0, m.Grade.A_REJETER),
        (4.0, m.Grade.TRES_BIEN),
        ("3", m.Grade.BIEN),
        ("très bien", m.Grade.TRES_BIEN),
        ("A REJETER", m.Grade.A_REJETER),
        (" Passable ", m.Grade.PASSABLE),
    ],
)
def test_grades_accept_numbers_and_labels(raw: Any, expected: m.Grade) -> None:
    assert GradeKind().parse(raw) == expected


@pytest.mark.parametrize("raw", [5, 2.5, "bof", -1])
def test_grades_refuse_values_off_the_scale(raw: Any) -> None:
    with pytest.raises(CellValueError, match=r"de 0 \(À rejeter\) à 4 \(Très bien\)"):
        GradeKind().parse(raw)


def test_list_values_match_ignoring_case_accents_and_spaces() -> None:
    kind = Choice(m.Stage)
    assert kind.parse("arretee avant l’atelier") is m.Stage.ARRETEE
    assert kind.parse("  ATELIER RÉALISÉ ") is m.Stage.ATELIER_REALISE
    assert Choice(m.ParticipationLevel).parse("co construire") is m.ParticipationLevel.CO_CONSTRUIRE
    with pytest.raises(CellValueError, match="« Cadrage », « Atelier réalisé »"):
        kind.parse("en cours")


def test_techniques_are_several_values_separated_by_semicolons() -> None:
    kind = MultiChoice(m.Technique)
    assert kind.parse("consultation ; Information;consultation") == (
        m.Technique.CONSULTATION,
        m.Technique.INFORMATION,
    )
    with pytest.raises(CellValueError, match="séparées par « ; »"):
        kind.parse("Consultation; Sondage")


def test_integers_in_range() -> None:
    kind = Integer(1, 5)
    assert kind.parse(3.0) == 3
    assert kind.parse(" 4 ") == 4
    for raw in (0, 6, 2.5, "fort"):
        with pytest.raises(CellValueError, match="un entier de 1 à 5"):
            kind.parse(raw)


def test_codes_postal_and_siret() -> None:
    assert Digits().parse(1000) == "01000"
    assert Digits().parse("75 001") == "75001"
    assert Siret().parse("210 100 012 00017") == "21010001200017"
    with pytest.raises(CellValueError, match="clé de contrôle"):
        Siret().parse("21010001200018")
    with pytest.raises(CellValueError, match="14 chiffres"):
        Siret().parse("2101")
    with pytest.raises(CellValueError, match="20 caractères au plus"):
        CODE.parse("S 1")


def test_text_is_cleaned_of_xml_illegal_characters_but_keeps_line_breaks() -> None:
    assert clean_text("  Ligne\x0b un\r\nligne\x01 deux\r  ") == "Ligne un\nligne deux"
    # Excel's « _x000D_ » is decoded by the reader, once (test_text_hygiene.py): not here.
    assert clean_text("_x000D_") == "_x000D_"
    assert fold("  Émergence de Concepts ") == fold("emergencedeconcepts")


def test_money_is_to_the_cent() -> None:
    assert Money().parse(333.33000000000004) == Decimal("333.33")
    assert Money().parse("5 000") == Decimal("5000.00")
    with pytest.raises(CellValueError, match="au centime près"):
        Money().parse("333,335")


def test_ambiguous_numbers_and_implausible_serial_dates_are_refused() -> None:
    with pytest.raises(CellValueError):
        Money().parse("5.000")  # five thousand or five? ask
    assert Money().parse("5.5") == Decimal("5.50")
    for serial in (14, 2026):
        with pytest.raises(CellValueError, match="une date"):
            Date().parse(serial)
