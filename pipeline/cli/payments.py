"""``amoor facture payée`` and ``amoor facture relance``: payments received, reminders."""

from __future__ import annotations

from datetime import date

import click

from pipeline.cli.app import current_day, fail, help_option, open_workspace, session
from pipeline.cli.invoices import invoice_group, parse_amount
from pipeline.errors import AmoorError


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise click.BadParameter(
            f"« {text} » n'est pas une date : écrivez-la AAAA-MM-JJ, par exemple 2026-12-15.",
            param_hint="--date",
        ) from None


@invoice_group.command("payée", short_help="Enregistre un paiement reçu pour une facture.")
@click.argument("numero", metavar="NUMÉRO")
@click.option(
    "--date",
    "paid_on",
    metavar="AAAA-MM-JJ",
    default=None,
    help="Date de réception du paiement (par défaut : aujourd'hui).",
)
@click.option(
    "--montant",
    metavar="MONTANT",
    default=None,
    help="Montant reçu TTC, par exemple « 1 200 » ou 600,50 (par défaut : tout le reste dû).",
)
@help_option
@click.pass_context
def paid_command(ctx: click.Context, numero: str, paid_on: str | None, montant: str | None) -> None:
    """Enregistre dans le registre des factures un paiement reçu pour la facture
    NUMÉRO. Les paiements partiels s'additionnent ; un paiement supérieur au
    reste dû est refusé. Un paiement enregistré ne se modifie ni ne s'efface.
    """
    from pipeline.build import invoice_turn
    from pipeline.formats import money, short_date
    from pipeline.invoicing.followup import standing_of
    from pipeline.invoicing.ledger import Ledger
    from pipeline.invoicing.settlement import record_payment

    day = _day(paid_on)
    amount = None if montant is None else parse_amount(montant, "--montant")
    today = current_day()
    try:
        workspace = open_workspace(ctx)
        with session(workspace), invoice_turn(workspace, numero):
            payment = record_payment(
                Ledger.of(workspace), numero, today, paid_on=day, amount=amount
            )
            standing = standing_of(numero, workspace, today)
    except AmoorError as error:
        fail(error)
    click.echo(
        f"Paiement de {money(payment.amount)} reçu le {short_date(payment.paid_on)} enregistré "
        f"pour la facture {numero} : {standing.label}"
        + (f", reste dû {money(standing.due)}." if standing.due > 0 else ".")
    )


@invoice_group.command("relance", short_help="Écrit la lettre de relance d'une facture échue.")
@click.argument("numero", metavar="NUMÉRO")
@help_option
@click.pass_context
def reminder_command(ctx: click.Context, numero: str) -> None:
    """Écrit la lettre de relance (.docx) de la facture échue NUMÉRO : reste dû,
    jours de retard, intérêts moratoires au taux de la BCE majoré de 8 points
    (taux_bce dans la section [comptabilite] de amoor.toml) et indemnité
    forfaitaire de 40 € pour frais de recouvrement. Elle est écrite dans le
    dossier de la mission, dans outbox/.
    """
    from pipeline.build import invoice_turn
    from pipeline.formats import money
    from pipeline.invoicing.followup import reminder
    from pipeline.outbox import commit

    today = current_day()
    try:
        workspace = open_workspace(ctx)
        with session(workspace), invoice_turn(workspace, numero):
            standing, placed = reminder(numero, workspace, today)
            written = commit(placed.folder, [placed.document])
    except AmoorError as error:
        fail(error)
    click.echo(
        f"Relance de la facture {numero} : {money(standing.due)} dus depuis "
        f"{standing.days_late} jour{'s' if standing.days_late > 1 else ''}."
    )
    for path in written.written:
        click.echo(f"  écrit : {path}")
