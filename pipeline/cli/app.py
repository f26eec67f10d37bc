"""The ``amoor`` group and what every command shares: French help and errors, the
workspace, today's date (:func:`current_day`, the one clock), the logs, the start-up
recovery, and :func:`main`, the console script, which turns the core's French errors
into messages and exit codes.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from pipeline.errors import AmoorError

if TYPE_CHECKING:
    from pipeline.invoicing.billing import PdfService
    from pipeline.recovery import Recovery
    from pipeline.workspace import Workspace


_SECTIONS = {"Options": "Options", "Commands": "Commandes", "Arguments": "Arguments"}


class _FrenchFormatter(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix="Utilisation : " if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        # French typography: a space before the colon.
        self.write(f"{'':>{self.current_indent}}{_SECTIONS.get(heading, heading)} :\n")


class _FrenchContext(click.Context):
    formatter_class = _FrenchFormatter


class _Command(click.Command):
    context_class = _FrenchContext


class Group(click.Group):
    context_class = _FrenchContext
    command_class = _Command

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("subcommand_metavar", "COMMANDE [ARGUMENTS]...")
        super().__init__(*args, **kwargs)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if args and self.get_command(ctx, name) is None and not name.startswith("-"):
            known = ", ".join(self.list_commands(ctx))
            raise click.UsageError(f"commande inconnue « {name} » (commandes : {known}).", ctx)
        return super().resolve_command(ctx, args)


Group.group_class = Group

HELP = {"help_option_names": ["-h", "--help"]}


def help_option(f: Any) -> Any:
    return click.help_option("-h", "--help", help="Affiche cette aide et quitte.")(f)


def fail(error: AmoorError) -> NoReturn:
    click.echo(f"Erreur : {error}", err=True)
    sys.exit(error.exit_code)


def save(path: Path, data: bytes) -> None:
    """Write a file the user named, or stop with a French message."""
    from pipeline.atomic import atomic_write
    from pipeline.outbox import OutboxError

    try:
        if path.is_dir():
            raise IsADirectoryError(21, "c'est un dossier", str(path))
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data)
    except OSError as error:
        fail(
            OutboxError(
                f"Impossible d'écrire « {path} » : {error.strerror or error}. Vérifiez le "
                f"chemin et les droits d'écriture, puis relancez."
            )
        )


@click.group(cls=Group, context_settings=HELP)
@click.option(
    "--workspace",
    "-w",
    type=click.Path(path_type=Path),
    default=None,
    metavar="DOSSIER",
    help="Espace de travail à utiliser (par défaut : le dossier courant).",
)
@click.option("-v", "--verbose", is_flag=True, help="Affiche le détail des opérations.")
@help_option
@click.version_option(
    package_name="amoor-pipeline", message="amoor %(version)s", help="Affiche la version et quitte."
)
@click.pass_context
def cli(ctx: click.Context, workspace: Path | None, verbose: bool) -> None:
    """amoor : des classeurs de mission aux livrables Word.

    Un consultant remplit un classeur Excel par mission (parties prenantes,
    paramètres, scénarios, notation R.O.I. citoyen, options) ; amoor le
    vérifie et produit les livrables dans outbox/.

    \b
    Pour commencer :
      amoor workbook new "Concertation citoyenne" ma-mission.xlsx
      amoor build ma-mission.xlsx
    """
    # The log is the developers' trace, in English: on the terminal with -v only,
    # and in the workspace's .amoor/amoor.log. Third-party warnings (matplotlib's
    # « Glyph … missing from font ») go there too. What a consultant needs to know
    # is printed in French by the commands themselves.
    logging.captureWarnings(True)
    console = logging.StreamHandler()
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    console.setLevel(logging.INFO if verbose else logging.CRITICAL + 1)
    _install(console, "amoor-console")
    logging.getLogger().setLevel(logging.INFO)
    ctx.obj = workspace


TODAY_VARIABLE = "AMOOR_TODAY"


def current_day() -> date:
    """The date every command dates things with: the one place a test fixes it.

    ``AMOOR_TODAY=2026-11-25`` (ISO) stands for today's date: tests set it so that
    nothing depends on the day they run. Read here, at the edge, and passed down.
    """
    fixed = os.environ.get(TODAY_VARIABLE, "").strip()
    if not fixed:
        return date.today()
    try:
        return date.fromisoformat(fixed)
    except ValueError:
        raise click.UsageError(
            f"la variable {TODAY_VARIABLE} vaut « {fixed} » : indiquez une date AAAA-MM-JJ "
            f"ou retirez-la pour dater du jour."
        ) from None


def open_workspace(ctx: click.Context) -> Workspace:
    """The workspace of the command; from here on, the developers' log goes to its file."""
    from pipeline.workspace import Workspace

    root = ctx.find_root().obj or Path.cwd()
    workspace = Workspace.open(root)
    _log_to_file(workspace.state.log)
    return workspace


def _log_to_file(path: Path) -> None:
    """The developers' log (English, third-party warnings included), kept in the workspace."""
    from logging.handlers import RotatingFileHandler

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        return  # a read-only workspace: the log is a convenience, never a reason to fail
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
    )
    handler.setLevel(logging.INFO)
    _install(handler, "amoor-file")


def _install(handler: logging.Handler, name: str) -> None:
    """Add ``handler`` to the root logger in place of the one of the previous command, if any."""
    root = logging.getLogger()
    for previous in [h for h in root.handlers if h.get_name() == name]:
        root.removeHandler(previous)
        previous.close()
    handler.set_name(name)
    root.addHandler(handler)


@contextmanager
def session(workspace: Workspace) -> Iterator[PdfService]:
    """A command's time in the workspace: recovery first, LibreOffice ended last.

    What an interrupted run left (an issued piece without its documents, temp
    files, a LibreOffice still running) is finished or cleared, and said.
    """
    from pipeline.invoicing.billing import PdfService
    from pipeline.recovery import recover

    pdf = PdfService(workspace.state.libreoffice)
    try:
        report_recovery(recover(workspace, pdf))
        yield pdf
    finally:
        pdf.close()


def report_recovery(recovery: Recovery) -> None:
    for piece in recovery.restored:
        click.echo(
            f"Reprise : la pièce {piece.number} (mission {piece.reference}) était enregistrée "
            f"sans ses documents, interrompue avant leur écriture ; ils ont été refaits depuis le "
            f"registre des factures :"
        )
        for path in piece.written:
            click.echo(f"  écrit : {path}")
        for notice in piece.notices:
            click.echo(f"  À noter : {notice}")
    if recovery.temp_files:
        click.echo(
            f"Reprise : {recovery.temp_files} fichier(s) temporaire(s) laissé(s) par une "
            f"exécution interrompue supprimé(s) dans outbox/."
        )
    if recovery.libreoffice_ended:
        click.echo(
            f"Reprise : {recovery.libreoffice_ended} processus LibreOffice laissé(s) par une "
            f"exécution interrompue arrêté(s)."
        )


def _french_usage_error(error: click.UsageError) -> str:
    if isinstance(error, click.MissingParameter) and error.param is not None:
        if isinstance(error.param, click.Option):
            return f"il manque l'option {error.param.opts[-1]}."
        return f"il manque l'argument {error.param.human_readable_name.rstrip('.')}."
    if isinstance(error, click.NoSuchOption):
        return f"option inconnue : {error.option_name}."
    if isinstance(error, click.BadOptionUsage):
        return f"option mal employée : {error.option_name} (une valeur est-elle attendue ?)."
    if isinstance(error, click.BadParameter):
        hint = error.param.get_error_hint(error.ctx) if error.param and error.ctx else ""
        return f"valeur invalide {hint} : {error.message}".replace("  ", " ")
    message = error.format_message()
    if message.startswith("Got unexpected extra argument"):
        return "argument(s) en trop : " + message.split("(", 1)[-1].rstrip(")")
    return message


def _stop_on_signal(signum: int, frame: object) -> None:
    # An exception, so that every ``finally`` runs: LibreOffice ended, locks freed.
    raise SystemExit(128 + signum)


def main() -> None:
    """Entry point of the ``amoor`` console script."""
    for name in ("SIGTERM", "SIGHUP"):  # what a closed terminal or a service stop sends
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _stop_on_signal)
    try:
        cli.main(prog_name="amoor", standalone_mode=False)
    except click.UsageError as error:
        if error.ctx is not None:
            click.echo(error.ctx.get_usage(), err=True)
            command = error.ctx.command_path
            click.echo(f"Aide : {command} --help", err=True)
        click.echo(f"Erreur : {_french_usage_error(error)}", err=True)
        sys.exit(2)
    except click.Abort:
        click.echo("Interrompu.", err=True)
        sys.exit(130)
    except click.ClickException as error:
        click.echo(f"Erreur : {error.format_message()}", err=True)
        sys.exit(error.exit_code)
    except AmoorError as error:
        fail(error)
