"""What happened to one dropped file: the watcher's result, which wording.py puts
into French and the CLI prints."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from pipeline.outbox import Tracked
from pipeline.watch.processed import Done


class Kind(StrEnum):
    RECEIVED = "reçu"
    PROCESSED = "traité"
    REJECTED = "refusé"
    DUPLICATE = "doublon"
    CHANGED = "modifié"  # saved again while it was built: built again
    FAILED = "non traité"  # amoor could not even file it away: left in inbox/, tried again


@dataclass(frozen=True)
class Outcome:
    """What happened to one dropped file; ``wording`` turns it into French lines."""

    kind: Kind
    name: str
    at: datetime
    seconds: float = 0.0
    offer: str = ""
    reference: str = ""
    folder: Path | None = None  # the engagement's folder in outbox/
    written: tuple[Path, ...] = ()
    kept: tuple[tuple[Path, Path], ...] = ()  # (edited by hand, where the new version went)
    tracked: tuple[Tracked, ...] = ()  # the tracked update of each hand-edited .docx
    invoice: str | None = None
    notices: tuple[str, ...] = ()  # French, from the build
    reason: str = ""  # French: why it was rejected, in one line
    moved_to: Path | None = None  # where the dropped file is now
    report: Path | None = None  # the rejection's report
    earlier: Done | None = None  # the first processing of a duplicate's content
