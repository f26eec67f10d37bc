"""`amoor workbook new`: blank workbooks that read back into the values typed in them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from pipeline import model as m
from pipeline.workbook.blank import blank_workbook
from pipeline.workbook.mission_fields import MISSION
from pipeline.workbook.reader import read_engagement
from pipeline.workbook.schema import OFFER_SHEETS, README_SHEET

MISSION_VALUES: dict[str, Any] = {
    "Référence": "2026-099",
    "Intitulé": "Réaménagement de la place & du marché <test>",
    "Collectivité": "Commune d'Essai-sur-Loire",
    "Type de collectivité": "commune",
    "Adresse": "1 place de la Mairie\nBP 12",
    "Code postal": 1000,  # Excel drops the leading zero of 01000
    "Ville": "Bourg-en-Essai",
    "SIRET": "21010001200017",
    "Étape": "Cadrage",
    "Date de début": date(2026, 3, 2),
    "Date de l'atelier": "25/11/2026",
    "Prix de base HT": "5 000,50 €",
    # « Facture » is left blank: the « Échéancier » decides (an instalment « à émettre »).
    "Niveau de participation": "co-construire",
    "Scénario retenu": "s2",  # a Concertation field: others' blanks do not have it
}

EXPECTED_MISSION = {
    "reference": "2026-099",
    "title": "Réaménagement de la place & du marché <test>",
    "collectivite": "Commune d'Essai-sur-Loire",
    "collectivite_type": m.CollectiviteType.COMMUNE,
    "address": "1 place de la Mairie\nBP 12",
    "postal_code": "01000",
    "city": "Bourg-en-Essai",
    "siret": "21010001200017",
    "stage": m.Stage.CADRAGE,
    "start_date": date(2026, 3, 2),
    "workshop_date": date(2026, 11, 25),
    "base_price": Decimal("5000.50"),
    "participation_level": m.ParticipationLevel.CO_CONSTRUIRE,
    "chosen_scenario": "S2",
}
# The fields a blank of each offer leaves out (docs/workbooks.md, sheet « Mission »).
ABSENT_FIELDS: dict[m.Offer, tuple[str, ...]] = {
    m.Offer.CONCERTATION: (),
    m.Offer.STRATEGIE: ("Scénario retenu",),
    m.Offer.EMERGENCE: ("Date de l'atelier", "Scénario retenu"),
}
ABSENT_ATTRS = {"Date de l'atelier": "workshop_date", "Scénario retenu": "chosen_scenario"}

ROWS: dict[str, list[dict[str, Any]]] = {
    "Parties prenantes": [
        {
            "Nom": "Vélo & Cité",
            "Catégorie": "associations",
            "Influence": 2,
            "Intérêt": "5",
            "Niveau d'implication": "Concerter",
            "Rôle et attentes": "Pistes\ncyclables",
        },
        {"Nom": "Maire", "Catégorie": "Élus", "Influence": 5, "Intérêt": 4},
    ],
    "Options": [
        {"Option": "Entretiens complémentaires", "Quantité": 2},
        {"Option": "Atelier spécial", "Prix unitaire HT": 1234.5},
    ],
    "Échéancier": [
        {
            "Libellé": "Acompte à la commande",
            "Part": "30 %",
            "Date prévue": date(2026, 5, 1),
            "Facture": "à émettre",
        },
        {"Libellé": "Solde", "Part": 7000, "Facture": "proforma"},
    ],
    "Communication": [{"Cible": "Habitants", "Temps fort": "annonce", "Date": date(2026, 4, 1)}],
    "Gouvernance": [
        {
            "Instance": "Comité de pilotage",
            "Membres": "Maire, DGS",
            "Fréquence": "mensuelle",
            "Rôle": "décide des arbitrages",
        }
    ],
    "Risques": [{"Risque": "Faible participation", "Probabilité": "moyenne", "Impact": "FORTE"}],
    "Indicateurs": [{"Indicateur": "Participants", "Cible": 60, "Mesure": "émargement"}],
    "Paramètres": [{"Rubrique": "Lieu", "Libellé": "Salle des fêtes", "Montant HT": "300"}],
    "Scénarios": [
        {
            "Code": "S1",
            "Intitulé": "Balade urbaine",
            "Techniques": "Concertation; Information",
            "Durée (semaines)": 6,
            "Coût estimé HT": 4500,
        },
        {"Code": "S2", "Intitulé": "Panel", "Techniques": "Co-construction"},
    ],
    "Critères ROI": [],  # keeps the prefilled default criteria
    "Notation ROI": [
        {
            "Participant": "Ana",
            "Public": "Citoyen",
            "Scénario": "s1",  # « Dispositif » and d1 in a Stratégie globale: see RATED
            "EFF": 3,
            "ACC": "Bien",
            "APP": "très bien",
        },
    ],
    "Ateliers": [{"Code": "A1", "Public": "Panel citoyen", "Date": date(2026, 5, 4)}],
    "Dispositifs": [
        {"Code": "D1", "Dispositif": "Budget participatif", "Niveau de participation": "Co-décider"}
    ],
    "Avis": [
        {
            "Atelier": "A1",
            "Participant": "Léa",
            "Dispositif": "D1",
            "Avis": "J’aime",
            "Ce qui plaît": "Concret",
        }
    ],
    "Recherches": [{"Type": "Entretien usager extrême", "Constat": "Horaires < 18 h"}],
    "Paramètres cruciaux": [
        {"Code": "P1", "Paramètre": "Horaires"},
        {"Code": "P2", "Paramètre": "Lieu"},
    ],
    "Tests": [
        {
            "Scénario": "Café citoyen",
            "Paramètres testés": "P1; P2",
            "Cible": "Citoyens",
            "Réaction": "Adhésion",
        }
    ],
    "Pistes": [{"Code": "L1", "Piste": "Mairie mobile", "Maturité": "Prêt à expérimenter"}],
}

EXPECTED_RECORDS: dict[str, tuple[Any, ...]] = {
    "stakeholders": (
        m.Stakeholder(
            "Vélo & Cité",
            m.Category.ASSOCIATIONS,
            2,
            5,
            role="Pistes\ncyclables",
            involvement=m.ParticipationLevel.CONCERTER,
        ),
        m.Stakeholder("Maire", m.Category.ELUS, 5, 4),
    ),
    "schedule": (
        m.ScheduleLine(
            "Acompte à la commande",
            m.Share(Decimal(30), True),
            date(2026, 5, 1),
            m.InvoiceMode.A_EMETTRE,
        ),
        m.ScheduleLine("Solde", m.Share(Decimal(7000), False), None, m.InvoiceMode.PROFORMA),
    ),
    "options": (
        m.OptionLine("Entretiens complémentaires", Decimal(2)),
        m.OptionLine("Atelier spécial", unit_price=Decimal("1234.5")),
    ),
    "communication": (
        m.CommunicationAction("Habitants", moment=m.Moment.ANNONCE, date=date(2026, 4, 1)),
    ),
    "parameters": (m.Parameter(m.Rubrique.LIEU, "Salle des fêtes", amount=Decimal(300)),),
    "governance": (
        m.GovernanceBody("Comité de pilotage", "Maire, DGS", "mensuelle", "décide des arbitrages"),
    ),
    "risks": (m.Risk("Faible participation", m.Likelihood.MOYENNE, m.Likelihood.FORTE),),
    "indicators": (m.Indicator("Participants", "60", "émargement"),),
    "scenarios": (
        m.Scenario(
            "S1",
            "Balade urbaine",
            (m.Technique.CONCERTATION, m.Technique.INFORMATION),
            duration_weeks=6,
            estimated_cost=Decimal(4500),
        ),
        m.Scenario("S2", "Panel", (m.Technique.CO_CONSTRUCTION,)),
    ),
    "criteria": m.DEFAULT_CRITERIA,
    "ratings": (
        m.Rating(
            "Ana",
            m.Public.CITOYEN,
            "S1",
            (("EFF", m.Grade.BIEN), ("ACC", m.Grade.BIEN), ("APP", m.Grade.TRES_BIEN)),
        ),
    ),
    "workshops": (m.Workshop("A1", m.WorkshopPublic.PANEL_CITOYEN, date(2026, 5, 4)),),
    "devices": (
        m.Device("D1", "Budget participatif", participation_level=m.ParticipationLevel.CO_DECIDER),
    ),
    "opinions": (m.DeviceOpinion("A1", "Léa", "D1", m.Opinion.AIME, likes="Concret"),),
    "research": (m.Research(m.ResearchType.USAGER_EXTREME, finding="Horaires < 18 h"),),
    "crucial_parameters": (m.CrucialParameter("P1", "Horaires"), m.CrucialParameter("P2", "Lieu")),
    "tests": (
        m.ConceptTest(
            "Café citoyen", m.Target.CITOYENS, m.Reaction.ADHESION, parameters=("P1", "P2")
        ),
    ),
    "leads": (m.Lead("L1", "Mairie mobile", maturity=m.Maturity.PRET),),
}


# What « Notation ROI » rates: scenarios (Concertation), dispositifs (Stratégie globale).
RATED = {
    m.Offer.CONCERTATION: ("Scénario", "s1", "S1"),
    m.Offer.STRATEGIE: ("Dispositif", "d1", "D1"),
}


def _rows(sheet: str, offer: m.Offer) -> list[dict[str, Any]]:
    if sheet != "Notation ROI":
        return ROWS[sheet]
    header, typed, _ = RATED[offer]
    renamed = {"Scénario": header}
    return [
        {renamed.get(k, k): (typed if k == "Scénario" else v) for k, v in row.items()}
        for row in ROWS[sheet]
    ]


def _expected(attr: str, offer: m.Offer) -> tuple[Any, ...]:
    if attr != "ratings":
        return EXPECTED_RECORDS[attr]
    return tuple(replace(r, scenario=RATED[offer][2]) for r in EXPECTED_RECORDS[attr])


def fill_blank(data: bytes, offer: m.Offer, path: Path) -> None:
    """Type MISSION_VALUES and ROWS into a blank, as a consultant would, and save it."""
    book = openpyxl.load_workbook(BytesIO(data))
    mission = book[MISSION.name]
    rows = {mission.cell(r, 1).value: r for r in range(2, mission.max_row + 1)}
    for field, value in MISSION_VALUES.items():
        if field not in ABSENT_FIELDS[offer]:
            mission.cell(rows[field], 2, value)
    for use in OFFER_SHEETS[offer]:
        sheet = book[use.sheet.name]
        headers = {cell.value: cell.column for cell in sheet[1]}
        for index, row in enumerate(_rows(use.sheet.name, offer), start=2):
            for header, value in row.items():
                sheet.cell(index, headers[header], value)
    book.save(path)


@pytest.mark.parametrize("offer", list(m.Offer), ids=lambda o: o.name)
def test_blank_workbook_filled_reads_back_the_same_values(offer: m.Offer, tmp_path: Path) -> None:
    path = tmp_path / "rempli.xlsx"
    fill_blank(blank_workbook(offer), offer, path)

    engagement = read_engagement(path)

    absent = {ABSENT_ATTRS[f] for f in ABSENT_FIELDS[offer]}
    expected = {k: v for k, v in EXPECTED_MISSION.items() if k not in absent}
    assert engagement.mission == m.Mission(offer=offer, **expected)
    for use in OFFER_SHEETS[offer]:
        assert getattr(engagement, use.sheet.attr) == _expected(use.sheet.attr, offer)
    assert engagement.warnings == ()


@pytest.mark.parametrize("offer", list(m.Offer), ids=lambda o: o.name)
def test_blank_workbook_guides_the_consultant(offer: m.Offer) -> None:
    book = openpyxl.load_workbook(BytesIO(blank_workbook(offer)))
    expected_sheets = [README_SHEET, MISSION.name, *(u.sheet.name for u in OFFER_SHEETS[offer])]
    assert book.sheetnames == expected_sheets
    readme = "\n".join(str(c.value) for c in book[README_SHEET]["A"] if c.value)
    assert offer.value in readme and "Lisez" not in readme.split("\n")[0]
    for use in OFFER_SHEETS[offer]:
        sheet = book[use.sheet.name]
        headers = [c.value for c in sheet[1]]
        assert [c.header for c in use.sheet.columns if c.header in headers] == [
            c.header for c in use.sheet.columns
        ]
        assert sheet.freeze_panes == "A2"
        validated = {
            str(cell_range).split(":")[0].rstrip("0123456789")
            for dv in sheet.data_validations.dataValidation
            for cell_range in dv.sqref.ranges
        }
        # Every column carries a validation, hence an input message saying what to type.
        assert len(validated) == len(headers)
        assert all(dv.prompt for dv in sheet.data_validations.dataValidation)
        for column in use.sheet.columns_for(offer):
            if column.kind.choices:
                letter = openpyxl.utils.get_column_letter(headers.index(column.header) + 1)
                lists = [
                    dv.formula1
                    for dv in sheet.data_validations.dataValidation
                    if dv.type == "list" and str(dv.sqref).startswith(f"{letter}2:")
                ]
                assert lists == ['"' + ",".join(column.kind.choices) + '"']
    mission = book[MISSION.name]
    assert mission["B3"].value == offer.value  # the offer is prefilled
    date_row = next(
        r for r in range(2, mission.max_row + 1) if mission.cell(r, 1).value == "Date de début"
    )
    assert mission.cell(date_row, 2).number_format == "DD/MM/YYYY"


@pytest.mark.parametrize(
    ("offer", "sheet", "header", "target"),
    [
        (m.Offer.CONCERTATION, "Notation ROI", "Scénario", "'Scénarios'!$A$2:$A$501"),
        (m.Offer.STRATEGIE, "Notation ROI", "Dispositif", "'Dispositifs'!$A$2:$A$501"),
        (m.Offer.STRATEGIE, "Avis", "Atelier", "'Ateliers'!$A$2:$A$501"),
    ],
)
def test_a_code_naming_another_sheet_offers_that_sheets_codes(
    offer: m.Offer, sheet: str, header: str, target: str
) -> None:
    book = openpyxl.load_workbook(BytesIO(blank_workbook(offer)))
    lists = _lists(book[sheet])
    assert lists[header] == target
    if sheet == "Notation ROI":  # and every criterion column offers the five mentions
        for criterion in m.DEFAULT_CRITERIA:
            assert lists[criterion.code] == '"À rejeter,Insuffisant,Passable,Bien,Très bien"'


def _lists(sheet: Any) -> dict[str, str]:
    """Header -> the source of the dropdown on its column (rows 2 and below)."""
    headers = {c.column: c.value for c in sheet[1]}
    return {
        headers[cell_range.min_col]: dv.formula1
        for dv in sheet.data_validations.dataValidation
        if dv.type == "list"
        for cell_range in dv.sqref.ranges
    }


@pytest.mark.parametrize("offer", list(m.Offer), ids=lambda o: o.name)
def test_every_sheet_prints_on_the_width_of_an_a4_page(offer: m.Offer) -> None:
    book = openpyxl.load_workbook(BytesIO(blank_workbook(offer)))
    for sheet in book.worksheets:
        assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4, sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
        if sheet.title not in (README_SHEET,):
            assert sheet.print_title_rows == "$1:$1", sheet.title  # headers on every page
    notation = book["Notation ROI"] if "Notation ROI" in book.sheetnames else None
    if notation is not None:  # not the 500 formatted rows: the blank ones worth printing
        assert str(notation.print_area).endswith("$21")
