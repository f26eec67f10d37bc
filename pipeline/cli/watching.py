"""``amoor watch`` and ``amoor statut``: the drop folder (pipeline/watch/)."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from typing import TYPE_CHECKING

import click

from pipeline.errors import AmoorError

if TYPE_CHECKING:
    from pipeline.invoicing.billing import PdfService
    from pipeline.workspace import Workspace

from pipeline.cli.app import cli, current_day, fail, help_option, open_workspace, session


def _now() -> datetime:
    """The time the drop folder's log and reports are dated with: ``current_day()`` at this hour."""
    return datetime.combine(current_day(), datetime.now().time())


def _depot_log(workspace: Workspace) -> logging.Logger:
    """The drop folder's French log, one line per file, in ``.amoor/depot.log`` (rotated)."""
    from logging.handlers import RotatingFileHandler

    logger = logging.getLogger("amoor.depot")
    logger.propagate = False  # the developers' log stays in English
    logger.setLevel(logging.INFO)
    for previous in list(logger.handlers):
        logger.removeHandler(previous)
        previous.close()
    try:
        path = workspace.state.depot_log
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    except OSError:
        return logger  # a read-only workspace: the console still shows every line
    # Dated by the lines themselves (``_now()``), like everything amoor dates.
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(handler)
    return logger


@cli.command("watch", short_help="Surveille inbox/ et produit les livrables de chaque dépôt.")
@click.option(
    "--polling",
    is_flag=True,
    help="Regarde le dossier toutes les demi-secondes au lieu d'attendre les notifications "
    "du système : pour un dossier réseau (partage Windows, NFS) ou synchronisé.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 8),
    default=1,
    show_default=True,
    metavar="N",
    help="Nombre de classeurs traités en même temps.",
)
@click.option("--once", is_flag=True, help="Traite ce qui est déjà dans inbox/, puis s'arrête.")
@click.option(
    "--pdf",
    "with_pdf",
    is_flag=True,
    help="Produit aussi le PDF de chaque document Word (avec LibreOffice).",
)
@click.option(
    "--attente",
    "unreadable_after",
    type=click.FloatRange(1, 3600),
    default=30,
    show_default=True,
    metavar="SECONDES",
    help="Délai après lequel un fichier toujours illisible (copie interrompue) est refusé.",
)
@help_option
@click.pass_context
def watch_command(
    ctx: click.Context,
    polling: bool,
    jobs: int,
    once: bool,
    with_pdf: bool,
    unreadable_after: float,
) -> None:
    """Surveille le dossier inbox/ : chaque classeur qui y est déposé est traité.

    Les livrables vont dans outbox/, comme avec « amoor build ». Le classeur
    traité est rangé dans inbox/traités/ ; un classeur refusé va dans
    inbox/erreurs/ avec un rapport « … - erreurs.txt » qui dit quoi corriger.
    Un même classeur déposé deux fois (même sous un autre nom) n'est traité
    qu'une fois, sans second numéro de facture. Les fichiers temporaires
    d'Excel, de LibreOffice et des outils de synchronisation sont ignorés.

    Chaque dépôt est noté dans .amoor/depot.log ; « amoor statut » le
    résume. Ctrl-C arrête la surveillance après le classeur en cours.
    """
    from pipeline.atomic import remove_stale_temp_files
    from pipeline.invoicing.billing import PdfService
    from pipeline.watch import wording
    from pipeline.watch.handling import Handling
    from pipeline.watch.outcome import Kind
    from pipeline.watch.outcome import Outcome as DropOutcome
    from pipeline.watch.watcher import Settings, Watcher, watch_lock

    try:
        workspace = open_workspace(ctx)
        with watch_lock(workspace), session(workspace) as pdf:
            remove_stale_temp_files(workspace.inbox)
            depot_log = _depot_log(workspace)
            printing = threading.Lock()

            def report(outcome: DropOutcome) -> None:
                text = wording.line(outcome, workspace.outbox)
                more = wording.details(outcome) if outcome.kind is Kind.PROCESSED else []
                with printing:
                    click.echo(f"{outcome.at:%H:%M:%S} {text}")
                    for detail in more:
                        click.echo(f"  {detail}")
                    depot_log.info("%s %s", f"{outcome.at:%d/%m/%Y %H:%M:%S}", text)
                    for detail in more:
                        depot_log.info("    %s", detail)

            spare = [pdf]  # the first worker keeps the LibreOffice of the start-up recovery

            def worker_pdf() -> PdfService:
                return spare.pop() if spare else PdfService(workspace.state.libreoffice)

            settings = Settings(
                jobs=jobs, polling=polling, once=once, unreadable_after=unreadable_after
            )
            handling = Handling(workspace, current_day, _now, with_pdf=with_pdf)
            watcher = Watcher(handling, settings, report, worker_pdf)
            mode = "par interrogation régulière" if polling else "par notifications du système"
            click.echo(
                f"amoor watch : traitement de ce qui est dans {workspace.inbox}, puis arrêt."
                if once
                else f"amoor watch surveille {workspace.inbox} ({mode}, {jobs} à la fois). "
                f"Ctrl-C pour arrêter."
            )
            with _stopping_on_signals(watcher.stop):
                summary = watcher.run()
    except AmoorError as error:
        fail(error)
    text = wording.summary(summary.counts, summary.waiting)
    click.echo(text)
    depot_log.info("%s %s", f"{_now():%d/%m/%Y %H:%M:%S}", text)


@contextmanager
def _stopping_on_signals(stop: Callable[[], None]) -> Iterator[None]:
    """Ctrl-C, SIGTERM, SIGHUP: stop after the current file; a second one leaves at once."""
    asked: list[int] = []

    def handler(signum: int, frame: object) -> None:
        if asked:
            raise KeyboardInterrupt
        asked.append(signum)
        click.echo(
            "Arrêt demandé : amoor watch finit le classeur en cours, puis s'arrête "
            "(Ctrl-C à nouveau pour quitter tout de suite)."
        )
        stop()

    names = [n for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n)]
    previous = {name: signal.signal(getattr(signal, name), handler) for name in names}
    try:
        yield
    finally:
        for name, old in previous.items():
            signal.signal(getattr(signal, name), old)


@cli.command("statut", short_help="Ce que le dossier de dépôt a fait, ce qui attend.")
@click.option(
    "--lignes",
    "-n",
    type=click.IntRange(1, 1000),
    default=20,
    show_default=True,
    metavar="N",
    help="Nombre de lignes d'activité affichées.",
)
@help_option
@click.pass_context
def statut_command(ctx: click.Context, lignes: int) -> None:
    """Affiche ce que « amoor watch » a fait dernièrement et ce qui attend.

    Les derniers dépôts (reçus, traités, refusés, doublons), les classeurs
    qui attendent encore dans inbox/, et ceux qui sont à corriger dans
    inbox/erreurs/ avec leur premier problème.
    """
    from pipeline.watch import inbox, wording
    from pipeline.watch.processed import Depot
    from pipeline.watch.watcher import running

    try:
        workspace = open_workspace(ctx)
        entries = Depot.of(workspace).recent(lignes)
        pid = running(workspace)
    except AmoorError as error:
        fail(error)
    if pid is None:
        click.echo(
            "amoor watch n'est pas en marche : les classeurs déposés dans inbox/ attendent. "
            "Lancez « amoor watch »."
        )
    else:
        click.echo(f"amoor watch est en marche{f' (processus {pid})' if pid else ''}.")
    click.echo("")
    if entries:
        click.echo("Dernières activités :")
        for entry in entries:
            click.echo(f"  {entry.at:%d/%m/%Y %H:%M}  {entry.line}")
    else:
        click.echo("Aucune activité du dossier de dépôt pour l'instant.")
    waiting = list(inbox.dropped(workspace.inbox))
    click.echo("")
    click.echo(f"En attente dans inbox/ : {len(waiting)}")
    for path in waiting:
        click.echo(f"  {path.name}")
    errors = inbox.rejected(workspace.inbox / inbox.ERRORS_FOLDER)
    click.echo(f"À corriger dans inbox/{inbox.ERRORS_FOLDER}/ : {len(errors)}")
    for workbook, report in errors:
        first = ""
        if report is not None:
            with suppress(OSError):
                first = wording.first_problem(report.read_text(encoding="utf-8"))
        click.echo(f"  {workbook.name}" + (f" — {first}" if first else ""))
