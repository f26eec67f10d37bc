"""``amoor init``, ``build``, ``analyse``, ``templates`` and ``workbook``: a workbook's
way from blank to deliverables.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pipeline.errors import AmoorError
from pipeline.state import LOG_SHOWN
from pipeline.tracked.wording import hand_edits

if TYPE_CHECKING:
    from pipeline.build import BuildResult

from pipeline.cli.app import (
    Group,
    cli,
    current_day,
    fail,
    help_option,
    open_workspace,
    save,
    session,
)

log = logging.getLogger(__name__)


@cli.command("init", short_help="Crée un espace de travail.")
@click.argument("dossier", type=click.Path(path_type=Path))
@help_option
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
        fail(error)
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
@help_option
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
    from pipeline.build import build, forget_bases

    try:
        workspace = open_workspace(ctx)
    except AmoorError as error:
        fail(error)
    failures = 0
    with session(workspace) as pdf:  # LibreOffice started once, on the first PDF
        for path in fichiers:
            try:
                result = build(path, workspace, today=current_day(), pdf=pdf, with_pdf=with_pdf)
            except AmoorError as error:  # each path for itself: the others go on
                click.echo(f"Erreur : {error}", err=True)
                failures += 1
                continue
            except Exception:  # a bug must not stop the other workbooks of the batch
                log.exception("unexpected failure on %s", path)
                click.echo(
                    f"Erreur : « {path.name} » n'a pas pu être traité à cause d'une erreur "
                    f"interne d'amoor. Le détail est dans {LOG_SHOWN} ; transmettez-le à "
                    f"l'équipe technique. Les autres classeurs sont traités.",
                    err=True,
                )
                failures += 1
                continue
            _report_build(path, result)
        forget_bases(workspace)
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
        for line in hand_edits(done.kept, done.tracked):
            click.echo(f"  {line}")
    if result.invoice_number:
        click.echo(f"  facture : {result.invoice_number}")
    for notice in result.notices:
        click.echo(f"  À noter : {notice}")


@cli.command("analyse", short_help="Affiche l'analyse d'un classeur, sans rien écrire.")
@click.argument("fichier", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON (pour un autre outil).")
@help_option
@click.pass_context
def analyse_command(ctx: click.Context, fichier: Path, as_json: bool) -> None:
    """Vérifie le classeur FICHIER et affiche son analyse, sans rien écrire.

    Une grille de notation R.O.I. remplie est analysée avec la mission dont
    elle fait partie, ses notes ajoutées : lancez la commande dans l'espace de
    travail de cette mission (ou avec --workspace).

    Concertation citoyenne : le classement R.O.I. citoyen par jugement
    majoritaire (mention majoritaire et signe, p, q, moyenne, équilibre entre
    publics, consensus, veto) et la recommandation. Stratégie globale : les
    avis par dispositif et par public, et le classement R.O.I. citoyen des
    dispositifs quand la feuille « Notation ROI » est remplie. Émergence de
    concepts : les réactions par scénario et par cible.
    """
    import json

    from pipeline.analysis.overview import analyse, analysis_json
    from pipeline.workbook.circumstances import Circumstances
    from pipeline.workbook.grid_completion import complete_engagement, is_rating_grid
    from pipeline.workbook.reader import read_workbook
    from pipeline.workbook.sniff import read_source

    today = current_day()
    try:
        name, data = fichier.name, read_source(fichier)
        if is_rating_grid(data):  # the engagement it belongs to, its ratings added
            outbox = open_workspace(ctx).outbox
            name, data = complete_engagement(data, name, outbox, today)
        # No workspace needed: the dates are checked against today, not the options' prices.
        engagement = read_workbook(data, name, Circumstances(today, {}))
    except AmoorError as error:
        fail(error)
    analysis = analyse(engagement)
    if as_json:
        click.echo(json.dumps(analysis_json(engagement, analysis), ensure_ascii=False, indent=2))
        return
    from pipeline.render.report import analysis_report

    click.echo(analysis_report(engagement, analysis))


@cli.group("templates", cls=Group, short_help="Modèles Word : vérifier, personnaliser.")
@help_option
def templates_group() -> None:
    """Modèles Word des documents : les vérifier, en copier un pour le personnaliser.

    Un modèle placé dans templates_docx/ de l'espace de travail remplace le
    modèle fourni de même nom ; sans copie, les modèles fournis avec amoor
    sont utilisés (et s'améliorent avec lui).
    """


@templates_group.command("check", short_help="Vérifie les modèles Word.")
@help_option
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
        workspace = open_workspace(ctx)
        with session(workspace):
            reports = check_templates(workspace, current_day())
    except AmoorError as error:
        fail(error)
    click.echo(f"Modèles Word de l'espace de travail {workspace.root} :")
    for line in describe(reports):
        click.echo(line)
    if any(report.problems for report in reports):
        sys.exit(1)


@templates_group.command("copier", short_help="Copie un modèle fourni pour le personnaliser.")
@click.argument("nom")
@click.option("--force", is_flag=True, help="Remplace la copie déjà présente dans l'espace.")
@help_option
@click.pass_context
def templates_copy(ctx: click.Context, nom: str, force: bool) -> None:
    """Copie le modèle fourni NOM dans templates_docx/ de l'espace de travail.

    NOM : le nom du modèle, par exemple cahier_des_charges ou facture (avec ou
    sans .docx ; « Cahier des charges » convient aussi). Modifiez ensuite la
    copie dans Word, puis vérifiez-la avec « amoor templates check ».
    """
    from pipeline.workspace import copy_template

    try:
        target = copy_template(open_workspace(ctx), nom, force=force)
    except AmoorError as error:
        fail(error)
    click.echo(f"Modèle copié : {target}")
    click.echo(
        "Modifiez-le dans Word (sans toucher aux balises {{ … }} et {% … %}), puis vérifiez-le "
        "avec : amoor templates check"
    )


@cli.group("workbook", cls=Group, short_help="Classeurs de mission (classeur vierge).")
@help_option
def workbook_group() -> None:
    """Classeurs de mission : créer un classeur vierge à remplir."""


@workbook_group.command("new", short_help="Crée un classeur vierge pour une offre.")
@click.argument("offre")
@click.argument("fichier", required=False, type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Remplace FICHIER s'il existe déjà.")
@help_option
def workbook_new(offre: str, fichier: Path | None, force: bool) -> None:
    """Crée un classeur vierge pour l'offre OFFRE, à remplir dans Excel.

    \b
    OFFRE : « Concertation citoyenne », « Stratégie globale opérationnelle »
    ou « Émergence de concepts » (les majuscules et accents sont facultatifs,
    « concertation », « strategie » ou « emergence » suffisent).
    FICHIER : le classeur à créer (par défaut : « Mission - <offre>.xlsx »).
    """
    from pipeline.model import Offer
    from pipeline.text import fold
    from pipeline.workbook.blank import blank_workbook

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
    save(target, blank_workbook(offer))
    click.echo(f"Classeur vierge « {offer} » créé : {target}")
    click.echo(
        "Ouvrez-le, lisez la feuille « Lisez-moi », remplissez-le, puis produisez ses "
        f'livrables avec : amoor build "{target}"'
    )
