"""The « Lisez-moi » of generated workbooks: what it says, line by line.

:func:`blank_readme` is the consultant's (how to fill every sheet of an offer,
after a :class:`Guidance` of a filled workbook's own); a :class:`Readme` is
written as given (the rating grid handed to the collectivité). blank.py writes
the lines into the sheet.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.styles import Font

from pipeline import model as m
from pipeline.formats import enumeration, number
from pipeline.workbook import schema as s
from pipeline.workbook.kinds import CodeList
from pipeline.workbook.mission_fields import MISSION
from pipeline.workbook.roi_sheets import CRITERIA
from pipeline.workbook.schema_types import GRADE

FONT = "Calibri"  # the workbook's default: a font without a name shows in another one
TITLE_FONT = Font(name=FONT, bold=True, size=16)
SECTION_FONT = Font(name=FONT, bold=True, size=12)


@dataclass(frozen=True)
class Guidance:
    """What a filled workbook's « Lisez-moi » says before the usual instructions."""

    title: str
    section: str
    steps: tuple[str, ...]
    active_sheet: str  # the sheet the workbook opens on


@dataclass(frozen=True)
class Readme:
    """A « Lisez-moi » written as given: a title, then sections of paragraphs."""

    title: str
    sections: tuple[tuple[str, tuple[str, ...]], ...]

    def lines(self) -> list[tuple[str, Font | None]]:
        lines: list[tuple[str, Font | None]] = [(self.title, TITLE_FONT)]
        for heading, paragraphs in self.sections:
            lines += [("", None), (heading, SECTION_FONT), *((p, None) for p in paragraphs)]
        return lines


def _quoted(values: list[str], last: str = "et") -> str:
    return enumeration((f"« {v} »" for v in values), last=last)


def _mission_notes(offer: m.Offer) -> list[str]:
    """What the « Mission » sheet of this offer holds and leaves out, from the fields' offers."""
    spec = MISSION
    notes = [
        f"Une ligne par champ d'une mission « {offer} » : la valeur dans la colonne "
        f"« {spec.value_header} », une aide dans la colonne « {spec.help_header} »."
    ]
    for field in spec.fields:
        if offer not in field.offers:
            only = _quoted([o.value for o in m.Offer if o in field.offers], last="ou")
            notes.append(
                f"Le champ « {field.header} » n'y figure pas : il ne sert que pour une mission "
                f"{only} (rempli quand même, il est ignoré et signalé)."
            )
    for field in spec.fields_for(offer):
        for value, offers in spec.field(field.attr).value_offers:
            only = _quoted([o.value for o in m.Offer if o in offers], last="ou")
            notes.append(
                f"Champ « {field.header} » : la valeur « {value} » est propre à une mission {only}."
                if offer in offers
                else f"Champ « {field.header} » : le menu ne propose pas « {value} », qui n'existe "
                f"que pour une mission {only}."
            )
    return notes


def _dropdown_notes(offer: m.Offer, criteria: tuple[m.Criterion, ...]) -> list[str]:
    """How the menus work: lists, codes of another sheet, grades."""
    listed = dict.fromkeys(
        c.header
        for use in s.OFFER_SHEETS[offer]
        for c in use.sheet.columns_for(offer)
        if c.kind.choices and c.kind.only_choices
    )
    notes = [
        f"Une colonne à liste de valeurs (par exemple {_quoted(list(listed)[:3])}) propose ses "
        f"valeurs dans un menu (la flèche à droite de la cellule) : choisissez plutôt que de "
        f"taper."
    ]
    references = [
        (MISSION.name, f"champ « {c.header} »", c) for c in MISSION.fields_for(offer) if c.refers_to
    ] + [(sheet.name, f"colonne « {c.header} »", c) for sheet, c in s.references(offer)]
    if references:
        notes.append(
            "Une colonne de codes propose les codes saisis dans la feuille qu'elle désigne : "
            "remplissez d'abord cette feuille ; un code ajouté plus tard apparaît aussi dans le "
            "menu. Un code qui n'y est pas est signalé (vous pouvez passer outre, amoor le "
            "refusera s'il manque encore)."
        )
        for sheet, where, column in references:
            several = (
                " (plusieurs codes séparés par « ; » : choisissez-en un dans le menu, tapez les "
                "autres à la suite)"
                if isinstance(column.kind, CodeList)
                else ""
            )
            notes.append(
                f"• « {sheet} », {where} : les codes de la feuille « {column.refers_to} »{several}."
            )
    for use in s.OFFER_SHEETS[offer]:
        if use.sheet.criteria_columns:
            labels = list(GRADE.choices)
            notes.append(
                f"Les notes de la feuille « {use.sheet.name} » (une colonne par code de critère : "
                f"{', '.join(c.code for c in criteria)}) : le menu propose les mentions "
                f"{_quoted(labels)} ; vous pouvez aussi taper la note, de 0 ({labels[0]}) à "
                f"{len(labels) - 1} ({labels[-1]})."
            )
    return notes


def blank_readme(
    offer: m.Offer, criteria: tuple[m.Criterion, ...], guidance: Guidance | None
) -> list[tuple[str, Font | None]]:
    """The « Lisez-moi » of a workbook of ``offer``: ``guidance`` first, then how to fill it."""
    lines: list[tuple[str, Font | None]] = [
        (guidance.title if guidance else f"Classeur de mission amoor : {offer.value}", TITLE_FONT),
        ("", None),
    ]
    if guidance is not None:
        lines += [(guidance.section, SECTION_FONT), *((step, None) for step in guidance.steps)]
        lines.append(("", None))
    lines += [
        ("Comment remplir ce classeur", SECTION_FONT),
        (
            "1. Remplissez la feuille « Mission » : une valeur par champ (colonne « Valeur »). "
            "Les champs en gras sont obligatoires.",
            None,
        ),
        (
            "2. Remplissez les autres feuilles, une ligne par élément, sous la ligne d'en-tête. "
            "Ne renommez ni les feuilles ni les en-têtes ; vous pouvez ajouter des colonnes "
            "(elles seront ignorées).",
            None,
        ),
        (
            "3. Cliquez sur une cellule pour voir ce qu'il faut saisir ; les listes et les "
            "codes se choisissent dans un menu déroulant (voir « Les menus déroulants » "
            "ci-dessous).",
            None,
        ),
        (
            "4. Enregistrez au format .xlsx, puis lancez « amoor build » sur le classeur : les "
            "livrables Word apparaissent dans le dossier « outbox ». Si un problème est trouvé, "
            "amoor indique la feuille, la cellule et quoi corriger.",
            None,
        ),
        ("", None),
        ("Les feuilles", SECTION_FONT),
        (f"Mission : {MISSION.help}", None),
    ]
    for use in s.OFFER_SHEETS[offer]:
        status = "obligatoire" if use.required else "facultative"
        lines.append((f"{use.sheet.name} ({status}) : {use.sheet.help}", None))
    lines += [("", None), (f"La feuille « {MISSION.name} »", SECTION_FONT)]
    lines += ((text, None) for text in _mission_notes(offer))
    lines += [("", None), ("Les menus déroulants", SECTION_FONT)]
    lines += ((text, None) for text in _dropdown_notes(offer, criteria))
    if any(use.sheet.criteria_columns or use.sheet is CRITERIA for use in s.OFFER_SHEETS[offer]):
        lines += [
            ("", None),
            ("Échelle R.O.I. citoyen", SECTION_FONT),
            *((f"{int(g)} : {g.label}", None) for g in reversed(m.Grade)),
            ("", None),
            ("Critères (point de vue du citoyen)", SECTION_FONT),
            *((_criterion_line(c), None) for c in criteria),
        ]
    return lines


def _criterion_line(criterion: m.Criterion) -> str:
    weight = number(criterion.weight)
    return f"{criterion.code} : {criterion.name} (poids {weight}) — {criterion.definition}"
