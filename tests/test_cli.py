"""The command line: French help for every command, French errors, no traceback."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from tests.samples import amoor

ENGLISH = ("Usage:", "Options:", "Commands:", "Show this message", "Show the version", "Error:")


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name)


def _amoor(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return amoor(*args, cwd=cwd, timeout=120)


@pytest.mark.parametrize("path", list(_commands(cli)), ids=lambda p: " ".join(p) or "amoor")
def test_every_command_has_complete_french_help(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"], prog_name="amoor")
    assert result.exit_code == 0, result.output
    assert "Utilisation : amoor" in result.output
    assert not any(word in result.output for word in ENGLISH), result.output
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    assert command.help
    assert command.short_help or not path
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"option sans aide : {param.name}"
        else:
            assert param.human_readable_name.rstrip(".") in (command.help or "")


def test_usage_errors_are_french_without_traceback(tmp_path: Path) -> None:
    unknown = _amoor("fabrique", cwd=tmp_path)
    assert unknown.returncode == 2
    assert "Erreur : commande inconnue « fabrique »" in unknown.stderr
    missing = _amoor("build", cwd=tmp_path)
    assert missing.returncode == 2
    assert "Erreur : il manque l'argument FICHIER." in missing.stderr
    option = _amoor("build", "--vite", "x.xlsx", cwd=tmp_path)
    assert "Erreur : option inconnue : --vite." in option.stderr
    for result in (unknown, missing, option):
        assert "Traceback" not in result.stderr


def test_build_outside_a_workspace_says_what_to_do(tmp_path: Path) -> None:
    (tmp_path / "a.xlsx").write_bytes(b"")
    result = _amoor("build", "a.xlsx", cwd=tmp_path)
    assert result.returncode == 1
    assert "n'est pas un espace de travail amoor" in result.stderr
    assert "amoor init DOSSIER" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_init_then_bad_workbook_reports_in_french(tmp_path: Path) -> None:
    created = _amoor("init", "espace", cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    workspace = tmp_path / "espace"
    assert {p.name for p in workspace.iterdir()} >= {
        "amoor.toml",
        "inbox",
        "outbox",
        "templates_docx",
    }
    # No copy of the bundled templates: the improvements of a new amoor reach the workspace.
    assert [p.name for p in (workspace / "templates_docx").iterdir()] == ["README.txt"]
    readme = (workspace / "templates_docx" / "README.txt").read_text(encoding="utf-8")
    assert "Copiez ici un modèle pour le personnaliser." in readme
    again = _amoor("init", "espace", cwd=tmp_path)
    assert again.returncode == 1 and "déjà un espace de travail" in again.stderr

    (workspace / "notes.xlsx").write_text("Nom;Catégorie\nMairie;Élus\n", encoding="utf-8")
    result = _amoor(
        "--workspace",
        str(workspace),
        "build",
        str(workspace / "notes.xlsx"),
        "absent.xlsx",
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert "Erreur : Le fichier « notes.xlsx » est un fichier texte (CSV ?)" in result.stderr
    assert "Erreur : Fichier introuvable : « absent.xlsx »" in result.stderr
    assert "2 classeur(s) sur 2 non traité(s)." in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_workbook_new_creates_a_blank_and_refuses_to_overwrite(tmp_path: Path) -> None:
    first = _amoor("workbook", "new", "emergence", "mission.xlsx", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "Classeur vierge « Émergence de concepts » créé : mission.xlsx" in first.stdout
    second = _amoor("workbook", "new", "emergence", "mission.xlsx", cwd=tmp_path)
    assert second.returncode == 1 and "existe déjà" in second.stderr
    unknown = _amoor("workbook", "new", "atelier", cwd=tmp_path)
    assert unknown.returncode == 2
    assert "Erreur : offre inconnue « atelier »" in unknown.stderr
    default = _amoor("workbook", "new", "Stratégie globale opérationnelle", cwd=tmp_path)
    assert default.returncode == 0
    assert (tmp_path / "Mission - Stratégie globale opérationnelle.xlsx").is_file()
