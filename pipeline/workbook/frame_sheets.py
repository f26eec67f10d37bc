"""The optional sheets that frame a démarche in its cahier des charges: the bodies that
govern it (« Gouvernance »), its risks (« Risques ») and how it is evaluated
(« Indicateurs »). Without them, the cahier proposes defaults and says they are
proposals to edit."""

from __future__ import annotations

from pipeline import model as m
from pipeline.workbook.kinds import Choice
from pipeline.workbook.schema_types import Column, TableSheet

GOVERNANCE = TableSheet(
    name="Gouvernance",
    attr="governance",
    record=m.GovernanceBody,
    help="Les instances qui pilotent la démarche (facultatif) : qui en est membre, à quel "
    "rythme elles se réunissent, ce qu'elles décident. Sans cette feuille, le cahier des "
    "charges propose un comité de pilotage et un comité technique, présentés comme une "
    "proposition.",
    columns=(
        Column(
            "Instance",
            "name",
            required=True,
            article="l'",
            width=24,
            help="Par exemple « Comité de pilotage ».",
        ),
        Column(
            "Membres",
            "members",
            article="les ",
            width=40,
            help="Par exemple « Maire, DGS, élue référente, cabinet ».",
        ),
        Column(
            "Fréquence", "frequency", article="la ", width=16, help="Par exemple « mensuelle »."
        ),
        Column(
            "Rôle", "role", article="le ", width=40, help="Par exemple « décide des arbitrages »."
        ),
    ),
)

RISKS = TableSheet(
    name="Risques",
    attr="risks",
    record=m.Risk,
    help="Les risques de la démarche et la façon d'y répondre (facultatif). Sans cette "
    "feuille, le cahier des charges propose les risques courants d'une concertation, à "
    "adapter.",
    columns=(
        Column("Risque", "risk", required=True, article="le ", width=40),
        Column("Probabilité", "likelihood", Choice(m.Likelihood), article="la ", width=14),
        Column("Impact", "impact", Choice(m.Likelihood), article="l'", width=14),
        Column(
            "Mesure",
            "measure",
            article="la ",
            width=44,
            help="Ce qui est prévu pour l'éviter ou y répondre.",
        ),
    ),
)

INDICATORS = TableSheet(
    name="Indicateurs",
    attr="indicators",
    record=m.Indicator,
    help="Comment la démarche est évaluée (facultatif) : l'indicateur, sa cible et la façon "
    "de le mesurer. Sans cette feuille, le cahier des charges propose des indicateurs, à "
    "adapter.",
    columns=(
        Column(
            "Indicateur",
            "name",
            required=True,
            article="l'",
            width=36,
            help="Par exemple « Participants aux ateliers ».",
        ),
        Column("Cible", "target", article="la ", width=16, help="Par exemple « 60 »."),
        Column(
            "Mesure",
            "measure",
            article="la ",
            width=36,
            help="Par exemple « listes d'émargement ».",
        ),
    ),
)
