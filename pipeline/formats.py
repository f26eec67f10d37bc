"""French formats, through Babel (CLDR data, not hand-made rules), for every layer:
documents, messages, the terminal and the accountant's CSV."""

from __future__ import annotations

import re
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


_ARTICLE = re.compile(r"(Les|Le) (?=\S)")


def of(name: str) -> str:
    """« de Conseil », « d'amoor »: the preposition elided before a vowel or a mute h, and
    contracted with a name's own article (« des Ateliers du Val », « du Mans »: French never
    writes « de Les » nor « de Le »; « de La Rochelle » and « de L'Isle » stay)."""
    article = _ARTICLE.match(name)
    if article:
        return ("des " if article.group(1) == "Les" else "du ") + name[article.end() :]
    first = name[:1].lower()
    return f"d'{name}" if first and first in "aeiouyhàâéèêëîïôûù" else f"de {name}"


def to(name: str) -> str:
    """« à Brume & Associés », contracted with a name's own article: « aux Ateliers du Val »,
    « au Cabinet Morel » (French never writes « à Les » nor « à Le »)."""
    article = _ARTICLE.match(name)
    if article:
        return ("aux " if article.group(1) == "Les" else "au ") + name[article.end() :]
    return f"à {name}"


def semicolons(items: Iterable[str]) -> str:
    """« a ; b ; c »: a list whose items hold commas, joined the French way (a narrow
    no-break space before « ; », as french_spacing puts it), so that a spreadsheet cell,
    which no spacing pass reaches, reads as the Word documents do."""
    return "\u202f; ".join(i for i in items if i)


_INNER_OPEN = re.compile("«[ \u00a0\u202f]*")
_INNER_CLOSE = re.compile("[ \u00a0\u202f]*»")


def quoted(text: str) -> str:
    """« text »: a title or a saying quoted in French. Guillemets typed inside become “ ”
    (French typography's inner quotes: « Permanences “La Com’com’ vient à vous” », never
    « … « … » »), and a text typed already quoted whole is not quoted again."""
    text = " ".join(text.split())
    if text.startswith("«") and text.endswith("»") and text.count("«") == text.count("»") == 1:
        return text
    inner = _INNER_CLOSE.sub("”", _INNER_OPEN.sub("“", text))
    return f"« {inner} »"


def aside(text: str, note: str) -> str:
    """« text (note) », or « text, note » when either already holds a parenthesis: French
    does not nest brackets (« Romain Lefébure, Brume & Associés (fictif) », not
    « Romain Lefébure (Brume & Associés (fictif)) »)."""
    if not note:
        return text
    if not text:
        return note
    nested = "(" in note or ")" in note or text.rstrip().endswith(")")
    return f"{text}, {note}" if nested else f"{text} ({note})"
