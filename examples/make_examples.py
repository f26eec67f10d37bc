"""Write the example workbooks (.xlsx) of the ``examples/`` folder.

Four fictional engagements, one per use case of the ``docs/workbooks.md`` contract:

1. ``concertation-saint-aubin-des-brumes.xlsx``: Concertation citoyenne, workshop held;
2. ``concertation-val-de-brume-arretee.xlsx``: Concertation citoyenne stopped before the
   workshop, invoice to issue;
3. ``strategie-communaute-des-trois-vallees.xlsx``: Stratégie globale opérationnelle;
4. ``emergence-departement-des-hautes-combes.xlsx``: Émergence de concepts.

The script is deterministic: one ``random.Random`` with a fixed seed per workbook, no
date taken from the clock, fixed document properties and fixed zip timestamps, so two
runs produce byte-identical files. It uses only openpyxl and the standard library, then
reads every file back to check sheets, headers and cross-sheet rules.

Regenerate: ``python examples/make_examples.py``
"""

from __future__ import annotations

import io
import random
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

HERE = Path(__file__).resolve().parent
FIXED_TIME = datetime(2026, 1, 5)  # « created » and « modified » properties of every workbook
ZIP_TIME = (2026, 1, 5, 0, 0, 0)  # timestamp of every archive entry

# --------------------------------------------------------------------------------------
# The contract (docs/workbooks.md), copied here: the examples are an independent test of it.
# --------------------------------------------------------------------------------------

MISSION_FIELDS = (
    "Référence",
    "Offre",
    "Intitulé",
    "Collectivité",
    "Type de collectivité",
    "Adresse",
    "Code postal",
    "Ville",
    "SIRET",
    "Code service",
    "Numéro d'engagement",
    "Pilote",
    "Élu référent",
    "Consultant",
    "Date de début",
    "Date de l'atelier",
    "Étape",
    "Contexte",
    "Objectifs",
    "Enjeux",
    "Niveau de participation",
    "Scénario retenu",
    "Prix de base HT",
    "Facture",
    "Date de facture",
)

DEFAULT_CRITERIA = ("EFF", "ACC", "CLA", "INF", "RET", "REC", "CONV", "APP")

HEADERS: dict[str, tuple[str, ...]] = {
    "Mission": ("Champ", "Valeur"),
    "Parties prenantes": (
        "Nom",
        "Catégorie",
        "Rôle et attentes",
        "Influence",
        "Intérêt",
        "Niveau d'implication",
        "Contact",
        "Notes internes",
    ),
    "Options": ("Option", "Quantité", "Prix unitaire HT"),
    "Communication": (
        "Cible",
        "Message",
        "Canal",
        "Support",
        "Temps fort",
        "Date",
        "Responsable",
    ),
    "Paramètres": ("Rubrique", "Libellé", "Détail", "Montant HT"),
    "Gouvernance": ("Instance", "Membres", "Fréquence", "Rôle"),
    "Risques": ("Risque", "Probabilité", "Impact", "Mesure"),
    "Indicateurs": ("Indicateur", "Cible", "Mesure"),
    "Scénarios": (
        "Code",
        "Intitulé",
        "Techniques",
        "Publics ciblés",
        "Description",
        "Durée (semaines)",
        "Coût estimé HT",
    ),
    "Critères ROI": ("Code", "Critère", "Définition", "Poids"),
    # « Notation ROI »: the criteria columns are inserted before « Commentaire »; a
    # Stratégie's code column is « Dispositif » (see RATED and rating_headers).
    "Notation ROI": ("Participant", "Public", "Scénario", "Commentaire"),
    "Ateliers": ("Code", "Public", "Date", "Lieu", "Participants"),
    "Dispositifs": ("Code", "Dispositif", "Techniques", "Niveau de participation", "Description"),
    "Avis": ("Atelier", "Participant", "Dispositif", "Avis", "Ce qui plaît", "Ce qui déplaît"),
    "Recherches": ("Type", "Source", "Constat", "Enseignement"),
    "Paramètres cruciaux": ("Code", "Paramètre", "Hypothèse"),
    "Tests": ("Scénario", "Paramètres testés", "Cible", "Participant", "Réaction", "Verbatim"),
    "Pistes": ("Code", "Piste", "Conditions de réalisation", "Maturité", "Prochaine étape"),
}

# What « Notation ROI » rates, per offer: its code column, and the sheet of those codes.
RATED: dict[str, tuple[str, str]] = {
    "Concertation citoyenne": ("Scénario", "Scénarios"),
    "Stratégie globale opérationnelle": ("Dispositif", "Dispositifs"),
}


def rating_headers(code_column: str, criteria: Sequence[str]) -> tuple[str, ...]:
    """The headers of « Notation ROI »: who, which public, what is rated, the criteria."""
    participant, public, _scenario, comment = HEADERS["Notation ROI"]
    return (participant, public, code_column, *criteria, comment)


OFFERS = ("Concertation citoyenne", "Stratégie globale opérationnelle", "Émergence de concepts")
COLLECTIVITY_TYPES = ("Commune", "EPCI", "Département", "Région", "Autre")
STEPS = ("Cadrage", "Atelier réalisé", "Terminée", "Arrêtée avant l'atelier")
LEVELS = ("Informer", "Consulter", "Concerter", "Co-construire", "Co-décider")
INVOICE_STATES = ("Non", "Proforma", "À émettre")
CATEGORIES = (
    "Habitants",
    "Services",
    "Élus",
    "Prestataires",
    "Associations",
    "Acteurs économiques",
    "Institutions",
    "Autre",
)
RUBRIQUES = (
    "Lieu",
    "Communication",
    "Animation",
    "Contrat",
    "Calendrier",
    "Moyens humains",
    "Moyens matériels",
    "Budget",
    "Autre",
)
TECHNIQUES = (
    "Concertation",
    "Recherche d'expertise d'usage",
    "Consultation",
    "Information",
    "Co-construction",
)
ROI_PUBLICS = ("Élu", "Agent", "Citoyen", "Partenaire")
TEMPS_FORTS = ("Annonce", "Mobilisation", "Pendant", "Restitution")
WORKSHOP_PUBLICS = ("Agents", "Élus", "Panel citoyen")
OPINIONS = ("J'aime", "Neutre", "Je n'aime pas")
RESEARCH_TYPES = (
    "Observation",
    "Analogie",
    "Distanciation",
    "Désynchronisation",
    "Entretien usager extrême",
    "Entretien expert",
    "Entretien iconoclaste",
)
TARGETS = ("Élus", "Services", "Citoyens")
REACTIONS = ("Adhésion", "Réserve", "Rejet")
MATURITIES = ("Idée", "Concept", "Prêt à expérimenter")
GRADE_LABELS = ("À rejeter", "Insuffisant", "Passable", "Bien", "Très bien")

# Expected list values, per sheet and column (checked on reading back).
LIST_COLUMNS: dict[tuple[str, str], tuple[str, ...]] = {
    ("Parties prenantes", "Catégorie"): CATEGORIES,
    ("Parties prenantes", "Niveau d'implication"): LEVELS,
    ("Communication", "Temps fort"): TEMPS_FORTS,
    ("Paramètres", "Rubrique"): RUBRIQUES,
    ("Scénarios", "Techniques"): TECHNIQUES,
    ("Notation ROI", "Public"): ROI_PUBLICS,
    ("Ateliers", "Public"): WORKSHOP_PUBLICS,
    ("Dispositifs", "Techniques"): TECHNIQUES,
    ("Dispositifs", "Niveau de participation"): LEVELS,
    ("Avis", "Avis"): OPINIONS,
    ("Recherches", "Type"): RESEARCH_TYPES,
    ("Tests", "Cible"): TARGETS,
    ("Tests", "Réaction"): REACTIONS,
    ("Pistes", "Maturité"): MATURITIES,
}
MULTI_VALUE_COLUMNS = {("Scénarios", "Techniques"), ("Dispositifs", "Techniques")}

# --------------------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------------------

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", start_color="1F4E79", end_color="1F4E79")
TITLE_FONT = Font(bold=True, size=14, color="1F4E79")
THIN_BOTTOM = Border(bottom=Side(style="thin", color="1F4E79"))
TOP_WRAP = Alignment(vertical="top", wrap_text=True)
DATE_FORMAT = "DD/MM/YYYY"
MONEY_FORMAT = '#,##0.00 "€"'
MONEY_COLUMNS = {"Montant HT", "Coût estimé HT", "Prix unitaire HT", "Prix de base HT"}
TEXT_FIELDS = {"Code postal", "SIRET", "Référence"}  # digits to keep as they are

COLUMN_WIDTHS = {
    "Champ": 26,
    "Valeur": 110,
    "Nom": 46,
    "Catégorie": 14,
    "Rôle et attentes": 70,
    "Influence": 10,
    "Intérêt": 10,
    "Niveau d'implication": 20,
    "Contact": 40,
    "Notes internes": 60,
    "Option": 60,
    "Quantité": 10,
    "Prix unitaire HT": 16,
    "Cible": 28,
    "Message": 60,
    "Canal": 28,
    "Support": 38,
    "Temps fort": 14,
    "Date": 12,
    "Responsable": 30,
    "Rubrique": 18,
    "Libellé": 48,
    "Détail": 80,
    "Montant HT": 14,
    "Code": 8,
    "Intitulé": 46,
    "Techniques": 46,
    "Publics ciblés": 36,
    "Description": 80,
    "Durée (semaines)": 10,
    "Coût estimé HT": 15,
    "Critère": 28,
    "Définition": 70,
    "Poids": 8,
    "Participant": 36,
    "Public": 14,
    "Scénario": 24,
    "Commentaire": 60,
    "Lieu": 48,
    "Participants": 13,
    "Dispositif": 48,
    "Niveau de participation": 22,
    "Atelier": 9,
    "Avis": 14,
    "Ce qui plaît": 58,
    "Ce qui déplaît": 58,
    "Type": 24,
    "Source": 48,
    "Constat": 70,
    "Enseignement": 70,
    "Paramètre": 40,
    "Hypothèse": 70,
    "Paramètres testés": 16,
    "Réaction": 12,
    "Verbatim": 70,
    "Piste": 46,
    "Conditions de réalisation": 70,
    "Maturité": 20,
    "Prochaine étape": 56,
}

# --------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------


def luhn_ok(digits: str) -> bool:
    """Luhn check (SIREN, SIRET)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def luhn_complete(prefix: str) -> str:
    """Append to ``prefix`` the digit that makes the whole Luhn-valid."""
    return next(prefix + str(d) for d in range(10) if luhn_ok(prefix + str(d)))


def fictional_siret(siren_stem: str, nic_stem: str = "0001") -> str:
    """Fictional SIRET: valid SIREN (8 digits + check digit), then a NIC making all valid.

    The SIRENs of collectivités start with 2; code « 99 » (abroad) in place of the
    département ensures that no real collectivité is targeted.
    """
    siren = luhn_complete(siren_stem)
    siret = luhn_complete(siren + nic_stem)
    assert len(siret) == 14 and luhn_ok(siren) and luhn_ok(siret), siret
    return siret


def mail(name: str, domain: str = "example.org") -> str:
    """Fictional address ``prenom.nom@example.org`` derived from a name."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    kept = "".join(c if c.isalnum() else " " for c in ascii_name.lower())
    return ".".join(kept.split()) + "@" + domain


def para(*lines: str) -> str:
    """A cell text made of several lines (line breaks kept)."""
    return "\n".join(lines)


@dataclass
class Table:
    """A table sheet: headers, rows, and an optional title above."""

    name: str
    headers: Sequence[str]
    rows: list[Sequence[Any]] = field(default_factory=list)
    title: str | None = None


# --------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------


def new_workbook(title: str) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "amoor (exemples)"
    wb.properties.lastModifiedBy = "amoor (exemples)"
    wb.properties.title = title
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    return wb


def _style_value(cell: Any, header: str, value: Any) -> None:
    if isinstance(value, date):
        cell.number_format = DATE_FORMAT
    elif header in MONEY_COLUMNS and isinstance(value, int | float):
        cell.number_format = MONEY_FORMAT
    cell.alignment = TOP_WRAP


def add_mission(wb: Workbook, values: dict[str, Any]) -> None:
    unknown = set(values) - set(MISSION_FIELDS)
    assert not unknown, f"champs inconnus : {unknown}"
    ws = wb.create_sheet("Mission")
    ws.append(list(HEADERS["Mission"]))
    _style_header(ws, 1)
    for name in MISSION_FIELDS:
        value = values.get(name)
        ws.append([name, value])
        row = ws.max_row
        ws.cell(row, 1).font = Font(bold=True)
        ws.cell(row, 1).alignment = TOP_WRAP
        cell = ws.cell(row, 2)
        if name in TEXT_FIELDS and value is not None:
            cell.number_format = "@"
        _style_value(cell, name, value)
    ws.freeze_panes = "A2"
    ws.column_dimensions["A"].width = COLUMN_WIDTHS["Champ"]
    ws.column_dimensions["B"].width = COLUMN_WIDTHS["Valeur"]


def _style_header(ws: Worksheet, row: int) -> None:
    for cell in ws[row]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.border = THIN_BOTTOM
        cell.alignment = Alignment(vertical="center", wrap_text=True)


def add_table(wb: Workbook, table: Table) -> None:
    ws = wb.create_sheet(table.name)
    if table.title:
        # A title row and an empty row above the headers: the reader must find the
        # header row by its content, not by its position.
        ws.append([table.title])
        ws.cell(1, 1).font = TITLE_FONT
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(table.headers))
        ws.append([])
    ws.append(list(table.headers))
    header_row = ws.max_row
    _style_header(ws, header_row)
    for values in table.rows:
        assert len(values) == len(table.headers), (table.name, values)
        ws.append(list(values))
        for header, cell in zip(table.headers, ws[ws.max_row], strict=True):
            _style_value(cell, header, cell.value)
    ws.freeze_panes = ws.cell(header_row + 1, 1).coordinate
    for index, header in enumerate(table.headers, start=1):
        width = COLUMN_WIDTHS.get(header, max(9, len(header) + 3))
        ws.column_dimensions[get_column_letter(index)].width = width


def save(wb: Workbook, path: Path) -> None:
    """Save with fixed timestamps: same content, same bytes.

    ``Workbook.save`` replaces the modification date with the current time and zipfile
    stamps every entry with the current time, so the workbook is written with
    ``ExcelWriter`` and the archive is then copied with a fixed date.
    """
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()
    fixed = io.BytesIO()
    with (
        zipfile.ZipFile(raw) as source,
        zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(fixed.getvalue())
    temporary.replace(path)


# --------------------------------------------------------------------------------------
# 1. Concertation citoyenne, workshop held
# --------------------------------------------------------------------------------------

SAINT_AUBIN = "Saint-Aubin-des-Brumes"


# « Notes internes »: the consultant's candid analysis, never printed in a deliverable
# (« Rôle et attentes » is published). Keyed by the stakeholder's « Nom ».
INTERNAL_NOTES = {
    "Mme Françoise Lemercier-Dantec, maire": "Veut éviter à tout prix le souvenir de la "
    "réunion publique houleuse de 2023 : pas de grande salle, des ateliers en petits groupes.",
    "M. Gérard Poullain, conseiller municipal d'opposition": "Doute de l’utilité de la "
    "démarche (« on connaît déjà l’avis des gens ») ; peut la fragiliser en conseil. L’inviter "
    "personnellement à l’atelier 2.",
    "Maître d’œuvre (agence Pavés & Tilleuls, paysagistes)": "Peu disponible avant le "
    "printemps : ne pas caler la restitution avant avril.",
    "M. Alain Guérinet, président": "Craint la « réunionite » : lui présenter des formats "
    "courts et un calendrier resserré.",
    "M. Didier Krawczyk, vice-président aux finances": "Bloquera au bureau communautaire tout "
    "dispositif non chiffré ; méfiant envers le conseil de développement.",
    "Secrétaires de mairie des communes membres": "Surchargées : ne rien leur ajouter sans "
    "contrepartie, sinon elles freineront.",
    "Néo-ruraux et télétravailleurs": "Parfois perçus comme « ceux qui savent tout » par les "
    "anciens : veiller à ce qu’ils ne monopolisent pas la parole.",
    "Conseil de développement": "Instance en perte de souffle ; la présidente envisage de "
    "démissionner.",
    "Prestataire de la plateforme numérique actuelle": "Outil peu utilisé ; le contrat ne "
    "sera probablement pas renouvelé, ne pas le lui dire avant la décision.",
    "Comité de quartier du Lavoir": "Peut cristalliser les oppositions au sens unique ; "
    "son animateur vise les municipales.",
}


def with_internal_notes(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Each stakeholder row followed by its « Notes internes » (blank when none)."""
    return [(*row, INTERNAL_NOTES.get(row[0], "")) for row in rows]


def saint_aubin_stakeholders() -> list[tuple[Any, ...]]:
    d = "example.fr"
    return [
        (
            "Mme Françoise Lemercier-Dantec, maire",
            "Élus",
            "Porte le projet devant le conseil ; veut un programme partagé avant les travaux "
            "de 2027.",
            5,
            4,
            "Co-décider",
            mail("Françoise Lemercier-Dantec", d),
        ),
        (
            "M. Jean-Baptiste Morvan, adjoint au cadre de vie",
            "Élus",
            "Élu référent de la démarche ; arbitre le programme d’usages avec la maire.",
            4,
            5,
            "Co-construire",
            mail("Jean-Baptiste Morvan", d),
        ),
        (
            "Mme Nadia Ferhat, adjointe au commerce et au marché",
            "Élus",
            "Relais des commerçants ; attentive au stationnement du samedi matin.",
            4,
            4,
            "Concerter",
            mail("Nadia Ferhat", d),
        ),
        (
            "M. Gérard Poullain, conseiller municipal d'opposition",
            "Élus",
            "Informé de chaque étape de la démarche et invité aux ateliers.",
            3,
            2,
            "Consulter",
            mail("Gérard Poullain", d),
        ),
        (
            "Conseil municipal des jeunes (14 membres)",
            "Élus",
            "Demande un espace pour les 11–15 ans ; prêt à relayer sur les réseaux.",
            2,
            5,
            "Co-construire",
            "cmj.saint-aubin@example.fr",
        ),
        (
            "Mme Claire Vasseur-Dumont, directrice générale des services",
            "Services",
            "Pilote administrative ; garante du calendrier et du budget.",
            4,
            4,
            "Co-construire",
            mail("Claire Vasseur-Dumont", d),
        ),
        (
            "Services techniques municipaux",
            "Services",
            "Installation des ateliers, entretien futur de la place : veulent des choix "
            "d’aménagement qu’ils pourront entretenir à effectif constant.",
            3,
            4,
            "Concerter",
            "st.mairie@example.fr",
        ),
        (
            "Police municipale",
            "Services",
            "Sécurité des traversées et gestion du stationnement du marché.",
            2,
            3,
            "Consulter",
            "police.municipale@example.fr",
        ),
        (
            "Centre communal d’action sociale (CCAS)",
            "Services",
            "Mobilise les personnes âgées et isolées ; organise la navette.",
            2,
            4,
            "Consulter",
            "ccas@example.fr",
        ),
        (
            "Service communication",
            "Services",
            "Journal municipal « Le Fil d’Aubin », site, panneaux lumineux.",
            2,
            3,
            "Informer",
            "communication@example.fr",
        ),
        (
            "Riverains de la place du Marché (environ 60 foyers)",
            "Habitants",
            "Bruit des livraisons dès 5 h, stationnement sauvage ; craignent les terrasses "
            "tardives.",
            2,
            5,
            "Concerter",
            "",
        ),
        (
            "Habitants des hameaux de La Brosse et des Vernes",
            "Habitants",
            "Viennent en voiture au marché ; redoutent la suppression de places.",
            1,
            3,
            "Consulter",
            "",
        ),
        (
            "Parents d’élèves de l’école des Tilleuls",
            "Habitants",
            "Traversée sécurisée à l’entrée et à la sortie de l’école ; jeux pour enfants.",
            2,
            5,
            "Co-construire",
            "parents.tilleuls@example.org",
        ),
        (
            "Jeunes de 15 à 25 ans",
            "Habitants",
            "Peu présents dans les réunions ; à aller chercher au lycée et au club de foot.",
            1,
            2,
            "Informer",
            "",
        ),
        (
            "Résidents de la résidence autonomie Les Glycines",
            "Habitants",
            "Bancs à l’ombre, toilettes publiques, trajets courts et sans marche.",
            1,
            4,
            "Consulter",
            "",
        ),
        (
            "Clients du marché du samedi",
            "Habitants",
            "Veulent un marché plus agréable, mais accessible en voiture.",
            1,
            3,
            "Consulter",
            "",
        ),
        (
            "Nouveaux habitants du lotissement du Clos-Fleuri",
            "Habitants",
            "Connaissent peu le centre-bourg ; occasion de les y attirer.",
            1,
            2,
            "Informer",
            "",
        ),
        (
            "Personnes en situation de handicap (référent : M. Thierry Gaubert)",
            "Habitants",
            "Cheminements sans ressaut, places PMR, mobilier utilisable assis.",
            2,
            4,
            "Concerter",
            mail("Thierry Gaubert"),
        ),
        (
            "Association Vélo & Cité",
            "Associations",
            "Stationnements vélos, double sens cyclable rue du Port ; très mobilisée.",
            2,
            4,
            "Co-construire",
            "velo-et-cite@example.org",
        ),
        (
            "Union des commerçants « Cœur d’Aubin »",
            "Associations",
            "Craint la perte de places de stationnement ; souhaite des terrasses et des "
            "animations le samedi.",
            4,
            5,
            "Concerter",
            "coeur-aubin@example.org",
        ),
        (
            "Comité des fêtes",
            "Associations",
            "Organise la fête de la Saint-Jean sur la place : besoin d’électricité et "
            "d’un espace dégagé.",
            2,
            4,
            "Consulter",
            "comite-fetes@example.org",
        ),
        (
            "Amis du patrimoine aubinois",
            "Associations",
            "Attachés à la halle de 1884 et aux pavés ; écoutés par l’ABF.",
            3,
            3,
            "Consulter",
            "patrimoine-aubinois@example.org",
        ),
        (
            "Club des aînés « Les Bords de l’eau »",
            "Associations",
            "Relais vers les seniors ; réunion mensuelle le jeudi.",
            1,
            3,
            "Consulter",
            "club-aines@example.org",
        ),
        (
            "Amicale des boulistes",
            "Associations",
            "Joue sur le terrain stabilisé au nord de la place.",
            1,
            2,
            "Informer",
            "",
        ),
        (
            "Maître d’œuvre (agence Pavés & Tilleuls, paysagistes)",
            "Prestataires",
            "Dessinera le projet à partir du programme d’usages.",
            3,
            2,
            "Informer",
            "contact@example.org",
        ),
        (
            "Placier et concessionnaire du marché",
            "Acteurs économiques",
            "Organisation des étals et des accès des camions.",
            3,
            2,
            "Consulter",
            "placier@example.org",
        ),
        (
            "Cars de la Halle (transport scolaire)",
            "Acteurs économiques",
            "Arrêt de car devant l’école ; giration des véhicules.",
            2,
            2,
            "Informer",
            "exploitation@example.org",
        ),
        (
            "Atelier Gribouille & Cie (facilitation graphique)",
            "Prestataires",
            "Réalise les fresques en direct pendant les ateliers.",
            1,
            2,
            "Informer",
            "trait-union@example.org",
        ),
        (
            "Architecte des Bâtiments de France (UDAP)",
            "Institutions",
            "Avis conforme : la halle et l’église sont en périmètre protégé.",
            5,
            2,
            "Consulter",
            "udap@example.fr",
        ),
        (
            "Conseil départemental, direction des routes",
            "Institutions",
            "Gestionnaire de la RD 42 qui longe la place.",
            4,
            2,
            "Informer",
            "routes@example.fr",
        ),
        (
            "Communauté de communes, service urbanisme",
            "Institutions",
            "Instruit les autorisations ; porte le PLUi.",
            3,
            3,
            "Concerter",
            "urbanisme@example.fr",
        ),
        (
            "Sous-préfecture (dotation DETR)",
            "Institutions",
            "Cofinanceur à 40 % ; attend un calendrier tenu.",
            3,
            1,
            "Informer",
            "detr@example.fr",
        ),
        (
            "Paroisse (parvis de l’église)",
            "Autre",
            "Accès au parvis pour les cérémonies.",
            2,
            3,
            "Consulter",
            "",
        ),
        (
            "Le Courrier aubinois (presse locale)",
            "Autre",
            "Relais d’information ; suit le dossier depuis 2023.",
            3,
            2,
            "Informer",
            "redaction@example.org",
        ),
        (
            "Professionnels de la maison de santé",
            "Autre",
            "Patients âgés : places de dépose minute devant la maison de santé.",
            2,
            3,
            "Consulter",
            "",
        ),
    ]


def saint_aubin_scenarios() -> list[tuple[Any, ...]]:
    return [
        (
            "S1",
            "Réunion publique et registre en mairie",
            "Information; Consultation",
            "Tous les habitants",
            para(
                "Une réunion publique de présentation à la salle des fêtes, puis un registre "
                "et une urne en mairie pendant trois semaines.",
                "Le scénario le plus léger pour les services ; le moins engageant pour les "
                "habitants.",
            ),
            4,
            3500,
        ),
        (
            "S2",
            "Balades urbaines et ateliers de co-construction sur la place",
            "Recherche d'expertise d'usage; Concertation; Co-construction",
            "Riverains, commerçants, parents d’élèves, jeunes, aînés",
            para(
                "Deux balades urbaines commentées (un samedi de marché, un mercredi à la "
                "sortie de l’école) pour recueillir l’expertise d’usage, puis deux ateliers "
                "sous la halle autour d’une maquette au 1/200ᵉ, où les habitants répartissent "
                "les usages et arbitrent entre stationnement, terrasses, jeux et marché. "
                "Chaque table dispose d’un plateau de pièces mobiles (étals, voitures, bancs, "
                "arbres, aire de jeux) dont le nombre est contraint par la surface réelle : "
                "ajouter une terrasse oblige à retirer quatre places de stationnement, "
                "déplacer le marché oblige à repenser les livraisons. Les arbitrages sont "
                "photographiés, comparés entre tables, puis discutés en plénière avec l’élu "
                "référent et le maître d’œuvre, qui disent sur-le-champ ce qui est "
                "techniquement possible et ce qui ne l’est pas.",
                "Garde d’enfants sur place, navette depuis les hameaux et la résidence Les "
                "Glycines, restitution publique des choix retenus et écartés.",
            ),
            10,
            14800,
        ),
        (
            "S3",
            "Consultation numérique et questionnaire en ligne",
            "Consultation; Information",
            "Actifs, jeunes, nouveaux habitants",
            para(
                "Questionnaire en ligne de 15 questions et carte collaborative où chacun "
                "dépose ses idées, relayés par QR codes sur le marché.",
                "Version papier disponible en mairie, mais sans accompagnement.",
            ),
            6,
            6200,
        ),
        (
            "S4",
            "Panel citoyen tiré au sort",
            "Concertation; Co-construction",
            "24 habitants tirés au sort sur les listes électorales",
            para(
                "Un panel de 24 habitants tirés au sort (parité, âges, quartiers) se réunit "
                "quatre samedis matin, auditionne commerçants, ABF et maître d’œuvre, puis "
                "remet un avis argumenté au conseil municipal.",
                "Indemnisation des participants et garde d’enfants prévues.",
            ),
            16,
            24500,
        ),
    ]


# Mean profiles per criterion (EFF ACC CLA INF RET REC CONV APP), per scenario and public.
# S2 is clearly preferred by citizens; S3 splits every public into two camps.
SAINT_AUBIN_PROFILES: dict[str, dict[str, tuple[float, ...]]] = {
    "S1": {
        "Élu": (3.4, 2.6, 3.0, 1.8, 2.2, 2.0, 1.8, 2.0),
        "Agent": (3.6, 2.4, 2.8, 1.4, 2.0, 1.8, 1.4, 1.6),
        "Citoyen": (3.0, 2.0, 2.0, 0.8, 1.2, 1.0, 1.2, 1.2),
        "Partenaire": (3.0, 2.2, 2.2, 1.0, 1.8, 1.2, 1.2, 1.6),
    },
    "S2": {
        "Élu": (2.4, 3.0, 3.2, 3.0, 3.0, 3.2, 3.4, 3.0),
        "Agent": (1.6, 3.0, 3.0, 2.8, 3.0, 3.0, 3.2, 2.8),
        "Citoyen": (3.4, 3.8, 3.8, 3.8, 3.5, 4.0, 4.0, 3.6),
        "Partenaire": (2.6, 3.2, 3.2, 3.2, 3.0, 3.4, 3.4, 3.2),
    },
    "S4": {
        "Élu": (2.2, 2.0, 3.0, 2.0, 2.6, 2.4, 2.4, 3.0),
        "Agent": (1.2, 2.0, 3.0, 2.4, 2.6, 2.4, 2.2, 2.6),
        "Citoyen": (1.0, 1.0, 2.8, 2.6, 2.8, 2.4, 1.8, 2.8),
        "Partenaire": (1.8, 1.8, 2.8, 2.6, 2.4, 2.6, 2.0, 2.6),
    },
}
S3_FOR = (3.8, 3.4, 3.0, 2.6, 3.0, 2.4, 2.2, 2.6)
S3_AGAINST = (1.4, 0.2, 1.6, 0.6, 1.0, 0.4, 0.2, 1.0)

SAINT_AUBIN_PARTICIPANTS: tuple[tuple[str, str, bool], ...] = (
    # name, public, in favour of digital (S3)
    ("Françoise Lemercier-Dantec", "Élu", True),
    ("Jean-Baptiste Morvan", "Élu", False),
    ("Nadia Ferhat", "Élu", True),
    ("Gérard Poullain", "Élu", False),
    ("Claire Vasseur-Dumont", "Agent", True),
    ("Sébastien Quéméner", "Agent", False),
    ("Aurélie Taboulet", "Agent", True),
    ("Mickaël Orsini", "Agent", False),
    ("Fatou Diallo-Marchetti", "Agent", True),
    ("Odile Fauvel", "Citoyen", False),
    ("Karim Benhadj", "Citoyen", True),
    ("Léa Montagnac", "Citoyen", True),
    ("Yvon Le Bihan", "Citoyen", False),
    ("Chloé Aubertin", "Citoyen", True),
    ("Mamadou Sy-Lavergne", "Citoyen", False),
    ("Jeannine Roux-Delorme", "Citoyen", False),
    ("Théo Barbazan", "Citoyen", True),
    ("Inès Kowalczyk", "Citoyen", True),
    ("Hugo Ravenel (Vélo & Cité)", "Partenaire", True),
    ("Sandrine Pelletier-Nau (Cœur d’Aubin)", "Partenaire", False),
    ("Bruno Chassagne (Pavés & Tilleuls)", "Partenaire", False),
)

SAINT_AUBIN_COMMENTS = {
    "S1": (
        "On connaît : on écoute, puis on ne sait jamais ce qui a été retenu.",
        "Simple pour nous, mais on risque de revoir les 22 mêmes personnes qu’en 2023.",
        "Le registre en mairie, personne ne vient l’ouvrir.",
        "Suffisant pour informer, pas pour décider quoi que ce soit.",
    ),
    "S2": (
        "Enfin on regarde la place avec ceux qui la pratiquent tous les jours !",
        "La balade du samedi matin pendant le marché, c’est malin.",
        "Lourd pour les services techniques : deux week-ends mobilisés.",
        "La maquette aide vraiment à comprendre ce qui est possible.",
        "Avec la navette et la garde d’enfants, je peux venir.",
        "Il faudra tenir la promesse de restitution, sinon c’est pire que tout.",
    ),
    "S3": (
        "Je réponds le soir, de chez moi, en dix minutes : parfait.",
        "Pas d’ordinateur, pas de smartphone : je suis exclue d’office.",
        "Des réponses, oui, mais personne n’échange avec personne.",
        "Utile pour toucher les actifs qu’on ne voit jamais en réunion.",
        "Un questionnaire, c’est l’inverse d’une concertation.",
    ),
    "S4": (
        "Le tirage au sort, ça donne sa chance à tout le monde.",
        "Quatre samedis, c’est beaucoup pour une place de village.",
        "Un avis argumenté remis au conseil : ça a du poids.",
        "Coûteux, et les autres habitants se sentiront mis de côté.",
    ),
}


def saint_aubin_ratings(rng: random.Random) -> list[tuple[Any, ...]]:
    """Plausible grades: public's profile + participant's temperament + noise."""
    rows: list[list[Any]] = []
    comments = {code: list(texts) for code, texts in SAINT_AUBIN_COMMENTS.items()}
    for name, public, likes_digital in SAINT_AUBIN_PARTICIPANTS:
        temper = rng.choice((-0.4, -0.2, 0.0, 0.0, 0.2, 0.4))
        for code in ("S1", "S2", "S3", "S4"):
            if code == "S3":
                profile = S3_FOR if likes_digital else S3_AGAINST
            else:
                profile = SAINT_AUBIN_PROFILES[code][public]
            grades = [min(4, max(0, round(mean + temper + rng.gauss(0, 0.55)))) for mean in profile]
            comment = ""
            if comments[code] and rng.random() < 0.3:
                comment = comments[code].pop(rng.randrange(len(comments[code])))
            rows.append([name, public, code, *grades, comment])
    # A few grades typed as their label rather than as a number…
    grade_cells = [(r, c) for r in range(len(rows)) for c in range(3, 3 + 8)]
    picked = rng.sample(grade_cells, 14)
    for r, c in picked[:9]:
        rows[r][c] = GRADE_LABELS[rows[r][c]]
    # …and a few criteria left ungraded (empty cell).
    for r, c in picked[9:]:
        rows[r][c] = None
    assert {"Bien", "Très bien"} <= {v for row in rows for v in row[3:11]}, "changer la graine"
    return [tuple(row) for row in rows]


def build_saint_aubin(rng: random.Random) -> Workbook:
    wb = new_workbook("Concertation citoyenne — place du Marché")
    add_mission(
        wb,
        {
            "Référence": "2026-014",
            "Offre": "Concertation citoyenne",
            "Intitulé": "Réaménagement de la place du Marché et de ses abords",
            "Collectivité": f"Commune de {SAINT_AUBIN}",
            "Type de collectivité": "Commune",
            "Pilote": "Claire Vasseur-Dumont, directrice générale des services",
            "Élu référent": "Jean-Baptiste Morvan, adjoint au cadre de vie",
            "Consultant": "Inès Roussel",
            "Date de début": date(2026, 1, 12),
            "Date de l'atelier": date(2026, 3, 14),
            "Étape": "Atelier réalisé",
            "Contexte": para(
                f"La place du Marché de {SAINT_AUBIN} est aujourd’hui un parking de 94 places, "
                "à moitié vide six jours sur sept et saturé le samedi matin. Les commerçants du "
                "centre-bourg s’inquiètent de la baisse de fréquentation, les parents d’élèves de "
                "l’école des Tilleuls réclament une traversée sécurisée, et les riverains se "
                "plaignent du bruit des livraisons dès 5 h du matin.",
                "Le conseil municipal a voté le 8 décembre 2025 le principe d’un réaménagement "
                "(enveloppe de 420 000 € HT, subventionnée à 40 %) et souhaite que les habitants "
                "participent au choix des usages avant que le maître d’œuvre ne dessine le "
                "projet.",
                "Une première réunion publique, en 2023, avait réuni 22 personnes, pour "
                "l’essentiel des habitués de la vie municipale, et ses contributions n’avaient "
                "fait l’objet d’aucun retour. La commune veut cette fois toucher d’autres "
                "publics et rendre compte de ce qui sera retenu ou écarté.",
            ),
            "Objectifs": para(
                "• Définir avec les habitants les usages prioritaires de la place (marché, "
                "stationnement, jeux, terrasses, fêtes).",
                "• Toucher au-delà des habitués : jeunes, actifs, habitants des hameaux, "
                "commerçants, aînés.",
                "• Produire un programme d’usages que le maître d’œuvre devra respecter.",
                "• Dire ce qui a été retenu ou écarté, et pourquoi, avant l’été 2026.",
            ),
            "Enjeux": para(
                "Soumis au débat : la répartition des usages sur la place, le mobilier, la "
                "végétalisation, l’organisation du marché du samedi et les petits aménagements "
                "(budget < 2 000 € chacun) décidés directement par les participants.",
                "Non soumis au débat : le maintien du marché, l’enveloppe globale, les règles "
                "d’accessibilité & de sécurité, le calendrier des travaux (hiver 2027).",
                "Qui décide : le conseil municipal, au vu du programme d’usages issu de la "
                "concertation ; il s’engage à motiver publiquement chaque écart.",
            ),
            "Niveau de participation": "Concerter",
            "Prix de base HT": "5 000",  # typed as text, French style
        },
    )
    add_table(
        wb,
        Table(
            "Parties prenantes",
            HEADERS["Parties prenantes"],
            with_internal_notes(saint_aubin_stakeholders()),
            title="Registre des parties prenantes — place du Marché",
        ),
    )
    add_table(
        wb,
        Table(
            "Paramètres",
            HEADERS["Paramètres"],
            [
                (
                    "Lieu",
                    "Halle Saint-Roch et place du Marché",
                    "Ateliers sous la halle couverte (accessible de plain-pied, 80 places "
                    "assises). "
                    "Repli à la salle des fêtes des Tilleuls en cas de pluie ou de froid.",
                    None,
                ),
                (
                    "Lieu",
                    "Parcours des balades urbaines",
                    para(
                        "Départ devant la mairie, arrêt à l’école, rue du Port, parvis de "
                        "l’église, "
                        "retour par le marché.",
                        "Parcours de 1,2 km sans marche, testé en fauteuil.",
                    ),
                    None,
                ),
                (
                    "Communication",
                    "Flyer dans toutes les boîtes aux lettres et affiches chez les commerçants",
                    "1 450 foyers, distribution par un prestataire d’insertion.",
                    1200,
                ),
                (
                    "Communication",
                    "Double page dans « Le Fil d’Aubin »",
                    "Numéro de février ; QR code vers l’inscription aux ateliers.",
                    None,
                ),
                (
                    "Animation",
                    "Animation des balades et des ateliers",
                    "Deux facilitateurs du cabinet, maquette, jeu de cartes d’usages, fresque en "
                    "direct.",
                    None,
                ),
                (
                    "Animation",
                    "Atelier enfants pendant les ateliers adultes",
                    "Animateurs du centre de loisirs ; les enfants dessinent « leur » place.",
                    450,
                ),
                (
                    "Contrat",
                    "Charte de participation",
                    para(
                        "Ce qui est soumis au débat et ce qui ne l’est pas, qui décide, quand.",
                        "Engagement de la commune : un retour écrit sous deux mois, chaque choix "
                        "retenu "
                        "ou écarté étant motivé.",
                    ),
                    None,
                ),
                (
                    "Calendrier",
                    "Grandes étapes",
                    para(
                        "Annonce : 2 février 2026",
                        "Balades urbaines : 28 février et 4 mars",
                        "Atelier R.O.I. citoyen : 14 mars",
                        "Restitution publique : 11 avril",
                    ),
                    None,
                ),
                (
                    "Moyens humains",
                    "Chargée de mission démocratie locale",
                    "0,3 ETP pendant trois mois (coût chargé).",
                    6300,
                ),
                (
                    "Moyens humains",
                    "Services techniques : installation et rangement",
                    "4 agents × 3 demi-journées, dont un samedi.",
                    1120,
                ),
                (
                    "Moyens matériels",
                    "Sonorisation et vidéoprojecteurs",
                    "Location de la sonorisation et de deux vidéoprojecteurs pour la halle.",
                    680,
                ),
                (
                    "Moyens matériels",
                    "Maquette de la place au 1/200ᵉ",
                    "Maquette en bois et jeu de pièces mobiles (étals, voitures, bancs, arbres).",
                    950.5,
                ),
                (
                    "Budget",
                    "Collation et boissons",
                    "Produits des commerçants du marché (circuit court).",
                    600,
                ),
                ("Budget", "Provision pour imprévus", "Plafonnée : budget < 2 000 €.", 1500),
                (
                    "Autre",
                    "Interprétation en langue des signes",
                    "Restitution publique interprétée en LSF.",
                    780,
                ),
            ],
        ),
    )
    add_table(wb, Table("Scénarios", HEADERS["Scénarios"], saint_aubin_scenarios()))
    add_table(
        wb,
        Table(
            "Notation ROI",
            rating_headers("Scénario", DEFAULT_CRITERIA),
            list(saint_aubin_ratings(rng)),
        ),
    )
    add_table(
        wb,
        Table(
            "Options",
            HEADERS["Options"],
            [
                ("Enquête terrain auprès des habitants", 1, None),
                ("Traduction des supports en FALC (facile à lire et à comprendre)", 1, 1200),
            ],
        ),
    )
    everyone = "Tous les habitants"
    add_table(
        wb,
        Table(
            "Communication",
            HEADERS["Communication"],
            [
                (
                    everyone,
                    "La place du Marché va changer : venez décider avec nous de ce qu’on y fera.",
                    "Boîtes aux lettres",
                    "Flyer A5 recto verso",
                    "Annonce",
                    date(2026, 2, 2),
                    "Service communication",
                ),
                (
                    everyone,
                    "Ce qui est en débat, ce qui ne l’est pas, et comment participer.",
                    "Journal municipal",
                    "Double page « Le Fil d’Aubin » n° 87",
                    "Annonce",
                    date(2026, 2, 2),
                    "Jean-Baptiste Morvan",
                ),
                (
                    "Commerçants",
                    "Vos clients traversent la place : votre avis compte.",
                    "Porte-à-porte",
                    "Lettre personnalisée et affiche de vitrine",
                    "Mobilisation",
                    date(2026, 2, 16),
                    "Chargée de mission démocratie locale",
                ),
                (
                    "Jeunes de 15 à 25 ans",
                    "Deux heures pour dessiner ta place.",
                    "Réseaux sociaux",
                    "Vidéo courte tournée par le conseil municipal des jeunes",
                    "Mobilisation",
                    date(2026, 2, 23),
                    "Conseil municipal des jeunes",
                ),
                (
                    "Aînés et personnes isolées",
                    "On vient vous chercher : navette gratuite le 14 mars.",
                    "Club des aînés, portage de repas",
                    "Invitation papier en gros caractères",
                    "Mobilisation",
                    date(2026, 2, 25),
                    "CCAS",
                ),
                (
                    "Participants",
                    "Bienvenue : voici les règles du jeu et ce que deviendra votre avis.",
                    "Sur place",
                    "Panneau « règles du jeu » et livret du participant",
                    "Pendant",
                    date(2026, 3, 14),
                    "Inès Roussel",
                ),
                (
                    everyone,
                    "L’atelier en images, en direct de la halle.",
                    "Site internet",
                    "Fil d’actualité et photos",
                    "Pendant",
                    date(2026, 3, 14),
                    "Service communication",
                ),
                (
                    "Participants",
                    "Voici ce que nous avons retenu, ce que nous avons écarté, et pourquoi.",
                    "E-mail et courrier",
                    "Compte rendu de quatre pages",
                    "Restitution",
                    date(2026, 4, 11),
                    "Jean-Baptiste Morvan",
                ),
                (
                    everyone,
                    "Le programme d’usages de la place, expliqué.",
                    "Réunion publique et exposition",
                    "Six panneaux sous la halle",
                    "Restitution",
                    date(2026, 4, 11),
                    "Mme la maire",
                ),
            ],
        ),
    )
    add_table(
        wb,
        Table(
            "Gouvernance",
            HEADERS["Gouvernance"],
            [
                (
                    "Comité de pilotage",
                    "Mme la maire, Jean-Baptiste Morvan (élu référent), Nadia Ferhat (adjointe "
                    "au commerce), Claire Vasseur-Dumont (DGS), Inès Roussel (consultante)",
                    "Mensuelle, et avant chaque temps fort",
                    "Valide le calendrier et les supports, arbitre le programme d’usages ; "
                    "décide de la suite donnée aux propositions.",
                ),
                (
                    "Comité technique",
                    "Claire Vasseur-Dumont, services techniques, police municipale, CCAS, "
                    "service communication, maître d’œuvre, Inès Roussel",
                    "Toutes les deux semaines",
                    "Prépare les temps d’échange, vérifie la faisabilité des propositions, "
                    "instruit les décisions du comité de pilotage.",
                ),
            ],
        ),
    )
    add_table(
        wb,
        Table(
            "Risques",
            HEADERS["Risques"],
            [
                (
                    "Faible participation des jeunes et des actifs",
                    "Moyenne",
                    "Forte",
                    "Créneaux le samedi matin, vidéo du conseil municipal des jeunes, navette.",
                ),
                (
                    "Rappel de la réunion houleuse de 2023",
                    "Moyenne",
                    "Moyenne",
                    "Charte de participation affichée, animation neutre, retour écrit sous deux "
                    "mois.",
                ),
                (
                    "Propositions incompatibles avec l’avis de l’ABF",
                    "Faible",
                    "Forte",
                    "Contraintes patrimoniales présentées dès l’annonce, ABF auditionné.",
                ),
            ],
        ),
    )
    add_table(
        wb,
        Table(
            "Indicateurs",
            HEADERS["Indicateurs"],
            [
                ("Participants aux balades et à l’atelier", "80", "Listes d’émargement"),
                ("Part des moins de 25 ans parmi les participants", "20 %", "Émargement"),
                (
                    "Propositions reprises dans le programme d’usages",
                    "Une sur deux",
                    "Bilan de la concertation",
                ),
                (
                    "Satisfaction R.O.I. citoyen « Retour »",
                    "Bien ou mieux",
                    "Grille R.O.I. citoyen de fin de démarche",
                ),
            ],
        ),
    )
    return wb


# --------------------------------------------------------------------------------------
# 2. Concertation citoyenne stopped before the workshop
# --------------------------------------------------------------------------------------

VAL_DE_BRUME = "Val-de-Brume"


def val_de_brume_stakeholders() -> list[tuple[Any, ...]]:
    d = "example.fr"
    return [
        (
            "M. Régis Aufray, maire",
            "Élus",
            "A demandé la concertation ; a accepté de l’arrêter au vu du cadrage.",
            5,
            4,
            "Co-décider",
            mail("Régis Aufray", d),
        ),
        (
            "Mme Sylvie Carabin, adjointe à la voirie et aux mobilités",
            "Élus",
            "Porte le plan de circulation ; veut surtout éviter les rumeurs.",
            4,
            5,
            "Concerter",
            mail("Sylvie Carabin", d),
        ),
        (
            "M. Pascal Drouillard, adjoint aux finances",
            "Élus",
            "Vigilant sur le coût de la démarche.",
            4,
            2,
            "Informer",
            mail("Pascal Drouillard", d),
        ),
        (
            "Mme Aïcha Bensalem, conseillère municipale déléguée à la jeunesse",
            "Élus",
            "Relais auprès des collégiens qui vont à pied au bourg.",
            2,
            4,
            "Consulter",
            mail("Aïcha Bensalem", d),
        ),
        (
            "Groupe minoritaire « Val-de-Brume Autrement »",
            "Élus",
            "Demande un référendum local sur le sens unique.",
            3,
            4,
            "Consulter",
            "autrement@example.org",
        ),
        (
            "Secrétaire générale de mairie",
            "Services",
            "Pilote administrative ; assure les permanences d’information.",
            3,
            4,
            "Co-construire",
            "sg.mairie@example.fr",
        ),
        (
            "Service technique (voirie, signalisation)",
            "Services",
            "Pose la signalisation provisoire et définitive.",
            3,
            3,
            "Concerter",
            "technique@example.fr",
        ),
        (
            "Agent de surveillance de la voie publique",
            "Services",
            "Premier interlocuteur des automobilistes mécontents.",
            1,
            3,
            "Informer",
            "",
        ),
        (
            "Accueil de la mairie",
            "Services",
            "Reçoit les appels des habitants ; a besoin d’éléments de réponse.",
            1,
            4,
            "Informer",
            "accueil@example.fr",
        ),
        (
            "Riverains de la rue des Forges",
            "Habitants",
            "Directement concernés par le sens unique et la suppression de 18 places.",
            2,
            5,
            "Consulter",
            "",
        ),
        (
            "Riverains de la rue du Lavoir (itinéraire de report)",
            "Habitants",
            "Craignent un report de trafic devant chez eux.",
            2,
            5,
            "Consulter",
            "",
        ),
        (
            "Parents d’élèves de l’école Jules-Ferry",
            "Habitants",
            "Demandent depuis longtemps la sécurisation des abords de l’école.",
            2,
            5,
            "Consulter",
            "parents.ecole@example.org",
        ),
        (
            "Collégiens se rendant à l’arrêt de car",
            "Habitants",
            "Trajet à pied le long de la rue des Forges.",
            1,
            3,
            "Informer",
            "",
        ),
        (
            "Habitants des écarts (Le Moulinet, La Sablière)",
            "Habitants",
            "Traversent le bourg en voiture matin et soir.",
            1,
            2,
            "Informer",
            "",
        ),
        (
            "Personnes âgées du centre-bourg",
            "Habitants",
            "Traversées piétonnes, places de dépose devant la pharmacie.",
            1,
            4,
            "Informer",
            "",
        ),
        (
            "Cyclistes du quotidien",
            "Habitants",
            "Souhaitent un contresens cyclable rue des Forges.",
            1,
            3,
            "Informer",
            "",
        ),
        (
            "Commerçants de la rue des Forges (boulangerie, pharmacie, tabac-presse)",
            "Habitants",
            "Craignent la perte de clientèle de passage pendant et après les travaux.",
            3,
            5,
            "Consulter",
            "commerces.forges@example.org",
        ),
        (
            "Association des parents d’élèves (APE)",
            "Associations",
            "Relais d’information efficace auprès des familles.",
            2,
            4,
            "Consulter",
            "ape-val-de-brume@example.org",
        ),
        (
            "Association « Brume à vélo »",
            "Associations",
            "Plaide pour les aménagements cyclables.",
            1,
            4,
            "Consulter",
            "brume-a-velo@example.org",
        ),
        (
            "Comité de quartier du Lavoir",
            "Associations",
            "Très actif sur les réseaux sociaux.",
            3,
            5,
            "Consulter",
            "quartier-lavoir@example.org",
        ),
        (
            "Club de randonnée « Les Sentiers de la Brume »",
            "Associations",
            "Peu concerné ; utilise le parking de la place.",
            1,
            1,
            "Informer",
            "",
        ),
        (
            "Anciens combattants (cérémonies au monument)",
            "Associations",
            "Besoin de fermer la rue deux fois par an.",
            1,
            2,
            "Informer",
            "",
        ),
        (
            "Bureau d’études voirie (mandataire de la commune)",
            "Prestataires",
            "Auteur du plan de circulation ; répond aux questions techniques.",
            3,
            2,
            "Informer",
            "be-voirie@example.org",
        ),
        (
            "Entreprise de travaux publics (titulaire du marché)",
            "Prestataires",
            "Phasage du chantier et accès riverains.",
            3,
            2,
            "Informer",
            "chantier@example.org",
        ),
        (
            "Transporteur scolaire",
            "Acteurs économiques",
            "Nouvel itinéraire du car scolaire.",
            2,
            2,
            "Informer",
            "transport@example.org",
        ),
        (
            "Conseil départemental, agence routière",
            "Institutions",
            "Maître d’ouvrage de la déviation ; impose le calendrier.",
            5,
            2,
            "Informer",
            "agence.routiere@example.fr",
        ),
        (
            "Communauté de communes, service mobilités",
            "Institutions",
            "Cofinance les aménagements cyclables.",
            3,
            3,
            "Consulter",
            "mobilites@example.fr",
        ),
        (
            "Service départemental d’incendie et de secours",
            "Institutions",
            "Vérifie les accès des secours.",
            4,
            1,
            "Informer",
            "prevision@example.fr",
        ),
        (
            "Gendarmerie (brigade de proximité)",
            "Institutions",
            "Contrôles de vitesse après la mise en service.",
            3,
            2,
            "Informer",
            "",
        ),
        (
            "Correspondant de presse locale",
            "Autre",
            "Couvre les conseils municipaux.",
            2,
            3,
            "Informer",
            "correspondant@example.org",
        ),
        (
            "Pharmacie du bourg (livraisons)",
            "Autre",
            "Livraisons quotidiennes du grossiste répartiteur.",
            2,
            3,
            "Informer",
            "",
        ),
        (
            "Paroisse (obsèques et mariages)",
            "Autre",
            "Accès des convois devant l’église.",
            1,
            2,
            "Informer",
            "",
        ),
    ]


def build_val_de_brume(rng: random.Random) -> Workbook:
    del rng  # nothing random in this workbook
    wb = new_workbook("Concertation citoyenne arrêtée — plan de circulation")
    add_mission(
        wb,
        {
            "Référence": "2026-009",
            "Offre": "Concertation citoyenne",
            "Intitulé": "Nouveau plan de circulation du centre-bourg",
            "Collectivité": f"Commune de {VAL_DE_BRUME}",
            "Type de collectivité": "Commune",
            "Adresse": para("Mairie de Val-de-Brume", "2, place de la Fontaine"),
            "Code postal": "99230",
            "Ville": VAL_DE_BRUME,
            "SIRET": fictional_siret("21999230"),
            "Code service": "FIN-COMPTA",
            "Numéro d'engagement": "EJ-2026-000184",
            "Pilote": "Martine Oudard, secrétaire générale de mairie",
            "Élu référent": "Sylvie Carabin, adjointe à la voirie et aux mobilités",
            "Consultant": "Romain Lefébure",
            "Date de début": date(2026, 1, 6),
            "Étape": "Arrêtée avant l'atelier",
            "Contexte": para(
                "En novembre 2025, la commune de Val-de-Brume a sollicité le cabinet pour "
                "concerter les habitants sur le nouveau plan de circulation du centre-bourg : "
                "zone 30, mise en sens unique de la rue des Forges, suppression de 18 places de "
                "stationnement.",
                "Le cadrage (janvier 2026) a montré que les marges de manœuvre étaient presque "
                "nulles : le tracé découle de la déviation départementale déjà votée, et la "
                "sécurisation des abords de l’école est une obligation. Ouvrir une concertation "
                "sur des choix arrêtés aurait créé un « faux débat » et déçu les habitants, "
                "ce que les entretiens avec les riverains et les commerçants ont confirmé : ils "
                "attendent avant tout de savoir quoi, quand et comment. Plusieurs ont "
                "rappelé la consultation de 2019 sur le city-stade, dont les conclusions "
                "n’avaient jamais été suivies, et la directrice de l’école a souligné que "
                "les parents attendaient depuis six ans la sécurisation du passage piéton : "
                "leur demander à nouveau leur avis sur une mesure déjà décidée aurait été "
                "perçu comme une manière de gagner du temps.",
                "D’un commun accord, le maire et le cabinet ont décidé le 20 février 2026 "
                "d’arrêter la démarche avant l’atelier R.O.I. citoyen : un plan d’information "
                "simple et régulier des habitants (réunion d’information, lettre aux riverains, "
                "permanences en mairie, signalétique de chantier) sert mieux les habitants "
                "qu’une concertation sans objet. Seules les modalités du chantier (horaires, "
                "accès des riverains et des livraisons) restent ouvertes aux remarques.",
            ),
            "Objectifs": para(
                "• Initialement : associer les habitants aux choix du plan de circulation.",
                "• Après cadrage : informer clairement et à temps tous les publics concernés, "
                "recueillir les remarques sur les modalités du chantier.",
            ),
            "Enjeux": para(
                "Soumis aux remarques : horaires de chantier, accès riverains, livraisons.",
                "Non soumis au débat : le tracé, le sens unique, la zone 30, la sécurisation "
                "de l’école (décisions prises ou obligations).",
            ),
            "Niveau de participation": "Informer",
            "Prix de base HT": 5000,
            "Facture": "À émettre",
            "Date de facture": None,  # blank: dated the day it is issued
        },
    )
    add_table(
        wb,
        Table(
            "Parties prenantes",
            HEADERS["Parties prenantes"],
            with_internal_notes(val_de_brume_stakeholders()),
        ),
    )
    add_table(
        wb,
        Table(
            "Paramètres",
            HEADERS["Paramètres"],
            [
                (
                    "Lieu",
                    "Salle du conseil municipal",
                    "Réunion d’information (60 places) ; permanences le samedi matin.",
                    None,
                ),
                (
                    "Communication",
                    "Lettre aux riverains et affichage",
                    "Lettre dans 420 boîtes aux lettres, affiches chez les commerçants.",
                    540,
                ),
                (
                    "Animation",
                    "Réunion d’information animée par le bureau d’études",
                    "Présentation du plan, questions-réponses, plan affiché en grand format.",
                    None,
                ),
                (
                    "Contrat",
                    "Ce que la commune s’engage à dire",
                    "Calendrier, itinéraires de déviation, interlocuteur unique, réponses publiées "
                    "sous 15 jours.",
                    None,
                ),
                (
                    "Calendrier",
                    "Information en trois temps",
                    para(
                        "Mars 2026 : réunion d’information",
                        "Avril–juin 2026 : travaux",
                        "Juillet 2026 : mise en service",
                        "Octobre 2026 : bilan de la zone 30, trois mois après la mise en service",
                    ),
                    None,
                ),
                (
                    "Moyens humains",
                    "Permanences de l’adjointe et du service technique",
                    "Six samedis matin.",
                    900,
                ),
                (
                    "Moyens matériels",
                    "Panneaux de chantier et plans grand format",
                    "Quatre panneaux d’information aux entrées du bourg.",
                    1350,
                ),
                ("Budget", "Impression et diffusion", "Lettre, affiches, panneaux.", 760),
                (
                    "Autre",
                    "Page dédiée sur le site de la commune",
                    "Questions fréquentes mises à jour chaque semaine.",
                    None,
                ),
            ],
        ),
    )
    add_table(
        wb,
        Table(
            "Scénarios",
            HEADERS["Scénarios"],
            [
                (
                    "S1",
                    "Réunion publique et registre",
                    "Information; Consultation",
                    "Tous les habitants",
                    "Une réunion publique, un registre en mairie pendant un mois.",
                    4,
                    3000,
                ),
                (
                    "S2",
                    "Balade urbaine et atelier riverains",
                    "Recherche d'expertise d'usage; Concertation",
                    "Riverains, commerçants, parents",
                    para(
                        "Balade sur l’itinéraire avec les riverains, puis atelier sur les "
                        "variantes.",
                        "Écarté au cadrage : il n’y a pas de variante réellement ouverte.",
                    ),
                    8,
                    9500,
                ),
                (
                    "S3",
                    "Plan d’information renforcé",
                    "Information",
                    "Tous les habitants, riverains en priorité",
                    "Réunion d’information, lettre, permanences, signalétique : le scénario retenu "
                    "après l’arrêt de la concertation.",
                    12,
                    2600,
                ),
            ],
        ),
    )
    add_table(
        wb,
        Table(
            "Notation ROI",
            rating_headers("Scénario", DEFAULT_CRITERIA),
            [],
        ),
    )
    add_table(
        wb,
        Table(
            "Options",
            HEADERS["Options"],
            [
                ("Entretiens complémentaires", 1, None),
            ],
        ),
    )
    add_table(
        wb,
        Table(
            "Communication",
            HEADERS["Communication"],
            [
                (
                    "Tous les habitants",
                    "Le centre-bourg passe en zone 30 : ce qui change pour vous.",
                    "Boîtes aux lettres",
                    "Lettre du maire",
                    "Annonce",
                    date(2026, 3, 2),
                    "Régis Aufray",
                ),
                (
                    "Riverains de la rue des Forges",
                    "Vos accès pendant les travaux.",
                    "Courrier nominatif",
                    "Plan des accès et calendrier",
                    "Mobilisation",
                    date(2026, 3, 9),
                    "Service technique",
                ),
                (
                    "Tous les habitants",
                    "Venez poser vos questions.",
                    "Réunion d’information",
                    "Plan grand format et présentation",
                    "Pendant",
                    date(2026, 3, 19),
                    "Sylvie Carabin",
                ),
                (
                    "Commerçants",
                    "Un interlocuteur unique pendant le chantier.",
                    "Visite sur place",
                    "Carte avec le numéro direct",
                    "Pendant",
                    date(2026, 4, 7),
                    "Secrétaire générale",
                ),
                (
                    "Tous les habitants",
                    "Trois mois après : le bilan de la zone 30.",
                    "Bulletin municipal",
                    "Article et chiffres de vitesse",
                    "Restitution",
                    date(2026, 10, 5),
                    "Sylvie Carabin",
                ),
            ],
        ),
    )
    return wb


# --------------------------------------------------------------------------------------
# 3. Stratégie globale opérationnelle
# --------------------------------------------------------------------------------------

TROIS_VALLEES = "Communauté des Trois Vallées"


def of_commune(name: str) -> str:
    """« de Combe-Noire », « des Essarts-de-Vaux », « du Mesnil »: French contracts the
    article of a commune's name with « de »."""
    for article, contracted in (("Les ", "des "), ("Le ", "du ")):
        if name.startswith(article):
            return contracted + name.removeprefix(article)
    return f"de {name}"


def trois_vallees_stakeholders() -> list[tuple[Any, ...]]:
    d = "example.fr"
    communes = (
        ("Combe-Noire", 3, 4),
        ("Saint-Jory-des-Prés", 3, 3),
        ("Les Essarts-de-Vaux", 2, 4),
        ("Montgerbier", 3, 2),
        ("Sarrasque-le-Bas", 2, 2),
        ("Vaux-en-Brumaine", 2, 3),
    )
    rows: list[tuple[Any, ...]] = [
        (
            "M. Alain Guérinet, président",
            "Élus",
            "Veut une stratégie lisible pour le mandat.",
            5,
            4,
            "Co-décider",
            mail("Alain Guérinet", d),
        ),
        (
            "Mme Hélène Sautereau, vice-présidente à la participation citoyenne",
            "Élus",
            "Élue référente ; porte la démarche devant le bureau communautaire.",
            4,
            5,
            "Co-construire",
            mail("Hélène Sautereau", d),
        ),
        (
            "M. Didier Krawczyk, vice-président aux finances",
            "Élus",
            "Attend un chiffrage de chaque dispositif.",
            4,
            2,
            "Consulter",
            mail("Didier Krawczyk", d),
        ),
    ]
    for commune, influence, interest in communes:
        rows.append(
            (
                f"Maire {of_commune(commune)}",
                "Élus",
                "Commune membre ; veut que les hameaux ne soient pas oubliés.",
                influence,
                interest,
                "Concerter",
                mail(f"mairie {commune}", d),
            )
        )
    rows += [
        (
            "Mme Corinne Lebastard, directrice générale des services",
            "Services",
            "Pilote administrative ; garante de la soutenabilité pour les équipes.",
            4,
            4,
            "Co-construire",
            mail("Corinne Lebastard", d),
        ),
        (
            "Service jeunesse et sports",
            "Services",
            "Expérience des conseils de jeunes ; relais vers les 15–25 ans.",
            2,
            5,
            "Co-construire",
            "jeunesse@example.fr",
        ),
        (
            "Service environnement et déchets",
            "Services",
            "Sujets concrets qui mobilisent (redevance incitative, compostage).",
            2,
            4,
            "Concerter",
            "environnement@example.fr",
        ),
        (
            "Service communication",
            "Services",
            "Lettre intercommunale, site, réseaux sociaux.",
            2,
            4,
            "Concerter",
            "communication@example.fr",
        ),
        (
            "Secrétaires de mairie des communes membres",
            "Services",
            "Premier contact des habitants dans chaque commune.",
            2,
            2,
            "Informer",
            "",
        ),
        (
            "Service urbanisme et habitat",
            "Services",
            "Élaboration du PLUi : concertation réglementaire à articuler.",
            3,
            3,
            "Concerter",
            "urbanisme@example.fr",
        ),
        (
            "Panel citoyen (22 habitants volontaires et tirés au sort)",
            "Habitants",
            "Participe à l’atelier A3 ; veut voir l’effet de sa parole.",
            2,
            5,
            "Co-construire",
            "",
        ),
        (
            "Habitants des hameaux de montagne",
            "Habitants",
            "Éloignés des bourgs, peu de transports ; se sentent oubliés.",
            1,
            4,
            "Consulter",
            "",
        ),
        (
            "Jeunes de 15 à 25 ans",
            "Habitants",
            "Peu représentés ; usages numériques.",
            1,
            2,
            "Consulter",
            "",
        ),
        (
            "Néo-ruraux et télétravailleurs",
            "Habitants",
            "Demandeurs de participation.",
            1,
            4,
            "Consulter",
            "",
        ),
        (
            "Agriculteurs",
            "Habitants",
            "Peu disponibles au printemps et en été ; sujets fonciers sensibles.",
            2,
            2,
            "Consulter",
            "",
        ),
        (
            "Familles monoparentales",
            "Habitants",
            "Contraintes de garde : participer le soir est difficile.",
            1,
            3,
            "Consulter",
            "",
        ),
        (
            "Conseil de développement",
            "Associations",
            "Instance existante (8 membres actifs).",
            3,
            5,
            "Co-construire",
            "codev@example.org",
        ),
        (
            "Foyers ruraux des Trois Vallées",
            "Associations",
            "Réseau d’animation dans chaque village.",
            2,
            4,
            "Concerter",
            "foyers-ruraux@example.org",
        ),
        (
            "Association « Vallées en transition »",
            "Associations",
            "Très active sur les mobilités et l’alimentation.",
            2,
            5,
            "Co-construire",
            "transition@example.org",
        ),
        (
            "Office de tourisme intercommunal",
            "Associations",
            "Veut associer les saisonniers et les commerçants.",
            2,
            2,
            "Informer",
            "office-tourisme@example.org",
        ),
        (
            "Centre social itinérant « La Roulotte »",
            "Associations",
            "Va déjà vers les hameaux ; partenaire naturel de l’aller-vers.",
            2,
            4,
            "Co-construire",
            "la-roulotte@example.org",
        ),
        (
            "Loueur du camion des permanences itinérantes",
            "Prestataires",
            "Livre et aménage le camion « La Com’com’ vient à vous » : trois mois de délai "
            "après la commande.",
            2,
            3,
            "Informer",
            "flotte@example.org",
        ),
        (
            "Prestataire de la plateforme numérique actuelle",
            "Prestataires",
            "Contrat jusqu’en 2027.",
            2,
            1,
            "Informer",
            "support-plateforme@example.org",
        ),
        (
            "Imprimeur de la lettre intercommunale",
            "Prestataires",
            "Délais d’impression de trois semaines.",
            1,
            1,
            "Informer",
            "",
        ),
        (
            "Région, service de l’aménagement du territoire",
            "Institutions",
            "Cofinance l’ingénierie de participation.",
            4,
            2,
            "Informer",
            "region@example.fr",
        ),
        (
            "Département, mission démocratie participative",
            "Institutions",
            "Partage son budget participatif départemental.",
            3,
            3,
            "Consulter",
            "departement@example.fr",
        ),
        (
            "Parc naturel régional",
            "Institutions",
            "Mène ses propres concertations sur la charte du Parc.",
            3,
            3,
            "Concerter",
            "parc@example.fr",
        ),
        (
            "Préfecture, sous-préfecture",
            "Institutions",
            "Contrôle de légalité ; attentive au conseil de développement obligatoire.",
            4,
            1,
            "Informer",
            "",
        ),
        (
            "Radio associative des Vallées",
            "Autre",
            "Peut ouvrir une émission mensuelle « Parlons Trois Vallées ».",
            2,
            3,
            "Informer",
            "radio-vallees@example.org",
        ),
        (
            "Collège intercommunal",
            "Autre",
            "Éducation à la citoyenneté ; conseil de vie collégienne.",
            1,
            3,
            "Consulter",
            "",
        ),
        (
            "Bailleur social",
            "Autre",
            "Gère 340 logements ; relais vers ses locataires.",
            2,
            2,
            "Informer",
            "",
        ),
    ]
    return rows


TROIS_VALLEES_WORKSHOPS = (
    (
        "A1",
        "Agents",
        date(2026, 2, 10),
        "Siège communautaire, salle du conseil, Combe-Noire",
        (
            "Corinne Lebastard",
            "Julien Ferrandi",
            "Maëlle Quintin",
            "Patrice Orgeval",
            "Sonia Haddou",
            "Thierry Blanchon",
            "Estelle Marivaux",
        ),
    ),
    (
        "A2",
        "Élus",
        date(2026, 2, 17),
        "Mairie de Saint-Jory-des-Prés, salle des mariages",
        (
            "Alain Guérinet",
            "Hélène Sautereau",
            "Didier Krawczyk",
            "Maryse Tournadre",
            "Olivier Chabrerie",
            "Nathalie Vidalenc",
        ),
    ),
    (
        "A3",
        "Panel citoyen",
        date(2026, 2, 28),
        "Médiathèque intercommunale, Les Essarts-de-Vaux",
        (
            "Lucie Pommeret",
            "Ahmed Bouzid",
            "Germaine Castaing",
            "Kevin Lamarque",
            "Rose-Marie Tessier",
            "Baptiste Olry",
            "Samia Derradji",
            "Jean-Claude Vergnes",
            "Manon Ribeyre",
        ),
    ),
)

TROIS_VALLEES_DEVICES = (
    (
        "D1",
        "Budget participatif intercommunal",
        "Consultation; Co-construction",
        "Co-décider",
        para(
            "Une enveloppe de 150 000 € par an : les habitants proposent des projets, les "
            "services vérifient leur faisabilité, les habitants votent.",
            "Vote en ligne et dans les mairies ; projets de moins de 30 000 € chacun.",
        ),
    ),
    (
        "D2",
        "Conseil de développement renouvelé par tirage au sort",
        "Concertation",
        "Concerter",
        "La moitié des sièges tirés au sort chaque année parmi les volontaires, l’autre moitié "
        "pour les associations ; saisines par le bureau communautaire et auto-saisines.",
    ),
    (
        "D3",
        "Plateforme numérique de consultation",
        "Consultation; Information",
        "Consulter",
        "Questionnaires, cartes collaboratives et suivi des projets sur une plateforme "
        "unique ; remplace l’outil actuel en 2027.",
    ),
    (
        "D4",
        "Permanences itinérantes « La Com’com’ vient à vous »",
        "Information; Recherche d'expertise d'usage",
        "Consulter",
        para(
            "Un camion aménagé s’installe chaque semaine dans un village différent, les "
            "jours de marché ou à la sortie de l’école.",
            "Les agents y recueillent questions et idées, avec le centre social itinérant.",
        ),
    ),
    (
        "D5",
        "Ateliers de co-construction des équipements",
        "Co-construction; Concertation",
        "Co-construire",
        "Pour chaque équipement de plus de 500 000 € (piscine, maison de santé, crèche), trois "
        "ateliers avec les futurs usagers avant le programme.",
    ),
    (
        "D6",
        "Lettre d’information intercommunale et affichage",
        "Information",
        "Informer",
        "Lettre trimestrielle de 8 pages distribuée dans toutes les boîtes aux lettres, "
        "affichage dans les 22 mairies.",
    ),
    (
        "D7",
        "Jury citoyen sur les grands arbitrages",
        "Concertation; Co-construction",
        "Co-décider",
        "Quinze habitants tirés au sort, formés et indemnisés, rendent un avis public sur un "
        "arbitrage majeur par an (ex. : redevance incitative, tracé d’une voie verte) ; le "
        "conseil communautaire répond point par point. Le jury est renouvelé chaque année "
        "et ses membres sont tirés au sort sur les listes électorales et les fichiers des "
        "bailleurs sociaux, afin que les locataires et les jeunes non inscrits puissent y "
        "siéger. Il se réunit quatre samedis, auditionne des experts contradictoires "
        "choisis avec lui, visite les lieux concernés et dispose d’un budget d’expertise "
        "propre. Son avis est publié intégralement, sans relecture par les services, et le "
        "conseil communautaire délibère dans les trois mois en motivant chaque point "
        "retenu, modifié ou écarté.",
    ),
)

# Exact split of opinions (J'aime, Neutre, Je n'aime pas) per device and workshop:
# D4 and D5 are « lignes de force », D6 is « écarté », the others are « à débattre ».
TROIS_VALLEES_OPINIONS: dict[str, dict[str, tuple[int, int, int]]] = {
    "D1": {"A1": (1, 2, 4), "A2": (3, 1, 2), "A3": (7, 1, 1)},
    "D2": {"A1": (3, 3, 1), "A2": (1, 2, 3), "A3": (5, 3, 1)},
    "D3": {"A1": (4, 2, 1), "A2": (3, 2, 1), "A3": (1, 3, 5)},
    "D4": {"A1": (5, 2, 0), "A2": (4, 1, 1), "A3": (7, 2, 0)},
    "D5": {"A1": (4, 2, 1), "A2": (4, 1, 1), "A3": (6, 2, 1)},
    "D6": {"A1": (1, 2, 4), "A2": (1, 3, 2), "A3": (1, 3, 5)},
    "D7": {"A1": (2, 3, 2), "A2": (1, 1, 4), "A3": (6, 2, 1)},
}

TROIS_VALLEES_VERBATIMS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "D1": (
        (
            "Du concret : on voit le banc, le city-stade, le four à pain.",
            "Les petites communes peuvent enfin porter un projet.",
            "Les habitants votent eux-mêmes, ça change tout.",
            "Ça donne envie aux jeunes de s’impliquer.",
        ),
        (
            "Encore une charge pour les services : instruire 80 projets, c’est lourd.",
            "Le bourg-centre va rafler tous les votes.",
            "150 000 €, c’est peu à l’échelle de 22 communes.",
            "Risque de projets déjà prévus, repeints en « participatifs ».",
        ),
    ),
    "D2": (
        (
            "Le tirage au sort fait entrer des gens qu’on ne voit jamais.",
            "On garde l’expérience des associations.",
            "Un vrai lieu pour travailler dans la durée.",
        ),
        (
            "Encore une instance que personne ne connaît.",
            "Les élus n’écoutent déjà pas le conseil actuel.",
            "Le tirage au sort, c’est la loterie.",
        ),
    ),
    "D3": (
        (
            "On peut participer de chez soi, le soir.",
            "Les services ont enfin un outil unique.",
            "Le suivi des projets en ligne, c’est transparent.",
        ),
        (
            "Dans les hameaux, le réseau ne passe pas.",
            "Ma mère de 82 ans n’y aura jamais accès.",
            "Un clic, ce n’est pas une discussion.",
            "On a déjà une plateforme et personne ne s’en sert.",
        ),
    ),
    "D4": (
        (
            "Enfin on vient jusqu’à nous !",
            "Le jour du marché, tout le monde passe.",
            "Les agents découvrent le terrain, c’est précieux.",
            "Très bien pour les personnes sans voiture.",
        ),
        (
            "Il faudra des agents volontaires, pas désignés d’office.",
            "Une fois par mois par village, c’est peu.",
        ),
    ),
    "D5": (
        (
            "Les usagers voient ce que les bureaux d’études oublient.",
            "La crèche aurait été mieux pensée avec les parents.",
            "On construit ensemble, on râle moins ensuite.",
        ),
        ("Ça rallonge les délais des projets.", "Seuls les plus disponibles viendront."),
    ),
    "D6": (
        ("Le papier, ça touche les personnes âgées.",),
        (
            "Personne ne lit la lettre, elle part au recyclage.",
            "C’est de l’information, pas de la participation.",
            "Huit pages, c’est trop long.",
            "L’affichage en mairie, on ne passe jamais devant.",
        ),
    ),
    "D7": (
        (
            "Des citoyens formés, ça élève le débat.",
            "Le conseil doit répondre point par point : enfin un engagement.",
            "Indemnisé, donc ouvert à tous, pas seulement aux retraités.",
        ),
        (
            "C’est aux élus de décider, c’est pour ça qu’on est élus.",
            "Quinze personnes ne représentent pas 31 000 habitants.",
            "Coûteux et long pour un seul sujet par an.",
        ),
    ),
}


# What the strategy mobilises (the cahier's « Moyens »), in the optional « Paramètres » sheet.
TROIS_VALLEES_MEANS = (
    (
        "Moyens humains",
        "Chargée de mission participation citoyenne",
        "0,5 ETP sur la durée de la stratégie (coût chargé annuel) : coordination des "
        "dispositifs, calendrier commun avec les communes, bilan annuel.",
        24000,
    ),
    (
        "Moyens humains",
        "Agents volontaires des permanences itinérantes",
        "Deux agents par tournée, une demi-journée par semaine, sur la base du volontariat.",
        9600,
    ),
    (
        "Moyens humains",
        "Référents participation dans les 22 communes",
        "Un élu ou un secrétaire de mairie par commune, relais des permanences et des ateliers.",
        None,
    ),
    (
        "Moyens matériels",
        "Camion aménagé « La Com’com’ vient à vous »",
        para(
            "Location longue durée, aménagement intérieur et signalétique.",
            "Accessible aux personnes à mobilité réduite (rampe, comptoir bas).",
        ),
        18500,
    ),
    (
        "Moyens matériels",
        "Mallette d’animation des ateliers de co-construction",
        "Maquettes, cartes grand format, matériel de vote, kit d’accessibilité.",
        2400,
    ),
    (
        "Budget",
        "Prototypes des solutions retenues",
        "Six mois de test de chaque ligne de force en 2027, bilan public en septembre.",
        15000,
    ),
    (
        "Budget",
        "Frais des participants",
        "Garde d’enfants et déplacements depuis les hameaux pour les ateliers.",
        3000,
    ),
)


def trois_vallees_opinions(rng: random.Random) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    pools: dict[tuple[str, int], list[str]] = {}

    def verbatim(device: str, side: int) -> str:
        pool = pools.setdefault((device, side), [])
        if not pool:
            pool.extend(TROIS_VALLEES_VERBATIMS[device][side])
            rng.shuffle(pool)
        return pool.pop()

    for workshop, _public, _day, _place, people in TROIS_VALLEES_WORKSHOPS:
        for device, *_ in TROIS_VALLEES_DEVICES:
            likes, neutral, dislikes = TROIS_VALLEES_OPINIONS[device][workshop]
            assert likes + neutral + dislikes == len(people), (device, workshop)
            opinions = ["J'aime"] * likes + ["Neutre"] * neutral + ["Je n'aime pas"] * dislikes
            rng.shuffle(opinions)
            for person, opinion in zip(people, opinions, strict=True):
                p_like, p_dislike = {
                    "J'aime": (0.85, 0.25),
                    "Neutre": (0.5, 0.5),
                    "Je n'aime pas": (0.2, 0.85),
                }[opinion]
                liked_text = verbatim(device, 0) if rng.random() < p_like else ""
                disliked_text = verbatim(device, 1) if rng.random() < p_dislike else ""
                rows.append((workshop, person, device, opinion, liked_text, disliked_text))
    return rows


TROIS_VALLEES_CRITERIA: tuple[tuple[Any, ...], ...] = (
    (
        "EFF",
        "Effort raisonnable",
        "Temps, déplacements et prérequis proportionnés à ce qu’on en retire",
        1,
    ),
    (
        "ACC",
        "Accessibilité",
        "Horaires, lieux, formats, langage, handicap, aller-vers",
        1,
    ),
    (
        "CLA",
        "Clarté de l’enjeu",
        "Je sais ce qui est en débat, ce qui ne l’est pas, et qui décide",
        1,
    ),
    ("INF", "Influence réelle", "Ma contribution peut changer la décision", 1.5),
    ("RET", "Retour", "On me dira ce qui a été retenu ou écarté, et pourquoi", 2),
    ("REC", "Reconnaissance", "Écoute, considération, expertise d’usage valorisée", 1),
    (
        "EQU",
        "Équité territoriale",
        "Que j’habite le bourg-centre ou un hameau, j’ai la même possibilité de "
        "participer et d’être entendu",
        "1,5",
    ),
    (
        "JEU",
        "Place des jeunes",
        "Les 15–25 ans y trouvent leur place, leurs horaires et leurs outils",
        1,
    ),
)


# The Kit R.O.I. citoyen workshop, held after the three workshops: who rated, and what.
TROIS_VALLEES_ROI_DAY = date(2026, 3, 24)
TROIS_VALLEES_RATERS = (
    ("Hélène Sautereau", "Élu"),
    ("Didier Krawczyk", "Élu"),
    ("Nathalie Vidalenc", "Élu"),
    ("Julien Ferrandi", "Agent"),
    ("Sonia Haddou", "Agent"),
    ("Thierry Blanchon", "Agent"),
    ("Lucie Pommeret", "Citoyen"),
    ("Kevin Lamarque", "Citoyen"),
    ("Germaine Castaing", "Citoyen"),
    ("Fabienne Delorme", "Partenaire"),  # centre social itinérant « La Roulotte »
    ("Rachid Benali", "Partenaire"),  # conseil de développement
)
# The workshop rates the lines of force and the dispositifs still debated; D2 (the legal
# conseil de développement, not open to debate) and D6 (écarté) are left out.
TROIS_VALLEES_RATED = ("D1", "D3", "D4", "D5", "D7")
# The Avis workshop whose opinions each R.O.I. public echoes (partners: all of them).
ROI_PUBLIC_WORKSHOPS = {"Agent": ("A1",), "Élu": ("A2",), "Citoyen": ("A3",)}
# What each dispositif does to each criterion (EFF ACC CLA INF RET REC EQU JEU), from the
# verbatims: the hameaux have no network (D3), the jury weighs on the decision (D7)…
TROIS_VALLEES_CRITERION_SHIFTS: dict[str, tuple[float, ...]] = {
    "D1": (0.0, 0.0, 0.3, 0.7, 0.3, 0.0, -0.6, 0.4),
    "D3": (0.6, -0.7, 0.0, -0.5, 0.3, -0.4, -0.8, 0.8),
    "D4": (0.6, 0.8, 0.0, -0.4, 0.0, 0.5, 0.8, -0.4),
    "D5": (-0.5, -0.2, 0.2, 0.5, 0.3, 0.6, -0.2, -0.3),
    "D7": (-0.6, -0.3, 0.4, 0.6, 0.8, 0.4, 0.0, -0.2),
}
OPINION_SHIFTS = {"J'aime": 0.5, "Neutre": 0.0, "Je n'aime pas": -0.5}
TROIS_VALLEES_ROI_COMMENTS: dict[tuple[str, str], str] = {
    ("D1", "Citoyen"): "Il faudra réserver une part de l’enveloppe aux hameaux.",
    ("D1", "Agent"): "Instruire les projets prend du temps d’agent : à chiffrer.",
    ("D3", "Citoyen"): "Sans réseau dans les hameaux, la plateforme ne touche que le bourg.",
    ("D3", "Élu"): "Utile pour suivre les projets, pas pour débattre.",
    ("D4", "Citoyen"): "Le jour du marché, c’est là que les gens sont.",
    ("D4", "Agent"): "À condition de repartir avec des réponses, pas seulement des questions.",
    ("D4", "Partenaire"): "La Roulotte peut accompagner les tournées dans les hameaux.",
    ("D5", "Agent"): "Associer les usagers avant le choix du bureau d’études, pas après.",
    ("D7", "Élu"): "Le conseil communautaire doit garder le dernier mot.",
    ("D7", "Citoyen"): "Enfin un engagement à répondre point par point.",
    ("D7", "Partenaire"): "Quatre samedis, c’est beaucoup pour des parents seuls.",
}


def trois_vallees_ratings(
    rng: random.Random, opinions: Sequence[Sequence[Any]]
) -> list[tuple[Any, ...]]:
    """Grades that echo « Avis »: a public grades a dispositif as its workshop liked it
    (net score), a participant of that workshop as they said, criterion by criterion."""
    said = {(person, device): opinion for _w, person, device, opinion, *_ in opinions}
    nets: dict[tuple[str, str], float] = {}
    for public in ROI_PUBLICS:
        workshops = ROI_PUBLIC_WORKSHOPS.get(public, ("A1", "A2", "A3"))
        for device in TROIS_VALLEES_RATED:
            counts = [TROIS_VALLEES_OPINIONS[device][w] for w in workshops]
            likes, dislikes = sum(c[0] for c in counts), sum(c[2] for c in counts)
            nets[public, device] = (likes - dislikes) / sum(sum(c) for c in counts)
    rows: list[list[Any]] = []
    for name, public in TROIS_VALLEES_RATERS:
        temper = rng.choice((-0.3, 0.0, 0.0, 0.3))
        for device in TROIS_VALLEES_RATED:
            mean = 2 + 1.5 * nets[public, device] + temper
            mean += OPINION_SHIFTS.get(said.get((name, device), "Neutre"), 0.0)
            grades = [
                min(4, max(0, round(mean + shift + rng.gauss(0, 0.5))))
                for shift in TROIS_VALLEES_CRITERION_SHIFTS[device]
            ]
            rows.append([name, public, device, *grades, ""])
    for (device, public), text in TROIS_VALLEES_ROI_COMMENTS.items():
        who = [r for r in rows if r[1] == public and r[2] == device]
        rng.choice(who)[-1] = text
    # A few grades typed as their label rather than as a number, a few left blank.
    grade_cells = [(r, c) for r in range(len(rows)) for c in range(3, 3 + 8)]
    picked = rng.sample(grade_cells, 13)
    for r, c in picked[:8]:
        rows[r][c] = GRADE_LABELS[rows[r][c]]
    for r, c in picked[8:]:
        rows[r][c] = None
    return [tuple(row) for row in rows]


def build_trois_vallees(rng: random.Random) -> Workbook:
    wb = new_workbook("Stratégie globale opérationnelle — participation citoyenne")
    add_mission(
        wb,
        {
            "Référence": "2026-021",
            "Offre": "Stratégie globale opérationnelle",
            "Intitulé": "Stratégie de participation citoyenne 2026-2030",
            "Collectivité": TROIS_VALLEES,
            "Type de collectivité": "EPCI",
            "Adresse": para("Hôtel communautaire", "14, avenue des Trois-Vallées", "BP 27"),
            "Code postal": "99410",
            "Ville": "Combe-Noire",
            "SIRET": fictional_siret("24999410"),
            "Code service": "DGS",
            "Pilote": "Corinne Lebastard, directrice générale des services",
            "Élu référent": "Hélène Sautereau, vice-présidente à la participation citoyenne",
            "Consultant": "Inès Roussel",
            "Date de début": date(2026, 1, 19),
            "Date de l'atelier": TROIS_VALLEES_ROI_DAY,
            "Étape": "Atelier réalisé",
            "Contexte": para(
                "La Communauté des Trois Vallées regroupe 22 communes et 31 000 habitants, d’un "
                "bourg-centre de 6 800 habitants à des hameaux de montagne à 40 minutes du "
                "siège. Depuis la fusion de 2017, les habitants la connaissent mal : « la "
                "com’com’ », c’est la redevance des ordures ménagères et la piscine.",
                "Les dispositifs existants s’essoufflent : le conseil de développement compte "
                "huit membres actifs, la plateforme numérique a reçu 41 contributions en deux "
                "ans, et chaque service improvise ses propres réunions publiques, souvent le "
                "même soir que celles des communes. Les agents disent leur lassitude face à des "
                "réunions « pour la forme », les élus craignent d’être dépossédés, et les "
                "habitants des hameaux se sentent oubliés.",
                "Le bureau communautaire souhaite une stratégie globale : choisir peu de "
                "dispositifs, adaptés au territoire, tenables par les services, et dire à "
                "l’avance aux habitants ce qui sera fait de leur parole. Trois ateliers "
                "(agents, élus, panel citoyen) ont permis de tester sept dispositifs.",
            ),
            "Objectifs": para(
                "• Retenir trois à quatre dispositifs de participation pour le mandat.",
                "• Les rendre tenables : moyens humains, calendrier commun avec les communes.",
                "• Former élus et agents à la posture citoyenne.",
                "• Mesurer chaque année le retour sur investissement citoyen (R.O.I. citoyen).",
            ),
            "Enjeux": para(
                "Soumis au débat : le choix des dispositifs, leur fréquence, leurs lieux, la "
                "place des hameaux et des jeunes.",
                "Non soumis au débat : les compétences de la communauté, le budget global de "
                "fonctionnement, l’existence du conseil de développement (obligation légale).",
            ),
            "Niveau de participation": "Co-construire",
            "Prix de base HT": 12000,
            "Facture": "Proforma",
        },
    )
    add_table(
        wb,
        Table(
            "Parties prenantes",
            HEADERS["Parties prenantes"],
            with_internal_notes(trois_vallees_stakeholders()),
        ),
    )
    add_table(
        wb,
        Table(
            "Ateliers",
            HEADERS["Ateliers"],
            [
                (code, public, day, place, len(people))
                for code, public, day, place, people in TROIS_VALLEES_WORKSHOPS
            ],
        ),
    )
    add_table(wb, Table("Dispositifs", HEADERS["Dispositifs"], list(TROIS_VALLEES_DEVICES)))
    opinions = trois_vallees_opinions(rng)
    add_table(wb, Table("Avis", HEADERS["Avis"], opinions))
    add_table(wb, Table("Paramètres", HEADERS["Paramètres"], list(TROIS_VALLEES_MEANS)))
    add_table(wb, Table("Critères ROI", HEADERS["Critères ROI"], list(TROIS_VALLEES_CRITERIA)))
    criteria = tuple(code for code, *_ in TROIS_VALLEES_CRITERIA)
    add_table(
        wb,
        Table(
            "Notation ROI",
            rating_headers("Dispositif", criteria),
            trois_vallees_ratings(rng, opinions),
        ),
    )
    add_table(
        wb,
        Table(
            "Options",
            HEADERS["Options"],
            [
                ("Ateliers « ROI citoyen »", 3, None),
                ("Formation des élus et des agents à la posture citoyenne", 2, None),
                ("Enquête terrain auprès des habitants", None, None),
            ],
        ),
    )
    add_table(
        wb,
        Table(
            "Gouvernance",
            HEADERS["Gouvernance"],
            [
                (
                    "Comité de pilotage",
                    "Le président, Hélène Sautereau (vice-présidente), Corinne Lebastard (DGS), "
                    "Inès Roussel (consultante)",
                    "Toutes les six semaines",
                    "Arrête la stratégie, choisit les dispositifs à prototyper, en rend compte "
                    "au conseil communautaire.",
                ),
                (
                    "Comité technique",
                    "Corinne Lebastard, services communication, jeunesse et sports, "
                    "environnement et déchets, Inès Roussel",
                    "Mensuelle",
                    "Prépare les ateliers et les arbitrages, chiffre les dispositifs.",
                ),
            ],
        ),
    )
    add_table(
        wb,
        Table(
            "Risques",
            HEADERS["Risques"],
            [
                (
                    "Élus des petites communes peu présents",
                    "Forte",
                    "Moyenne",
                    "Atelier des élus en soirée, dans un bourg de vallée ; compte rendu envoyé "
                    "à chaque maire.",
                ),
                (
                    "Charge de travail des agents communautaires et des secrétaires de mairie",
                    "Moyenne",
                    "Forte",
                    "Dispositifs chiffrés en heures d’agent avant le choix du comité de pilotage.",
                ),
            ],
        ),
    )
    add_table(
        wb,
        Table(
            "Indicateurs",
            HEADERS["Indicateurs"],
            [
                ("Communes représentées dans les ateliers", "15 sur 22", "Émargement"),
                ("Dispositifs prototypés dans l’année", "2", "Bilan du comité de pilotage"),
                ("Contributions sur la plateforme numérique", "200 par an", "Statistiques"),
            ],
        ),
    )
    return wb


# --------------------------------------------------------------------------------------
# 4. Émergence de concepts
# --------------------------------------------------------------------------------------

HAUTES_COMBES = "Département des Hautes-Combes"

HAUTES_COMBES_PARAMETERS = (
    (
        "P1",
        "Le lieu vient à l’usager",
        "Si l’accueil se déplace là où les gens vont déjà (marché, école, supermarché), les "
        "personnes qui ne poussent jamais la porte d’une MDS viendront.",
    ),
    (
        "P2",
        "Des horaires qui suivent la vie des gens",
        "Ouvrir un soir par semaine et le samedi matin touchera les actifs et les parents "
        "solos, sans surcoût si l’on décale plutôt qu’on n’allonge.",
    ),
    (
        "P3",
        "Un premier contact humain, sans guichet",
        "Un accueil debout, sans hygiaphone, par une personne qui oriente en moins de deux "
        "minutes, fait tomber la peur d’être jugé.",
    ),
    (
        "P4",
        "La confidentialité garantie",
        "Dans une petite commune, on ne vient pas si tout le village voit qu’on vient : "
        "l’accueil doit pouvoir passer pour autre chose.",
    ),
    (
        "P5",
        "Le numérique accompagné, jamais imposé",
        "Un rendez-vous pris en ligne doit toujours avoir son équivalent par téléphone ou en "
        "face à face, sans délai supplémentaire.",
    ),
)

HAUTES_COMBES_SCENARIOS = (
    ("Comptoir des solidarités", "P1; P3; P4"),
    ("La tournée", "P1; P2"),
    ("Rendez-vous à la carte", "P2; P5"),
)

# Reactions (Adhésion, Réserve, Rejet) per scenario and target.
HAUTES_COMBES_REACTIONS: dict[str, dict[str, tuple[int, int, int]]] = {
    "Comptoir des solidarités": {"Élus": (1, 2, 1), "Services": (3, 1, 0), "Citoyens": (4, 1, 0)},
    "La tournée": {"Élus": (3, 1, 0), "Services": (1, 1, 2), "Citoyens": (3, 1, 1)},
    "Rendez-vous à la carte": {"Élus": (2, 1, 1), "Services": (3, 1, 0), "Citoyens": (1, 2, 2)},
}

HAUTES_COMBES_TESTERS = {
    "Élus": (
        "Bernadette Fougerolle, vice-présidente aux solidarités",
        "Marc-Antoine Delsol, conseiller départemental",
        "Christiane Ambert, maire de Sarrasque",
        "Yannick Le Goff, conseiller départemental",
    ),
    "Services": (
        "Agente d’accueil, MDS de Sarrasque",
        "Assistant social, MDS du Haut-Val",
        "Cheffe de service, action sociale territoriale",
        "Conseillère en économie sociale et familiale",
        "Secrétaire médico-sociale",
    ),
    "Citoyens": (
        "Usagère, 34 ans, mère de deux enfants, sans voiture",
        "Usager, 67 ans, agriculteur retraité",
        "Usagère, 23 ans, apprentie",
        "Usager, 48 ans, intérimaire en horaires décalés",
        "Usagère, 79 ans, vit seule dans un hameau",
    ),
}

# What the testers said, per scenario and reaction, with the targets each quote fits
# (an élu does not say « je serais venue plus tôt »).
E, S, C = "Élus", "Services", "Citoyens"
HAUTES_COMBES_VERBATIMS: dict[str, dict[str, tuple[tuple[tuple[str, ...], str], ...]]] = {
    "Comptoir des solidarités": {
        "Adhésion": (
            ((C,), "Un comptoir dans la médiathèque, personne ne sait pourquoi tu viens."),
            ((C,), "Je serais venue deux ans plus tôt si ça avait existé."),
            ((S,), "On oriente debout, en deux minutes : c’est notre métier, en mieux."),
            ((C, S), "Pas de file, pas de ticket, pas de vitre : on se parle."),
            (
                (E,),
                "Un lieu partagé avec la commune, c’est un service public qui reste au village.",
            ),
        ),
        "Réserve": (
            ((E,), "Qui paie le loyer du lieu partenaire ?"),
            ((S, E), "Et si le comptoir devient la porte d’entrée de toutes les demandes ?"),
            ((C,), "Et si j’ai besoin de parler seule à quelqu’un, on va où ?"),
        ),
        "Rejet": (
            ((E, S), "Une MDS, c’est un bâtiment identifié : les gens doivent savoir où aller."),
        ),
    },
    "La tournée": {
        "Adhésion": (
            ((E, C), "Le camion sur la place le jour du marché, tout le monde le verra."),
            ((E,), "Mes administrés des hameaux n’auront plus 40 km à faire."),
            ((C,), "Pour moi qui n’ai pas de voiture, c’est la seule solution."),
            ((S,), "Aller au-devant des gens, on en parle depuis des années : allons-y."),
        ),
        "Réserve": (
            ((E, C, S), "Et l’hiver, quand la route du col est fermée ?"),
            ((S, C), "Il faudra un lieu fermé pour parler de choses intimes."),
        ),
        "Rejet": (
            (
                (S,),
                "Deux agents en moins à la MDS chaque jour de tournée : impossible à "
                "effectif constant.",
            ),
            ((C,), "Tout le marché saura que je vais voir l’assistante sociale."),
        ),
    },
    "Rendez-vous à la carte": {
        "Adhésion": (
            ((C,), "Un créneau le jeudi soir, je peux enfin venir après le travail."),
            ((S, E), "Les rendez-vous préparés, c’est moins d’allers-retours pour tous."),
            ((C,), "Réserver en ligne, choisir l’horaire : évident pour ma génération."),
        ),
        "Réserve": (
            ((C,), "En ligne, d’accord, mais qui m’aide si je n’y arrive pas ?"),
            ((S, E), "Les soirées, il faut des volontaires et une récupération."),
        ),
        "Rejet": (
            ((C,), "Internet ne passe pas chez moi, et au téléphone ça sonne dans le vide."),
            ((E, S), "Encore un écran entre nous et les gens."),
        ),
    },
}


def hautes_combes_tests(rng: random.Random) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for scenario, parameters in HAUTES_COMBES_SCENARIOS:
        for target in TARGETS:
            adhesion, reserve, rejet = HAUTES_COMBES_REACTIONS[scenario][target]
            reactions = ["Adhésion"] * adhesion + ["Réserve"] * reserve + ["Rejet"] * rejet
            people = rng.sample(HAUTES_COMBES_TESTERS[target], len(reactions))
            for person, reaction in zip(people, reactions, strict=True):
                quotes = [
                    quote
                    for who, quote in HAUTES_COMBES_VERBATIMS[scenario][reaction]
                    if target in who
                ]
                quote = rng.choice(quotes) if quotes and rng.random() < 0.8 else ""
                rows.append((scenario, parameters, target, person, reaction, quote))
    return rows


def hautes_combes_stakeholders() -> list[tuple[Any, ...]]:
    d = "example.fr"
    return [
        (
            "Mme Bernadette Fougerolle, vice-présidente aux solidarités",
            "Élus",
            "Commanditaire ; veut une MDS « qui ressemble à ses usagers ».",
            5,
            5,
            "Co-construire",
            mail("Bernadette Fougerolle", d),
        ),
        (
            "M. le président du conseil départemental",
            "Élus",
            "Arbitre les moyens ; sensible à l’image des services publics en zone rurale.",
            5,
            2,
            "Informer",
            "cabinet.president@example.fr",
        ),
        (
            "Conseillers départementaux des cantons ruraux",
            "Élus",
            "Remontent les difficultés d’accès des hameaux.",
            3,
            4,
            "Consulter",
            "",
        ),
        (
            "Maires des communes d’accueil potentielles",
            "Élus",
            "Peuvent prêter des locaux (médiathèques, salles polyvalentes).",
            3,
            3,
            "Concerter",
            "",
        ),
        (
            "Direction générale adjointe des solidarités",
            "Services",
            "Pilote ; garante de l’organisation des MDS.",
            4,
            5,
            "Co-construire",
            "dga.solidarites@example.fr",
        ),
        (
            "Agents d’accueil des maisons départementales des solidarités",
            "Services",
            "Premiers concernés ; épuisés par l’agressivité au guichet.",
            2,
            5,
            "Co-construire",
            "",
        ),
        (
            "Travailleurs sociaux (assistants sociaux, CESF)",
            "Services",
            "Craignent de perdre le temps d’accompagnement au profit de l’accueil.",
            2,
            4,
            "Concerter",
            "",
        ),
        (
            "Protection maternelle et infantile (PMI)",
            "Services",
            "Consultations de puéricultrices ; publics jeunes parents.",
            2,
            4,
            "Concerter",
            "pmi@example.fr",
        ),
        (
            "Direction du numérique",
            "Services",
            "Prise de rendez-vous en ligne ; contraintes de sécurité.",
            3,
            2,
            "Consulter",
            "numerique@example.fr",
        ),
        (
            "Direction des bâtiments",
            "Services",
            "Aménagement des lieux d’accueil.",
            3,
            2,
            "Informer",
            "batiments@example.fr",
        ),
        (
            "Usagers des MDS (familles, personnes âgées, allocataires)",
            "Habitants",
            "Expertise d’usage : temps d’attente, confidentialité, déplacements.",
            1,
            5,
            "Co-construire",
            "",
        ),
        (
            "Personnes non-recourantes à leurs droits",
            "Habitants",
            "Ne viennent jamais ; publics à aller chercher.",
            1,
            3,
            "Consulter",
            "",
        ),
        (
            "Jeunes de 16 à 25 ans en insertion",
            "Habitants",
            "Rendez-vous manqués faute de transport ; usages du téléphone.",
            1,
            3,
            "Consulter",
            "",
        ),
        (
            "Aidants familiaux",
            "Habitants",
            "Disposent de peu de temps ; viennent pour un proche.",
            1,
            4,
            "Consulter",
            "",
        ),
        (
            "Habitants des hameaux sans transport",
            "Habitants",
            "Jusqu’à 40 km de la MDS la plus proche.",
            1,
            4,
            "Consulter",
            "",
        ),
        (
            "Associations caritatives locales",
            "Associations",
            "Connaissent les personnes qui ne viennent pas ; orientent déjà.",
            2,
            4,
            "Co-construire",
            "solidarites-locales@example.org",
        ),
        (
            "Association d’aide à domicile",
            "Associations",
            "Repère les situations d’isolement.",
            2,
            3,
            "Consulter",
            "aide-domicile@example.org",
        ),
        (
            "Centres sociaux ruraux",
            "Associations",
            "Lieux de proximité possibles pour un accueil partagé.",
            2,
            4,
            "Concerter",
            "centres-sociaux@example.org",
        ),
        (
            "Collectif « Droits & Dignité »",
            "Associations",
            "Porte la parole des allocataires ; vigilant sur le contrôle.",
            2,
            5,
            "Concerter",
            "droits-dignite@example.org",
        ),
        (
            "Designer de services (prestataire des ateliers de prototypage)",
            "Prestataires",
            "Conçoit les maquettes des scénarios testés.",
            1,
            4,
            "Co-construire",
            "design@example.org",
        ),
        (
            "Aménageur du véhicule itinérant",
            "Prestataires",
            "Devis pour un camion aménagé.",
            1,
            2,
            "Informer",
            "vehicules@example.org",
        ),
        (
            "Éditeur du logiciel de rendez-vous",
            "Prestataires",
            "Paramétrage des créneaux en ligne.",
            2,
            1,
            "Informer",
            "editeur@example.org",
        ),
        (
            "Caisse d’allocations familiales (CAF) des Hautes-Combes",
            "Institutions",
            "Partenaire d’accueil ; espaces France services.",
            4,
            3,
            "Concerter",
            "caf@example.fr",
        ),
        (
            "Agence régionale de santé, délégation départementale",
            "Institutions",
            "Coordination avec les maisons de santé.",
            3,
            2,
            "Informer",
            "ars@example.fr",
        ),
        (
            "Préfecture, mission France services",
            "Institutions",
            "Labellise les espaces France services.",
            4,
            2,
            "Consulter",
            "prefecture@example.fr",
        ),
        (
            "Caisse primaire d’assurance maladie",
            "Institutions",
            "Permanences partagées possibles.",
            3,
            2,
            "Informer",
            "cpam@example.fr",
        ),
        (
            "Médiathèques du réseau départemental",
            "Autre",
            "Lieux neutres, ouverts tard, déjà fréquentés.",
            2,
            3,
            "Concerter",
            "lecture-publique@example.fr",
        ),
        (
            "Supermarché coopératif de Sarrasque",
            "Autre",
            "Prête un espace le samedi matin pour un test.",
            1,
            2,
            "Informer",
            "",
        ),
        (
            "Syndicats des agents",
            "Autre",
            "Vigilants sur les horaires décalés et la sécurité des agents.",
            3,
            4,
            "Consulter",
            "intersyndicale@example.org",
        ),
        (
            "Transporteur à la demande du Département",
            "Autre",
            "Peut desservir les permanences.",
            2,
            2,
            "Informer",
            "tad@example.fr",
        ),
        (
            "Presse départementale",
            "Autre",
            "Relaie les expérimentations.",
            2,
            2,
            "Informer",
            "redaction@example.org",
        ),
    ]


def build_hautes_combes(rng: random.Random) -> Workbook:
    wb = new_workbook("Émergence de concepts — accueil des solidarités")
    add_mission(
        wb,
        {
            "Référence": "2026-017",
            "Offre": "Émergence de concepts",
            "Intitulé": "Réinventer l’accueil dans les maisons départementales des solidarités",
            "Collectivité": HAUTES_COMBES,
            "Type de collectivité": "Département",
            "Adresse": para(
                "Hôtel du Département",
                "Direction générale adjointe des solidarités",
                "1, cours des Combes",
            ),
            "Code postal": "99000",
            "Ville": "Sarrasque",
            "SIRET": fictional_siret("22999000"),
            "Pilote": "Direction générale adjointe des solidarités",
            "Élu référent": "Bernadette Fougerolle, vice-présidente aux solidarités",
            "Consultant": "Romain Lefébure",
            "Date de début": date(2026, 1, 26),
            "Étape": "Terminée",
            "Contexte": para(
                "Les neuf maisons départementales des solidarités (MDS) des Hautes-Combes "
                "reçoivent 64 000 visites par an. Les délais d’attente au guichet dépassent "
                "45 minutes le lundi, les incivilités envers les agents d’accueil ont doublé en "
                "trois ans, et pourtant une partie des habitants qui auraient droit à un "
                "accompagnement ne viennent jamais : trop loin, trop visible, trop compliqué.",
                "Plutôt que de réorganiser une fois de plus les guichets, le Département a "
                "souhaité partir des usages : observer, comparer avec d’autres univers "
                "d’accueil, écouter des usagers extrêmes et des personnes qui n’ont rien à voir "
                "avec l’action sociale, puis tester des scénarios avec les élus, les services "
                "et les citoyens.",
                "Ce rapport rassemble ce que nous avons vu, les paramètres qui nous semblent "
                "décider du succès d’un accueil, les réactions aux trois scénarios testés et les "
                "pistes qui en découlent, de l’idée au prototype prêt à expérimenter.",
            ),
            "Objectifs": para(
                "• Comprendre pourquoi certains habitants ne poussent jamais la porte d’une MDS.",
                "• Faire émerger des concepts d’accueil et les tester avant d’investir.",
                "• Choisir une ou deux pistes à expérimenter en 2026 sur un territoire.",
            ),
            "Enjeux": para(
                "Ouvert : les lieux, les horaires, la forme du premier contact, les outils.",
                "Fermé : le maintien des neuf MDS, le secret professionnel, les effectifs 2026.",
            ),
            "Niveau de participation": "Co-construire",
            "Prix de base HT": 7500,
            "Facture": "Non",
        },
    )
    add_table(
        wb,
        Table(
            "Parties prenantes",
            HEADERS["Parties prenantes"],
            with_internal_notes(hautes_combes_stakeholders()),
        ),
    )
    add_table(
        wb,
        Table(
            "Recherches",
            HEADERS["Recherches"],
            [
                (
                    "Observation",
                    "MDS de Sarrasque, trois matinées d’accueil (février 2026)",
                    para(
                        "Les usagers attendent debout dans un couloir étroit ; le numéro de ticket "
                        "est "
                        "appelé à voix haute, nom compris. Les agents d’accueil traitent en "
                        "moyenne "
                        "11 demandes par heure, dont 6 qui relèvent d’un autre organisme.",
                        "Trois personnes sont reparties avant d’être reçues.",
                    ),
                    "Le premier contact est une orientation, pas un accompagnement : il peut se "
                    "faire "
                    "ailleurs et autrement.",
                ),
                (
                    "Observation",
                    "Permanence en mairie du Haut-Val",
                    "Une permanence mensuelle dans le bureau du maire : les habitants attendent "
                    "sur les "
                    "marches de la mairie, à la vue de tous.",
                    "La confidentialité compte plus que la proximité dans les petites communes.",
                ),
                (
                    "Analogie",
                    "Pharmacie de bourg",
                    "Le pharmacien écoute, oriente, rassure ; personne ne sait pourquoi on entre "
                    "dans "
                    "une pharmacie.",
                    "Un lieu fréquenté pour de multiples raisons protège la discrétion.",
                ),
                (
                    "Analogie",
                    "Comptoir d’une gare régionale",
                    "Accueil debout, sans vitre, un agent qui oriente vers le bon guichet ou la "
                    "borne.",
                    "Un « hôte » mobile avant le guichet réduit l’attente de moitié.",
                ),
                (
                    "Distanciation",
                    "Atelier « Et si l’accueil n’existait pas ? » avec 12 agents",
                    "Sans guichet, les agents imaginent d’aller au-devant des gens : marchés, "
                    "sorties "
                    "d’école, salles d’attente des médecins.",
                    "L’accueil peut être une activité, pas un lieu.",
                ),
                (
                    "Désynchronisation",
                    "Accueil du soir : test d’un jeudi jusqu’à 20 h à la MDS de Sarrasque",
                    "Sur 3 soirées, 31 visites, dont 19 personnes jamais venues auparavant, pour "
                    "la "
                    "plupart des actifs et des parents seuls.",
                    "Décaler les horaires touche d’autres publics, sans allonger l’ouverture "
                    "totale.",
                ),
                (
                    "Entretien usager extrême",
                    "Usagère de 79 ans vivant seule dans un hameau, sans voiture ni internet",
                    para(
                        "« Pour venir, il faut que ma voisine m’emmène, et elle travaille. Alors "
                        "j’attends que ça passe, ou que l’infirmière m’aide. »",
                        "Elle a renoncé deux fois à une aide à domicile à laquelle elle avait "
                        "droit.",
                    ),
                    "Pour les plus isolés, il faut que l’accueil vienne, ou passe par les "
                    "intervenants "
                    "déjà présents.",
                ),
                (
                    "Entretien usager extrême",
                    "Intérimaire de 48 ans en horaires décalés",
                    "« Vos horaires, ce sont les miens : quand vous êtes ouverts, je travaille. »",
                    "Un rendez-vous tôt le matin ou tard le soir vaut mieux qu’une permanence.",
                ),
                (
                    "Entretien expert",
                    "Sociologue de l’action publique (université des Hautes-Combes)",
                    "Le non-recours tient autant à la honte et à la peur du contrôle qu’à la "
                    "complexité : on ne demande pas de l’aide à un guichet qui juge. Elle "
                    "décrit trois moments où l’on renonce : avant de venir, quand on imagine "
                    "le regard des voisins ou la liste des pièces à fournir ; à l’accueil, "
                    "quand la première question porte sur le dossier et non sur la personne ; "
                    "après le premier rendez-vous, quand on n’a pas compris ce qui allait se "
                    "passer ensuite. Selon elle, les territoires qui ont réduit le non-recours "
                    "n’ont pas d’abord multiplié les guichets : ils ont formé l’accueil à "
                    "écouter, donné un interlocuteur nommé et envoyé un écrit simple après "
                    "chaque rencontre.",
                    "Changer la posture de l’accueil compte plus que changer l’outil.",
                ),
                (
                    "Entretien iconoclaste",
                    "Gérant d’un food-truck qui tourne sur huit villages",
                    "« Je connais tout le monde : je sais qui ne va pas bien. Les gens me parlent "
                    "parce "
                    "que je ne suis personne. » Il a déjà orienté des clients vers la mairie.",
                    "Des relais ordinaires, formés à orienter, étendent l’accueil sans nouveau "
                    "lieu.",
                ),
            ],
        ),
    )
    add_table(
        wb,
        Table(
            "Paramètres cruciaux", HEADERS["Paramètres cruciaux"], list(HAUTES_COMBES_PARAMETERS)
        ),
    )
    add_table(wb, Table("Tests", HEADERS["Tests"], hautes_combes_tests(rng)))
    add_table(
        wb,
        Table(
            "Pistes",
            HEADERS["Pistes"],
            [
                (
                    "PI1",
                    "Comptoir des solidarités dans deux médiathèques",
                    para(
                        "Convention avec les communes ; un agent d’accueil formé à l’orientation ; "
                        "un espace de confidentialité fermé à proximité.",
                        "Accord des syndicats sur les horaires.",
                    ),
                    "Prêt à expérimenter",
                    "Expérimentation de six mois à Sarrasque et au Haut-Val à partir de septembre "
                    "2026.",
                ),
                (
                    "PI2",
                    "Jeudi soir des solidarités",
                    "Horaires décalés sur la base du volontariat, avec récupération ; sécurité du "
                    "bâtiment le soir.",
                    "Prêt à expérimenter",
                    "Généraliser à trois MDS après le test de Sarrasque.",
                ),
                (
                    "PI3",
                    "La tournée des solidarités",
                    para(
                        "Véhicule aménagé avec un espace fermé ; deux agents volontaires ; "
                        "itinéraire "
                        "d’hiver.",
                        "Coût estimé : 180 000 € d’investissement, budget < 2 000 € par "
                        "jour de tournée.",
                    ),
                    "Concept",
                    "Prototype « éphémère » avec un véhicule prêté par le transporteur à la "
                    "demande.",
                ),
                (
                    "PI4",
                    "Rendez-vous à la carte, avec un double humain",
                    "Chaque créneau en ligne a son équivalent au téléphone ; rappel par SMS ; "
                    "accompagnement par les médiathèques.",
                    "Concept",
                    "Maquette du parcours de prise de rendez-vous testée avec cinq usagers.",
                ),
                (
                    "PI5",
                    "Relais ordinaires de l’orientation",
                    "Former commerçants itinérants, facteurs, aides à domicile à repérer et "
                    "orienter, "
                    "sans rien collecter sur les personnes.",
                    "Idée",
                    "Rencontre avec trois relais volontaires et le délégué à la protection des "
                    "données.",
                ),
                (
                    "PI6",
                    "Salle d’attente réinventée",
                    "Appel par prénom ou par numéro au choix, places assises, espace enfants, "
                    "information sur les droits à lire en attendant.",
                    "Concept",
                    "Atelier de prototypage avec les agents d’accueil de deux MDS.",
                ),
            ],
        ),
    )
    add_table(
        wb,
        Table(
            "Options",
            HEADERS["Options"],
            [
                ("Ateliers de prototypage de solutions", 2, None),
                ("Tests", 1, None),
            ],
        ),
    )
    return wb


# --------------------------------------------------------------------------------------
# Reading back and checks
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expectation:
    file_name: str
    sheets: tuple[str, ...]
    min_rows: dict[str, int]
    all_categories: bool = False


def find_header_row(ws: Worksheet, required: Iterable[str]) -> int:
    wanted = set(required)
    for index, row in enumerate(ws.iter_rows(min_row=1, max_row=10, values_only=True), 1):
        if wanted <= {v for v in row if isinstance(v, str)}:
            return index
    raise AssertionError(f"{ws.title} : ligne d'en-têtes introuvable")


def read_table(ws: Worksheet, required: Sequence[str]) -> tuple[int, list[str], list[dict]]:
    header_row = find_header_row(ws, required)
    headers = [c.value for c in ws[header_row] if c.value is not None]
    rows = []
    for values in ws.iter_rows(min_row=header_row + 1, values_only=True):
        if all(v is None or v == "" for v in values):
            continue
        rows.append(dict(zip(headers, values, strict=False)))
    return header_row, headers, rows


def lower_median(values: Sequence[int]) -> int:
    ordered = sorted(values)
    return ordered[(len(ordered) - 1) // 2]


def grade_value(value: Any) -> int | None:
    if value is None:
        return None
    return GRADE_LABELS.index(value) if isinstance(value, str) else int(value)


def quadrant(influence: int, interest: int) -> str:
    high_influence, high_interest = influence >= 3, interest >= 3
    if high_influence and high_interest:
        return "Acteurs clés"
    if high_influence:
        return "À satisfaire"
    return "À informer" if high_interest else "À surveiller"


def check(expectation: Expectation) -> list[str]:
    """Read a written workbook back, check the contract, return the summary lines."""
    path = HERE / expectation.file_name
    wb = load_workbook(path)
    assert tuple(wb.sheetnames) == expectation.sheets, wb.sheetnames
    assert wb.properties.created == FIXED_TIME and wb.properties.modified == FIXED_TIME

    mission_rows = list(wb["Mission"].iter_rows(values_only=True))
    assert mission_rows[0] == HEADERS["Mission"], mission_rows[0]
    assert tuple(r[0] for r in mission_rows[1:]) == MISSION_FIELDS
    mission = {r[0]: r[1] for r in mission_rows[1:]}
    assert mission["Offre"] in OFFERS and mission["Étape"] in STEPS
    assert mission["Type de collectivité"] in COLLECTIVITY_TYPES
    assert mission["Niveau de participation"] in LEVELS
    assert mission["Facture"] in (None, *INVOICE_STATES)
    if mission["SIRET"]:
        assert len(mission["SIRET"]) == 14 and luhn_ok(mission["SIRET"]), mission["SIRET"]
    if mission["Facture"] == "À émettre":
        for name in ("Adresse", "Code postal", "Ville", "SIRET"):
            assert mission[name], name
        assert len(mission["Code postal"]) == 5 and mission["Code postal"].isdigit()

    tables: dict[str, list[dict]] = {}
    summary = [f"{expectation.file_name}  ({mission['Offre']}, {mission['Étape']})"]
    summary.append(f"  {'Mission':<20} {len(mission_rows) - 1:>4} champs")
    for name in expectation.sheets[1:]:
        ws = wb[name]
        required = HEADERS[name]
        if name == "Notation ROI":
            criteria = (
                tuple(r["Code"] for r in tables["Critères ROI"])
                if "Critères ROI" in tables
                else DEFAULT_CRITERIA
            )
            required = rating_headers(RATED[mission["Offre"]][0], criteria)
        header_row, headers, rows = read_table(ws, required)
        assert tuple(headers) == required, (name, headers)
        assert ws.freeze_panes == f"A{header_row + 1}", (name, ws.freeze_panes)
        assert len(rows) >= expectation.min_rows.get(name, 0), (name, len(rows))
        for (sheet, column), allowed in LIST_COLUMNS.items():
            if sheet != name:
                continue
            for row in rows:
                value = row[column]
                parts = value.split(";") if (sheet, column) in MULTI_VALUE_COLUMNS else [value]
                assert all(p.strip() in allowed for p in parts), (name, column, value)
        if "Code" in headers:
            codes = [r["Code"] for r in rows]
            assert len(codes) == len(set(codes)), (name, codes)
        tables[name] = rows
        where = f" (en-têtes ligne {header_row})" if header_row != 1 else ""
        summary.append(f"  {name:<20} {len(rows):>4} lignes{where}")

    stakeholders = tables["Parties prenantes"]
    assert all(1 <= r["Influence"] <= 5 and 1 <= r["Intérêt"] <= 5 for r in stakeholders)
    quadrants = Counter(quadrant(r["Influence"], r["Intérêt"]) for r in stakeholders)
    categories = Counter(r["Catégorie"] for r in stakeholders)
    assert len(quadrants) == 4, quadrants
    if expectation.all_categories:
        assert set(categories) == set(CATEGORIES), categories
    summary.append("  quadrants : " + ", ".join(f"{k} {v}" for k, v in sorted(quadrants.items())))

    if "Notation ROI" in tables:
        column, candidates = RATED[mission["Offre"]]
        codes = [r["Code"] for r in tables[candidates]]
        ratings = tables["Notation ROI"]
        assert {r[column] for r in ratings} <= set(codes), (column, codes)
        pairs = Counter((r["Participant"], r[column]) for r in ratings)
        assert all(n == 1 for n in pairs.values()), f"une personne note deux fois un {column}"
        if ratings:
            if "Ateliers" in tables:  # the kit R.O.I. citoyen comes after the workshops
                held = mission["Date de l'atelier"]
                assert held and all(w["Date"] < held for w in tables["Ateliers"]), held
            rated = [c for c in codes if any(r[column] == c for r in ratings)]
            summary += roi_summary(ratings, column, criteria, rated)
    if "Avis" in tables:
        assert {r["Atelier"] for r in tables["Avis"]} <= {r["Code"] for r in tables["Ateliers"]}
        devices = {r["Code"] for r in tables["Dispositifs"]}
        assert {r["Dispositif"] for r in tables["Avis"]} <= devices
        summary += opinions_summary(tables["Avis"], tables["Ateliers"])
    if "Tests" in tables:
        parameters = {r["Code"] for r in tables["Paramètres cruciaux"]}
        for row in tables["Tests"]:
            assert {p.strip() for p in row["Paramètres testés"].split(";")} <= parameters
        assert {r["Type"] for r in tables["Recherches"]} == set(RESEARCH_TYPES)
    return summary


def roi_summary(
    ratings: list[dict], column: str, labels: Sequence[str], codes: list[str]
) -> list[str]:
    """Majority grade of the overall grades (unweighted lower median), per public and for
    everyone, of the ``codes`` rated in ``column``."""
    written_labels = sum(isinstance(r[c], str) for r in ratings for c in labels)
    blanks = sum(r[c] is None for r in ratings for c in labels)
    lines = [f"  notes saisies en mention : {written_labels}, critères non notés : {blanks}"]
    for code in codes:
        overall: dict[str, list[int]] = {}
        for row in ratings:
            if row[column] != code:
                continue
            grades = [g for g in (grade_value(row[c]) for c in labels) if g is not None]
            overall.setdefault(row["Public"], []).append(lower_median(grades))
        everyone = sorted(g for grades in overall.values() for g in grades)
        quartile = len(everyone) // 4
        iqr = everyone[-1 - quartile] - everyone[quartile]
        per_public = ", ".join(
            f"{p} {GRADE_LABELS[lower_median(overall[p])]}" for p in ROI_PUBLICS if p in overall
        )
        lines.append(
            f"  {code} : {GRADE_LABELS[lower_median(everyone)]} (écart interquartile "
            f"≈ {iqr}) — {per_public}"
        )
    return lines


def opinions_summary(opinions: list[dict], workshops: list[dict]) -> list[str]:
    """Classification of the devices: « ligne de force », « à débattre », « écarté »."""
    lines = []
    for device in sorted({r["Dispositif"] for r in opinions}):
        nets = []
        for workshop in workshops:
            rows = [
                r
                for r in opinions
                if r["Dispositif"] == device and r["Atelier"] == workshop["Code"]
            ]
            count = Counter(r["Avis"] for r in rows)
            nets.append((count["J'aime"] - count["Je n'aime pas"]) / len(rows))
        if all(n > 0 for n in nets):
            verdict = "ligne de force"
        elif any(n > 0 for n in nets) and any(n < 0 for n in nets):
            verdict = "à débattre"
        elif all(n <= 0 for n in nets):
            verdict = "écarté"
        else:
            verdict = "sans tendance"
        lines.append(f"  {device} : {verdict} ({' / '.join(f'{n:+.2f}' for n in nets)})")
    return lines


# --------------------------------------------------------------------------------------
# Program
# --------------------------------------------------------------------------------------

CONCERTATION_SHEETS = (
    "Mission",
    "Parties prenantes",
    "Paramètres",
    "Scénarios",
    "Notation ROI",
    "Options",
    "Communication",
)

EXAMPLES = (
    (
        build_saint_aubin,
        2026014,
        Expectation(
            "concertation-saint-aubin-des-brumes.xlsx",
            (*CONCERTATION_SHEETS, "Gouvernance", "Risques", "Indicateurs"),
            {
                "Parties prenantes": 32,
                "Paramètres": 9,
                "Scénarios": 4,
                "Notation ROI": 72,
                "Options": 2,
                "Communication": 8,
                "Gouvernance": 2,
                "Risques": 3,
                "Indicateurs": 4,
            },
            all_categories=True,
        ),
    ),
    (
        build_val_de_brume,
        2026009,
        Expectation(
            "concertation-val-de-brume-arretee.xlsx",
            CONCERTATION_SHEETS,
            {"Parties prenantes": 30, "Scénarios": 3},
        ),
    ),
    (
        build_trois_vallees,
        2026021,
        Expectation(
            "strategie-communaute-des-trois-vallees.xlsx",
            (
                "Mission",
                "Parties prenantes",
                "Ateliers",
                "Dispositifs",
                "Avis",
                "Paramètres",
                "Critères ROI",
                "Notation ROI",
                "Options",
                "Gouvernance",
                "Risques",
                "Indicateurs",
            ),
            {
                "Parties prenantes": 35,
                "Ateliers": 3,
                "Dispositifs": 6,
                "Avis": 100,
                "Paramètres": 5,
                "Notation ROI": 40,
                "Options": 2,
                "Gouvernance": 2,
                "Risques": 2,
                "Indicateurs": 3,
            },
        ),
    ),
    (
        build_hautes_combes,
        2026017,
        Expectation(
            "emergence-departement-des-hautes-combes.xlsx",
            (
                "Mission",
                "Parties prenantes",
                "Recherches",
                "Paramètres cruciaux",
                "Tests",
                "Pistes",
                "Options",
            ),
            {
                "Parties prenantes": 30,
                "Recherches": 7,
                "Paramètres cruciaux": 5,
                "Tests": 30,
                "Pistes": 5,
            },
        ),
    ),
)


def main() -> None:
    for build, seed, expectation in EXAMPLES:
        save(build(random.Random(seed)), HERE / expectation.file_name)
    for _build, _seed, expectation in EXAMPLES:
        print("\n".join(check(expectation)))


if __name__ == "__main__":
    main()
