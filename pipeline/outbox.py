"""The outbox: the only place deliverables are written.

Writes are atomic (a temp file in the same folder, fsync, ``os.replace``), so
a crash leaves the old file or the new one, never half of one. Each
engagement folder keeps a manifest of what the pipeline wrote; a deliverable
whose bytes differ from the manifest was edited by hand and is never
overwritten: the new version is written beside it and the result says so.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pathvalidate import sanitize_filename

from pipeline.model import Mission

log = logging.getLogger(__name__)

MANIFEST = ".amoor-manifest.json"
# mkstemp creates files readable by their owner only; deliverables are shared
# files, so they get the usual permissions. Read once, at import (umask has no getter).
_UMASK = os.umask(0o022)
os.umask(_UMASK)
MAX_NAME = 120


@dataclass(frozen=True)
class Document:
    """A rendered deliverable, still in memory."""

    name: str  # file name, already safe
    data: bytes
    # An issued invoice never changes: once written, a rebuild leaves the file alone.
    keep_existing: bool = False


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


def engagement_folder(outbox: Path, collectivite: str, reference: str) -> Path:
    """``outbox/<Collectivité> - <Référence>/``."""
    return outbox / safe_name(f"{collectivite} - {reference}")


def mission_folder(outbox: Path, mission: Mission) -> Path:
    return engagement_folder(outbox, mission.collectivite, mission.reference)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old or the new bytes only."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=".~amoor-", suffix=".tmp")
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temp.chmod(0o666 & ~_UMASK)
        temp.replace(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def commit(folder: Path, documents: list[Document], source: Path | None = None) -> Commit:
    """Write the deliverables of one engagement, and a copy of its workbook when given."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest = _read_manifest(folder)
    written: list[Path] = []
    kept: list[tuple[Path, Path]] = []
    for document in documents:
        target = folder / document.name
        if document.keep_existing and target.exists():
            continue
        if _edited_by_hand(target, manifest):
            beside = _free_name(target, "nouvelle version", manifest)
            atomic_write(beside, document.data)
            manifest[beside.name] = digest(document.data)
            kept.append((target, beside))
            log.info("%s was edited by hand: new version written to %s", target, beside.name)
            continue
        atomic_write(target, document.data)
        manifest[document.name] = digest(document.data)
        written.append(target)
    source_copy = None
    if source is not None:
        source_bytes = source.read_bytes()
        source_copy = folder / safe_name(source.name)
        if not source_copy.exists() or source_copy.read_bytes() != source_bytes:
            atomic_write(source_copy, source_bytes)
        manifest[source_copy.name] = digest(source_bytes)
    atomic_write(folder / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode())
    return Commit(folder, tuple(written), tuple(kept), source_copy)


def _read_manifest(folder: Path) -> dict[str, str]:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _edited_by_hand(target: Path, manifest: dict[str, str]) -> bool:
    """True when the file exists and is not what the pipeline last wrote there."""
    if not target.exists():
        return False
    recorded = manifest.get(target.name)
    # A file the pipeline never recorded was put there by a person: keep it too.
    return recorded is None or recorded != digest(target.read_bytes())


def _free_name(target: Path, label: str, manifest: dict[str, str]) -> Path:
    """« Cahier des charges (nouvelle version).docx », then « … 2) » and so on.

    A previous new version that nobody touched is reused rather than piling up.
    """
    for index in range(1, 1000):
        suffix = f" ({label})" if index == 1 else f" ({label} {index})"
        candidate = target.with_name(f"{target.stem}{suffix}{target.suffix}")
        if not _edited_by_hand(candidate, manifest):
            return candidate
    raise FileExistsError(target)
