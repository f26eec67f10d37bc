"""Partial credit notes: what remains to credit on an invoice, and the credit note's lines.

Pure: invoices in, an invoice out. A partial credit note credits an amount HT
of an invoice (a commercial gesture, a part not performed); its VAT follows the
invoice's rate(s): with several rates, the amount is shared in proportion to
what remains to credit at each rate, to the cent, the last rate taking the
rest. When an invoice was partly credited already, its cancellation
(:meth:`~pipeline.invoicing.ledger.Ledger.credit_note`) credits what remains,
rate by rate, so that the credit notes of an invoice never add up to more
than it.

Like the full credit note, the lines are stored with a negative quantity (the
Word document shows them negative; the Factur-X XML states them positive, the
type code 381 carrying the sign).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from decimal import Decimal

from pipeline.config import Seller
from pipeline.formats import long_date, number
from pipeline.invoicing.document import Invoice, InvoiceKind, Line, Pricing, cents


def remaining_by_rate(original: Invoice, credits: Iterable[Invoice]) -> dict[Decimal, Decimal]:
    """VAT rate -> base HT still to credit (credit notes hold negative totals)."""
    remaining = {vat.rate: vat.base for vat in original.pricing.vat_totals}
    for credit in credits:
        for vat in credit.pricing.vat_totals:
            remaining[vat.rate] = remaining.get(vat.rate, Decimal(0)) - abs(vat.base)
    return remaining


def partial_credit(
    original: Invoice,
    amount: Decimal,
    reason: str,
    today: date,
    seller: Seller | None,
    credits: Iterable[Invoice] = (),
) -> Invoice:
    """The credit note of ``amount`` HT on ``original`` (``credits``: its earlier ones).

    The caller has checked that ``0 < amount <= remaining``.
    """
    remaining = {r: b for r, b in remaining_by_rate(original, credits).items() if b > 0}
    total = sum(remaining.values(), Decimal(0))
    rates = sorted(remaining, reverse=True)
    shares: dict[Decimal, Decimal] = {}
    for rate in rates[:-1]:
        shares[rate] = cents(amount * remaining[rate] / total)
    shares[rates[-1]] = amount - sum(shares.values(), Decimal(0))
    return _credit(original, shares, reason, today, seller, partial=True)


def remainder_credit(
    original: Invoice, credits: Iterable[Invoice], reason: str, today: date, seller: Seller | None
) -> Invoice:
    """The credit note cancelling what ``credits`` left of ``original``, rate by rate."""
    shares = {r: b for r, b in remaining_by_rate(original, credits).items() if b > 0}
    return _credit(original, shares, reason, today, seller, partial=False)


def _credit(
    original: Invoice,
    shares: dict[Decimal, Decimal],
    reason: str,
    today: date,
    seller: Seller | None,
    *,
    partial: bool,
) -> Invoice:
    what = "Réduction" if partial else "Annulation du solde"
    description = f"{what} sur la facture n° {original.number} du {long_date(original.issue_date)}"
    several = len(shares) > 1
    lines = tuple(
        Line(
            description + (f" (TVA {number(rate)}\u00a0%)" if several else ""),
            Decimal(-1),
            share,
            rate,
        )
        for rate, share in sorted(shares.items(), reverse=True)
        if share > 0
    )
    pricing = replace(original.pricing, lines=lines, notes=(), warnings=())
    return credit_note_of(original, pricing, reason, today, seller)


def credit_note_of(
    original: Invoice, pricing: Pricing, reason: str, today: date, seller: Seller | None
) -> Invoice:
    """The credit note (381) on ``original`` that says ``pricing``, dated ``today``.

    ``seller``: the seller as configured today (None: the invoice's own).
    """
    return Invoice(
        kind=InvoiceKind.CREDIT_NOTE,
        number=None,
        issue_date=today,
        due_date=today,  # nothing to pay: the amount is owed back or set off
        service_end=original.service_end,
        service_start=original.service_start,
        seller=original.seller if seller is None else seller,
        buyer=original.buyer,
        reference=original.reference,
        title=original.title,
        pricing=pricing,
        preceding_number=original.number,
        preceding_date=original.issue_date,
        reason=reason,
    )
