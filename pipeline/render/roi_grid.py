"""The rating grid of the Kit R.O.I. citoyen (Stratégie globale): a workbook, not a Word file.

The grid is handed to the collectivité, whose secretary types the ratings
during the workshop: a *partial* workbook (docs/workbooks.md, « The R.O.I. rating
grid handed to the collectivité »). It holds a « Lisez-moi » for that person, « Mission » with the
identity only, the criteria and their weights, what is rated (the
dispositifs) and an empty « Notation ROI » with its dropdowns. Nothing
internal: no price, schedule, contact, internal note or command name.

Filled and dropped (or built), it completes the engagement of its Référence
kept in the outbox (workbook/grid_completion.py). Pure: the engagement in,
``.xlsx`` bytes out.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from pipeline import model as m
from pipeline.analysis.overview import Analysis
from pipeline.formats import enumeration, number, quoted, to
from pipeline.workbook import schema as s
from pipeline.workbook.blank import Readme, partial_workbook
from pipeline.workbook.kinds import Money
from pipeline.workbook.mission_fields import MISSION
from pipeline.workbook.roi_sheets import CRITERIA
from pipeline.workbook.schema_types import TableSheet

GRID_TITLE = "Kit R.O.I. citoyen - Grille de notation"

# « Mission » of the grid: what says whose grid it is, nothing more.
IDENTITY = ("reference", "offer", "title", "collectivite")


def grid_title(mission: m.Mission) -> str:
    return GRID_TITLE


def grid_sheets(offer: m.Offer) -> tuple[TableSheet, TableSheet, TableSheet]:
    """The grid's table sheets: criteria, what is rated (without prices), the ratings."""
    ratings = s.ratings_sheet(offer)
    assert ratings is not None, "only an offer with a « Notation ROI » sheet has a grid"
    rated_name = next(c.refers_to for c in ratings.columns if c.attr == "scenario")
    rated = s.sheet_named(offer, rated_name)
    assert rated is not None
    unpriced = tuple(c for c in rated.columns if not isinstance(c.kind, Money))
    return CRITERIA, replace(rated, columns=unpriced), ratings


def rating_grid(engagement: m.Engagement, analysis: Analysis, firm_name: str, today: date) -> bytes:
    """The .xlsx bytes of the grid, opening on its empty « Notation ROI » sheet."""
    criteria, rated, ratings = grid_sheets(engagement.mission.offer)
    records = {
        criteria.attr: engagement.criteria,
        rated.attr: getattr(engagement, rated.attr),
    }
    return partial_workbook(
        engagement,
        (criteria, rated, ratings),
        IDENTITY,
        records,
        readme(engagement, firm_name),
        ratings.name,
        today,
        mission_help="Identifie la démarche : à ne pas modifier.",
        author=firm_name,
    )


def readme(engagement: m.Engagement, firm_name: str) -> Readme:
    """The « Lisez-moi » of the person who types the ratings during the workshop."""
    mission = engagement.mission
    criteria_sheet, rated, ratings = grid_sheets(mission.offer)
    candidate = next(c for c in ratings.columns if c.attr == "scenario")
    what = candidate.header.lower()
    publics = enumeration((f"« {p.value} »" for p in m.Public), last="ou")
    labels = [g.label for g in m.Grade]
    candidates = [f"{c.code} : {c.name}" for c in getattr(engagement, rated.attr)]
    return Readme(
        title=f"Grille de notation R.O.I. citoyen — {mission.collectivite} ({mission.reference})",
        sections=(
            (
                "À quoi sert cette grille",
                (
                    f"Pendant l'atelier R.O.I. citoyen de la démarche {quoted(mission.title)}, "
                    f"chaque participant note les {rated.name.lower()} du point de vue d'un "
                    f"habitant : ce qu'il en retire au regard de ce qu'ils lui demandent. Cette "
                    f"grille recueille ces notes ; {firm_name} en tire le classement des "
                    f"{rated.name.lower()}, pour l'ensemble des participants et par public.",
                ),
            ),
            (
                "Saisir les notes",
                (
                    f"1. Ouvrez l'onglet « {ratings.name} » : une ligne par participant et par "
                    f"{what}.",
                    f"2. « Participant » : son nom ou ses initiales. « Public » : {publics}, "
                    f"dans le menu de la cellule.",
                    f"3. « {candidate.header} » : le code du {what} noté, dans le menu (la liste "
                    f"est celle de l'onglet « {rated.name} »). S'il manque un {what}, "
                    f"demandez-le {to(firm_name)} plutôt que de l'ajouter.",
                    f"4. Une colonne par critère, titrée par son code : choisissez la mention "
                    f"dans le menu, de « {labels[-1]} » à « {labels[0]} », ou tapez la note, de "
                    f"{len(labels) - 1} à 0. Une case laissée vide : critère non noté.",
                    "5. « Commentaire » : facultatif, ce que le participant a dit de marquant.",
                    f"Ne renommez ni les onglets ni les titres de colonnes, et ne modifiez pas "
                    f"les onglets « {MISSION.name} », « {criteria_sheet.name} » et "
                    f"« {rated.name} » : ils identifient la démarche et ce qui est noté.",
                ),
            ),
            (
                "Une fois les notes saisies",
                (
                    f"Enregistrez la grille au format Excel (.xlsx) et renvoyez-la "
                    f"{to(firm_name)}. Les notes rejoignent celles de la démarche "
                    f"{mission.reference} et les documents sont mis à jour.",
                ),
            ),
            (
                f"Les {rated.name.lower()} à noter",
                tuple(candidates)
                or (f"Aucun {what} n'est encore décrit : {firm_name} vous enverra la liste.",),
            ),
            (
                "L'échelle des mentions",
                tuple(f"{int(g)} : {g.label}" for g in reversed(m.Grade)),
            ),
            (
                "Les critères (du point de vue de l'habitant)",
                tuple(_criterion(c) for c in engagement.criteria),
            ),
        ),
    )


def _criterion(criterion: m.Criterion) -> str:
    weight = "" if criterion.weight == 1 else f" (compte {number(criterion.weight)} fois)"
    definition = f" — {criterion.definition}" if criterion.definition else ""
    return f"{criterion.code} : {criterion.name}{weight}{definition}"
