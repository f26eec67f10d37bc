"""``amoor facture avoir`` and ``amoor factures``: issued invoices, credit notes, the
ledger's export.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

import click

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
from pipeline.errors import AmoorError


@cli.group("facture", cls=Group, short_help="Factures émises : avoirs, paiements, relances.")
@help_option
def invoice_group() -> None:
    """Factures émises : avoirs (annulation ou avoir partiel), paiements reçus, relances."""


@invoice_group.command("avoir", short_help="Annule une facture émise, ou une partie, par un avoir.")
@click.argument("numero", metavar="NUMÉRO")
@click.option(
    "--motif",
    required=True,
    metavar="TEXTE",
    help="Motif de l'avoir, imprimé sur l'avoir (obligatoire).",
)
@click.option(
    "--montant",
    metavar="MONTANT",
    default=None,
    help="Avoir partiel : montant HT à créditer, par exemple 500 ou « 1 250,50 » "
    "(la TVA suit le taux de la facture). Sans --montant, l'avoir annule la facture.",
)
@help_option
@click.pass_context
def credit_note_command(ctx: click.Context, numero: str, motif: str, montant: str | None) -> None:
    """Émet un avoir sur la facture NUMÉRO (par exemple F-2026-0001).

    L'avoir reçoit son propre numéro, dans la même suite que les factures, et
    cite le numéro et la date de la facture. Sans --montant, il annule la
    facture (ses lignes en négatif, ou ce qui en reste après des avoirs
    partiels) ; ensuite, « amoor build » sur le classeur de la mission émet une
    nouvelle facture. Avec --montant, il crédite ce montant HT (geste
    commercial, partie non réalisée), TVA en sus au taux de la facture, sans
    dépasser ce qui reste à créditer ; la facture reste due pour le reste.
    L'avoir (.docx, et PDF Factur-X si LibreOffice est installé) est écrit dans
    le dossier de la mission, dans outbox/.
    """
    from pipeline.build import invoice_turn
    from pipeline.formats import money, short_date
    from pipeline.invoicing.billing import credit_note
    from pipeline.invoicing.followup import partial_credit
    from pipeline.outbox import commit

    amount = None if montant is None else parse_amount(montant, "--montant")
    try:
        workspace = open_workspace(ctx)
    except AmoorError as error:
        fail(error)
    try:
        with session(workspace) as pdf, invoice_turn(workspace, numero):
            if amount is None:
                record, placed, notices = credit_note(numero, motif, workspace, current_day(), pdf)
            else:
                record, placed, notices = partial_credit(
                    numero, amount, motif, workspace, current_day(), pdf
                )
            written = commit(placed[0].folder, [p.document for p in placed])
    except AmoorError as error:
        fail(error)
    if amount is None or record.invoice.preceding_number is None:
        click.echo(
            f"Avoir {record.number} émis : il annule la facture {numero} "
            f"({short_date(record.preceding_date)})."
        )
    else:
        click.echo(
            f"Avoir {record.number} émis : il crédite {money(abs(record.total_ht))} HT "
            f"({money(abs(record.total_ttc))} TTC) sur la facture {numero} "
            f"({short_date(record.preceding_date)})."
        )
    for path in written.written:
        click.echo(f"  écrit : {path}")
    for notice in notices:
        click.echo(f"  À noter : {notice}")
    if amount is None:
        click.echo(
            "Relancez « amoor build » sur le classeur de la mission pour émettre la nouvelle "
            "facture."
        )


def parse_amount(text: str, option: str) -> Decimal:
    """« 1 250,50 », « 1250.50 », « 500 € » -> Decimal; a French usage error otherwise."""
    cleaned = "".join(text.replace("€", "").split()).replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise click.BadParameter(
            f"« {text} » n'est pas un montant : écrivez par exemple 500 ou 1250,50.",
            param_hint=option,
        ) from None
    if not value.is_finite() or value <= 0:
        raise click.BadParameter(f"« {text} » : un montant positif est attendu.", param_hint=option)
    return value


@cli.command("factures", short_help="Liste les factures et avoirs émis, et où ils en sont.")
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(path_type=Path),
    metavar="FICHIER",
    help="Exporte aussi la liste en CSV pour le comptable.",
)
@click.option(
    "--fec",
    "fec_path",
    type=click.Path(path_type=Path),
    metavar="FICHIER",
    help="Exporte le journal des ventes et des règlements au format FEC "
    "(fichier des écritures comptables, nommé par convention SIRENFECAAAAMMJJ.txt).",
)
@help_option
@click.pass_context
def invoices_command(ctx: click.Context, csv_path: Path | None, fec_path: Path | None) -> None:
    """Affiche le registre des factures : numéro, date, client, référence,
    montants HT, TVA et TTC, reste dû, et le statut de chaque pièce : émise,
    échue (avec les jours de retard), partiellement payée, payée, annulée par
    avoir, avoir ; les avoirs partiels figurent sur la ligne de leur facture.

    Avec --csv FICHIER, écrit aussi ce registre en CSV (séparateur « ; »,
    virgule décimale), lisible directement par Excel.

    Avec --fec FICHIER, écrit les écritures des factures, avoirs et règlements
    au format du fichier des écritures comptables (art. A. 47 A-1 du livre des
    procédures fiscales : 18 colonnes séparées par « | », virgule décimale,
    dates AAAAMMJJ, jeu de caractères ISO 8859-15), journaux VE et BQ, comptes
    de la section [comptabilite] de amoor.toml.
    """
    from pipeline.formats import money, short_date
    from pipeline.invoicing.csv_export import to_csv
    from pipeline.invoicing.followup import fec_export, ledger_standings
    from pipeline.render.report import table

    today = current_day()
    try:
        workspace = open_workspace(ctx)
        with session(workspace):
            found = ledger_standings(workspace, today)
            fec = fec_export(workspace, today)[0] if fec_path is not None else None
    except AmoorError as error:
        fail(error)
    if not found:
        click.echo("Aucune facture émise pour l'instant.")
    else:
        click.echo(
            table(
                ["Numéro", "Date", "Client", "Référence", "HT", "TVA", "TTC", "Reste dû", "Statut"],
                [
                    [
                        s.record.number,
                        short_date(s.record.issue_date),
                        s.record.invoice.buyer.name,
                        s.record.reference,
                        money(s.record.total_ht),
                        money(s.record.total_vat),
                        money(s.record.total_ttc),
                        "" if s.record.preceding_number else money(s.due),
                        s.label,
                    ]
                    for s in found
                ],
            )
        )
    if csv_path is not None:
        save(csv_path, to_csv(s.record for s in found).encode("utf-8"))
        click.echo(f"Export CSV : {csv_path}")
    if fec_path is not None and fec is not None:
        save(fec_path, fec)
        click.echo(f"Export FEC : {fec_path}")
