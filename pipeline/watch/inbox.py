"""The inbox folder: what is a dropped workbook, when it is complete, where it goes after.

Names that belong to someone else are never touched (:func:`ignored`):
Excel's owner file ``~$Book.xlsx`` and the extension-less temp file it saves
to before renaming it, LibreOffice's ``.~lock.Book.xlsx#``, macOS' ``._Book``,
hidden files, ``*.tmp``, ``Thumbs.db``, ``desktop.ini``, and OneDrive's
states: a conflict copy (« Book-PC-JEAN.xlsx », a person has to choose) and a
placeholder whose bytes are still in the cloud (files on demand).

A file is taken when it is complete (:class:`Settling`): its size and
modification time have not changed over a short window and, when it is a zip,
the zip opens. A file still growing, or whose zip does not open yet, is
looked at again later and never reported; one that stays unreadable past a
timeout is a bad input. A file that is not a zip at all (``.xls``, CSV…) is
complete once stable: the build says what it is.

Time is injected (``now``), so the settling is tested without waiting.
"""

from __future__ import annotations

import hashlib
import os
import platform
import re
import stat
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

PROCESSED_FOLDER = "traités"
ERRORS_FOLDER = "erreurs"
OLD_VERSIONS_FOLDER = "anciennes versions"

_OTHERS = {"thumbs.db", "desktop.ini", "ehthumbs.db", "icon\r"}
_TEMP_SUFFIXES = (".tmp", ".temp", ".crdownload", ".part", ".partial", ".download", "~")
# Windows' attributes of a OneDrive placeholder: its bytes are not on the disk yet.
_PLACEHOLDER = 0x1000 | 0x40000 | 0x400000  # OFFLINE, RECALL_ON_OPEN, RECALL_ON_DATA_ACCESS


def ignored(name: str, host: str | None = None) -> bool:
    """Whether ``name`` in the inbox is someone else's file, not a dropped workbook."""
    lowered = name.casefold()
    if name.startswith((".", "~")) or lowered in _OTHERS:
        return True  # hidden, ._Book (macOS), .~lock.Book#, ~$Book (Excel's owner file)
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or " " in extension or len(extension) > 8:
        return True  # Excel saves to an extension-less temp file (« 3A2F1B00 ») first
    if lowered.endswith(_TEMP_SUFFIXES) or name.endswith("#"):
        return True
    return _conflict_copy(stem, host if host is not None else platform.node())


def _conflict_copy(stem: str, host: str) -> bool:
    """OneDrive keeps both sides of a conflict, the other one as « Book-<computer> »."""
    computer = host.split(".")[0]
    return bool(computer) and stem.casefold().endswith("-" + computer.casefold())


def placeholder(info: os.stat_result) -> bool:
    """A cloud file not downloaded yet (Windows files on demand): wait, do not read it."""
    attributes = getattr(info, "st_file_attributes", 0)
    return bool(attributes & _PLACEHOLDER)


def dropped(inbox: Path, host: str | None = None) -> Iterator[Path]:
    """The files in ``inbox`` (not its subfolders) that look like dropped workbooks."""
    try:
        entries = list(os.scandir(inbox))
    except OSError:
        return
    for entry in sorted(entries, key=lambda e: e.name):
        try:
            if entry.is_file(follow_symlinks=False) and not ignored(entry.name, host):
                yield Path(entry.path)
        except OSError:
            continue


def report_name(name: str) -> str:
    """« Mission.xlsx - erreurs.txt », beside « Mission.xlsx » in inbox/erreurs/."""
    return f"{name} - erreurs.txt"


def rejected(errors: Path) -> list[tuple[Path, Path | None]]:
    """The workbooks waiting in ``inbox/erreurs/``, each with its report when it has one."""
    try:
        names = sorted(entry.name for entry in os.scandir(errors) if entry.is_file())
    except OSError:
        return []
    reports = {name for name in names if name.endswith(report_name(""))}
    return [
        (errors / name, errors / report_name(name) if report_name(name) in reports else None)
        for name in names
        if name not in reports and not ignored(name)
    ]


class State(Enum):
    WAITING = "waiting"  # still changing, or its zip does not open yet
    READY = "ready"  # complete: build it
    UNREADABLE = "unreadable"  # still not a readable zip after the timeout
    GONE = "gone"  # moved away or deleted meanwhile


@dataclass
class _Seen:
    signature: tuple[int, int] | None  # (size, mtime in ns)
    changed: float  # when the signature last changed


class Settling:
    """The files noticed and not taken yet, each until it is complete.

    ``window``: how long size and modification time must stay unchanged;
    ``timeout``: how long a stable file whose zip does not open is waited for.
    """

    def __init__(self, now: Callable[[], float], window: float = 0.25, timeout: float = 30.0):
        self._now = now
        self.window = window
        self.timeout = timeout
        self._files: dict[Path, _Seen] = {}

    def __contains__(self, path: Path) -> bool:
        return path in self._files

    def __len__(self) -> int:
        return len(self._files)

    def notice(self, path: Path) -> bool:
        """Follow ``path`` from now on; False when it was already followed."""
        if path in self._files:
            return False
        self._files[path] = _Seen(None, self._now())
        return True

    def forget(self, path: Path) -> None:
        self._files.pop(path, None)

    def check(self) -> list[tuple[Path, State]]:
        """The files that are settled (ready, unreadable or gone), no longer followed."""
        now = self._now()
        settled: list[tuple[Path, State]] = []
        for path, seen in list(self._files.items()):
            state = self._state(path, seen, now)
            if state is not State.WAITING:
                settled.append((path, state))
                del self._files[path]
        return settled

    def _state(self, path: Path, seen: _Seen, now: float) -> State:
        try:
            info = path.stat()
        except FileNotFoundError:
            return State.GONE
        except OSError:
            info = None
        signature = None if info is None else (info.st_size, info.st_mtime_ns)
        if info is not None and placeholder(info):
            signature = None  # its bytes are still in the cloud
        if signature != seen.signature:
            seen.signature, seen.changed = signature, now
            return State.WAITING
        if now - seen.changed < self.window:
            return State.WAITING
        if signature is not None and complete(path):
            return State.READY
        return State.UNREADABLE if now - seen.changed >= self.timeout else State.WAITING


def complete(path: Path) -> bool:
    """The file can be read now: a zip that opens, or not a zip at all (the build says what)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
            if not head:
                return False  # created, nothing written yet
            if head != b"PK\x03\x04":
                return True
            with zipfile.ZipFile(handle) as archive:
                archive.infolist()
    except (zipfile.BadZipFile, EOFError, OSError):
        return False
    return True


def content_digest(path: Path) -> str:
    """The sha256 of the file's bytes, read in blocks."""
    hasher = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            hasher.update(block)
    return hasher.hexdigest()


_NUMBERED = re.compile(r"^(?P<stem>.*) \((?P<n>\d+)\)$")


def free_name(target: Path) -> Path:
    """``target`` if free, else « Book (2).xlsx », « Book (3).xlsx »…: nothing is overwritten."""
    if not target.exists():
        return target
    base = target.stem
    match = _NUMBERED.match(base)
    if match:
        base = match["stem"]
    number = 2
    while (candidate := target.with_name(f"{base} ({number}){target.suffix}")).exists():
        number += 1
    return candidate


def move_aside(source: Path, folder: Path) -> Path:
    """Move ``source`` into ``folder`` under a free name; the path it now has.

    When ``folder`` already holds the very same bytes under that name, the
    dropped copy is removed instead of piling up « (2) », « (3) »: nothing is
    lost, the bytes are there.
    """
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / source.name
    if target.is_file() and _same_bytes(source, target):
        source.unlink()
        return target
    target = free_name(target)
    try:
        os.link(source, target)  # fails rather than overwrite a file that appeared meanwhile
    except FileExistsError:
        return move_aside(source, folder)
    except OSError:
        source.replace(target)  # a file system without hard links (FAT, some shares)
        return target
    source.unlink()
    return target


def _same_bytes(one: Path, other: Path) -> bool:
    try:
        if stat.S_ISREG(one.stat().st_mode) and one.stat().st_size != other.stat().st_size:
            return False
        return content_digest(one) == content_digest(other)
    except OSError:
        return False
