"""The outbox: the only place deliverables are written.

Writes are atomic (a temp file in the same folder, fsync, ``os.replace``), so
a crash leaves the old file or the new one, never half of one. Each
engagement folder keeps a manifest of what the pipeline wrote; a deliverable
whose bytes differ from the manifest was edited by hand and is never
overwritten: the new version is written beside it and the result says so.

A PDF made from a deliverable (``amoor build --pdf``) *follows* it: it is made
from the ``.docx`` amoor just rendered, never from the file on disk, and goes
where that ``.docx`` goes. So when « Cahier.docx » was edited by hand, the new
« Cahier (nouvelle version).docx » gets « Cahier (nouvelle version).pdf », and
« Cahier.pdf » is left as it was: a PDF of the hand-edited document is the
consultant's to export from Word. A PDF edited or re-exported by hand is
protected like any deliverable.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from pathvalidate import sanitize_filename

from pipeline.errors import AmoorError
from pipeline.model import Mission

log = logging.getLogger(__name__)

MANIFEST = ".amoor-manifest.json"
# « .~amoor-<pid>-<random>.tmp »: a file being written; its writer's pid tells a leftover.
TEMP_PREFIX = ".~amoor-"
MAX_NAME = 120


class OutboxError(AmoorError):
    """A deliverable could not be written (file open in Word, disk full, rights)."""


@dataclass(frozen=True)
class Document:
    """A rendered deliverable, still in memory."""

    name: str  # file name, already safe
    data: bytes
    # An issued invoice never changes: once written, a rebuild leaves the file alone.
    keep_existing: bool = False
    # The name of the document this one is made from (a PDF from its .docx): it goes
    # where that document goes, « (nouvelle version) » included.
    follows: str | None = None


@dataclass(frozen=True)
class Commit:
    """What one commit to the outbox did."""

    folder: Path
    written: tuple[Path, ...]
    # (hand-edited file kept as it is, where the new version went instead)
    kept: tuple[tuple[Path, Path], ...]
    source: Path | None  # the copy of the workbook beside the deliverables


def safe_name(name: str, max_len: int = MAX_NAME) -> str:
    """A file or folder name valid on Windows, macOS and Linux, still readable."""
    cleaned = sanitize_filename(
        " ".join(name.split()), replacement_text="-", platform="windows", max_len=max_len
    )
    cleaned = cleaned.rstrip(". ")
    return cleaned or "sans-nom"


def deliverable_name(title: str, reference: str, extension: str) -> str:
    """« Cahier des charges - 2026-014.docx »: the file of an engagement's deliverable."""
    return safe_name(f"{title} - {reference}.{extension}")


def engagement_folder(outbox: Path, collectivite: str, reference: str) -> Path:
    """``outbox/<Collectivité> - <Référence>/``; a long name is shortened, never the reference."""
    suffix = f" - {safe_name(reference, max_len=40)}"
    return outbox / (safe_name(collectivite, max_len=MAX_NAME - len(suffix)) + suffix)


def mission_folder(outbox: Path, mission: Mission) -> Path:
    return engagement_folder(outbox, mission.collectivite, mission.reference)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old or the new bytes only."""
    # Created like any file (the umask applies: shared deliverables stay readable),
    # exclusively, under a name no one else uses, in the target's folder.
    temp = path.with_name(f"{TEMP_PREFIX}{os.getpid()}-{secrets.token_hex(8)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temp.replace(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise


def remove_stale_temp_files(root: Path) -> int:
    """Remove the temp files that writers killed half-way left under ``root``; how many.

    A temp file is stale when the process that wrote it is gone (its pid is in
    its name), or when it is a day old (a pid can be reused, and older
    versions did not write it).
    """
    import psutil

    removed = 0
    for folder, _, names in os.walk(root):
        for name in names:
            if not (name.startswith(TEMP_PREFIX) and name.endswith(".tmp")):
                continue
            path = Path(folder, name)
            writer = name.removeprefix(TEMP_PREFIX).split("-", 1)[0]
            try:
                old = time.time() - path.stat().st_mtime > 86_400
                if old or not writer.isdigit() or not psutil.pid_exists(int(writer)):
                    path.unlink()
                    removed += 1
            except OSError:
                continue
    if removed:
        log.warning("removed %d stale temp file(s) under %s", removed, root)
    return removed


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class _Manifest:
    """What the pipeline wrote in a folder: file name -> sha256.

    ``pending`` holds what a commit is about to write, saved *before* the
    writes: after a crash half-way, a file whose bytes match a pending digest
    is still the pipeline's own, not a hand edit.
    """

    files: dict[str, str] = field(default_factory=dict)
    pending: dict[str, str] = field(default_factory=dict)
    source: str = ""

    @classmethod
    def read(cls, folder: Path) -> _Manifest:
        try:
            data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            return cls(dict(data["files"]), dict(data.get("pending", {})), str(data["source"]))
        except (FileNotFoundError, ValueError, KeyError, TypeError, AttributeError):
            return cls()

    def save(self, folder: Path) -> None:
        data = {"files": self.files, "pending": self.pending, "source": self.source}
        atomic_write(folder / MANIFEST, json.dumps(data, indent=1, sort_keys=True).encode())

    def ours(self, path: Path) -> bool:
        """The file holds exactly what the pipeline wrote (or was writing) there."""
        known = {self.files.get(path.name), self.pending.get(path.name)} - {None}
        return bool(known) and digest(path.read_bytes()) in known


def commit(
    folder: Path, documents: list[Document], source: tuple[str, bytes] | None = None
) -> Commit:
    """Write the deliverables of one engagement, and a copy of its workbook when given.

    ``source`` is the workbook's (file name, bytes): the very bytes that were
    read, so the copy always matches the deliverables beside it.
    """
    try:
        return _commit(folder, documents, source)
    except OSError as error:
        where = error.filename or folder
        raise OutboxError(
            f"Impossible d'écrire dans « {where} » : {error.strerror or error}. Si le fichier "
            f"est ouvert dans Word ou Excel, fermez-le ; vérifiez l'espace disque et les droits "
            f"d'écriture, puis relancez. Les fichiers déjà en place sont intacts."
        ) from error


def _commit(folder: Path, documents: list[Document], source: tuple[str, bytes] | None) -> Commit:
    folder.mkdir(parents=True, exist_ok=True)
    manifest = _Manifest.read(folder)
    plan: list[tuple[Path, Document]] = []
    kept: list[tuple[Path, Path]] = []
    placed_as: dict[str, Path] = {}
    for document in documents:
        target = folder / document.name
        leader = placed_as.get(document.follows or "")
        if leader is not None:
            target = leader.with_name(leader.stem + target.suffix)
        if document.keep_existing and target.exists():
            continue
        if target.exists() and not manifest.ours(target):
            beside = _free_name(target, "nouvelle version", manifest)
            kept.append((target, beside))
            log.info("%s was edited by hand: new version written to %s", target, beside.name)
            target = beside
        placed_as[document.name] = target
        plan.append((target, document))
    source_copy = folder / safe_name(source[0]) if source else None
    if source is not None and source_copy is not None:
        plan.append((source_copy, Document(source_copy.name, source[1])))

    # Write-ahead: record what is about to be written, then write, then settle.
    manifest.pending = {target.name: digest(doc.data) for target, doc in plan}
    manifest.save(folder)
    written: list[Path] = []
    for target, document in plan:
        if not (target.exists() and digest(target.read_bytes()) == manifest.pending[target.name]):
            atomic_write(target, document.data)
        manifest.files[target.name] = manifest.pending[target.name]
        if target != source_copy and all(target != beside for _, beside in kept):
            written.append(target)
    previous = folder / manifest.source if manifest.source else None
    if source_copy is not None:
        # One workbook copy per folder: the one that produced these deliverables.
        stale = previous is not None and previous != source_copy and previous.exists()
        if stale and previous is not None and manifest.ours(previous):
            previous.unlink()
            manifest.files.pop(previous.name, None)
        manifest.source = source_copy.name
    manifest.pending = {}
    manifest.save(folder)
    return Commit(folder, tuple(written), tuple(kept), source_copy)


def _free_name(target: Path, label: str, manifest: _Manifest) -> Path:
    """« Cahier des charges (nouvelle version).docx », then « … 2) » and so on.

    A previous new version that nobody touched is reused rather than piling up.
    """
    for index in range(1, 1000):
        suffix = f" ({label})" if index == 1 else f" ({label} {index})"
        candidate = target.with_name(f"{target.stem}{suffix}{target.suffix}")
        if not candidate.exists() or manifest.ours(candidate):
            return candidate
    raise FileExistsError(target)
