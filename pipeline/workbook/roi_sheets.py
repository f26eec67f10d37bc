"""The R.O.I. citoyen sheets: the criteria and the « Notation ROI » sheet of each offer
(scenarios for a concertation, dispositifs for a stratégie globale)."""

from __future__ import annotations

from pipeline import model as m
from pipeline.workbook.kinds import CODE, Choice, Number
from pipeline.workbook.schema_types import Column, TableSheet

CRITERIA = TableSheet(
    name="Critères ROI",
    attr="criteria",
    record=m.Criterion,
    help="Critères de la grille R.O.I. citoyen (facultatif) : sans cette feuille, les huit "
    "critères par défaut, de poids 1.",
    columns=(
        Column("Code", "code", CODE, required=True, article="le ", width=8),
        Column("Critère", "name", required=True, article="le ", width=26),
        Column("Définition", "definition", article="la ", width=60),
        Column("Poids", "weight", Number(), article="le ", width=8, help="Vide : 1."),
    ),
)


def _ratings_sheet(candidate: Column, help: str) -> TableSheet:
    """« Notation ROI »: who rated which candidate (``candidate``, filling
    ``Rating.scenario``), then one column per criterion code, then a comment."""
    return TableSheet(
        name="Notation ROI",
        attr="ratings",
        record=m.Rating,
        criteria_columns=True,
        help=help,
        columns=(
            Column("Participant", "participant", required=True, article="le ", width=24),
            Column("Public", "public", Choice(m.Public), required=True, article="le ", width=12),
            candidate,
            Column("Commentaire", "comment", article="le ", width=40),
        ),
    )


_GRADES_HELP = (
    "une colonne par code de critère, notée d'une mention de « À rejeter » (0) à « Très bien » "
    "(4). Une note vide : critère non noté."
)

RATINGS = _ratings_sheet(
    Column(
        "Scénario",
        "scenario",
        CODE,
        required=True,
        article="le ",
        width=10,
        refers_to="Scénarios",
    ),
    "Une ligne par participant et par scénario ; " + _GRADES_HELP,
)

# Stratégie globale: the R.O.I. citoyen kit rates the dispositifs, one per row.
DEVICE_RATINGS = _ratings_sheet(
    Column(
        "Dispositif",
        "scenario",
        CODE,
        required=True,
        article="le ",
        width=12,
        refers_to="Dispositifs",
    ),
    "La notation R.O.I. citoyen des dispositifs (kit R.O.I. citoyen) : une ligne par "
    "participant et par dispositif ; " + _GRADES_HELP,
)
