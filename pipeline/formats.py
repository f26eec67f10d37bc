"""French formats, through Babel (CLDR data, not hand-made rules), for every layer:
documents, messages, the terminal and the accountant's CSV."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Literal

from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_currency, format_decimal, format_percent

LOCALE = "fr_FR"


def money(value: Decimal | None) -> str:
    """« 5 000,00 € » (Babel's French grouping uses a narrow no-break space)."""
    return "" if value is None else str(format_currency(value, "EUR", locale=LOCALE))


def short_date(value: date | None) -> str:
    """« 25/11/2026 », as a spreadsheet shows it."""
    return "" if value is None else str(format_date(value, format="dd/MM/yyyy", locale=LOCALE))


def decimal(value: float | Decimal | None, places: int = 2, grouped: bool = True) -> str:
    """« 3,24 »; ``grouped=False`` for a spreadsheet that must read it as a number."""
    if value is None:
        return ""
    pattern = ("#,##0." if grouped else "0.") + "0" * places if places else "#,##0"
    return str(format_decimal(value, format=pattern, locale=LOCALE))


def long_date(value: date | None) -> str:
    """« 25 novembre 2026 », and « 1er décembre 2026 » as French writes the first day
    (CLDR, so Babel, writes « 1 décembre »)."""
    if value is None:
        return ""
    text = str(format_date(value, format="long", locale=LOCALE))
    return "1er" + text[1:] if value.day == 1 and text.startswith("1 ") else text


def number(value: int | Decimal | None) -> str:
    return "" if value is None else str(format_decimal(value, locale=LOCALE))


def percent(share: float) -> str:
    """« 25 % » (a no-break space before the sign), from a share between 0 and 1."""
    return str(format_percent(share, locale=LOCALE))


def enumeration(items: Iterable[str], last: str = "et") -> str:
    """« a, b et c »; ``last="ou"`` gives « a, b ou c »."""
    values = [i for i in items if i]
    style: Literal["standard", "or"] = "standard" if last == "et" else "or"
    return str(format_list(values, style=style, locale=LOCALE)) if values else ""


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """« 1 partie prenante », « 34 parties prenantes »."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{number(count)} {word}"


def of(name: str) -> str:
    """« de Conseil », « d'amoor »: the preposition elided before a vowel or a mute h."""
    first = name[:1].lower()
    return f"d'{name}" if first and first in "aeiouyhàâéèêëîïôûù" else f"de {name}"
