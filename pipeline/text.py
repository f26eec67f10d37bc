"""Text hygiene shared by reading and rendering.

Cells may hold characters that XML 1.0 forbids (pasted from a PDF or another
program); Word refuses a document that contains them, so they are removed.
Line breaks are kept and normalised to ``\\n``.
"""

from __future__ import annotations

import re

# XML 1.0 allows TAB, LF and CR among the C0 controls; everything else goes.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
# Excel escapes a carriage return it cannot store as "_x000D_".
_EXCEL_CR = re.compile(r"_x000[dD]_")


def clean_text(value: str) -> str:
    """Strip, drop XML-illegal characters, normalise line breaks to ``\\n``."""
    value = _EXCEL_CR.sub("", value)
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _ILLEGAL.sub("", value)
    lines = [line.rstrip() for line in value.split("\n")]
    return "\n".join(lines).strip()


_BEFORE_COLON = re.compile(r" (:)")
_BEFORE_PUNCT = re.compile(r" ([;!?])")
_PERCENT = re.compile(r"(\d) %")
_GUILLEMET_OPEN = re.compile("«[ \u00a0\u202f]*")
_GUILLEMET_CLOSE = re.compile("[ \u00a0\u202f]*»")
_EURO = re.compile(r"(\d) €")
_NUMERO = re.compile(r"\b([nN]°) (?=\w)")
# « 31 000 habitants » typed with plain spaces: a figure never breaks across lines. One to
# three digits, then groups of three (« 2026 100 » is not a number with a separator).
_THOUSANDS = re.compile(r"(?<![\d,.])(\d{1,3})((?: \d{3})+)(?![\d,])")
# A typewriter apostrophe between two letters (« l'atelier », « aujourd'hui »).
_APOSTROPHE = re.compile(r"(?<=[^\W\d_])'(?=[^\W\d_])")


_WORD = re.compile(r"\S+")


def _typographic_apostrophe(word: re.Match[str]) -> str:
    text = word.group()
    return text if "@" in text else _APOSTROPHE.sub("\u2019", text)  # e-mails as typed


def french_spacing(value: str) -> str:
    """French typography: the spaces around « : ; ! ? » and guillemets never break,
    and the apostrophe is the typographic one.

    Only spaces already typed are made unbreakable (a colon in « 10:30 » or a web
    address is left alone): no-break space before « : », inside « » (added when
    missing) and before « € » after a figure; narrow no-break space before « ; ! ? »
    and « % », and between the groups of a figure typed « 31 000 »; no-break space after
    « n° ». A ' between two letters becomes ’, except in an e-mail address.
    """
    value = _BEFORE_COLON.sub("\u00a0\\1", value)
    value = _BEFORE_PUNCT.sub("\u202f\\1", value)
    value = _GUILLEMET_OPEN.sub("«\u00a0", value)
    value = _GUILLEMET_CLOSE.sub("\u00a0»", value)
    value = _EURO.sub("\\1\u00a0€", value)
    value = _NUMERO.sub("\\1\u00a0", value)
    value = _THOUSANDS.sub(lambda n: n.group(1) + n.group(2).replace(" ", "\u202f"), value)
    value = _WORD.sub(_typographic_apostrophe, value)
    return _PERCENT.sub("\\1\u202f%", value)
