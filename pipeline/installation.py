"""Where amoor's own files are: the templates, the example workbooks, the bundled
``amoor.toml``, inside the installed wheel or at the source checkout's root."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import WorkspaceError

_PACKAGE = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    """A file shipped with amoor: inside the wheel, or at the source checkout's root."""
    for base in (_PACKAGE / "_bundled", _PACKAGE.parent):
        candidate = base / name
        if candidate.exists():
            return candidate
    raise WorkspaceError(f"Fichier d'installation introuvable : {name}. Réinstallez amoor.")
