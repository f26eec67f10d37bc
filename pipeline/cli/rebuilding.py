"""``amoor rebuild``: every engagement of the outbox brought up to date (pipeline/rebuild.py)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

import click

from pipeline.errors import AmoorError
from pipeline.tracked.wording import hand_edits, status

if TYPE_CHECKING:
    from pipeline.rebuild_job import Outcome

from pipeline.cli.app import cli, current_day, fail, help_option, open_workspace, session


@cli.command("rebuild", short_help="Reconstruit les livrables de outbox/ qui ne sont plus à jour.")
@click.option(
    "--ref",
    "references",
    multiple=True,
    metavar="RÉFÉRENCE",
    help="Ne reconstruit que cette mission (option répétable). Par défaut : toutes.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Nombre de missions traitées en parallèle (par défaut : le nombre de cœurs).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Remplace aussi les livrables modifiés à la main, après en avoir gardé une copie datée.",
)
@click.option(
    "--pdf",
    "with_pdf",
    is_flag=True,
    help="Produit aussi le PDF de chaque document Word reconstruit (avec LibreOffice).",
)
@help_option
@click.pass_context
def rebuild_command(
    ctx: click.Context,
    references: tuple[str, ...],
    jobs: int | None,
    force: bool,
    with_pdf: bool,
) -> None:
    """Reconstruit les livrables de chaque mission de outbox/ qui ne sont plus à jour.

    Chaque mission est refaite à partir de la copie du classeur gardée à côté
    de ses livrables. Seul ce qui a changé est refait : un modèle Word modifié
    refait les documents qui l'utilisent, un catalogue de prix modifié refait
    les factures proforma ; une facture émise ne change jamais. Un livrable
    modifié à la main n'est jamais écrasé : la nouvelle version est écrite à
    côté. Avec --force, il est remplacé après avoir été copié sous un nom daté.
    """
    from pipeline.rebuild import execute, plan

    try:
        workspace = open_workspace(ctx)
    except AmoorError as error:
        fail(error)
    today = current_day()
    workers = jobs or _cores()
    with session(workspace) as pdf:
        try:
            the_plan = plan(workspace, references, force=force, with_pdf=with_pdf)
        except AmoorError as error:
            fail(error)
        outcomes = list(the_plan.refused)
        running = execute(
            the_plan, workspace, today, jobs=workers, pdf=pdf, force=force, with_pdf=with_pdf
        )
        outcomes += _with_progress(running, len(the_plan.jobs))
    _report_rebuild(outcomes, len(the_plan.unchanged))
    if any(outcome.error for outcome in outcomes):
        sys.exit(1)


def _cores() -> int:
    """The cores this process may run on (fewer than the machine's in a container)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _with_progress(outcomes: Iterator[Outcome], total: int) -> list[Outcome]:
    """The outcomes, a progress bar on the terminal meanwhile (none when output is a file)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    console = Console(stderr=True)
    columns = (TextColumn("Reconstruction"), BarColumn(), MofNCompleteColumn())
    done: list[Outcome] = []
    with Progress(
        *columns, console=console, transient=True, disable=not console.is_terminal
    ) as bar:
        task = bar.add_task("", total=total)
        for outcome in outcomes:
            done.append(outcome)
            bar.advance(task)
    return done


def _report_rebuild(outcomes: list[Outcome], unchanged: int) -> None:
    rebuilt = [o for o in outcomes if not o.error and (o.written or o.kept or o.backed_up)]
    failed = [o for o in outcomes if o.error]
    same = unchanged + sum(1 for o in outcomes if not o.error and o not in rebuilt)
    for outcome in rebuilt:
        click.echo(f"{outcome.folder.name} :")
        for path in outcome.written:
            click.echo(f"  écrit : {path}")
        for line in hand_edits(outcome.kept, outcome.tracked):
            click.echo(f"  {line}")
        for notice in outcome.notices:
            click.echo(f"  À noter : {notice}")
    protected = [k for o in outcomes for k in o.kept]
    tracked = [t for o in outcomes for t in o.tracked]
    backed_up = [b for o in outcomes for b in o.backed_up]
    click.echo("")
    click.echo(
        f"Reconstruction terminée : {len(rebuilt)} mission(s) reconstruite(s), {same} "
        f"inchangée(s), {len(failed)} en échec."
    )
    if protected:
        click.echo(f"Protégés car modifiés à la main ({len(protected)}), jamais écrasés :")
        for edited, beside in protected:
            update = next((t for t in tracked if t.edited == edited), None)
            state = f"{status(update)} ; " if update is not None else ""
            click.echo(f"  « {edited} » : {state}la nouvelle version est dans « {beside} »")
    if backed_up:
        click.echo(f"Modifiés à la main et remplacés (--force) ({len(backed_up)}) :")
        for replaced, backup in backed_up:
            click.echo(f"  « {replaced} » : l'ancien fichier est gardé dans « {backup} »")
    for outcome in failed:
        click.echo(
            f"Échec : mission {outcome.reference} ({outcome.folder}) : {outcome.error}", err=True
        )
