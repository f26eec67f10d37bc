"""``amoor facture avoir`` and ``amoor factures``: issued invoices, credit notes, the
ledger's export.
"""

from __future__ import annotations

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


@cli.group("facture", cls=Group, short_help="Factures émises : avoirs.")
@help_option
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
@help_option
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
        workspace = open_workspace(ctx)
    except AmoorError as error:
        fail(error)
    try:
        with session(workspace) as pdf:
            record, placed, notices = credit_note(numero, motif, workspace, current_day(), pdf)
            written = commit(placed[0].folder, [p.document for p in placed])
    except AmoorError as error:
        fail(error)
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
@help_option
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
        workspace = open_workspace(ctx)
        with session(workspace):
            records = Ledger.of(workspace).list_invoices()
    except AmoorError as error:
        fail(error)
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
        save(csv_path, to_csv(records).encode("utf-8"))
        click.echo(f"Export CSV : {csv_path}")
