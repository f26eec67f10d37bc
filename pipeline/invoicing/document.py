"""What an invoice or credit note says, independent of how it is rendered.

Amounts are ``Decimal``; a line total is rounded half-up to the cent, VAT is
computed on the total HT of each rate (docs/invoicing.md, « Lines and amounts »).
The same object feeds the Word invoice and the Factur-X XML, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from pipeline.config import Seller
from pipeline.formats import long_date, number

CENT = Decimal("0.01")

# The mandatory mentions (docs/invoicing.md, « What an invoice says »), worded once for a
# public buyer: the Word invoice prints them and the Factur-X XML carries them as notes
# (PMT, PMD, AAB).
NATURE = "Nature de l'opération : Prestations de services"
VAT_EXEMPTION = "TVA non applicable, art. 293 B du CGI"
NO_DISCOUNT = "Pas d'escompte pour paiement anticipé."
LATE_PAYMENT = (
    "Intérêts moratoires : taux de la BCE majoré de 8 points, dus de plein droit en cas de "
    "retard de paiement (taux des opérations principales de refinancement de la Banque "
    "centrale européenne en vigueur au premier jour du semestre au cours duquel ils ont "
    "commencé à courir, majoré de huit points de pourcentage ; art. R. 2192-31 du code de la "
    "commande publique)."
)
VAT_ON_DEBITS = "Option pour le paiement de la TVA d'après les débits."
RECOVERY_FEE = (
    "Indemnité forfaitaire pour frais de recouvrement : 40 €, due en cas de retard de paiement."
)


def cents(value: Decimal) -> Decimal:
    """Round half-up to the cent (not the banker's rounding of ``round``)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def legal_status(seller: Seller) -> str:
    """« SAS au capital de 10 000 € » (the capital is written as configured)."""
    if seller.legal_form and seller.capital:
        return f"{seller.legal_form} au capital de {seller.capital}"
    if seller.capital:
        return f"Capital de {seller.capital}"
    return seller.legal_form


def registration(seller: Seller) -> str:
    """« RCS Paris 123 456 782 » (empty without a registry city)."""
    siren = seller.siren.replace(" ", "")
    grouped = "\u00a0".join(siren[i : i + 3] for i in range(0, len(siren), 3))
    return f"RCS {seller.rcs} {grouped}" if seller.rcs else ""


@dataclass(frozen=True)
class Line:
    description: str
    quantity: Decimal
    unit_price: Decimal  # HT
    vat_rate: Decimal  # percent: Decimal("20"), or Decimal("0") under franchise en base
    detail: str = ""  # printed under the description, e.g. why the base price is halved

    @property
    def total(self) -> Decimal:
        return cents(self.quantity * self.unit_price)


@dataclass(frozen=True)
class VatTotal:
    rate: Decimal
    base: Decimal  # total HT of the lines at this rate
    amount: Decimal


@dataclass(frozen=True)
class Pricing:
    lines: tuple[Line, ...]
    vat_exempt: bool  # « TVA non applicable, art. 293 B du CGI »
    notes: tuple[str, ...] = ()  # printed on the invoice
    warnings: tuple[str, ...] = ()  # for the consultant only

    @property
    def vat_totals(self) -> tuple[VatTotal, ...]:
        rates = sorted({line.vat_rate for line in self.lines}, reverse=True)
        totals = []
        for rate in rates:
            base = sum((ln.total for ln in self.lines if ln.vat_rate == rate), Decimal(0))
            totals.append(VatTotal(rate, base, cents(base * rate / 100)))
        return tuple(totals)

    @property
    def total_ht(self) -> Decimal:
        return sum((line.total for line in self.lines), Decimal(0))

    @property
    def total_vat(self) -> Decimal:
        return sum((v.amount for v in self.vat_totals), Decimal(0))

    @property
    def total_ttc(self) -> Decimal:
        return self.total_ht + self.total_vat


@dataclass(frozen=True)
class Buyer:
    """The public buyer, as the « Mission » sheet describes it."""

    name: str
    address: str
    postal_code: str
    city: str
    siret: str
    service_code: str = ""  # Chorus Pro code service (BT-10)
    engagement_number: str = ""  # numéro d'engagement / bon de commande (BT-13)
    country: str = "FR"


class InvoiceKind(StrEnum):
    """UNTDID 1001 document type codes, as the ledger records them.

    A facture d'acompte is recorded as an invoice (380, a piece to be paid);
    its e-invoice says 386 (see :attr:`Invoice.type_code`).
    """

    INVOICE = "380"
    CREDIT_NOTE = "381"


PREPAYMENT_TYPE = "386"  # UNTDID 1001: prepayment invoice (facture d'acompte)


@dataclass(frozen=True)
class Deduction:
    """An earlier instalment invoice, deducted on the balance (facture de solde)."""

    number: str
    issue_date: date
    label: str
    total_ht: Decimal
    total_vat: Decimal

    @property
    def total_ttc(self) -> Decimal:
        return self.total_ht + self.total_vat


@dataclass(frozen=True)
class Instalment:
    """Which instalment of the « Échéancier » an invoice is (None: the whole engagement).

    An acompte invoices its part (VAT included: on services VAT is due on each
    payment received, CGI art. 269, 2-c). The balance (``balance``) lists the
    engagement's full lines, then deducts the acomptes already invoiced, HT and
    VAT (``deductions``), so that all the pieces together charge the engagement
    and its VAT once.
    """

    label: str  # « Acompte à la commande », as typed in « Libellé »
    position: int  # 1-based, in the sheet's order
    count: int
    engagement_ht: Decimal  # total HT of the whole engagement
    engagement_vat: Decimal
    share: Decimal | None = None  # percent, when « Part » is a percentage
    balance: bool = False
    deductions: tuple[Deduction, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "label": self.label,
            "position": self.position,
            "count": self.count,
            "engagement_ht": str(self.engagement_ht),
            "engagement_vat": str(self.engagement_vat),
            "share": None if self.share is None else str(self.share),
            "balance": self.balance,
            "deductions": [
                {
                    "number": d.number,
                    "issue_date": d.issue_date.isoformat(),
                    "label": d.label,
                    "total_ht": str(d.total_ht),
                    "total_vat": str(d.total_vat),
                }
                for d in self.deductions
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Instalment | None:
        if data is None:
            return None
        return cls(
            label=data["label"],
            position=data["position"],
            count=data["count"],
            engagement_ht=Decimal(data["engagement_ht"]),
            engagement_vat=Decimal(data["engagement_vat"]),
            share=None if data["share"] is None else Decimal(data["share"]),
            balance=data["balance"],
            deductions=tuple(
                Deduction(
                    number=d["number"],
                    issue_date=date.fromisoformat(d["issue_date"]),
                    label=d["label"],
                    total_ht=Decimal(d["total_ht"]),
                    total_vat=Decimal(d["total_vat"]),
                )
                for d in data["deductions"]
            ),
        )


@dataclass(frozen=True)
class Invoice:
    kind: InvoiceKind
    number: str | None  # None for a PROFORMA draft
    issue_date: date
    due_date: date
    service_end: date  # date of the service (BT-72), end of the period when there is one
    seller: Seller
    buyer: Buyer
    reference: str  # the engagement's reference
    title: str  # what was sold: the offer and the mission's title
    pricing: Pricing
    service_start: date | None = None
    preceding_number: str | None = None  # credit note: the invoice it cancels
    preceding_date: date | None = None
    reason: str = ""  # credit note: the motive
    instalment: Instalment | None = None  # an instalment of the « Échéancier »

    @property
    def is_prepayment(self) -> bool:
        """A facture d'acompte: an instalment that is not the balance."""
        return self.instalment is not None and not self.instalment.balance

    @property
    def type_code(self) -> str:
        """BT-3 of the e-invoice: 386 for an acompte, else the ledger's kind."""
        return PREPAYMENT_TYPE if self.is_prepayment else self.kind.value

    @property
    def is_proforma(self) -> bool:
        return self.number is None

    @property
    def payment_terms(self) -> str:
        """« Paiement par virement à 30 jours, au plus tard le 25 décembre 2026. »"""
        days = (self.due_date - self.issue_date).days
        return (
            f"Paiement par virement à {number(days)} jours, au plus tard le "
            f"{long_date(self.due_date)}."
        )
