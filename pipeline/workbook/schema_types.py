"""The building blocks of the workbook contract: columns, sheets and how an offer uses them.

:class:`Column` is a table column or a « Mission » field, with its kind, help
and the offers that have it; :class:`TableSheet` and :class:`FieldSheet` are
the two shapes of sheet. The sheets themselves are declared in
``mission_fields``, ``shared_sheets``, ``roi_sheets`` and ``offer_sheets``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from pipeline import model as m
from pipeline.workbook.kinds import Choice, CodeList, GradeKind, Kind, Text

TEXT = Text()
GRADE = GradeKind()
ALL_OFFERS = frozenset(m.Offer)
CONCERTATION_ONLY = frozenset({m.Offer.CONCERTATION})


@dataclass(frozen=True)
class Column:
    """A column of a table sheet, or a field (row) of the « Mission » sheet.

    ``attr`` names the field of the domain dataclass it fills; ``article``
    ("l'", "la ", "le ") lets messages say « l'influence doit être… ».
    ``offers``: the offers whose workbooks have it (a blank of another offer
    leaves it out, the reader ignores it with a warning); ``value_offers``:
    list values that exist for some offers only; ``refers_to``: the sheet
    whose codes it names (a dropdown of that sheet's codes, a checked reference).
    """

    header: str
    attr: str
    kind: Kind = TEXT
    required: bool = False
    help: str = ""
    article: str = "la colonne "
    width: int = 18
    for_invoice: bool = False  # « Mission » field required when « Facture » = « À émettre »
    noun: str = ""  # the subject of messages, when article + header does not say it
    offers: frozenset[m.Offer] = ALL_OFFERS
    value_offers: tuple[tuple[StrEnum, frozenset[m.Offer]], ...] = ()
    refers_to: str = ""

    def offers_of(self, value: object) -> frozenset[m.Offer]:
        """The offers for which ``value`` may be typed in this column."""
        return next((offers for v, offers in self.value_offers if v == value), self.offers)

    def for_offer(self, offer: m.Offer) -> Column:
        """The column as a workbook of ``offer`` has it: without other offers' list values."""
        excluded = frozenset(v for v, offers in self.value_offers if offer not in offers)
        if not excluded:
            return self
        assert isinstance(self.kind, Choice), "value_offers restricts a list"
        return replace(self, kind=replace(self.kind, excluded=self.kind.excluded | excluded))

    @property
    def help_text(self) -> str:
        """What the input message of a blank workbook says about this column."""
        return self.help_in("la feuille")

    def help_in(self, sheet: str) -> str:
        """The input message, a sheet called ``sheet`` (« la feuille », or « l'onglet » in
        the grid handed to a collectivité, whose « Lisez-moi » speaks of tabs)."""
        parts = []
        if self.refers_to:
            codes = "Des codes" if isinstance(self.kind, CodeList) else "Un code"
            several = ", séparés par « ; »" if isinstance(self.kind, CodeList) else ""
            parts.append(
                f"{codes} de {sheet} « {self.refers_to} »{several} : le menu propose ceux "
                f"qui y sont saisis."
            )
        if self.help:
            parts.append(self.help)
        if self.for_invoice:
            parts.append(f"Obligatoire pour émettre la facture (« {m.InvoiceMode.A_EMETTRE} »).")
        if not self.kind.free_text and not self.refers_to:
            parts.append(f"Attendu : {self.kind.expected}.")
        if self.required:
            parts.append("Obligatoire.")
        return " ".join(parts) or "Texte libre."

    @property
    def plural(self) -> bool:
        """Whether the subject is plural (« les techniques doivent être… »)."""
        return not self.noun and self.article == "les "

    def agreed(self, singular: str, plural: str) -> str:
        """``singular`` or ``plural``, as the verb agrees with :attr:`subject`."""
        return plural if self.plural else singular

    @property
    def subject(self) -> str:
        """The column as the subject of a French sentence."""
        if self.noun:
            return self.noun
        head = self.header
        if len(head) > 1 and head[1].islower():
            head = head[0].lower() + head[1:]
        return f"{self.article}{head}" if self.article else f"« {self.header} »"


def grade_column(criterion: m.Criterion) -> Column:
    """The « Notation ROI » column of one criterion, headed by its code."""
    return Column(
        criterion.code,
        "grades",
        GRADE,
        noun=f"la note du critère « {criterion.code} »",
        width=8,
        help=f"{criterion.name} : {criterion.definition}".strip(" :") + ".",
    )


@dataclass(frozen=True)
class TableSheet:
    """A sheet holding one record per row, under a header row."""

    name: str
    attr: str  # the Engagement field it fills
    record: type
    columns: tuple[Column, ...]
    help: str
    criteria_columns: bool = False  # « Notation ROI »: one column per criterion code

    def columns_for(self, offer: m.Offer) -> tuple[Column, ...]:
        """The columns a workbook of ``offer`` has, as it has them."""
        return tuple(c.for_offer(offer) for c in self.columns if offer in c.offers)


@dataclass(frozen=True)
class FieldSheet:
    """The « Mission » sheet: one field per row, ``Champ`` | ``Valeur``."""

    name: str
    key_header: str
    value_header: str
    help_header: str  # an optional third column that blank workbooks fill with help
    fields: tuple[Column, ...]
    help: str

    def field(self, attr: str) -> Column:
        return next(f for f in self.fields if f.attr == attr)

    def fields_for(self, offer: m.Offer) -> tuple[Column, ...]:
        """The fields a workbook of ``offer`` has, as it has them."""
        return tuple(f.for_offer(offer) for f in self.fields if offer in f.offers)


@dataclass(frozen=True)
class SheetUse:
    sheet: TableSheet
    required: bool
