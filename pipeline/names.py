"""Names in the outbox: safe on every system, and the Référence in each folder's name.

Pure: what a name is; outbox.py looks at the disk and decides which folder is whose.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from pathvalidate import sanitize_filename

from pipeline.text import name_text

MAX_NAME = 120
MAX_REFERENCE = 40
# A Référence as the schema allows it: safe in a name on every system as it is.
SAFE_REFERENCE = re.compile(rf"[A-Za-z0-9_-]{{1,{MAX_REFERENCE}}}")
# What a name gets when a version is kept beside another (outbox._free_name, Factur-X).
_VARIANT = re.compile(r" \((?:nouvelle version(?: \d+)?|Factur-X)\)$")
_NUMBER = re.compile(r" \((\d+)\)$")


def safe_name(name: str, max_len: int = MAX_NAME) -> str:
    """A file or folder name valid on Windows, macOS and Linux, still readable.

    No control or invisible formatting character reaches it (a right-to-left
    override would disguise the name): see :func:`pipeline.text.name_text`.
    """
    cleaned = sanitize_filename(
        name_text(name), replacement_text="-", platform="windows", max_len=max_len
    )
    cleaned = cleaned.rstrip(". ")
    return cleaned or "sans-nom"


def deliverable_name(title: str, reference: str, extension: str) -> str:
    """« Cahier des charges - 2026-014.docx »: the file of an engagement's deliverable."""
    return safe_name(f"{title} - {reference}.{extension}")


def reference_shown(reference: str) -> str:
    """The Référence in a folder name: as typed when the schema allowed it, else made safe."""
    if SAFE_REFERENCE.fullmatch(reference):
        return reference
    return safe_name(reference, max_len=MAX_REFERENCE)


def folder_name(collectivite: str, reference: str, *, numbered: bool = False) -> str:
    """« <Collectivité> - <Référence> », or its numbered stem « … - <Référence> ( »."""
    suffix = f" - {reference}"
    if not numbered:
        return safe_name(collectivite, max_len=MAX_NAME - len(suffix)) + suffix
    # Room for « (999) » whatever the number, so every numbered name shares one stem.
    return safe_name(collectivite, max_len=MAX_NAME - len(suffix) - 6) + suffix + " ("


def folded(name: str) -> str:
    """A name as a file system that ignores case and Unicode normalisation sees it."""
    return unicodedata.normalize("NFC", name).casefold()


def numbers(on_disk: dict[str, list[str]], stem: str) -> set[int]:
    """The numbers of the names « <stem><n>) » present in the outbox."""
    prefix = folded(stem)
    return {
        int(key[len(prefix) : -1])
        for key in on_disk
        if key.startswith(prefix) and key.endswith(")") and key[len(prefix) : -1].isdigit()
    }


def unrecorded_owner(name: str, named: set[str]) -> str:
    """The Référence of a folder whose manifest does not record it (earlier amoor).

    The one its name shows, unless its deliverables (``named``: see
    :func:`references_named`) are named after another one only: earlier versions
    named the folder of « CON » « … - CON_ », which is also the name of the
    folder of « CON_ ».
    """
    shown = _NUMBER.sub("", name).rpartition(" - ")[2]
    if not named or shown in named:
        return shown
    bare = shown.removesuffix("_")
    if bare in named and safe_name(bare, max_len=MAX_REFERENCE) == shown:
        return bare
    return shown


def references_named(file_names: Iterable[str]) -> set[str]:
    """The Références that file names end with (« Cahier … - 2026-014 (nouvelle version).docx »)."""
    found: set[str] = set()
    for name in file_names:
        stem = Path(name).stem
        while (variant := _VARIANT.search(stem)) is not None:
            stem = stem[: variant.start()]
        _, separator, reference = stem.rpartition(" - ")
        if separator and SAFE_REFERENCE.fullmatch(reference):
            found.add(reference)
    return found
