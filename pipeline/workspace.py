"""The workspace: its folders, its templates, its locks.

A workspace is a folder holding ``amoor.toml`` (read by config.py), ``inbox/``,
``outbox/`` and ``templates_docx/``. The repository root is one (the demo's);
``amoor init`` makes new ones. A template found in the workspace's
``templates_docx/`` overrides the bundled one of the same name. A new workspace's
``templates_docx/`` holds only a README: the bundled templates are used, and
the improvements of each new amoor reach the workspace, until the firm copies
one there to restyle it (``amoor templates copier``).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from filelock import FileLock

from pipeline.config import CONFIG_NAME, Config, load_config
from pipeline.errors import WorkspaceError
from pipeline.installation import bundled
from pipeline.state import State
from pipeline.text import fold

TEMPLATES = "templates_docx"


@dataclass(frozen=True)
class Workspace:
    root: Path

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def outbox(self) -> Path:
        return self.root / "outbox"

    @property
    def templates(self) -> Path:
        return self.root / TEMPLATES

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def state(self) -> State:
        """Where amoor keeps its own state: every path of ``.amoor/`` (state.py)."""
        return State.of(self.root)

    def engagement_lock(self, reference: str, timeout: float = 600) -> FileLock:
        """Held while one process numbers and writes an engagement's pieces.

        Two builds of one engagement take turns; the start-up recovery skips an
        engagement whose lock is held (its process is writing it right now).
        The operating system releases it when the process ends, even killed.
        """
        folder = self.state.locks
        folder.mkdir(parents=True, exist_ok=True)
        return FileLock(folder / f"{reference.casefold()}.lock", timeout=timeout)

    @classmethod
    def open(cls, root: Path) -> Workspace:
        root = root.resolve()
        if not (root / CONFIG_NAME).is_file():
            raise WorkspaceError(
                f"« {root} » n'est pas un espace de travail amoor : le fichier {CONFIG_NAME} "
                f"est introuvable. Placez-vous dans un espace de travail, indiquez-le avec "
                f"--workspace DOSSIER, ou créez-en un avec « amoor init DOSSIER »."
            )
        workspace = cls(root)
        for folder in (workspace.inbox, workspace.outbox):
            folder.mkdir(exist_ok=True)
        return workspace

    @cached_property
    def config(self) -> Config:
        return load_config(self.config_path)

    def template(self, name: str) -> Path:
        own = self.templates / name
        return own if own.is_file() else bundled(TEMPLATES) / name

    @property
    def ships_templates(self) -> bool:
        """The workspace's templates are amoor's own (the demo: the repository root)."""
        return self.templates.resolve() == bundled(TEMPLATES).resolve()


TEMPLATES_README = """Modèles Word de cet espace de travail
=====================================

Copiez ici un modèle pour le personnaliser.

Tant que ce dossier ne contient pas de modèle, amoor utilise ceux qu'il fournit,
et chaque nouvelle version d'amoor apporte leurs améliorations.

Pour changer la mise en page d'un document (logo, couleurs, polices, textes) :
  1. copiez le modèle ici :  amoor templates copier cahier_des_charges
  2. modifiez la copie dans Word, sans toucher aux balises {{ … }} et {% … %} ;
  3. vérifiez-la :           amoor templates check

Un modèle placé ici remplace, pour cet espace de travail seulement, le modèle
fourni de même nom. Pour revenir au modèle fourni, supprimez votre copie.
"""


def shipped_templates() -> list[Path]:
    """The Word templates bundled with amoor."""
    return sorted(bundled(TEMPLATES).glob("*.docx"))


def copy_template(workspace: Workspace, name: str, *, force: bool = False) -> Path:
    """Copy a bundled template into the workspace's ``templates_docx/``, to edit it in Word.

    ``name`` is the file name, with or without ``.docx``, or the document's name
    as a person types it (« Cahier des charges »).
    """
    shipped = shipped_templates()
    key = fold(name.removesuffix(".docx"))
    matches = [t for t in shipped if fold(t.stem) == key]
    if not matches:
        choices = ", ".join(t.stem for t in shipped)
        raise WorkspaceError(f"Modèle inconnu : « {name} ». Modèles fournis : {choices}.")
    source = matches[0]
    if workspace.ships_templates:
        raise WorkspaceError(
            f"Cet espace de travail est le dossier d'amoor lui-même : ses modèles sont les "
            f"modèles fournis ({source}). Créez un espace de travail avec « amoor init "
            f"DOSSIER » pour y personnaliser un modèle."
        )
    target = workspace.templates / source.name
    if target.exists() and not force:
        raise WorkspaceError(
            f"« {target} » existe déjà : c'est le modèle personnalisé de cet espace de travail. "
            f"Ajoutez --force pour le remplacer par le modèle fourni."
        )
    try:
        workspace.templates.mkdir(exist_ok=True)
        shutil.copyfile(source, target)
    except OSError as error:
        raise WorkspaceError(
            f"Impossible de copier le modèle dans « {workspace.templates} » : "
            f"{error.strerror or error}. Si le fichier est ouvert dans Word, fermez-le."
        ) from error
    return target


def init_workspace(root: Path) -> Workspace:
    """Create a workspace with the default layout and configuration.

    Its ``templates_docx/`` starts empty but for a README: the bundled templates
    are used until one is copied there (``copy_template``).
    """
    if (root / CONFIG_NAME).exists():
        raise WorkspaceError(
            f"« {root} » est déjà un espace de travail amoor ({CONFIG_NAME} existe) : "
            f"rien n'a été modifié."
        )
    try:
        root.mkdir(parents=True, exist_ok=True)
        (root / TEMPLATES).mkdir(exist_ok=True)
        readme = root / TEMPLATES / "README.txt"
        if not readme.exists():
            readme.write_text(TEMPLATES_README, encoding="utf-8")
        shutil.copyfile(bundled(CONFIG_NAME), root / CONFIG_NAME)
    except OSError as error:
        raise WorkspaceError(
            f"Impossible de créer l'espace de travail « {root} » : {error.strerror or error}. "
            f"Choisissez un dossier où vous pouvez écrire (pas un fichier existant)."
        ) from error
    return Workspace.open(root)
