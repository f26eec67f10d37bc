"""The package around a deliverable's parts: same parts, same bytes.

A ``.docx`` or ``.xlsx`` is a zip archive (an OPC package). Written by
python-docx or openpyxl, every entry is stamped with the clock, and openpyxl
also dates the workbook's core properties with it; so a rebuild of unchanged
inputs gave other bytes, and nothing could tell a real change from none.
Here the archive is rewritten with fixed entry dates (the document's own
date), the entries in the order the library wrote them (which depends on the
parts only), each deflated at the default level with the same attributes.

The core properties (title, subject…) are metadata: a value they cannot hold
(Word's limit, 255 characters) is shortened with « … », never an error.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime, time
from io import BytesIO

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

# Word (and python-docx) refuse a core property longer than this.
PROPERTY_MAX = 255
# The earliest date a zip entry can hold.
ZIP_EPOCH = datetime(1980, 1, 1)
_FILE_MODE = 0o644 << 16  # rw-r--r--, whatever the umask of the machine
_UNIX = 3  # « made by » system: the same on every platform
# Where a property may be cut: any space but a no-break one (« n° 12 », « : »).
_BREAK = re.compile(r"[^\S\u00a0\u2007\u202f]")
_TRAILING = " \t\n\r,;:.-–—("


def midnight(day: date) -> datetime:
    """The instant a document dated ``day`` carries (core properties and zip entries)."""
    return datetime.combine(day, time())


def stable_package(data: bytes, when: datetime) -> bytes:
    """``data`` (a zip archive) with every entry dated ``when``, nothing else changed.

    Entry names, order and contents are kept; dates, attributes and
    compression are made the same whatever the clock, the umask or the
    platform, so that the same parts always give the same bytes.
    """
    stamp = max(when.replace(tzinfo=None), ZIP_EPOCH).timetuple()[:6]
    out = BytesIO()
    with (
        zipfile.ZipFile(BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            entry = zipfile.ZipInfo(item.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = _UNIX
            entry.external_attr = _FILE_MODE
            target.writestr(entry, source.read(item))
    return out.getvalue()


def workbook_package(book: Workbook, when: datetime) -> bytes:
    """The ``.xlsx`` bytes of ``book``, its core properties and entries dated ``when``.

    The title is shortened to what Excel's core properties hold.
    """
    properties = book.properties
    # openpyxl's Workbook.save dates « modified » with the clock: the writer is called directly.
    properties.created = properties.modified = when
    if properties.title:
        properties.title = fit_property(properties.title)
    raw = BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).write_data()
    return stable_package(raw.getvalue(), when)


def fit_property(value: str, limit: int = PROPERTY_MAX) -> str:
    """``value``, or when longer than ``limit`` characters its start cut after a word, and « … ».

    A word longer than the whole limit is cut inside. Only breaking spaces
    count as word ends (« n° 12 » and « : » keep their no-break space).
    """
    if len(value) <= limit:
        return value
    head = value[: limit - 1]  # room for « … »
    breaks = [match.start() for match in _BREAK.finditer(head)]
    # At a word end, unless that leaves less than half of the room (one very long word).
    if breaks and breaks[-1] >= limit // 2:
        head = head[: breaks[-1]]
    return head.rstrip(_TRAILING) + "…"
