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

One folder per engagement, ``<Collectivité> - <Référence>``, and the Référence
decides whose it is: the manifest records it, a build finds the folder of its
own Référence and never writes into, nor deletes from, another's. Two names
that would be one folder once sanitised, or on a file system that ignores case
(Windows, macOS: « a1 » and « A1 »), get distinct folders, the later one
numbered « (2) ». The Référence is shown as typed (« CON » is reserved on
Windows only as a whole name); folders named by earlier versions of amoor
(« CON_ » for « CON ») are still found, their owner read from the names of the
deliverables they hold.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from pipeline import names
from pipeline.atomic import atomic_write
from pipeline.errors import AmoorError
from pipeline.manifest import Manifest, digest
from pipeline.model import Mission
from pipeline.names import safe_name

if TYPE_CHECKING:
    from pipeline.tracked.merge import Update

log = logging.getLogger(__name__)

# How many versions delivered into one hand-edited file are remembered (tracked/merge.py).
DELIVERED = 8


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
    # What produced it: (recipe, digest of its inputs), recorded in the manifest (provenance.py).
    provenance: tuple[str, str] | None = None


class Tracking(Protocol):
    """Tracked updates of hand-edited documents (pipeline/tracked): bases and updates."""

    def keep(self, data: bytes, sha: str) -> None: ...

    def base(self, sha: str) -> bytes | None: ...

    def update(self, base: bytes, edited: bytes, new: bytes, earlier: list[bytes]) -> Update: ...


@dataclass(frozen=True)
class Tracked:
    """What became of the update of one hand-edited document."""

    edited: Path
    written: Path | None = None  # « … (mise à jour suivie).docx », None when left alone
    changes: int = 0
    conflicts: int = 0
    not_carried: tuple[str, ...] = ()  # French: what the revisions could not carry
    reason: str = ""  # French: why it was left alone


@dataclass(frozen=True)
class Commit:
    """What one commit to the outbox did."""

    folder: Path
    written: tuple[Path, ...]
    # (hand-edited file kept as it is, where the new version went instead)
    kept: tuple[tuple[Path, Path], ...]
    source: Path | None  # the copy of the workbook beside the deliverables
    # (hand-edited file, its dated backup) when forced: the new version took its place
    backed_up: tuple[tuple[Path, Path], ...] = ()
    tracked: tuple[Tracked, ...] = ()  # one per hand-edited .docx, given a Tracking


def engagement_folder(outbox: Path, collectivite: str, reference: str) -> Path:
    """``outbox/<Collectivité> - <Référence>/``, the folder of this Référence.

    A long Collectivité is shortened, never the Référence. The folder already
    holding this Référence's deliverables is kept, under its name on disk;
    otherwise the name is taken unless a folder of another Référence has it
    (compared the way Windows and macOS compare names), and the next free
    « … (2) », « … (3) » is used instead.
    """
    shown = names.reference_shown(reference)
    first = names.folder_name(collectivite, shown)
    legacy = names.folder_name(collectivite, safe_name(reference, max_len=names.MAX_REFERENCE))
    numbered = names.folder_name(collectivite, shown, numbered=True)
    on_disk = _folders(outbox)
    candidates = [first, legacy] + [
        f"{numbered}{n})" for n in sorted(names.numbers(on_disk, numbered)) if n > 1
    ]
    for candidate in dict.fromkeys(candidates):
        same = sorted(on_disk.get(names.folded(candidate), ()), key=lambda n: n != candidate)
        for name in same:  # the exact spelling first (a case-sensitive file system)
            if _belongs(outbox / name, reference):
                return outbox / name
    if names.folded(first) not in on_disk:
        return outbox / first
    number = 2
    while names.folded(f"{numbered}{number})") in on_disk:
        number += 1
    return outbox / f"{numbered}{number})"


def mission_folder(outbox: Path, mission: Mission) -> Path:
    return engagement_folder(outbox, mission.collectivite, mission.reference)


def _folders(outbox: Path) -> dict[str, list[str]]:
    """The names in ``outbox`` by folded name (several on a case-sensitive file system)."""
    try:
        entries = sorted(entry.name for entry in os.scandir(outbox))
    except (FileNotFoundError, NotADirectoryError):
        return {}
    except OSError as error:
        raise _unreadable(outbox, error) from error
    found: dict[str, list[str]] = {}
    for name in entries:
        found.setdefault(names.folded(name), []).append(name)
    return found


def _belongs(folder: Path, reference: str) -> bool:
    """Whether ``folder`` is the folder of this Référence (not a file, not another's)."""
    try:
        if not folder.is_dir():
            return False
        manifest = Manifest.read(folder)
    except OSError as error:
        raise _unreadable(folder, error) from error
    if manifest.reference:
        return manifest.reference == reference
    return names.unrecorded_owner(folder.name, manifest.named_references()) == reference


def _unreadable(where: Path, error: OSError) -> OutboxError:
    return OutboxError(
        f"Impossible de lire « {where} » : {error.strerror or error}. Vérifiez les droits "
        f"d'accès au dossier outbox, puis relancez. Rien n'a été écrit."
    )


def commit(
    folder: Path,
    documents: list[Document],
    source: tuple[str, bytes] | None = None,
    *,
    reference: str | None = None,
    backup_day: date | None = None,
    tracking: Tracking | None = None,
) -> Commit:
    """Write the deliverables of one engagement, and a copy of its workbook when given.

    ``source`` is the workbook's (file name, bytes): the very bytes that were
    read, so the copy always matches the deliverables beside it. ``reference``
    is the engagement's Référence: the folder is recorded as its own, and a
    folder that is another Référence's is refused, nothing written.

    ``backup_day`` (``--force``): a deliverable edited by hand is first copied to
    « <name> (modifié à la main, sauvegarde du <day>) », then replaced.

    ``tracking``: the base of each Word deliverable is kept, and a hand-edited
    one gets « <name> (mise à jour suivie).docx » beside its new version.
    """
    try:
        return _commit(folder, documents, source, reference, backup_day, tracking)
    except OSError as error:
        where = error.filename or folder
        raise OutboxError(
            f"Impossible d'écrire dans « {where} » : {error.strerror or error}. Si le fichier "
            f"est ouvert dans Word ou Excel, fermez-le ; vérifiez l'espace disque et les droits "
            f"d'écriture, puis relancez. Les fichiers déjà en place sont intacts."
        ) from error


def _commit(
    folder: Path,
    documents: list[Document],
    source: tuple[str, bytes] | None,
    reference: str | None,
    backup_day: date | None = None,
    tracking: Tracking | None = None,
) -> Commit:
    folder.mkdir(parents=True, exist_ok=True)
    manifest = Manifest.read(folder)
    # The workbook copy a previous build left is replaced only when it is known to be a
    # copy of this Référence's workbook: never another's, nor one of an unrecorded folder.
    same_owner = manifest.reference == (reference or "") or (
        not manifest.reference
        and reference is not None
        and manifest.named_references() == {reference}
    )
    if reference is not None:
        _claim(folder, manifest, reference)
    plan: list[tuple[Path, Document]] = []
    kept: list[tuple[Path, Path]] = []
    backed_up: list[tuple[Path, Path]] = []
    tracked: list[Tracked] = []
    updates: list[tuple[Path, Document]] = []
    placed_as: dict[str, Path] = {}
    for document in documents:
        target = folder / document.name
        leader = placed_as.get(document.follows or "")
        if leader is not None:
            target = leader.with_name(leader.stem + target.suffix)
        if document.keep_existing and target.exists():
            continue
        if target.exists() and not manifest.ours(target) and backup_day is not None:
            label = f"modifié à la main, sauvegarde du {backup_day.isoformat()}"
            backup = _free_name(target, label, manifest)
            atomic_write(backup, target.read_bytes())  # kept before anything replaces it
            backed_up.append((target, backup))
            log.info("%s was edited by hand: kept as %s, then replaced", target, backup.name)
        elif target.exists() and not manifest.ours(target):
            beside = _free_name(target, "nouvelle version", manifest)
            kept.append((target, beside))
            log.info("%s was edited by hand: new version written to %s", target, beside.name)
            if tracking is not None and target.suffix == ".docx":
                outcome, made = _track(target, document, manifest, tracking)
                tracked.append(outcome)
                updates += made
            target = beside
        placed_as[document.name] = target
        plan.append((target, document))
    plan += updates
    source_copy = folder / safe_name(source[0]) if source else None
    if source is not None and source_copy is not None:
        plan.append((source_copy, Document(source_copy.name, source[1])))

    # Write-ahead: record what is about to be written, then write, then settle.
    manifest.pending = {target.name: digest(doc.data) for target, doc in plan}
    manifest.save(folder)
    if tracking is not None:  # after the manifest cites them (tracked/bases.py: prune)
        for target, document in plan:
            if document.provenance is not None and target.suffix == ".docx":
                tracking.keep(document.data, manifest.pending[target.name])
    written: list[Path] = []
    for target, document in plan:
        if not (target.exists() and digest(target.read_bytes()) == manifest.pending[target.name]):
            atomic_write(target, document.data)
        manifest.files[target.name] = manifest.pending[target.name]
        if document.provenance is not None:
            manifest.made[document.name] = document.provenance
        besides = {beside for _, beside in kept} | {place for place, _ in updates}
        if target != source_copy and target not in besides:
            written.append(target)
    previous = folder / manifest.source if manifest.source else None
    if source_copy is not None:
        # One workbook copy per folder: the one that produced these deliverables.
        stale = previous is not None and previous != source_copy and previous.exists()
        if stale and same_owner and previous is not None and manifest.ours(previous):
            previous.unlink()
            manifest.files.pop(previous.name, None)
        manifest.source = source_copy.name
    manifest.pending = {}
    manifest.save(folder)
    return Commit(
        folder, tuple(written), tuple(kept), source_copy, tuple(backed_up), tuple(tracked)
    )


def _track(
    target: Path, document: Document, manifest: Manifest, tracking: Tracking
) -> tuple[Tracked, list[tuple[Path, Document]]]:
    """The tracked update of hand-edited ``target`` to ``document``, to write beside it."""
    known = manifest.files.get(target.name)
    base = tracking.base(known) if known else None
    if base is None:
        reason = "sa version d'origine n'est pas connue (écrite par un amoor plus ancien)"
        return Tracked(target, reason=reason), []
    if digest(document.data) == known:
        return Tracked(target, reason="rien de nouveau à reporter"), []
    from pipeline.tracked.package import TrackingError

    delivered = manifest.delivered.get(target.name, [])
    earlier = [data for sha in delivered if (data := tracking.base(sha)) is not None]
    try:
        made = tracking.update(base, target.read_bytes(), document.data, earlier)
    except TrackingError as error:
        return Tracked(target, reason=str(error)), []
    if not (made.changes or made.conflicts or made.not_carried):
        return Tracked(target, reason="rien de nouveau à reporter"), []
    sha = digest(document.data)  # what the consultant may now accept into their file
    manifest.delivered[target.name] = [*(d for d in delivered if d != sha), sha][-DELIVERED:]
    place = _free_name(target, "mise à jour suivie", manifest)
    log.info("%s: tracked update written to %s", target, place.name)
    outcome = Tracked(target, place, made.changes, made.conflicts, made.not_carried)
    return outcome, [(place, Document(place.name, made.data))]


def _claim(folder: Path, manifest: Manifest, reference: str) -> None:
    """Record ``folder`` as the folder of ``reference``, unless it is another Référence's."""
    named = manifest.named_references()
    owner = manifest.reference or (min(named) if named and reference not in named else "")
    if owner and owner != reference:
        raise OutboxError(
            f"Le dossier « {folder} » est celui de la mission {owner}, pas de la mission "
            f"{reference} : rien n'y a été écrit et ses fichiers sont intacts. Relancez la "
            f"commande : amoor choisit alors un dossier propre à la mission {reference}."
        )
    manifest.reference = reference


def _free_name(target: Path, label: str, manifest: Manifest) -> Path:
    """« Cahier des charges (nouvelle version).docx », then « … 2) » and so on.

    A previous new version that nobody touched is reused rather than piling up.
    """
    for index in range(1, 1000):
        suffix = f" ({label})" if index == 1 else f" ({label} {index})"
        candidate = target.with_name(f"{target.stem}{suffix}{target.suffix}")
        if not candidate.exists() or manifest.ours(candidate):
            return candidate
    raise FileExistsError(target)
