"""The bases: the exact bytes amoor last wrote for each deliverable, kept to update it later.

``<workspace>/.amoor/bases/<sha256>.z``: content-addressed by the digest the
folder's manifest records for the file, compressed with zlib, written
atomically. When the consultant edits « Cahier.docx », the manifest still
holds the digest of what amoor wrote there, and this store holds those bytes:
what the consultant started from.

Bounded: :func:`prune` removes the bases no manifest of the outbox refers to
any more. It lists the store *before* reading the manifests, and a commit
records a digest in its manifest (as pending) *before* it keeps the base: so
a base listed is either referenced by a manifest then read, or not needed.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import zlib
from pathlib import Path

from pipeline.atomic import atomic_write
from pipeline.manifest import MANIFEST, digest

log = logging.getLogger(__name__)

SUFFIX = ".z"


class Bases:
    """The store of one workspace (``root`` is ``.amoor/bases``)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, sha: str) -> Path:
        return self.root / f"{sha}{SUFFIX}"

    def keep(self, data: bytes, sha: str | None = None) -> str:
        """Keep ``data`` (once: an existing base is not rewritten); its digest."""
        sha = sha or digest(data)
        path = self._path(sha)
        if not path.exists():
            self.root.mkdir(parents=True, exist_ok=True)
            atomic_write(path, zlib.compress(data, 6))
        return sha

    def get(self, sha: str) -> bytes | None:
        """The bytes of digest ``sha``; None when unknown, unreadable or damaged."""
        try:
            data = zlib.decompress(self._path(sha).read_bytes())
        except (OSError, zlib.error):
            return None
        return data if digest(data) == sha else None

    def prune(self, outbox: Path) -> int:
        """Remove the bases no manifest under ``outbox`` refers to; how many."""
        try:
            listed = [p for p in self.root.iterdir() if p.name.endswith(SUFFIX)]
        except FileNotFoundError:
            return 0
        wanted = referenced(outbox)
        if wanted is None:
            return 0  # a manifest could not be read: better keep everything this time
        removed = 0
        for path in listed:
            if path.name.removesuffix(SUFFIX) not in wanted:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                    removed += 1
        if removed:
            log.info("removed %d base(s) no manifest refers to", removed)
        return removed


def referenced(outbox: Path) -> set[str] | None:
    """Every digest the manifests of ``outbox`` record, written or about to be; None
    when a manifest exists but cannot be read."""
    found: set[str] = set()
    try:
        folders = [entry.path for entry in os.scandir(outbox) if entry.is_dir()]
    except FileNotFoundError:
        return found
    for folder in folders:
        try:
            data = json.loads(Path(folder, MANIFEST).read_text(encoding="utf-8"))
            found.update(str(v) for v in dict(data.get("files", {})).values())
            found.update(str(v) for v in dict(data.get("pending", {})).values())
            for delivered in dict(data.get("delivered", {})).values():
                found.update(str(v) for v in delivered)
        except FileNotFoundError:
            continue  # a folder amoor did not make
        except (OSError, ValueError, TypeError, AttributeError):
            log.warning("cannot read the manifest of %s: bases not pruned", folder)
            return None
    return found
