"""Kinds of cell values: how a cell is read, written, described, and offered in Excel.

A kind knows five things about a column, so that no column is described
twice: how to turn what a spreadsheet stores into a domain value (``parse``),
how to write a domain value back into a cell that ``parse`` reads as the same
value (``cell_value``), how to say in French what it expects (``expected``),
and how a blank workbook helps the consultant type it (``choices``, ``only_choices``,
``number_format``, ``whole_range``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, ClassVar

from openpyxl.utils.datetime import from_excel

from pipeline.formats import semicolons, short_date
from pipeline.identifiers import luhn_ok
from pipeline.model import GRADE_LABELS, Grade
from pipeline.text import clean_text, fold

CENT = Decimal("0.01")
MONEY_FORMAT = '#,##0.00\\ "€"'
# Under a billion euros: far above any engagement, and within what amounts are computed
# and printed with (28 significant digits: a larger amount failed, with no cell named).
MONEY_MAX = Decimal("999999999.99")
DATE_FORMAT = "DD/MM/YYYY"


class CellValueError(ValueError):
    """Raised by ``Kind.parse``; the reader turns it into a located Problem."""


def as_text(raw: Any) -> str:
    """What a person sees in the cell, as text (numbers without a spurious .0)."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "VRAI" if raw else "FAUX"
    if isinstance(raw, float):
        # As a French reader writes it: 1,5 (no spurious « .0 » on whole numbers).
        return str(int(raw)) if raw.is_integer() else repr(raw).replace(".", ",")  # all digits
    if isinstance(raw, datetime):
        clock = "" if raw.time() == time() else f" {raw:%H:%M}"
        return short_date(raw) + clock
    if isinstance(raw, date):
        return short_date(raw)
    return clean_text(str(raw))


@dataclass(frozen=True)
class Kind:
    """Base: a free text."""

    number_format: ClassVar[str | None] = None

    def parse(self, raw: Any) -> Any:
        return as_text(raw)

    def cell_value(self, value: Any) -> Any:
        """What a cell holds for ``value`` (a text, number or date), None for nothing."""
        return value if value not in ("", ()) else None

    @property
    def expected(self) -> str:
        return "un texte"

    @property
    def free_text(self) -> bool:
        """Anything typed is accepted: no hint to give, no value to check."""
        return False

    @property
    def choices(self) -> tuple[str, ...]:
        """Values offered in a dropdown; empty when free input."""
        return ()

    @property
    def only_choices(self) -> bool:
        """Whether the dropdown's values are the only ones accepted (else: other forms too)."""
        return True

    @property
    def whole_range(self) -> tuple[int, int] | None:
        return None


@dataclass(frozen=True)
class Text(Kind):
    max_length: int | None = None
    pattern: str | None = None
    pattern_text: str = ""

    def parse(self, raw: Any) -> str:
        text = as_text(raw)
        if self.pattern and not re.fullmatch(self.pattern, text):
            raise CellValueError(self.expected)
        if self.max_length is not None and len(text) > self.max_length:
            raise CellValueError(self.expected)
        return text

    @property
    def free_text(self) -> bool:
        return self.pattern is None and self.max_length is None

    @property
    def expected(self) -> str:
        if self.pattern_text:
            return self.pattern_text
        if self.max_length is not None:
            return f"un texte de {self.max_length} caractères au plus"
        return "un texte"


CODE = Text(
    max_length=20,
    pattern=r"[A-Za-z0-9_-]+",
    pattern_text="un code de 20 caractères au plus, fait de lettres sans accent, "
    "de chiffres, de « - » ou de « _ », par exemple 2026-014 ou S1",
)


@dataclass(frozen=True)
class Choice(Kind):
    """One value of a list, matched ignoring case, accents and spaces.

    ``excluded`` leaves out members that exist for other offers only (the
    « Étape » of a Stratégie globale has no « Arrêtée avant l'atelier »).
    """

    values: type[StrEnum]
    excluded: frozenset[StrEnum] = frozenset()

    @property
    def members(self) -> tuple[StrEnum, ...]:
        return tuple(m for m in self.values if m not in self.excluded)

    def parse(self, raw: Any) -> StrEnum:
        key = fold(as_text(raw))
        for member in self.members:
            if fold(member.value) == key:
                return member
        raise CellValueError(self.expected)

    def cell_value(self, value: Any) -> Any:
        return None if value is None else str(value.value)

    @property
    def expected(self) -> str:
        return "l'une des valeurs " + _quoted(m.value for m in self.members)

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(m.value for m in self.members)


@dataclass(frozen=True)
class MultiChoice(Kind):
    """Several values of a list separated by « ; »."""

    values: type[StrEnum]

    def parse(self, raw: Any) -> tuple[StrEnum, ...]:
        single = Choice(self.values)
        found: list[StrEnum] = []
        for part in re.split(r"[;\n]", as_text(raw)):
            if part.strip():
                try:
                    member = single.parse(part)
                except CellValueError:
                    raise CellValueError(self.expected) from None
                if member not in found:
                    found.append(member)
        return tuple(found)

    def cell_value(self, value: Any) -> Any:
        return semicolons(str(member.value) for member in value) or None

    @property
    def expected(self) -> str:
        return "une ou plusieurs valeurs séparées par « ; » parmi " + _quoted(
            m.value for m in self.values
        )


@dataclass(frozen=True)
class CodeList(Kind):
    """Codes separated by « ; » (references to another sheet)."""

    def parse(self, raw: Any) -> tuple[str, ...]:
        parts = [p.strip() for p in re.split(r"[;,\n]", as_text(raw))]
        codes = tuple(dict.fromkeys(p for p in parts if p))
        for code in codes:
            CODE.parse(code)
        return codes

    def cell_value(self, value: Any) -> Any:
        return semicolons(value) or None

    @property
    def expected(self) -> str:
        return "des codes séparés par « ; », par exemple P1\u202f; P3"


_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']+")


def parse_decimal(raw: Any) -> Decimal:
    """A number as stored by a spreadsheet or typed the French way."""
    if isinstance(raw, bool):
        raise CellValueError("un nombre")
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        # repr() gives the shortest decimal that round-trips: 0.1 -> "0.1".
        return Decimal(repr(raw))
    if isinstance(raw, Decimal):
        return raw
    text = _SPACES.sub("", as_text(raw))
    text = re.sub(r"(€|EUR|euros?)$", "", text, flags=re.IGNORECASE)
    if re.fullmatch(r"[-+]?\d{1,3}(\.\d{3})+", text):
        # « 5.000 »: five thousand for some, five for others. Ask rather than guess.
        raise CellValueError("un nombre")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    if not re.fullmatch(r"[-+]?\d+(\.\d+)?", text):
        raise CellValueError("un nombre")
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the regex already rules this out
        raise CellValueError("un nombre") from None


@dataclass(frozen=True)
class Number(Kind):
    minimum: Decimal = Decimal(0)

    def parse(self, raw: Any) -> Decimal:
        try:
            value = parse_decimal(raw)
        except CellValueError:
            raise CellValueError(self.expected) from None
        if value < self.minimum:
            raise CellValueError(self.expected)
        return value

    @property
    def expected(self) -> str:
        return f"un nombre supérieur ou égal à {self.minimum}, par exemple 2 ou 1,5"


@dataclass(frozen=True)
class Money(Kind):
    number_format: ClassVar[str | None] = MONEY_FORMAT

    def parse(self, raw: Any) -> Decimal:
        try:
            value = parse_decimal(raw)
        except CellValueError:
            raise CellValueError(self.expected) from None
        if value < 0:
            raise CellValueError(self.expected)
        if value > MONEY_MAX:
            raise CellValueError("un montant de moins d'un milliard d'euros")
        cents = value.quantize(CENT)
        # A float from a formula may carry binary noise (333.33000000000004): that
        # is a cent amount. A typed third decimal is not: ask.
        noise = isinstance(raw, float) and abs(value - cents) < Decimal("0.000001")
        if value != cents and not noise:
            raise CellValueError(
                "un montant au centime près (deux décimales au plus), par exemple 333,33"
            )
        return cents

    @property
    def expected(self) -> str:
        return "un montant positif en euros, par exemple 5 000 ou 5 000,50"


@dataclass(frozen=True)
class Integer(Kind):
    minimum: int = 0
    maximum: int | None = None

    def parse(self, raw: Any) -> int:
        try:
            value = parse_decimal(raw)
        except CellValueError:
            raise CellValueError(self.expected) from None
        if value != value.to_integral_value():
            raise CellValueError(self.expected)
        number = int(value)
        if number < self.minimum or (self.maximum is not None and number > self.maximum):
            raise CellValueError(self.expected)
        return number

    @property
    def expected(self) -> str:
        if self.maximum is None:
            return f"un nombre entier supérieur ou égal à {self.minimum}"
        return f"un entier de {self.minimum} à {self.maximum}"

    @property
    def whole_range(self) -> tuple[int, int] | None:
        return (self.minimum, self.maximum if self.maximum is not None else 10**6)


SERIAL_2000 = 36526  # 1 January 2000 as an Excel serial
SERIAL_2100 = 73051  # 1 January 2100
_DATE_FORMS = ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y", "%d.%m.%Y", "%d-%m-%Y")


@dataclass(frozen=True)
class Date(Kind):
    number_format: ClassVar[str | None] = DATE_FORMAT

    def parse(self, raw: Any) -> date:
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, date):
            return raw
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            # An Excel serial day number in a cell without a date format; only
            # this century's, so that « 2026 » or « 14 » is not taken for a date.
            if SERIAL_2000 <= raw < SERIAL_2100:
                value = from_excel(raw)
                return value.date() if isinstance(value, datetime) else value
            raise CellValueError(self.expected)
        text = as_text(raw)
        for form in _DATE_FORMS:
            try:
                return datetime.strptime(text, form).date()
            except ValueError:
                continue
        raise CellValueError(self.expected)

    @property
    def expected(self) -> str:
        return "une date qui existe, au format JJ/MM/AAAA, par exemple 25/11/2026"


@dataclass(frozen=True)
class GradeKind(Kind):
    """A R.O.I. citoyen grade: 0–4 or its label."""

    def parse(self, raw: Any) -> Grade:
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            if float(raw).is_integer() and 0 <= raw <= 4:
                return Grade(int(raw))
            raise CellValueError(self.expected)
        key = fold(as_text(raw))
        for grade, label in GRADE_LABELS.items():
            if key in (fold(label), str(int(grade))):
                return grade
        raise CellValueError(self.expected)

    def cell_value(self, value: Any) -> Any:
        return None if value is None else Grade(value).label

    @property
    def expected(self) -> str:
        return (
            "un nombre entier de 0 (À rejeter) à 4 (Très bien), ou l'une des mentions "
            + _quoted(GRADE_LABELS.values())
        )

    @property
    def choices(self) -> tuple[str, ...]:
        """The five labels: a number from 0 to 4 is typed, not picked."""
        return tuple(GRADE_LABELS.values())

    @property
    def only_choices(self) -> bool:
        return False


@dataclass(frozen=True)
class Digits(Kind):
    """A fixed number of digits (code postal); Excel may have dropped a leading zero."""

    length: int = 5
    description: str = "un code postal de 5 chiffres"

    def parse(self, raw: Any) -> str:
        text = re.sub(r"\s", "", as_text(raw))
        if isinstance(raw, int | float) and text.isdigit() and len(text) < self.length:
            text = text.zfill(self.length)
        if not (text.isdigit() and len(text) == self.length):
            raise CellValueError(self.expected)
        return text

    @property
    def expected(self) -> str:
        return self.description


@dataclass(frozen=True)
class Siret(Kind):
    def parse(self, raw: Any) -> str:
        text = re.sub(r"[\s.\u00a0\u202f]", "", as_text(raw))
        if not (text.isdigit() and len(text) == 14):
            raise CellValueError(self.expected)
        if not luhn_ok(text):
            raise CellValueError(
                "un numéro de 14 chiffres dont la clé de contrôle est juste ; vérifiez-le "
                "sur l'avis de situation SIRENE ou dans Chorus Pro"
            )
        return text

    @property
    def expected(self) -> str:
        return "un SIRET de 14 chiffres"


def _quoted(values: Any) -> str:
    return ", ".join(f"« {v} »" for v in values)
