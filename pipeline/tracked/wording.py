"""The French lines that say what became of each hand-edited document (build, rebuild, watch)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pipeline.outbox import Tracked


def hand_edits(kept: Iterable[tuple[Path, Path]], tracked: Iterable[Tracked]) -> list[str]:
    """One line per hand-edited document: mis à jour en suivi (with its conflicts), or
    laissé tel quel; then what the revisions could not carry, one line each."""
    updates = {outcome.edited: outcome for outcome in tracked}
    lines = []
    for edited, beside in kept:
        outcome = updates.get(edited)
        if outcome is None:  # not a Word document: no tracked update
            lines.append(
                f"conservé : « {edited.name} » a été modifié à la main ; la nouvelle version "
                f"est dans « {beside.name} »"
            )
            continue
        if outcome.written is None:
            lines.append(
                f"laissé tel quel : « {edited.name} » (modifié à la main) : {outcome.reason} ; "
                f"la nouvelle version est dans « {beside.name} »"
            )
            continue
        lines.append(
            f"{status(outcome)} : « {edited.name} » (modifié à la main) → "
            f"« {outcome.written.name} », {_count(outcome.changes, 'modification')} à "
            f"accepter ou refuser ; la nouvelle version seule est dans « {beside.name} »"
        )
        lines += [f"  non reporté : {item}" for item in outcome.not_carried]
    return lines


def status(outcome: Tracked) -> str:
    """« mis à jour en suivi », « … avec 2 conflits », or « laissé tel quel »."""
    if outcome.written is None:
        return "laissé tel quel"
    if not outcome.conflicts:
        return "mis à jour en suivi"
    conflicts = _count(outcome.conflicts, "conflit")
    return f"mis à jour en suivi avec {conflicts} (commentaire dans le document)"


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'s' if number > 1 else ''}"
