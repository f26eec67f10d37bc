"""Context of the invoice template: every string the Word invoice shows, in French.

Pure: an :class:`~pipeline.invoicing.document.Invoice` in, a dict of formatted
strings out (golden-testable as JSON). The same ``Invoice`` feeds the Factur-X
XML, so the Word invoice and the e-invoice cannot disagree on an amount.

Three documents come out of one template:

- an invoice (380) with its number: « Facture n° F-2026-0001 »;
- a PROFORMA draft (no number yet): « Facture proforma », marked as having no
  accounting value;
- a credit note (381): « Avoir n° F-2026-0003 », referencing the invoice it
  cancels. Its amounts are shown negative, as the original invoice's lines
  negated (the ledger stores them so; a credit note holding positive lines is
  shown negated all the same).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel import Locale

from pipeline.config import Seller
from pipeline.formats import LOCALE, long_date, money, number, quoted, semicolons
from pipeline.invoicing.document import (
    LATE_PAYMENT,
    NATURE,
    NO_DISCOUNT,
    RECOVERY_FEE,
    VAT_EXEMPTION,
    VAT_ON_DEBITS,
    Buyer,
    Invoice,
    InvoiceKind,
    Pricing,
    legal_status,
    registration,
)
from pipeline.render.docx import Context

NBSP = "\u00a0"  # inside identifiers and before « % »: never broken across lines

DEMO_NOTICE = "Document de démonstration : les données du vendeur sont fictives."
PROFORMA_NOTICE = "Document sans valeur comptable : la facture définitive portera un numéro."

MENTIONS = (NATURE, NO_DISCOUNT, LATE_PAYMENT, RECOVERY_FEE)


def invoice_context(invoice: Invoice, *, demo: bool) -> Context:
    """Context of ``facture.docx`` for an invoice, a PROFORMA draft or a credit note."""
    sign = display_sign(invoice)
    return {
        "demo": demo,
        "demo_notice": DEMO_NOTICE if demo else "",
        "doc": _document(invoice),
        "seller": seller_context(invoice.seller),
        "buyer": buyer_context(invoice.buyer, draft=invoice.is_proforma),
        "object": {"reference": invoice.reference, "title": invoice.title},
        "lines": [
            {
                "description": line.description,
                "detail": line.detail,
                "quantity": number(sign * line.quantity),
                "unit_price": money(line.unit_price),
                "total": money(sign * line.total),
            }
            for line in invoice.pricing.lines
        ],
        "totals": _with_deductions(
            invoice, _totals(invoice.pricing, sign, credit_note=_is_credit_note(invoice))
        ),
        "notes": [note for note in invoice.pricing.notes if note.strip()],
        "payment": _payment(invoice),
        "mentions": mentions(invoice),
    }


def mentions(invoice: Invoice) -> list[str]:
    """The legal mentions printed at the bottom; the debits option when the seller took it."""
    found = list(MENTIONS)
    if invoice.seller.vat_on_debits and not invoice.pricing.vat_exempt:
        found.insert(1, VAT_ON_DEBITS)
    return found


def display_sign(invoice: Invoice) -> int:
    """-1 when the amounts must be negated to show a credit note negative, else 1."""
    return -1 if _is_credit_note(invoice) and invoice.pricing.total_ht > 0 else 1


def _is_credit_note(invoice: Invoice) -> bool:
    return invoice.kind is InvoiceKind.CREDIT_NOTE


def _document(invoice: Invoice) -> Context:
    credit_note = _is_credit_note(invoice)
    instalment = invoice.instalment
    noun = "Facture"
    if instalment is not None and not credit_note:
        noun = "Facture de solde" if instalment.balance else "Facture d'acompte"
    if credit_note:
        kind, title = "avoir", "Avoir"
    elif invoice.is_proforma:
        kind, title = "proforma", f"{noun} proforma"
    else:
        kind, title = "facture", noun
    number_ = invoice.number or "PROFORMA"
    facts = [{"label": "Date d'émission", "value": long_date(invoice.issue_date)}]
    if not credit_note:  # a credit note is not paid: it has no due date to show
        facts.append({"label": "Échéance", "value": long_date(invoice.due_date)})
    facts.append(_service_fact(invoice.service_start, invoice.service_end))
    if invoice.reference:
        facts.append({"label": "Référence", "value": invoice.reference})
    return {
        "kind": kind,
        "title": title,
        "number": number_,
        "heading": f"{title} n° {invoice.number}" if invoice.number else title,
        "proforma": invoice.is_proforma,
        "proforma_notice": PROFORMA_NOTICE if invoice.is_proforma else "",
        "credit_note": credit_note,
        "credit_reference": _credit_reference(invoice) if credit_note else "",
        "instalment": "" if credit_note else _instalment_line(invoice),
        "reason": invoice.reason if credit_note else "",
        "facts": facts,
    }


def _service_fact(start: date | None, end: date) -> Context:
    if start is None or start == end:
        return {"label": "Date de la prestation", "value": long_date(end)}
    return {
        "label": "Période de la prestation",
        "value": f"du {long_date(start)} au {long_date(end)}",
    }


def _credit_reference(invoice: Invoice) -> str:
    text = f"Avoir sur la facture n° {invoice.preceding_number or '(numéro inconnu)'}"
    if invoice.preceding_date is not None:
        text += f" du {long_date(invoice.preceding_date)}"
    return text


def _instalment_line(invoice: Invoice) -> str:
    """What the instalment is, and for the balance the acomptes it deducts (number, date)."""
    instalment = invoice.instalment
    if instalment is None:
        return ""
    place = f"Échéance {instalment.position} sur {instalment.count} : {quoted(instalment.label)}"
    if not instalment.balance:
        part = (
            f"{_percent(instalment.share)} du montant de la mission"
            if instalment.share is not None
            else "part du montant de la mission"
        )
        return f"{place}, {part} ({money(instalment.engagement_ht)} HT)."
    if not instalment.deductions:
        return f"{place}, solde de la mission ({money(instalment.engagement_ht)} HT)."
    cited = semicolons(
        f"facture d'acompte n° {d.number} du {long_date(d.issue_date)}"
        for d in instalment.deductions
    )
    return f"{place}, solde de la mission après déduction des acomptes facturés : {cited}."


def _with_deductions(invoice: Invoice, totals: Context) -> Context:
    """On a balance: the whole engagement first, each acompte taken back, then the balance."""
    instalment = invoice.instalment
    if instalment is None or not instalment.deductions:
        return totals
    exempt = invoice.pricing.vat_exempt
    rows = [{"label": "Montant total de la mission HT", "value": money(instalment.engagement_ht)}]
    if not exempt:
        rows.append(
            {"label": "TVA sur le total de la mission", "value": money(instalment.engagement_vat)}
        )
    taken_ht = sum((d.total_ht for d in instalment.deductions), Decimal(0))
    taken_vat = sum((d.total_vat for d in instalment.deductions), Decimal(0))
    rows.append({"label": "Acomptes déduits HT", "value": money(-taken_ht)})
    if not exempt:
        rows.append({"label": "TVA des acomptes déduits", "value": money(-taken_vat)})
    balance = [
        {**row, "label": row["label"].replace("Total", "Solde", 1)} for row in totals["rows"]
    ]
    return {**totals, "rows": rows + balance}


def seller_context(seller: Seller) -> Context:
    legal = legal_status(seller)
    rcs = registration(seller)
    legal_line = " · ".join(
        part
        for part in (
            seller.name,
            legal,
            rcs,
            f"SIRET {_siret(seller.siret)}" if seller.siret else "",
            f"TVA {seller.vat_number}" if seller.vat_number else "",
        )
        if part
    )
    return {
        "name": seller.name,
        "legal_form": legal,
        "address": _address(seller.address, seller.postal_code, seller.city, seller.country),
        "siren": _grouped(seller.siren, 3),
        "siret": _siret(seller.siret),
        "rcs": rcs,
        "vat_number": seller.vat_number,
        "email": seller.email,
        "legal_line": legal_line,
    }


TO_COMPLETE = "à compléter"


def buyer_context(buyer: Buyer, *, draft: bool = False) -> Context:
    """The buyer block; on a draft, what the invoice will need shows as « à compléter »."""
    address = _address(buyer.address, buyer.postal_code, buyer.city, buyer.country)
    complete = buyer.address and buyer.postal_code and buyer.city
    return {
        "name": buyer.name,
        "address": address if complete or not draft else f"Adresse : {TO_COMPLETE}",
        "siret": _siret(buyer.siret) or (TO_COMPLETE if draft else ""),
        "siren": _buyer_siren(buyer.siret),
        "service_code": buyer.service_code,
        "engagement_number": buyer.engagement_number,
    }


def _buyer_siren(siret: str) -> str:
    """The buyer's SIREN: the first nine digits of its SIRET (the workbook gives the SIRET)."""
    value = siret.replace(" ", "")
    return _grouped(value[:9], 3) if len(value) == 14 and value.isdigit() else ""


def _address(street: str, postal_code: str, city: str, country: str) -> str:
    """Street lines, « 75000 Paris », and the country when it is not France."""
    lines = [line.strip() for line in street.splitlines() if line.strip()]
    lines.append(" ".join(part for part in (postal_code.strip(), city.strip()) if part))
    if country and country.upper() != "FR":
        lines.append(Locale.parse(LOCALE).territories.get(country.upper(), country))
    return "\n".join(line for line in lines if line)


def _grouped(digits: str, size: int, separator: str = NBSP) -> str:
    """« 123 456 782 »: groups of ``size`` characters (unbreakable by default)."""
    value = digits.replace(" ", "")
    return separator.join(value[i : i + size] for i in range(0, len(value), size))


def _siret(siret: str) -> str:
    """« 123 456 782 00010 »: the SIREN grouped by three, then the NIC."""
    value = siret.replace(" ", "")
    if len(value) != 14:
        return value
    return f"{_grouped(value[:9], 3)}{NBSP}{value[9:]}"


def _percent(rate: Decimal) -> str:
    return f"{number(rate)}{NBSP}%"


def _totals(pricing: Pricing, sign: int, *, credit_note: bool) -> Context:
    """The rows of the totals table, in order, then the amount due.

    Under franchise en base there is no VAT row at all. With one VAT rate the
    base and the VAT of that rate are the totals; with several, each rate has
    its base and VAT, then come the overall totals.
    """
    net_label = "Montant net de l'avoir" if credit_note else "Net à payer"
    rows: list[dict[str, str]] = []
    if pricing.vat_exempt:
        rows.append({"label": "Total HT", "value": money(sign * pricing.total_ht)})
        return {
            "rows": rows,
            "net": {"label": net_label, "value": money(sign * pricing.total_ht)},
            "vat_exemption": VAT_EXEMPTION,
        }
    vat_totals = pricing.vat_totals
    for vat in vat_totals:
        rate = _percent(vat.rate)
        rows.append({"label": f"Total HT (TVA {rate})", "value": money(sign * vat.base)})
        rows.append({"label": f"TVA {rate}", "value": money(sign * vat.amount)})
    if len(vat_totals) != 1:
        rows.append({"label": "Total HT", "value": money(sign * pricing.total_ht)})
        rows.append({"label": "Total TVA", "value": money(sign * pricing.total_vat)})
    rows.append({"label": "Total TTC", "value": money(sign * pricing.total_ttc)})
    return {
        "rows": rows,
        "net": {"label": net_label, "value": money(sign * pricing.total_ttc)},
        "vat_exemption": "",
    }


def _payment(invoice: Invoice) -> Context:
    seller = invoice.seller
    if _is_credit_note(invoice):
        terms = (
            f"Cet avoir vient en déduction de la facture n° {invoice.preceding_number} ; "
            f"si celle-ci a déjà été réglée, son montant est remboursé par virement."
        )
    else:
        terms = invoice.payment_terms
    return {
        "terms": terms,
        # What the buyer writes on the transfer: the number of an invoice to pay.
        "remittance": "" if _is_credit_note(invoice) else (invoice.number or ""),
        "iban": _grouped(seller.iban, 4, " "),  # the paper form: groups of four
        "bic": seller.bic,
    }
