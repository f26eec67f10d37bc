"""The kind of the « Part » column of « Échéancier »: a percentage or an amount HT.

A cell formatted as a percentage holds 0.3 for « 30 % »; a text says « 30 % »
or « 3 000 »; a bare number is an amount in euros. A bare number below 1
without the % format is refused: 0,3 € or 30 %? The reader cannot tell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from pipeline.model import Share
from pipeline.workbook.kinds import CellValueError, Kind, Money, as_text, parse_decimal

HUNDRED = Decimal(100)
_PERCENT_TEXT = re.compile(r"^(.*?)\s*%$")


@dataclass(frozen=True)
class ShareKind(Kind):
    """Percent or amount; ``parse_formatted`` knows whether the cell has the % format."""

    number_format: ClassVar[str | None] = None  # either form is welcome: no format imposed

    def parse(self, raw: Any) -> Share:
        return self.parse_formatted(raw, percent_format=False)

    def parse_formatted(self, raw: Any, *, percent_format: bool) -> Share:
        if isinstance(raw, str):
            text = as_text(raw).replace("\u00a0", " ").replace("\u202f", " ")
            match = _PERCENT_TEXT.match(text)
            if match:
                return self._percent(self._number(match.group(1)))
            return self._amount(self._number(text), raw)
        value = self._number(raw)
        if percent_format:
            return self._percent(value * HUNDRED)
        return self._amount(value, raw)

    def _number(self, raw: Any) -> Decimal:
        try:
            return parse_decimal(raw)
        except CellValueError:
            raise CellValueError(self.expected) from None

    def _percent(self, value: Decimal) -> Share:
        if not 0 < value <= HUNDRED:
            raise CellValueError("un pourcentage entre 0 et 100 %, par exemple 30 %")
        return Share(value, percent=True)

    def _amount(self, value: Decimal, raw: Any) -> Share:
        if 0 < value < 1:
            raise CellValueError(
                "un pourcentage (« 30 % », ou une cellule au format pourcentage) ou un montant "
                "HT (« 3 000 ») : un nombre inférieur à 1 sans le format pourcentage est ambigu "
                "(0,3 € ou 30 % ?)"
            )
        if value <= 0:
            raise CellValueError(self.expected)
        return Share(Money().parse(raw if not isinstance(raw, str) else value), percent=False)

    def cell_value(self, value: Any) -> Any:
        if not isinstance(value, Share):
            return None
        if value.percent:
            return f"{format(value.value.normalize(), 'f').replace('.', ',')} %"
        return value.value

    @property
    def expected(self) -> str:
        return "un pourcentage du total HT (« 30 % ») ou un montant HT (« 3 000 »)"
