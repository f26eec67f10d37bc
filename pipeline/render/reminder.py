"""Context of the reminder letter (``relance.docx``) for a late invoice, in French.

Pure: the invoice's :class:`~pipeline.invoicing.status.Standing`, the seller
configured today, the ECB rate and ``today`` in; a dict of formatted strings
out. The letter states what is due, since when, the late interest computed
at the ECB rate + 8 points for the days elapsed, and the 40 € fixed recovery
indemnity, with the formula written out so that the buyer's accountant can
check it, and the legal basis (status.py's docstring).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from pipeline.config import Seller
from pipeline.errors import AmoorError
from pipeline.formats import decimal, long_date, money, number, plural
from pipeline.invoicing.status import RECOVERY_INDEMNITY, Standing, late_interest
from pipeline.render.docx import Context
from pipeline.render.invoice_context import DEMO_NOTICE, buyer_context, seller_context

NBSP = "\u00a0"
LEGAL_BASIS = (
    "Intérêts moratoires dus de plein droit, sans formalité, à compter du jour suivant "
    "l'échéance (art. L. 2192-13 et R. 2192-31 à R. 2192-36 du code de la commande publique ; "
    "entre professionnels, art. L. 441-10 du code de commerce), au taux de la Banque centrale "
    "européenne en vigueur au premier jour du semestre au cours duquel ils ont commencé à "
    "courir, majoré de huit points. Indemnité forfaitaire pour frais de recouvrement : 40 € "
    "(art. D. 2192-35 du code de la commande publique ; art. D. 441-5 du code de commerce). "
    "Les intérêts moratoires et l'indemnité sont payés dans les quarante-cinq jours suivant "
    "la mise en paiement du principal (art. R. 2192-36)."
)


class NotLate(AmoorError):
    """A reminder was asked for an invoice that is not late (or not due any more)."""


def reminder_context(
    standing: Standing, seller: Seller, ecb_rate: Decimal, today: date, *, demo: bool
) -> Context:
    """Context of ``relance.docx``; :class:`NotLate` unless the invoice is late and due."""
    record = standing.record
    invoice = record.invoice
    if not standing.is_late:
        raise NotLate(_not_late(standing, today))
    rate = ecb_rate + 8
    days = standing.days_late
    interest = late_interest(standing.due, rate, days)
    total = standing.due + interest + RECOVERY_INDEMNITY
    rows = [
        {"label": "Montant de la facture TTC", "value": money(record.total_ttc)},
    ]
    if standing.credited_ttc:
        rows.append(
            {
                "label": f"Avoir{'s' if len(standing.credit_notes) > 1 else ''} "
                f"{', '.join(standing.credit_notes)}",
                "value": money(-standing.credited_ttc),
            }
        )
    if standing.paid:
        rows.append({"label": "Déjà réglé", "value": money(-standing.paid)})
    rows += [
        {"label": "Reste dû TTC", "value": money(standing.due)},
        {
            "label": f"Intérêts moratoires ({_percent(rate)}, {plural(days, 'jour')})",
            "value": money(interest),
        },
        {
            "label": "Indemnité forfaitaire pour frais de recouvrement",
            "value": money(RECOVERY_INDEMNITY),
        },
    ]
    formula = f"{money(standing.due)} × {_percent(rate)} × {number(days)} / 365 = {money(interest)}"
    return {
        "demo": demo,
        "demo_notice": DEMO_NOTICE if demo else "",
        "seller": seller_context(seller),
        "buyer": buyer_context(invoice.buyer),
        "doc": {"heading": f"Relance — facture n° {record.number}"},
        "object": {"reference": invoice.reference, "title": invoice.title},
        "letter": {
            "place_date": f"{seller.city}, le {long_date(today)}"
            if seller.city
            else long_date(today),
            "subject": f"Relance : facture n° {record.number} du {long_date(record.issue_date)}, "
            f"échue le {long_date(invoice.due_date)}",
            "heading": f"Relance — facture n° {record.number}",
            "number": record.number,
            "reference": invoice.reference,
            "opening": (
                f"Sauf erreur de notre part, la facture n° {record.number} du "
                f"{long_date(record.issue_date)} ({invoice.title}), d'un montant de "
                f"{money(record.total_ttc)} TTC, était payable au plus tard le "
                f"{long_date(invoice.due_date)}. À ce jour, le reste dû s'élève à "
                f"{money(standing.due)} TTC, avec {plural(days, 'jour')} de retard sur "
                f"l'échéance."
            ),
            "claim": (
                f"Ce retard fait courir de plein droit des intérêts moratoires au taux de la "
                f"Banque centrale européenne ({_percent(ecb_rate)}) majoré de 8 points, soit "
                f"{_percent(rate)} l'an, et l'indemnité forfaitaire pour frais de recouvrement "
                f"de 40 €."
            ),
            "formula_label": f"Calcul des intérêts moratoires, du "
            f"{long_date(invoice.due_date + timedelta(days=1))} au {long_date(today)} : "
            f"reste dû TTC × taux × jours de retard / 365",
            "formula": formula,
            "rows": rows,
            "total": {"label": "Total réclamé", "value": money(total)},
            "request": (
                f"Nous vous remercions de bien vouloir procéder au règlement du reste dû, "
                f"{money(standing.due)}, par virement en rappelant la référence "
                f"{record.number}. Les intérêts moratoires et l'indemnité forfaitaire, "
                f"{money(interest + RECOVERY_INDEMNITY)}, sont à régler dans les quarante-cinq "
                f"jours suivant la mise en paiement de la facture. Si votre règlement est en "
                f"cours, nous vous prions de ne pas tenir compte de ce courrier."
            ),
            "closing": "Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos "
            "salutations distinguées.",
            "legal_basis": LEGAL_BASIS,
            "days": number(days),
            "interest": money(interest),
            "rate": _percent(rate),
        },
        "payment": {
            "remittance": record.number,
            "iban": " ".join(seller.iban[i : i + 4] for i in range(0, len(seller.iban), 4)),
            "bic": seller.bic,
        },
    }


def _percent(rate: Decimal) -> str:
    return f"{decimal(rate, 2)}{NBSP}%"


def _not_late(standing: Standing, today: date) -> str:
    record = standing.record
    number_ = record.number
    if standing.status in ("annulée par avoir", "avoir"):
        return f"La pièce {number_} n'appelle aucun paiement ({standing.label}) : pas de relance."
    if standing.due <= 0:
        return f"La facture {number_} est entièrement réglée : pas de relance."
    return (
        f"La facture {number_} n'est pas en retard : elle est payable jusqu'au "
        f"{long_date(record.invoice.due_date)} inclus. Une relance est possible à partir du "
        f"lendemain de l'échéance."
    )
