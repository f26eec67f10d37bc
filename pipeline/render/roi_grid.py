"""The rating grid of the Kit R.O.I. citoyen (Stratégie globale): a workbook, not a Word file.

It is the engagement's own workbook, written back from the schema with every
sheet as amoor read it, plus a « Notation ROI » sheet ready to fill during the
workshop (dropdowns for the public, the dispositif and each criterion's
mention). Filled and built again, it is read like any Stratégie workbook, and
its ratings rank the dispositifs. Pure: the engagement in, ``.xlsx`` bytes out.
"""

from __future__ import annotations

from datetime import date

from pipeline import model as m
from pipeline.analysis.overview import Analysis
from pipeline.formats import enumeration
from pipeline.workbook import schema
from pipeline.workbook.blank import Guidance, engagement_workbook

GRID_TITLE = "Kit R.O.I. citoyen - Grille de notation"


def grid_title(mission: m.Mission) -> str:
    return GRID_TITLE


def rating_grid(engagement: m.Engagement, analysis: Analysis, firm_name: str, today: date) -> bytes:
    """The .xlsx bytes of the grid, opening on its « Notation ROI » sheet."""
    return engagement_workbook(engagement, guidance(engagement), today)


def guidance(engagement: m.Engagement) -> Guidance:
    """What the grid's « Lisez-moi » says first: how to use it in the workshop."""
    mission = engagement.mission
    ratings = schema.ratings_sheet(mission.offer)
    assert ratings is not None  # a Stratégie globale rates its dispositifs
    publics = enumeration((f"« {p.value} »" for p in m.Public), last="ou")
    devices = [f"    {d.code} : {d.name}" for d in engagement.devices]
    return Guidance(
        title=f"Kit R.O.I. citoyen : grille de notation — {mission.collectivite} "
        f"({mission.reference})",
        section="Pendant l'atelier R.O.I. citoyen",
        steps=(
            f"Ce classeur est celui de la mission « {mission.title} », tel qu'amoor le "
            f"connaît : les autres feuilles reprennent ses données (dispositifs, critères et "
            f"poids, parties prenantes…). Ne les modifiez que pour les corriger.",
            f"1. Dans la feuille « {ratings.name} », saisissez une ligne par participant et par "
            f"dispositif : son nom, son public ({publics}), le code du dispositif (menu "
            f"déroulant), puis une mention par critère (menu déroulant, de « Très bien » à "
            f"« À rejeter »). Une case laissée vide : critère non noté.",
            "2. Chacun note du point de vue d'un habitant : ce qu'il retire du dispositif au "
            "regard de ce que le dispositif lui demande.",
            f"3. Enregistrez au format .xlsx, puis lancez « amoor build » sur ce classeur : le "
            f"classement R.O.I. citoyen des dispositifs (jugement majoritaire, par public) "
            f"rejoint les livrables de la mission {mission.reference}, sans nouvelle facture. "
            f"« amoor analyse » l'affiche sans rien écrire.",
            "Les dispositifs à noter :"
            if devices
            else "Aucun dispositif n'est encore décrit : "
            "complétez la feuille « Dispositifs » avant l'atelier.",
            *devices,
        ),
        active_sheet=ratings.name,
    )
