"""The package around a deliverable's parts: same parts, same bytes.

A ``.docx`` or ``.xlsx`` is a zip archive (an OPC package). Written by
python-docx or openpyxl, every entry is stamped with the clock, and openpyxl
also dates the workbook's core properties with it; so a rebuild of unchanged
inputs gave other bytes, and nothing could tell a real change from none.
Here the archive is rewritten with fixed entry dates (the document's own
date), the entries in the order the library wrote them (which depends on the
parts only), each deflated at the default level with the same attributes.

An entry whose bytes are already known (a part of a prepared template, see
prepared.py) is copied as stored, its compressed bytes as they are: the
same entry, without inflating and deflating it again. A picture added by a
render (a chart: PNG, already compressed) is stored as it is, not deflated.

The core properties (title, subject…) are metadata: a value they cannot hold
(Word's limit, 255 characters) is shortened with « … », never an error.
"""

from __future__ import annotations

import copy
import re
import struct
import zipfile
import zlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

# Word (and python-docx) refuse a core property longer than this.
PROPERTY_MAX = 255
# The earliest date a zip entry can hold.
ZIP_EPOCH = datetime(1980, 1, 1)
_FILE_MODE = 0o644 << 16  # rw-r--r--, whatever the umask of the machine
_UNIX = 3  # « made by » system: the same on every platform
_LOCAL_HEADER = b"PK\x03\x04"  # a local file header's signature (APPNOTE 4.3.7)
_ENCRYPTED = 0x1  # general purpose flag bit 0
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
    out = BytesIO()
    with (
        zipfile.ZipFile(BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            target.writestr(stable_entry(item.filename, when), source.read(item))
    return out.getvalue()


def stable_entry(name: str, when: datetime, *, compressed: bool = False) -> zipfile.ZipInfo:
    """The zip entry ``name`` as every package amoor writes has it: dated ``when``,
    deflated at the default level, ``rw-r--r--``, made on « Unix ».

    ``compressed``: the content is already compressed (a PNG or JPEG picture),
    kept as it is (``ZIP_STORED``): deflating it again would cost more time than
    it saves bytes.
    """
    stamp = max(when.replace(tzinfo=None), ZIP_EPOCH).timetuple()[:6]
    entry = zipfile.ZipInfo(name, date_time=stamp)
    entry.compress_type = zipfile.ZIP_STORED if compressed else zipfile.ZIP_DEFLATED
    entry.create_system = _UNIX
    entry.external_attr = _FILE_MODE
    return entry


def with_parts(data: bytes, changed: Mapping[str, bytes], left_out: Collection[str] = ()) -> bytes:
    """``data`` (a zip archive) with the entries of ``changed`` given new contents and
    those of ``left_out`` removed; every other entry, the order, dates and compression
    kept as they were (a rendered document touched after docxtpl: its table of
    contents, its tall blocks, its logo)."""
    target = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as source, zipfile.ZipFile(target, "w") as rewritten:
        for info in source.infolist():
            if info.filename in left_out:
                continue
            content = changed.get(info.filename)
            # writing changes the ZipInfo: a copy is written
            rewritten.writestr(copy.copy(info), source.read(info) if content is None else content)
    return target.getvalue()


@dataclass(frozen=True)
class Stored:
    """One entry's content, deflated, as a zip archive stores it."""

    deflated: bytes  # the raw deflate stream
    crc: int  # CRC-32 of the content
    size: int  # length of the content


def stored_entries(data: bytes) -> dict[str, Stored]:
    """Every entry of the zip archive ``data``, by name, as stored.

    A deflated entry keeps its compressed bytes as they are in ``data``; any
    other (stored, or another method) is deflated here, once, at the default
    level. ``data`` is not checked: read its entries first (python-docx does).
    """
    entries = {}
    with zipfile.ZipFile(BytesIO(data)) as archive:
        for info in archive.infolist():
            if info.compress_type == zipfile.ZIP_DEFLATED and not info.flag_bits & _ENCRYPTED:
                start = info.header_offset
                if data[start : start + 4] != _LOCAL_HEADER:
                    raise zipfile.BadZipFile(f"No local header for {info.filename}")
                # The local header's name and extra field lengths (APPNOTE 4.3.7).
                name_length, extra_length = struct.unpack_from("<HH", data, start + 26)
                begin = start + 30 + name_length + extra_length
                deflated = data[begin : begin + info.compress_size]
                entries[info.filename] = Stored(deflated, info.CRC, info.file_size)
            else:
                content = archive.read(info)
                compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
                deflated = compressor.compress(content) + compressor.flush()
                entries[info.filename] = Stored(deflated, zlib.crc32(content), len(content))
    return entries


def write_stored(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, stored: Stored) -> None:
    """Append ``stored`` to ``archive`` (open for writing) as ``entry``, not recompressed.

    zipfile has no public way yet to add data already compressed (CPython
    gh-113924): this does what ``ZipFile.mkdir`` does for an entry without
    data — local header written where the central directory will start, the
    entry listed for it — with the deflated bytes after the header. The entry
    is the one ``writestr`` would have made of the same content.
    """
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.CRC, entry.compress_size, entry.file_size = (
        stored.crc,
        len(stored.deflated),
        stored.size,
    )
    zipped: Any = archive  # zipfile's private state, as ZipFile.mkdir uses it (untyped)
    with zipped._lock:
        if zipped._seekable:
            zipped.fp.seek(zipped.start_dir)
        entry.header_offset = zipped.fp.tell()
        zipped._writecheck(entry)
        zipped._didModify = True
        zipped.fp.write(entry.FileHeader(False))
        zipped.fp.write(stored.deflated)
        zipped.filelist.append(entry)
        zipped.NameToInfo[entry.filename] = entry
        zipped.start_dir = zipped.fp.tell()


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
