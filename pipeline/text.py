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


def french_spacing(value: str) -> str:
    """French typography: the spaces around « : ; ! ? » and guillemets never break.

    Only spaces already typed are made unbreakable (a colon in « 10:30 » or a
    web address is left alone): no-break space before « : », after « « » and
    before « » »; narrow no-break space before « ; ! ? » and « % ».
    """
    value = _BEFORE_COLON.sub("\u00a0\\1", value)
    value = _BEFORE_PUNCT.sub("\u202f\\1", value)
    value = value.replace("« ", "«\u00a0").replace(" »", "\u00a0»")
    return _PERCENT.sub("\\1\u202f%", value)
