"""Load a workbook's bytes: its cached values, and the formulas the file stores without one.

openpyxl gives the values; the formulas without a result are only told by the
sheets' XML, which :func:`load_book` reads beside it. Damaged or non-standard
files become a :class:`~pipeline.errors.NotAWorkbookError` in French.
"""

from __future__ import annotations

import logging
import re
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from io import BytesIO
from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml import ElementTree
from openpyxl.utils import coordinate_to_tuple
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook

from pipeline.errors import NotAWorkbookError
from pipeline.workbook import xstring
from pipeline.workbook.sniff import truncated_message

log = logging.getLogger(__name__)

_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


@dataclass
class Book:
    """The cached values of a workbook, with the formulas that have none."""

    values: Workbook
    uncached: dict[str, dict[tuple[int, int], str]]  # sheet -> (row, col) -> formula


def load_book(data: bytes, name: str) -> Book:
    try:
        with warnings.catch_warnings():
            # openpyxl warns about features it drops when *writing* (extensions,
            # default styles); reading is unaffected.
            warnings.simplefilter("ignore", UserWarning)
            values = xstring.load_workbook(data)  # text as stored: decoded in stored_values
        uncached = _uncached_formulas(data)
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ParseError, OSError) as exc:
        log.debug("cannot load %s: %r", name, exc)
        raise NotAWorkbookError(truncated_message(name)) from exc
    except (ValueError, TypeError, InvalidFileException) as exc:
        log.debug("openpyxl cannot load %s: %r", name, exc)
        raise NotAWorkbookError(
            f"Le classeur « {name} » n'a pas pu être lu : sa structure interne n'est pas "
            f"celle d'un classeur .xlsx standard. Ouvrez-le dans Excel ou LibreOffice Calc, "
            f"enregistrez-le au format « Classeur Excel (.xlsx) », puis déposez-le à nouveau."
        ) from exc
    return Book(values, uncached)


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _uncached_formulas(data: bytes) -> dict[str, dict[tuple[int, int], str]]:
    """Per sheet name, the formulas the file stores without a result (``<f>``, no ``<v>``).

    Only the XML tells: openpyxl reads an empty text result (a formula that
    returns "", saved by a spreadsheet) and no result at all both as None.
    """
    found: dict[str, dict[tuple[int, int], str]] = {}
    with zipfile.ZipFile(BytesIO(data)) as archive:
        sheets = _sheet_parts(archive)
        for sheet_name, part in sheets.items():
            raw = archive.read(part)
            if not _FORMULA_TAG.search(raw):
                continue  # most sheets hold no formula: skip the parse
            cells: dict[tuple[int, int], str] = {}
            for _, element in ElementTree.iterparse(BytesIO(raw)):
                if element.tag == f"{_MAIN}c":
                    formula = element.find(f"{_MAIN}f")
                    if formula is not None and not _has_result(element):
                        text = formula.text or "(formule partagée)"
                        cells[coordinate_to_tuple(element.get("r", "A1"))] = "=" + text
                    element.clear()
            if cells:
                found[sheet_name] = cells
    return found


def _has_result(cell: Any) -> bool:
    """Whether a formula cell carries its last result.

    A spreadsheet writes a text result as ``t="str"`` and an empty text as an
    empty ``<v></v>``; a program that never computed the formula (openpyxl)
    writes no ``<v>`` or an empty one on a number cell.
    """
    value = cell.find(f"{_MAIN}v")
    if value is None:
        return False
    return bool((value.text or "").strip()) or cell.get("t") in ("str", "inlineStr", "s")


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the zip member holding it, from workbook.xml and its relationships."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {
        rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_PACKAGE_REL}Relationship")
    }
    parts: dict[str, str] = {}
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        if member in archive.namelist():
            parts[sheet.get("name", "")] = member
    return parts
