"""The e-invoice: Factur-X EN 16931 XML, PDF/A-3b through LibreOffice, and both joined.

Three steps, each usable alone::

    xml = invoice_xml(invoice)               # CII XML, built by the factur-x package
    pdf = converter.convert(docx_bytes)      # PDF/A-3b, LibreOffice kept warm
    e_invoice = facturx_pdf(pdf, xml)        # the XML embedded: a Factur-X PDF

The XML
-------
Built with ``facturx.generate_xml`` (level "en16931"), checked against the XSD;
the tests also run both rule sets shipped with factur-x (EN 16931 and the French
CTC « BR-FR ») through Saxon. The mapping choices and the rule that forced each:

- BT-23 = ``S1`` (services, simple invoice): the cadre de facturation is
  mandatory (BR-FR-08); it also carries « Prestations de services ».
- Notes PMT (40 € recovery fee), PMD (late-payment interest) and AAB (no
  discount), once each (BR-FR-05, BR-FR-06).
- Seller: SIREN as legal registration id, scheme 0002 (BR-FR-10); SIRET as
  global id, scheme 0009, consistent with the SIREN (BR-FR-09); VAT number
  (BT-31), required even under franchise en base (BR-S-02, BR-E-02);
  electronic address BT-34 = SIREN, scheme 0225, the default address of the
  French directory (BR-FR-13); legal form, capital and RCS in BT-33.
- Buyer: the same pair from its SIRET (SIREN = its 9 first digits, BR-FR-09,
  BR-FR-32); electronic address BT-49 (BR-FR-12) = ``SIREN_SIRET`` or
  ``SIREN_SIRET_CODESERVICE``, the directory form for public buyers, scheme
  0225 (a code service with other characters than BR-FR-23 allows is left out
  of the address, never out of BT-10).
- Code service → BT-10 (BuyerReference); numéro d'engagement → BT-13
  (BuyerOrderReferencedDocument): what Chorus Pro reads.
- Service date → BT-72 (and BT-73/BT-74 when there is a period).
- VAT: category S at the seller's rate; under franchise en base category E,
  rate 0, exemption code ``VATEX-FR-FRANCHISE`` and text « TVA non applicable,
  art. 293 B du CGI » (BR-E-05, BR-E-10). Rates are written "20.00", one of the
  values BR-FR-16 lists.
- Payment (invoices): means 58 (SEPA credit transfer), IBAN, BIC, remittance
  information = the number, due date BT-9, terms BT-20 (BR-CO-25 asks for one
  of the last two). A credit note keeps its due date but no payment means: it
  is not paid to the seller's account.
- Credit note (381): references the invoice it cancels, BT-25 and BT-26
  (BR-FR-CO-05). Its amounts are **positive**, as EN 16931 means a credit
  note: the type code carries the sign. Both rule sets would also accept
  negative quantities in a 381, but that reads as crediting a negative amount,
  i.e. charging; a negative *price* is refused outright (BR-27, BR-FR-DEC-03).
  The Word credit note may show the amounts negative; a model holding negative
  lines is turned positive here, with the same cents.
- Instalments (schedule.py): an acompte is type 386 (BR-FR-04 lists it), cadre
  S1; the balance is type 380, cadre S4 « facture définitive après acompte »
  (BR-FR-08; BR-FR-CO-08 forbids S4 on a 386), cites each acompte in BG-3
  (BT-25, BT-26) and takes it back as a negative line (a negative quantity, the
  price stays positive: BR-27), so its VAT breakdown is the VAT still due.
- Option for VAT on debits (seller's ``option_tva_debits``): BT-8 = ``5`` (the
  invoice date, UNTDID 2475 as the EN 16931 CII code list restricts it;
  UNTDID 2005's ``3`` is UBL's), and the mention as a free note.
- A PROFORMA (no number) has no e-invoice: ``ValueError``.

The PDF
-------
``PdfConverter`` (``pipeline/libreoffice.py``) makes it: a PDF/A-3b from a
LibreOffice started once and kept warm for a whole run.

The Factur-X PDF
----------------
``facturx.generate_from_binary`` does not make a PDF/A: it expects one (fonts
embedded, output intent: LibreOffice's job, hence the check that the input
declares PDF/A-3). It attaches ``factur-x.xml`` (AFRelationship Data) and
**replaces** the XMP metadata with its own (``pdfaid:part`` 3, conformance B,
the Factur-X extension schema; title, author, subject from ``pdf_metadata``,
given here in French from the XML): LibreOffice's XMP is not kept. Two flaws
of factur-x 7.8 are corrected by one more pypdf pass: the Info dictionary
keeps LibreOffice's /Producer and gains a /Keywords with no XMP counterpart
(PDF/A wants Info and XMP to agree), and the new file is written after the
first bytes of the input instead of over them (a second ``%PDF`` header and
dead objects inside the file).
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ElementTree
from decimal import Decimal
from io import BytesIO
from typing import Any

import facturx
from pypdf import PdfReader, PdfWriter

from pipeline.config import Seller
from pipeline.errors import AmoorError
from pipeline.invoicing.document import (
    LATE_PAYMENT,
    NO_DISCOUNT,
    RECOVERY_FEE,
    VAT_EXEMPTION,
    VAT_ON_DEBITS,
    Buyer,
    Invoice,
    InvoiceKind,
    Line,
    Pricing,
    legal_status,
    registration,
)
from pipeline.libreoffice import pdfa_part

log = logging.getLogger(__name__)

FLAVOR = "factur-x"
LEVEL = "en16931"
BUSINESS_PROCESS = "S1"  # cadre de facturation: services, simple invoice
FINAL_AFTER_PREPAYMENT = "S4"  # cadre: services, facture définitive après acompte
VAT_ON_DEBITS_CODE = "5"  # BT-8 in CII (UNTDID 2475): VAT due at the invoice date
CURRENCY = "EUR"
UNIT = "C62"  # UN/ECE rec. 20 "one": a unit of service
SEPA_CREDIT_TRANSFER = "58"
SIREN_SCHEME = "0002"
SIRET_SCHEME = "0009"
DIRECTORY_SCHEME = "0225"  # the French e-invoicing directory
FRANCHISE_CODE = "VATEX-FR-FRANCHISE"


class EInvoiceError(AmoorError):
    """The Factur-X XML or PDF could not be made valid."""


# --------------------------------------------------------------------------- XML


def invoice_xml(invoice: Invoice) -> bytes:
    """The Factur-X EN 16931 CII XML of an issued invoice or credit note.

    Raises ``ValueError`` for a PROFORMA (no number, so no e-invoice) or a credit
    note that does not say which invoice it cancels, and ``EInvoiceError`` when
    the seller has no VAT number or the XML does not pass the XSD.
    """
    if invoice.number is None:
        raise ValueError("Une facture PROFORMA (sans numéro) n'a pas de facture électronique.")
    if invoice.kind is InvoiceKind.CREDIT_NOTE and (
        not invoice.preceding_number or invoice.preceding_date is None
    ):
        raise ValueError(
            f"L'avoir {invoice.number} doit indiquer le numéro et la date de la facture qu'il "
            f"annule (BT-25, BT-26)."
        )
    if not invoice.seller.vat_number:
        # BR-S-02 / BR-E-02: standard-rated and exempt lines need the seller's VAT id.
        raise EInvoiceError(
            "Le numéro de TVA intracommunautaire du vendeur est nécessaire à la facture "
            "électronique, même en franchise en base : renseignez « tva_intracommunautaire » "
            "dans la section [vendeur] de amoor.toml."
        )
    data = _data(invoice, invoice.number)
    xml: bytes = facturx.generate_xml(
        data, flavor=FLAVOR, level=LEVEL, check_xsd=False, check_schematron=False
    )
    check_xsd(xml)
    return xml


def check_xsd(xml: bytes) -> None:
    """Raise ``EInvoiceError`` unless ``xml`` is valid against the Factur-X EN 16931 XSD."""
    try:
        facturx.xml_check_xsd(xml, flavor=FLAVOR, level=LEVEL)
    except Exception as exc:  # the library raises a bare Exception
        raise EInvoiceError(
            f"Le XML Factur-X n'est pas conforme au schéma EN 16931 : {exc}"
        ) from exc


def _data(invoice: Invoice, number: str) -> dict[str, Any]:
    """The factur-x ``data_dict``: keys are the EN 16931 business terms."""
    pricing = invoice.pricing
    # A credit note states what is credited, positively (see the module docstring).
    sign = -1 if invoice.kind is InvoiceKind.CREDIT_NOTE and pricing.total_ht < 0 else 1
    data: dict[str, Any] = {
        "BT-1": number,
        "BT-2": invoice.issue_date,
        "BT-3": invoice.type_code,
        "BT-5": CURRENCY,
        "BT-9": invoice.due_date,
        "BT-23": _business_process(invoice),
        "BT-72": invoice.service_end,
        "BT-106": _amount(sign * pricing.total_ht),
        "BT-109": _amount(sign * pricing.total_ht),
        "BT-110": _amount(sign * pricing.total_vat),
        "BT-112": _amount(sign * pricing.total_ttc),
        "BT-115": _amount(sign * pricing.total_ttc),
        "BG-1": _notes(invoice),
        "BG-4": _seller(invoice.seller),
        "BG-7": _buyer(invoice.buyer),
        "BG-23": _vat_breakdown(pricing, sign),
        "BG-25": [
            _line(index, line, sign, pricing.vat_exempt)
            for index, line in enumerate(pricing.lines, 1)
        ],
    }
    if invoice.reference:
        data["BT-11"] = invoice.reference
        data["BT-11-0"] = invoice.title or invoice.reference
    if invoice.buyer.service_code:
        data["BT-10"] = invoice.buyer.service_code
    if invoice.buyer.engagement_number:
        data["BT-13"] = invoice.buyer.engagement_number
    if invoice.service_start is not None:
        data["BT-73"] = invoice.service_start
        data["BT-74"] = invoice.service_end
    if invoice.seller.vat_on_debits and not pricing.vat_exempt:
        data["BT-8"] = VAT_ON_DEBITS_CODE
    if invoice.kind is InvoiceKind.CREDIT_NOTE:
        data["BG-3"] = [{"BT-25": invoice.preceding_number, "BT-26": invoice.preceding_date}]
    elif invoice.instalment is not None and invoice.instalment.deductions:
        # The balance cites each acompte it deducts (BT-25, BT-26).
        data["BG-3"] = [
            {"BT-25": d.number, "BT-26": d.issue_date} for d in invoice.instalment.deductions
        ]
    else:  # the buyer pays by transfer to the seller's account (a credit note is not paid so)
        data.update(
            {
                "BT-20": invoice.payment_terms,
                "BT-81": SEPA_CREDIT_TRANSFER,
                "BT-83": number,
                "BT-84": invoice.seller.iban,
                "BT-86": invoice.seller.bic,
            }
        )
    return data


def _business_process(invoice: Invoice) -> str:
    """S4 for a balance that deducts acomptes (« facture définitive après acompte »), else S1."""
    instalment = invoice.instalment
    return FINAL_AFTER_PREPAYMENT if instalment and instalment.deductions else BUSINESS_PROCESS


def _notes(invoice: Invoice) -> list[dict[str, str]]:
    notes = [
        {"BT-21": "PMT", "BT-22": RECOVERY_FEE},
        {"BT-21": "PMD", "BT-22": LATE_PAYMENT},
        {"BT-21": "AAB", "BT-22": NO_DISCOUNT},
    ]
    if invoice.kind is InvoiceKind.CREDIT_NOTE and invoice.reason:
        notes.append({"BT-22": f"Motif de l'avoir : {invoice.reason}"})
    notes.extend({"BT-22": note} for note in invoice.pricing.notes if note)
    if invoice.seller.vat_on_debits and not invoice.pricing.vat_exempt:
        notes.append({"BT-22": VAT_ON_DEBITS})
    return notes


def _address(street: str, postal_code: str, city: str, country: str) -> dict[str, str]:
    lines = [line.strip() for line in street.splitlines() if line.strip()]
    # EN 16931 has three street lines; anything beyond joins the third.
    lines = [*lines[:2], ", ".join(lines[2:])] if len(lines) > 3 else lines
    address = {"postcode": postal_code, "city": city, "country_code": country or "FR"}
    for key, line in zip(("addr_l1", "addr_l2", "addr_l3"), lines, strict=False):
        address[key] = line
    return address


def _seller(seller: Seller) -> dict[str, Any]:
    legal_info = " – ".join(part for part in (legal_status(seller), registration(seller)) if part)
    party: dict[str, Any] = {
        "name": seller.name,
        "identifiers": {SIRET_SCHEME: seller.siret} if seller.siret else {},
        "legal_identifier": seller.siren,
        "legal_identifier_schemeid": SIREN_SCHEME,
        "einvoicing_addr": seller.siren,
        "einvoicing_addr_schemeid": DIRECTORY_SCHEME,
        **_address(seller.address, seller.postal_code, seller.city, seller.country),
    }
    party["vat_identifier"] = seller.vat_number
    if legal_info:
        party["legal_info"] = legal_info
    if seller.email:
        party["contacts"] = [{"email": seller.email}]
    return party


def _buyer(buyer: Buyer) -> dict[str, Any]:
    siret = "".join(buyer.siret.split())
    if not (siret.isdigit() and len(siret) == 14):
        raise ValueError(
            f"Le SIRET de l'acheteur « {buyer.siret} » doit compter 14 chiffres : il est "
            f"obligatoire sur une facture électronique."
        )
    siren = siret[:9]
    address = f"{siren}_{siret}"
    routed = f"{address}_{buyer.service_code}"
    if buyer.service_code and _directory_address_ok(routed):
        address = routed
    return {
        "name": buyer.name,
        "identifiers": {SIRET_SCHEME: siret},
        "legal_identifier": siren,
        "legal_identifier_schemeid": SIREN_SCHEME,
        "einvoicing_addr": address,
        "einvoicing_addr_schemeid": DIRECTORY_SCHEME,
        **_address(buyer.address, buyer.postal_code, buyer.city, buyer.country),
    }


def _directory_address_ok(address: str) -> bool:
    """BR-FR-23 and BR-FR-25: letters, digits, - _ . only; 125 characters at most."""
    return len(address) <= 125 and all(c.isascii() and (c.isalnum() or c in "-_.") for c in address)


def _category(exempt: bool, rate: Decimal) -> str:
    if exempt:
        return "E"  # franchise en base: exempt, with VATEX-FR-FRANCHISE
    return "S" if rate > 0 else "Z"


def _vat_breakdown(pricing: Pricing, sign: int) -> list[dict[str, str]]:
    breakdown = []
    for total in pricing.vat_totals:
        entry = {
            "BT-116": _amount(sign * total.base),
            "BT-117": _amount(sign * total.amount),
            "BT-118": _category(pricing.vat_exempt, total.rate),
            "BT-119": _amount(total.rate),
        }
        if pricing.vat_exempt:
            entry["BT-120"] = VAT_EXEMPTION
            entry["BT-121"] = FRANCHISE_CODE
        breakdown.append(entry)
    return breakdown


def _line(index: int, line: Line, sign: int, exempt: bool) -> dict[str, Any]:
    quantity, price = sign * line.quantity, line.unit_price
    if price < 0:  # a net price is never negative (BR-27): the quantity carries the sign
        quantity, price = -quantity, -price
    entry: dict[str, Any] = {
        "BT-126": str(index),
        "BT-129": _decimal(quantity, 4),
        "BT-130": UNIT,
        "BT-131": _amount(sign * line.total),
        "BT-146": _decimal(price, 6, least=2),
        "BT-151": _category(exempt, line.vat_rate),
        "BT-152": _amount(line.vat_rate),
        "BT-153": line.description,
    }
    if line.detail:
        entry["BT-154"] = line.detail
    return entry


def _amount(value: Decimal) -> str:
    """Two decimals, point separator (BR-DEC-*, BR-FR-DEC-01)."""
    return f"{value.quantize(Decimal('0.01')):f}"


def _decimal(value: Decimal, most: int, least: int = 0) -> str:
    """Between ``least`` and ``most`` decimals, as few as the value needs."""
    exponent = value.normalize().as_tuple().exponent
    needed = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    places = min(max(needed, least), most)
    return f"{value.quantize(Decimal(1).scaleb(-places)):f}"


# ---------------------------------------------------------------------- Factur-X


def facturx_pdf(pdf: bytes, xml: bytes) -> bytes:
    """The Factur-X PDF/A-3: ``pdf`` (already PDF/A-3, from ``PdfConverter``) with ``xml`` in it.

    The XML is checked against the XSD again by factur-x; the PDF metadata
    (title, author, subject) are taken from the XML, in French.
    """
    if pdfa_part(pdf) != "3":
        raise EInvoiceError(
            "Le PDF à compléter n'est pas un PDF/A-3 : il doit venir de LibreOffice "
            "(export PDF/A-3)."
        )
    try:
        result: bytes = facturx.generate_from_binary(
            pdf,
            xml,
            flavor=FLAVOR,
            level=LEVEL,
            check_xsd=True,
            pdf_metadata=_pdf_metadata(xml),
            lang="fr-FR",
        )
    except Exception as exc:  # the library raises bare Exceptions
        raise EInvoiceError(f"Le PDF Factur-X n'a pas pu être produit : {exc}") from exc
    return _info_matching_xmp(result)


def _info_matching_xmp(pdf: bytes) -> bytes:
    """Make the Info dictionary say what the XMP says, as PDF/A requires.

    factur-x writes its own XMP (producer "pypdf") but leaves LibreOffice's
    /Producer in the Info dictionary and adds /Keywords, which has no XMP
    counterpart there; a PDF/A validator reports both. The dates are copied
    too: factur-x reads the clock twice. Writing the file anew also drops the
    stale copy of the input that factur-x leaves at its start.
    """
    reader = PdfReader(BytesIO(pdf))
    xmp = reader.xmp_metadata
    if xmp is None:
        return pdf
    writer = PdfWriter(clone_from=reader, keep_initial_header=True)
    info = {str(key): str(value) for key, value in (reader.metadata or {}).items()}
    info.pop("/Keywords", None)
    if xmp.pdf_producer:
        info["/Producer"] = xmp.pdf_producer
    for key, moment in (("/CreationDate", xmp.xmp_create_date), ("/ModDate", xmp.xmp_modify_date)):
        if moment is not None:
            info[key] = moment.strftime("D:%Y%m%d%H%M%S+00'00'")
    writer.metadata = info
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def _pdf_metadata(xml: bytes) -> dict[str, str]:
    """Title, author and subject of the PDF, in French, read from our own XML."""
    root = ElementTree.fromstring(xml)
    namespaces = {
        "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
        "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
        "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    }

    def text(path: str) -> str:
        return (root.findtext(path, default="", namespaces=namespaces) or "").strip()

    number = text("rsm:ExchangedDocument/ram:ID")
    kind = text("rsm:ExchangedDocument/ram:TypeCode")
    issued = text("rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString")
    agreement = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    seller = text(f"{agreement}/ram:SellerTradeParty/ram:Name")
    buyer = text(f"{agreement}/ram:BuyerTradeParty/ram:Name")
    noun = "Avoir" if kind == InvoiceKind.CREDIT_NOTE.value else "Facture"
    day = f"{issued[6:8]}/{issued[4:6]}/{issued[:4]}" if len(issued) == 8 else issued
    return {
        "author": seller,
        "title": f"{seller} : {noun} {number}",
        "subject": f"{noun} {number} du {day} émise par {seller} pour {buyer}",
    }
