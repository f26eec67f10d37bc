"""The ``amoor`` command: the only module that prints and exits.

Commands are a few lines each: they translate arguments into calls of the
core and the core's errors (:class:`~pipeline.errors.AmoorError`, French
already) into messages and exit codes. Help and usage errors are in French.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from pipeline.errors import AmoorError

if TYPE_CHECKING:
    from pipeline.build import BuildResult
    from pipeline.invoicing.billing import PdfService
    from pipeline.rebuild import Outcome
    from pipeline.recovery import Recovery
    from pipeline.workspace import Workspace

log = logging.getLogger(__name__)

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


class _Group(click.Group):
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


_Group.group_class = _Group

_HELP = {"help_option_names": ["-h", "--help"]}


def _help_option(f: Any) -> Any:
    return click.help_option("-h", "--help", help="Affiche cette aide et quitte.")(f)


def _fail(error: AmoorError) -> NoReturn:
    click.echo(f"Erreur : {error}", err=True)
    sys.exit(error.exit_code)


def _save(path: Path, data: bytes) -> None:
    """Write a file the user named, or stop with a French message."""
    from pipeline.outbox import OutboxError, atomic_write

    try:
        if path.is_dir():
            raise IsADirectoryError(21, "c'est un dossier", str(path))
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data)
    except OSError as error:
        _fail(
            OutboxError(
                f"Impossible d'écrire « {path} » : {error.strerror or error}. Vérifiez le "
                f"chemin et les droits d'écriture, puis relancez."
            )
        )


@click.group(cls=_Group, context_settings=_HELP)
@click.option(
    "--workspace",
    "-w",
    type=click.Path(path_type=Path),
    default=None,
    metavar="DOSSIER",
    help="Espace de travail à utiliser (par défaut : le dossier courant).",
)
@click.option("-v", "--verbose", is_flag=True, help="Affiche le détail des opérations.")
@_help_option
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


def _today() -> date:
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


_LOG_NAME = ".amoor/amoor.log"


def _workspace(ctx: click.Context) -> Workspace:
    """The workspace of the command; from here on, the developers' log goes to its file."""
    from pipeline.workspace import Workspace

    root = ctx.find_root().obj or Path.cwd()
    workspace = Workspace.open(root)
    _log_to_file(workspace.root / _LOG_NAME)
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
def _session(workspace: Workspace) -> Iterator[PdfService]:
    """A command's time in the workspace: recovery first, LibreOffice ended last.

    What an interrupted run left (an issued piece without its documents, temp
    files, a LibreOffice still running) is finished or cleared, and said.
    """
    from pipeline.invoicing.billing import PdfService
    from pipeline.recovery import recover

    pdf = PdfService(workspace.libreoffice_slots)
    try:
        _report_recovery(recover(workspace, pdf))
        yield pdf
    finally:
        pdf.close()


def _report_recovery(recovery: Recovery) -> None:
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


@cli.command("init", short_help="Crée un espace de travail.")
@click.argument("dossier", type=click.Path(path_type=Path))
@_help_option
def init_command(dossier: Path) -> None:
    """Crée un espace de travail dans DOSSIER.

    Le dossier reçoit inbox/ (classeurs à traiter), outbox/ (livrables),
    templates_docx/ (modèles Word modifiables) et amoor.toml (identité du
    vendeur et catalogue des prix, à compléter).
    """
    from pipeline.workspace import init_workspace

    try:
        workspace = init_workspace(dossier)
    except AmoorError as error:
        _fail(error)
    click.echo(f"Espace de travail créé : {workspace.root}")
    click.echo(f"Complétez {workspace.config_path} (vendeur, catalogue) avant de facturer.")


@cli.command("build", short_help="Vérifie des classeurs et produit leurs livrables.")
@click.argument(
    "fichiers",
    nargs=-1,
    required=True,
    # Checked by the build, path by path, so that one bad path never stops the batch.
    type=click.Path(path_type=Path, readable=False),
    metavar="FICHIER...",
)
@click.option(
    "--pdf",
    "with_pdf",
    is_flag=True,
    help="Produit aussi un PDF de chaque document Word, table des matières à jour "
    "(avec LibreOffice).",
)
@_help_option
@click.pass_context
def build_command(ctx: click.Context, fichiers: tuple[Path, ...], with_pdf: bool) -> None:
    """Vérifie chaque classeur FICHIER et produit ses livrables dans outbox/.

    Les livrables vont dans outbox/<Collectivité> - <Référence>/, avec une
    copie du classeur. Un livrable modifié à la main n'est jamais écrasé :
    la nouvelle version est écrite à côté. Tous les problèmes d'un classeur
    sont signalés en une fois (feuille, cellule, correction à apporter).

    Avec --pdf, chaque document Word reçoit son PDF à côté de lui, table des
    matières à jour (numéros de page compris). Le PDF est fait à partir du
    document produit par amoor : celui d'un document retouché à la main
    s'exporte depuis Word. Sans LibreOffice, les .docx sont produits et un
    message l'indique.
    """
    from pipeline.build import build

    try:
        workspace = _workspace(ctx)
    except AmoorError as error:
        _fail(error)
    failures = 0
    with _session(workspace) as pdf:  # LibreOffice started once, on the first PDF
        for path in fichiers:
            try:
                result = build(path, workspace, today=_today(), pdf=pdf, with_pdf=with_pdf)
            except AmoorError as error:  # each path for itself: the others go on
                click.echo(f"Erreur : {error}", err=True)
                failures += 1
                continue
            except Exception:  # a bug must not stop the other workbooks of the batch
                log.exception("unexpected failure on %s", path)
                click.echo(
                    f"Erreur : « {path.name} » n'a pas pu être traité à cause d'une erreur "
                    f"interne d'amoor. Le détail est dans {_LOG_NAME} ; transmettez-le à "
                    f"l'équipe technique. Les autres classeurs sont traités.",
                    err=True,
                )
                failures += 1
                continue
            _report_build(path, result)
    if failures:
        click.echo(f"{failures} classeur(s) sur {len(fichiers)} non traité(s).", err=True)
        sys.exit(1)


def _report_build(path: Path, result: BuildResult) -> None:
    mission = result.engagement.mission
    click.echo(f"{path.name} : {mission.offer} — {mission.collectivite} ({mission.reference})")
    for warning in (*result.engagement.warnings, *result.analysis.warnings):
        click.echo(f"  Avertissement : {warning}")
    commits = [c for c in (result.commit, *result.other_commits) if c is not None]
    for done in commits:
        for written in done.written:
            click.echo(f"  écrit : {written}")
        for edited, beside in done.kept:
            click.echo(
                f"  conservé : {edited.name} a été modifié à la main ; la nouvelle version "
                f"est dans « {beside.name} »."
            )
    if result.invoice_number:
        click.echo(f"  facture : {result.invoice_number}")
    for notice in result.notices:
        click.echo(f"  À noter : {notice}")


@cli.group("facture", cls=_Group, short_help="Factures émises : avoirs.")
@_help_option
def invoice_group() -> None:
    """Factures émises : annuler une facture par un avoir."""


@invoice_group.command("avoir", short_help="Annule une facture émise par un avoir.")
@click.argument("numero", metavar="NUMÉRO")
@click.option(
    "--motif",
    required=True,
    metavar="TEXTE",
    help="Motif de l'avoir, imprimé sur l'avoir (obligatoire).",
)
@_help_option
@click.pass_context
def credit_note_command(ctx: click.Context, numero: str, motif: str) -> None:
    """Émet un avoir qui annule la facture NUMÉRO (par exemple F-2026-0001).

    L'avoir reçoit son propre numéro, dans la même suite que les factures,
    reprend les lignes de la facture en négatif et cite son numéro et sa date.
    Ensuite, « amoor build » sur le classeur de la mission émet une nouvelle
    facture. L'avoir (.docx, et PDF Factur-X si LibreOffice est installé) est
    écrit dans le dossier de la mission, dans outbox/.
    """
    from pipeline.formats import short_date
    from pipeline.invoicing.billing import credit_note
    from pipeline.outbox import commit

    try:
        workspace = _workspace(ctx)
    except AmoorError as error:
        _fail(error)
    try:
        with _session(workspace) as pdf:
            record, placed, notices = credit_note(numero, motif, workspace, _today(), pdf)
            written = commit(placed[0].folder, [p.document for p in placed])
    except AmoorError as error:
        _fail(error)
    click.echo(
        f"Avoir {record.number} émis : il annule la facture {numero} "
        f"({short_date(record.preceding_date)})."
    )
    for path in written.written:
        click.echo(f"  écrit : {path}")
    for notice in notices:
        click.echo(f"  À noter : {notice}")
    click.echo(
        "Relancez « amoor build » sur le classeur de la mission pour émettre la nouvelle facture."
    )


@cli.command("factures", short_help="Liste les factures et avoirs émis.")
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(path_type=Path),
    metavar="FICHIER",
    help="Exporte aussi la liste en CSV pour le comptable.",
)
@_help_option
@click.pass_context
def invoices_command(ctx: click.Context, csv_path: Path | None) -> None:
    """Affiche le registre des factures : numéro, date, client, référence,
    montants HT, TVA et TTC, statut (émise, avoir, annulée par avoir).

    Avec --csv FICHIER, écrit aussi ce registre en CSV (séparateur « ; »,
    virgule décimale), lisible directement par Excel.
    """
    from pipeline.formats import money, short_date
    from pipeline.invoicing.ledger import Ledger, to_csv
    from pipeline.render.report import table

    try:
        workspace = _workspace(ctx)
        with _session(workspace):
            records = Ledger.of(workspace).list_invoices()
    except AmoorError as error:
        _fail(error)
    if not records:
        click.echo("Aucune facture émise pour l'instant.")
    else:
        click.echo(
            table(
                ["Numéro", "Date", "Client", "Référence", "HT", "TVA", "TTC", "Statut"],
                [
                    [
                        r.number,
                        short_date(r.issue_date),
                        r.invoice.buyer.name,
                        r.reference,
                        money(r.total_ht),
                        money(r.total_vat),
                        money(r.total_ttc),
                        r.status.value
                        + (f" ({r.cancelled_by})" if r.cancelled_by else "")
                        + (f" (sur {r.preceding_number})" if r.preceding_number else ""),
                    ]
                    for r in records
                ],
            )
        )
    if csv_path is not None:
        _save(csv_path, to_csv(records).encode("utf-8"))
        click.echo(f"Export CSV : {csv_path}")


@cli.command("analyse", short_help="Affiche l'analyse d'un classeur, sans rien écrire.")
@click.argument("fichier", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON (pour un autre outil).")
@_help_option
def analyse_command(fichier: Path, as_json: bool) -> None:
    """Vérifie le classeur FICHIER et affiche son analyse, sans rien écrire.

    Concertation citoyenne : le classement R.O.I. citoyen par jugement
    majoritaire (mention majoritaire et signe, p, q, moyenne, équilibre entre
    publics, consensus, veto) et la recommandation. Stratégie globale : les
    avis par dispositif et par public, et le classement R.O.I. citoyen des
    dispositifs quand la feuille « Notation ROI » est remplie. Émergence de
    concepts : les réactions par scénario et par cible.
    """
    import json

    from pipeline.analysis.overview import analyse, analysis_json
    from pipeline.workbook.reader import read_engagement

    try:
        engagement = read_engagement(fichier)
    except AmoorError as error:
        _fail(error)
    analysis = analyse(engagement)
    if as_json:
        click.echo(json.dumps(analysis_json(engagement, analysis), ensure_ascii=False, indent=2))
        return
    from pipeline.render.report import analysis_report

    click.echo(analysis_report(engagement, analysis))


@cli.group("templates", cls=_Group, short_help="Modèles Word : vérifier, personnaliser.")
@_help_option
def templates_group() -> None:
    """Modèles Word des documents : les vérifier, en copier un pour le personnaliser.

    Un modèle placé dans templates_docx/ de l'espace de travail remplace le
    modèle fourni de même nom ; sans copie, les modèles fournis avec amoor
    sont utilisés (et s'améliorent avec lui).
    """


@templates_group.command("check", short_help="Vérifie les modèles Word.")
@_help_option
@click.pass_context
def templates_check(ctx: click.Context) -> None:
    """Vérifie chaque modèle Word que l'espace de travail utilise.

    Signale, avec le fichier et le paragraphe concernés : les balises
    illisibles ({{ … }}, {% … %}), celles que Word a coupées en morceaux de
    mises en forme différentes, et les données qu'aucun document ne fournit
    (une faute de frappe dans le nom d'une balise). Les données sont vérifiées
    sur les classeurs d'exemple. Code de sortie : 0 si tout va bien, 1 sinon.
    """
    from pipeline.render.templates import check_templates, describe

    try:
        workspace = _workspace(ctx)
        with _session(workspace):
            reports = check_templates(workspace, _today())
    except AmoorError as error:
        _fail(error)
    click.echo(f"Modèles Word de l'espace de travail {workspace.root} :")
    for line in describe(reports):
        click.echo(line)
    if any(report.problems for report in reports):
        sys.exit(1)


@templates_group.command("copier", short_help="Copie un modèle fourni pour le personnaliser.")
@click.argument("nom")
@click.option("--force", is_flag=True, help="Remplace la copie déjà présente dans l'espace.")
@_help_option
@click.pass_context
def templates_copy(ctx: click.Context, nom: str, force: bool) -> None:
    """Copie le modèle fourni NOM dans templates_docx/ de l'espace de travail.

    NOM : le nom du modèle, par exemple cahier_des_charges ou facture (avec ou
    sans .docx ; « Cahier des charges » convient aussi). Modifiez ensuite la
    copie dans Word, puis vérifiez-la avec « amoor templates check ».
    """
    from pipeline.workspace import copy_template

    try:
        target = copy_template(_workspace(ctx), nom, force=force)
    except AmoorError as error:
        _fail(error)
    click.echo(f"Modèle copié : {target}")
    click.echo(
        "Modifiez-le dans Word (sans toucher aux balises {{ … }} et {% … %}), puis vérifiez-le "
        "avec : amoor templates check"
    )


@cli.group("workbook", cls=_Group, short_help="Classeurs de mission (classeur vierge).")
@_help_option
def workbook_group() -> None:
    """Classeurs de mission : créer un classeur vierge à remplir."""


@workbook_group.command("new", short_help="Crée un classeur vierge pour une offre.")
@click.argument("offre")
@click.argument("fichier", required=False, type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Remplace FICHIER s'il existe déjà.")
@_help_option
def workbook_new(offre: str, fichier: Path | None, force: bool) -> None:
    """Crée un classeur vierge pour l'offre OFFRE, à remplir dans Excel.

    \b
    OFFRE : « Concertation citoyenne », « Stratégie globale opérationnelle »
    ou « Émergence de concepts » (les majuscules et accents sont facultatifs,
    « concertation », « strategie » ou « emergence » suffisent).
    FICHIER : le classeur à créer (par défaut : « Mission - <offre>.xlsx »).
    """
    from pipeline.model import Offer
    from pipeline.workbook.blank import blank_workbook
    from pipeline.workbook.kinds import fold

    key = fold(offre)
    matches = [o for o in Offer if fold(o.value) == key or fold(o.value).startswith(key)]
    if len(matches) != 1 or not key:
        choices = ", ".join(f"« {o.value} »" for o in Offer)
        click.echo(f"Erreur : offre inconnue « {offre} ». Offres : {choices}.", err=True)
        sys.exit(2)
    offer = matches[0]
    target = fichier or Path(f"Mission - {offer.value}.xlsx")
    if target.suffix.lower() != ".xlsx":
        target = target.with_name(target.name + ".xlsx")
    if target.exists() and not force:
        click.echo(
            f"Erreur : {target} existe déjà. Choisissez un autre nom ou ajoutez --force.",
            err=True,
        )
        sys.exit(1)
    _save(target, blank_workbook(offer))
    click.echo(f"Classeur vierge « {offer} » créé : {target}")
    click.echo(
        "Ouvrez-le, lisez la feuille « Lisez-moi », remplissez-le, puis produisez ses "
        f'livrables avec : amoor build "{target}"'
    )


# --------------------------------------------------------------------------- rebuild
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
@_help_option
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
        workspace = _workspace(ctx)
    except AmoorError as error:
        _fail(error)
    today = _today()
    workers = jobs or _cores()
    with _session(workspace) as pdf:
        try:
            the_plan = plan(workspace, references, force=force, with_pdf=with_pdf)
        except AmoorError as error:
            _fail(error)
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
        for notice in outcome.notices:
            click.echo(f"  À noter : {notice}")
    protected = [k for o in outcomes for k in o.kept]
    backed_up = [b for o in outcomes for b in o.backed_up]
    click.echo("")
    click.echo(
        f"Reconstruction terminée : {len(rebuilt)} mission(s) reconstruite(s), {same} "
        f"inchangée(s), {len(failed)} en échec."
    )
    if protected:
        click.echo(f"Protégés car modifiés à la main ({len(protected)}), jamais écrasés :")
        for edited, beside in protected:
            click.echo(f"  « {edited} » : la nouvelle version est dans « {beside} »")
    if backed_up:
        click.echo(f"Modifiés à la main et remplacés (--force) ({len(backed_up)}) :")
        for replaced, backup in backed_up:
            click.echo(f"  « {replaced} » : l'ancien fichier est gardé dans « {backup} »")
    for outcome in failed:
        click.echo(
            f"Échec : mission {outcome.reference} ({outcome.folder}) : {outcome.error}", err=True
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
        _fail(error)


# -- the drop folder: amoor watch, amoor statut (pipeline/watch) ---------------------

_DEPOT_LOG = ".amoor/depot.log"


def _now() -> datetime:
    """The time the drop folder's log and reports are dated with: ``_today()`` at this hour."""
    return datetime.combine(_today(), datetime.now().time())


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
        path = workspace.root / _DEPOT_LOG
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
@_help_option
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
    from pipeline.invoicing.billing import PdfService
    from pipeline.outbox import remove_stale_temp_files
    from pipeline.watch import wording
    from pipeline.watch.handling import Handling, Kind
    from pipeline.watch.handling import Outcome as DropOutcome
    from pipeline.watch.watcher import Settings, Watcher, watch_lock

    try:
        workspace = _workspace(ctx)
        with watch_lock(workspace), _session(workspace) as pdf:
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
                return spare.pop() if spare else PdfService(workspace.libreoffice_slots)

            settings = Settings(
                jobs=jobs, polling=polling, once=once, unreadable_after=unreadable_after
            )
            handling = Handling(workspace, _today, _now, with_pdf=with_pdf)
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
        _fail(error)
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
@_help_option
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
        workspace = _workspace(ctx)
        entries = Depot.of(workspace).recent(lignes)
        pid = running(workspace)
    except AmoorError as error:
        _fail(error)
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
