"""Excel's ``_xHHHH_`` escapes (OOXML ST_Xstring, ECMA-376 part 1, 22.9.2.19).

A cell's text in an ``.xlsx`` cannot hold a control character, so Excel writes
it as ``_x`` + four hex digits + ``_``: a carriage return typed in a cell is
stored ``_x000D_``, a control character pasted from another program ``_x0001_``.
An underscore that would start such a sequence is itself escaped, ``_x005F_``:
the text « _x0041_ » typed in Excel is stored ``_x005F_x0041_``.

openpyxl 3.1 decodes none of these in cell text (shared strings, inline strings,
formula results), and in shared strings it deletes every « x005F_ »: the stored
``_x005F_x0041_`` comes back as ``_x0041_``, which can no longer be told from an
escaped « A ». So a workbook is loaded here with its shared strings exactly as
stored, and the reader decodes each text cell once with :func:`decode`; what
the decoding gives is then cleaned like any text (``clean_text``: the controls
go, a carriage return becomes a line break).

:func:`encode` is the reverse, for the workbooks amoor writes (openpyxl writes
text as it is): a literal « _x0041_ » is written so that Excel, and this
reader, read it back as typed.
"""

from __future__ import annotations

import re
from io import BytesIO
from typing import IO, Any

from openpyxl.cell.text import Text
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils.escape import unescape
from openpyxl.workbook.workbook import Workbook
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

_STRING_ITEM = f"{{{SHEET_MAIN_NS}}}si"
_SURROGATE = re.compile("[\ud800-\udfff]")
# An underscore Excel would read as the start of an escape.
_ESCAPE_START = re.compile("_(?=x[0-9A-Fa-f]{4}_)")


def load_workbook(data: bytes) -> Workbook:
    """The workbook's cached values (``data_only``), text cells as stored (undecoded)."""
    reader = _StoredStringsReader(
        BytesIO(data), read_only=False, keep_vba=False, data_only=True, keep_links=False
    )
    reader.read()
    workbook: Workbook = reader.wb
    return workbook


def decode(value: str) -> str:
    """The text an ST_Xstring holds: each ``_xHHHH_`` read left to right, once."""
    if "_x" not in value:
        return value
    value = unescape(value)
    if _SURROGATE.search(value):
        # A character beyond U+FFFF escaped as two UTF-16 halves: join them (a half
        # alone stays, and clean_text removes it).
        value = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    return value


def encode(value: str) -> str:
    """``value`` as an ST_Xstring, for openpyxl to write: ``decode(encode(v)) == v``.

    The text written by amoor is clean (no control character), so only an
    underscore that would start an escape needs one.
    """
    return _ESCAPE_START.sub("_x005F_", value)


class _StoredStringsReader(ExcelReader):  # type: ignore[misc]  # openpyxl ships no types
    """openpyxl's reader, but the shared strings are kept as the file stores them."""

    def read_strings(self) -> None:
        part = self.package.find(SHARED_STRINGS)
        if part is not None:
            with self.archive.open(part.PartName[1:]) as source:
                self.shared_strings = _string_table(source)


def _string_table(source: IO[bytes]) -> list[str]:
    """Each ``<si>``'s text (its runs joined, phonetic guides left out), undecoded."""
    strings: list[str] = []
    for _, node in iterparse(source):
        if node.tag == _STRING_ITEM:
            item: Any = Text.from_tree(node)
            strings.append(item.content)
            node.clear()
    return strings
