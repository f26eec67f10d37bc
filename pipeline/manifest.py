"""The manifest of an engagement folder: what amoor wrote there, and from what.

``<folder>/.amoor-manifest.json`` maps each file amoor wrote to the sha256
of its bytes (a file whose bytes differ was edited by hand), records whose
folder it is (the Référence), which workbook copy is the folder's, and what
produced each deliverable (provenance.py). The outbox writes it; the
rebuild plans from it; the bases of tracked updates are pruned by it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import names
from pipeline.atomic import atomic_write

MANIFEST = ".amoor-manifest.json"


@dataclass(frozen=True)
class Recorded:
    """What a folder's manifest says amoor made there (rebuild.py plans from it)."""

    folder: Path
    reference: str
    source: str  # the workbook copy's file name, "" when none
    files: dict[str, str]  # file name -> sha256 of the bytes amoor wrote
    # deliverable name -> (recipe, digest of its inputs), see provenance.py
    made: dict[str, tuple[str, str]]


def recorded(folder: Path) -> Recorded:
    """The manifest of ``folder`` (empty when there is none, or an unreadable one)."""
    manifest = Manifest.read(folder)
    reference = manifest.reference or min(manifest.named_references(), default="")
    return Recorded(folder, reference, manifest.source, manifest.files, manifest.made)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Manifest:
    """What the pipeline wrote in a folder: file name -> sha256.

    ``pending`` holds what a commit is about to write, saved *before* the
    writes: after a crash half-way, a file whose bytes match a pending digest
    is still the pipeline's own, not a hand edit.
    """

    files: dict[str, str] = field(default_factory=dict)
    pending: dict[str, str] = field(default_factory=dict)
    source: str = ""
    # The Référence whose folder this is; "" in a manifest written by earlier amoor.
    reference: str = ""
    # Deliverable name -> (recipe, inputs digest): what produced it (provenance.py).
    made: dict[str, tuple[str, str]] = field(default_factory=dict)
    # Hand-edited file name -> the digests of the versions amoor delivered into it as
    # tracked updates, oldest first (the consultant may have accepted them: tracked/).
    delivered: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        try:
            data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            return cls(
                dict(data["files"]),
                dict(data.get("pending", {})),
                str(data["source"]),
                str(data.get("reference") or ""),
                {str(k): (str(v[0]), str(v[1])) for k, v in data.get("made", {}).items()},
                {str(k): [str(d) for d in v] for k, v in data.get("delivered", {}).items()},
            )
        except (FileNotFoundError, ValueError, KeyError, TypeError, AttributeError):
            return cls()

    def save(self, folder: Path) -> None:
        data = {
            "files": self.files,
            "pending": self.pending,
            "source": self.source,
            "reference": self.reference,
            "made": {name: list(made) for name, made in self.made.items()},
            "delivered": self.delivered,
        }
        atomic_write(folder / MANIFEST, json.dumps(data, indent=1, sort_keys=True).encode())

    def named_references(self) -> set[str]:
        """The Références the deliverables' names end with (« Cahier … - 2026-014.docx »)."""
        return names.references_named(name for name in self.files if name != self.source)

    def ours(self, path: Path) -> bool:
        """The file holds exactly what the pipeline wrote (or was writing) there."""
        known = {self.files.get(path.name), self.pending.get(path.name)} - {None}
        return bool(known) and digest(path.read_bytes()) in known
