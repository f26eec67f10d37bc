"""Text hygiene shared by reading and rendering.

Cells may hold characters that XML 1.0 forbids (pasted from a PDF or another
program); Word refuses a document that contains them, so they are removed.
Line breaks are kept and normalised to ``\\n``. Excel's ``_xHHHH_`` escapes are
decoded once, when a workbook is read (pipeline/workbook/xstring.py), never here:
a text that reads « _x0041_ » once decoded must stay so in every document.

Bidirectional controls (UAX #9). In a document, a value is balanced: an
embedding or override (U+202A, U+202B, U+202D, U+202E) or an isolate (U+2066 to
U+2068) left open by a cell is closed at the end of its line, and a closer
(U+202C, U+2069) that closes nothing is dropped. A right-to-left name pasted with
its controls keeps its order, but one stray U+202E in a stakeholder's name can
no longer reverse the rest of the Word paragraph it is placed in (« … », the
table cell's other text). The marks U+200E, U+200F and U+061C are kept: they
open nothing and only settle the direction of the characters next to them.
A file or folder name holds none of them (:func:`name_text`): there, they would
disguise a name (« Facture<U+202E>xcod.exe » shows as « Factureexe.docx »), and
nobody needs them.
"""

from __future__ import annotations

import re
import unicodedata

# XML 1.0 allows TAB, LF and CR among the C0 controls; everything else goes.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")

_EMBEDDING_OPENERS = frozenset("\u202a\u202b\u202d\u202e")  # LRE, RLE, LRO, RLO
_POP_DIRECTIONAL_FORMATTING = "\u202c"  # PDF
_ISOLATE_OPENERS = frozenset("\u2066\u2067\u2068")  # LRI, RLI, FSI
_POP_DIRECTIONAL_ISOLATE = "\u2069"  # PDI
_EXPLICIT = re.compile("[\u202a-\u202e\u2066-\u2069]")
_ASCII_CONTROL = re.compile("[\x00-\x1f\x7f]")


def clean_text(value: str) -> str:
    """Strip, drop XML-illegal characters, normalise line breaks to ``\\n``, and close
    the bidirectional embeddings, overrides and isolates each line leaves open."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _ILLEGAL.sub("", value)
    lines = value.split("\n")
    if _EXPLICIT.search(value):
        lines = [_balanced(line.rstrip()) for line in lines]
    return "\n".join(line.rstrip() for line in lines).strip()


def _balanced(line: str) -> str:
    """``line`` with every explicit directional run closed where it ends (UAX #9, X1–X8):
    a PDI closes its isolate and the embeddings opened inside it; a PDF closes an
    embedding only within the current isolate. Linear in the length of the line."""
    out: list[str] = []
    stack: list[bool] = []  # True: an isolate, False: an embedding or override
    isolates = 0
    for char in line:
        if char in _EMBEDDING_OPENERS:
            stack.append(False)
        elif char in _ISOLATE_OPENERS:
            stack.append(True)
            isolates += 1
        elif char == _POP_DIRECTIONAL_FORMATTING:
            if not stack or stack[-1]:
                continue  # closes nothing: dropped
            stack.pop()
        elif char == _POP_DIRECTIONAL_ISOLATE:
            if not isolates:
                continue
            while not stack.pop():
                out.append(_POP_DIRECTIONAL_FORMATTING)
            isolates -= 1
        out.append(char)
    out.extend(
        _POP_DIRECTIONAL_ISOLATE if isolate else _POP_DIRECTIONAL_FORMATTING
        for isolate in reversed(stack)
    )
    return "".join(out)


def name_text(value: str) -> str:
    """``value`` fit to name a file or folder: no control character and no invisible
    formatting character (Unicode category Cf: bidirectional controls and marks,
    zero-width spaces and joiners, soft hyphens), each run of whitespace one space."""
    value = " ".join(value.split())  # tabs and line breaks (controls too) become spaces
    if _ASCII_CONTROL.search(value) or not value.isascii():
        value = "".join(c for c in value if unicodedata.category(c) not in ("Cc", "Cf"))
        value = " ".join(value.split())
    return value


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
    # Each rule runs only on a text holding its character: a long text costs a scan.
    value = _BEFORE_COLON.sub("\u00a0\\1", value)
    value = _BEFORE_PUNCT.sub("\u202f\\1", value)
    value = _GUILLEMET_OPEN.sub("«\u00a0", value) if "«" in value else value
    value = _GUILLEMET_CLOSE.sub("\u00a0»", value) if "»" in value else value
    value = _EURO.sub("\\1\u00a0€", value) if "€" in value else value
    value = _NUMERO.sub("\\1\u00a0", value) if "°" in value else value
    if " " in value:
        value = _THOUSANDS.sub(lambda n: n.group(1) + n.group(2).replace(" ", "\u202f"), value)
    value = _WORD.sub(_typographic_apostrophe, value) if "'" in value else value
    return _PERCENT.sub("\\1\u202f%", value) if "%" in value else value


class _Combining(dict[int, int | None]):
    """``str.translate`` table dropping combining marks, filled as characters come:
    one ``unicodedata`` call per distinct character, not per character."""

    def __missing__(self, codepoint: int) -> int | None:
        kept = None if unicodedata.combining(chr(codepoint)) else codepoint
        self[codepoint] = kept
        return kept


_NO_COMBINING = _Combining()
_FOLDED_AWAY = re.compile(r"[\s\-_]+")


def fold(text: str) -> str:
    """Key for matching what people type: no case, accents, spaces or hyphens."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    bare = decomposed if decomposed.isascii() else decomposed.translate(_NO_COMBINING)
    return _FOLDED_AWAY.sub("", bare).casefold()
