"""The Word invoice: every mandatory mention of docs/invoicing.md, in French formats.

Invoices are built here as literals (a standard invoice at 20 %, one under
franchise en base, a PROFORMA draft, and a credit note made by the real
ledger from the standard invoice), rendered through ``templates_docx/facture.docx``
the way the pipeline renders (``render_docx``), then read back with python-docx
and, when LibreOffice is installed, as the PDF a buyer receives.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
import zipfile
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn

from pipeline.invoicing.document import Buyer, Invoice, InvoiceKind, Line, Pricing
from pipeline.invoicing.ledger import Ledger
from pipeline.render.docx import render_docx
from pipeline.render.invoice_context import invoice_context
from tests.conftest import DATA, ROOT
from tests.libreoffice import docx_text_via_pdf, needs_libreoffice, squash
from tests.samples import SELLER

TEMPLATE = ROOT / "templates_docx" / "facture.docx"
GOLDEN = DATA / "golden" / "facture-standard.json"

BUYER = Buyer(
    name="Commune de Saint-Aubin-des-Brumes",
    address="Hôtel de ville\n1 place de la Mairie",
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
        Decimal("5000"),
        Decimal(20),
        detail="Cadrage, atelier R.O.I. citoyen et restitution",
    ),
    Line("Entretiens complémentaires", Decimal(3), Decimal("833.33"), Decimal(20)),
)
STANDARD = Invoice(
    kind=InvoiceKind.INVOICE,
    number="F-2026-0001",
    issue_date=date(2026, 11, 25),
    due_date=date(2026, 12, 25),
    service_start=date(2026, 9, 1),
    service_end=date(2026, 11, 20),
    seller=SELLER,
    buyer=BUYER,
    reference="CC-2026-007",
    title="Concertation citoyenne — Réaménagement du centre-bourg",
    pricing=Pricing(
        LINES,
        vat_exempt=False,
        notes=("Options chiffrées selon le devis accepté du 3 septembre 2026.",),
    ),
)
FRANCHISE = replace(
    STANDARD,
    number="F-2026-0002",
    seller=replace(SELLER, vat_exempt=True, vat_rate=Decimal(0)),
    buyer=replace(BUYER, service_code="", engagement_number=""),
    service_start=None,
    pricing=Pricing(tuple(replace(line, vat_rate=Decimal(0)) for line in LINES), vat_exempt=True),
)
PROFORMA = replace(STANDARD, number=None)
REASON = "Erreur sur le nombre d'entretiens facturés."


def credit_note(tmp_path: Path) -> Invoice:
    """The credit note the ledger makes for the standard invoice (quantities negated)."""
    ledger = Ledger(tmp_path / "factures.sqlite3", "F-{annee}-{numero:04d}")
    issued = ledger.issue(PROFORMA)
    assert issued.record.number == "F-2026-0001"
    record = ledger.credit_note("F-2026-0001", REASON, date(2026, 12, 2))
    assert record.number == "F-2026-0002"
    assert all(line.quantity < 0 for line in record.invoice.pricing.lines)
    return record.invoice


# Every mandatory mention of docs/invoicing.md, as the standard invoice words it.
STANDARD_MENTIONS: list[tuple[str, str]] = [
    ("numéro", "Facture n° F-2026-0001"),
    ("date d'émission", "Date d'émission : 25 novembre 2026"),
    (
        "période de la prestation",
        "Période de la prestation : du 1er septembre 2026 au 20 novembre 2026",
    ),
    ("échéance à 30 jours", "Échéance : 25 décembre 2026"),
    ("vendeur : nom", "amoor SAS"),
    ("vendeur : forme juridique et capital", "SAS au capital de 10 000 €"),
    ("vendeur : adresse", "12 rue de l'Exemple 75000 Paris"),
    ("vendeur : SIREN", "SIREN : 123 456 782"),
    ("vendeur : SIRET", "SIRET : 123 456 782 00010"),
    ("vendeur : RCS", "RCS Paris 123 456 782"),
    ("vendeur : numéro de TVA", "N° de TVA intracommunautaire : FR12123456782"),
    ("vendeur : e-mail", "facturation@example.org"),
    ("acheteur : nom", "Commune de Saint-Aubin-des-Brumes"),
    ("acheteur : adresse", "Hôtel de ville 1 place de la Mairie 44000 Saint-Aubin-des-Brumes"),
    ("acheteur : SIRET", "SIRET : 214 401 093 00015"),
    ("acheteur : code service", "Code service : SERV-URBA"),
    ("acheteur : numéro d'engagement", "Numéro d'engagement : EJ-2026-0042"),
    ("objet", "Objet : Concertation citoyenne — Réaménagement du centre-bourg"),
    ("référence", "Référence : CC-2026-007"),
    ("lignes : en-têtes", "Désignation Quantité Prix unitaire HT Total HT"),
    (
        "ligne 1 : désignation, détail, quantité, prix unitaire HT, total HT",
        "Concertation citoyenne Cadrage, atelier R.O.I. citoyen et restitution "
        "1 5 000,00 € 5 000,00 €",
    ),
    ("ligne 2", "Entretiens complémentaires 3 833,33 € 2 499,99 €"),
    ("total HT par taux de TVA", "Total HT (TVA 20 %) 7 499,99 €"),
    ("TVA par taux", "TVA 20 % 1 500,00 €"),
    ("total TTC", "Total TTC 8 999,99 €"),
    ("net à payer", "Net à payer 8 999,99 €"),
    ("escompte", "Pas d'escompte pour paiement anticipé"),
    ("intérêts moratoires", "Intérêts moratoires : taux de la BCE majoré de 8 points"),
    ("indemnité de recouvrement", "Indemnité forfaitaire pour frais de recouvrement : 40 €"),
    ("nature de l'opération", "Prestations de services"),
    ("paiement par virement", "Paiement par virement à 30 jours, au plus tard le 25 décembre 2026"),
    ("référence du virement", "Référence à rappeler : F-2026-0001"),
    ("IBAN", "IBAN : FR76 3000 6000 0112 3456 7890 189"),
    ("BIC", "BIC : AGRIFRPPXXX"),
    ("remarques", "Options chiffrées selon le devis accepté du 3 septembre 2026."),
]
# What the buyer must not be able to overlook, whatever the document.
LEGAL_MENTIONS = [
    "Prestations de services",
    "Pas d'escompte pour paiement anticipé",
    "Intérêts moratoires : taux de la BCE majoré de 8 points",
    "Indemnité forfaitaire pour frais de recouvrement : 40 €",
    "SAS au capital de 10 000 €",
    "RCS Paris 123 456 782",
    "SIRET : 214 401 093 00015",
    "IBAN : FR76 3000 6000 0112 3456 7890 189",
]
DEMO_NOTICE = "Document de démonstration : les données du vendeur sont fictives."


def paragraph_text(p: Any) -> str:
    special = {qn("w:br"): "\n", qn("w:tab"): "\t"}
    return "".join(
        special.get(node.tag, node.text or "")
        for node in p.iter(qn("w:t"), qn("w:br"), qn("w:tab"))
    )


def docx_text(data: bytes, path: Path) -> str:
    """All the text of a .docx (body, tables, footers), one paragraph a line."""
    path.write_bytes(data)
    document = docx.Document(str(path))
    chunks = [paragraph_text(p) for p in document.element.body.iter(qn("w:p"))]
    for section in document.sections:
        for part in (section.header, section.footer):
            chunks.extend(paragraph_text(p) for p in part._element.iter(qn("w:p")))
    return "\n".join(chunks)


def normalise(text: str) -> str:
    """One plain space between words: Babel's narrow no-break spaces, no-break spaces
    and line breaks all compare as one space; ’ as ' (see test_typography)."""
    flat = unicodedata.normalize("NFKC", text).replace("\u2019", "'")
    return re.sub(r"\s+", " ", flat).strip()


def render(invoice: Invoice, path: Path, *, demo: bool = False) -> str:
    return normalise(docx_text(render_docx(TEMPLATE, invoice_context(invoice, demo=demo)), path))


@pytest.fixture(scope="module", autouse=True)
def _template_exists() -> None:
    assert TEMPLATE.is_file(), "run tools/make_templates.py to build the template"


@pytest.fixture(scope="module")
def standard_text(tmp_path_factory: pytest.TempPathFactory) -> str:
    return render(STANDARD, tmp_path_factory.mktemp("facture") / "standard.docx")


@pytest.mark.parametrize(
    "expected", [e for _, e in STANDARD_MENTIONS], ids=[w for w, _ in STANDARD_MENTIONS]
)
def test_the_standard_invoice_shows_every_mandatory_mention(
    standard_text: str, expected: str
) -> None:
    assert normalise(expected) in standard_text


def test_the_standard_invoice_has_no_leftover_tag_nor_other_document_wording(
    standard_text: str,
) -> None:
    assert "{{" not in standard_text and "{%" not in standard_text
    for absent in ("PROFORMA", "Avoir", "293 B", DEMO_NOTICE, "Total TVA"):
        assert absent not in standard_text, absent
    # One rate: its base and VAT are the totals; no duplicate « Total HT » row.
    assert "Total HT 7 499,99 €" not in standard_text


def test_amounts_use_the_french_narrow_no_break_space(tmp_path: Path) -> None:
    raw = docx_text(
        render_docx(TEMPLATE, invoice_context(STANDARD, demo=False)), tmp_path / "f.docx"
    )
    assert "5\u202f000,00\u00a0€" in raw
    assert "8\u202f999,99\u00a0€" in raw


def test_the_footer_carries_the_legal_identity_and_the_page(tmp_path: Path) -> None:
    path = tmp_path / "f.docx"
    docx_text(render_docx(TEMPLATE, invoice_context(STANDARD, demo=False)), path)
    footer = normalise(
        "\n".join(
            paragraph_text(p)
            for p in docx.Document(str(path)).sections[0].footer._element.iter(qn("w:p"))
        )
    )
    assert "amoor SAS · SAS au capital de 10 000 € · RCS Paris 123 456 782" in footer
    assert "SIRET 123 456 782 00010 · TVA FR12123456782" in footer
    assert (
        "Facture n° F-2026-0001 — Commune de Saint-Aubin-des-Brumes — réf. CC-2026-007 — page 1 / 1"
        in footer
    )
    properties = docx.Document(str(path)).core_properties
    assert properties.title == "Facture n°\u00a0F-2026-0001"  # French spacing there too
    assert properties.author == "amoor SAS"


def test_demo_notice_only_in_demonstration(tmp_path: Path) -> None:
    assert DEMO_NOTICE in render(STANDARD, tmp_path / "demo.docx", demo=True)
    assert DEMO_NOTICE not in render(STANDARD, tmp_path / "vraie.docx", demo=False)


def test_franchise_en_base_has_the_mention_and_no_vat_line(tmp_path: Path) -> None:
    text = render(FRANCHISE, tmp_path / "franchise.docx")
    assert "TVA non applicable, art. 293 B du CGI" in text
    assert "Total HT 7 499,99 €" in text
    assert "Net à payer 7 499,99 €" in text
    for vat_wording in ("TVA 20", "Total TVA", "Total TTC", "(TVA", "1 500,00 €", "8 999,99"):
        assert vat_wording not in text, vat_wording
    assert "Date de la prestation : 20 novembre 2026" in text
    # Without code service nor engagement number, no empty label is left.
    assert "Code service" not in text
    assert "Numéro d'engagement" not in text
    for mention in LEGAL_MENTIONS:
        assert mention in text, mention


def test_proforma_has_no_number_and_says_so(tmp_path: Path) -> None:
    text = render(PROFORMA, tmp_path / "proforma.docx")
    assert "Facture proforma" in text
    assert "PROFORMA" in text
    assert "Document sans valeur comptable : la facture définitive portera un numéro." in text
    assert "F-2026-" not in text
    assert "Référence à rappeler" not in text
    assert (
        "Facture proforma — Commune de Saint-Aubin-des-Brumes — réf. CC-2026-007 — page 1 / 1"
        in text
    )
    assert "Net à payer 8 999,99 €" in text
    for mention in LEGAL_MENTIONS:
        assert mention in text, mention


def test_credit_note_references_the_invoice_and_shows_negative_amounts(tmp_path: Path) -> None:
    text = render(credit_note(tmp_path), tmp_path / "avoir.docx")
    assert "Avoir n° F-2026-0002" in text
    assert "Avoir sur la facture n° F-2026-0001 du 25 novembre 2026" in text
    assert f"Motif : {REASON}" in text
    assert "Date d'émission : 2 décembre 2026" in text
    assert "Échéance" not in text  # a credit note is not paid
    assert "Cet avoir vient en déduction de la facture n° F-2026-0001" in text
    # The lines of the original invoice, negated.
    assert "Concertation citoyenne Cadrage, atelier R.O.I. citoyen et restitution " in text
    assert "-1 5 000,00 € -5 000,00 €" in text
    assert "Entretiens complémentaires -3 833,33 € -2 499,99 €" in text
    assert "Total HT (TVA 20 %) -7 499,99 €" in text
    assert "TVA 20 % -1 500,00 €" in text
    assert "Total TTC -8 999,99 €" in text
    assert "Montant net de l'avoir -8 999,99 €" in text
    assert "Net à payer" not in text
    for mention in LEGAL_MENTIONS:
        assert mention in text, mention


def test_a_credit_note_with_positive_lines_is_shown_negative_all_the_same(
    tmp_path: Path,
) -> None:
    positive = replace(
        STANDARD,
        kind=InvoiceKind.CREDIT_NOTE,
        number="F-2026-0002",
        preceding_number="F-2026-0001",
        preceding_date=STANDARD.issue_date,
        reason=REASON,
    )
    context = invoice_context(positive, demo=False)
    assert [line["total"] for line in context["lines"]] == [
        "-5\u202f000,00\u00a0€",
        "-2\u202f499,99\u00a0€",
    ]
    assert context["totals"]["net"]["value"] == "-8\u202f999,99\u00a0€"


def test_text_typed_by_a_consultant_stays_text(tmp_path: Path) -> None:
    invoice = replace(
        STANDARD,
        buyer=replace(BUYER, name="Syndicat mixte Eau & Rivières <Sud>"),
        pricing=replace(STANDARD.pricing, notes=("Remise < 5 % & frais inclus\nsur devis",)),
    )
    text = render(invoice, tmp_path / "echappement.docx")
    assert "Syndicat mixte Eau & Rivières <Sud>" in text
    assert "Remise < 5 % & frais inclus sur devis" in text
    assert "&amp;" not in text and "&lt;" not in text


def test_the_invoice_context_matches_its_golden_file() -> None:
    """Pure context, compared as JSON (set AMOOR_UPDATE_GOLDEN=1 to refresh)."""
    context = invoice_context(STANDARD, demo=False)
    text = json.dumps(context, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if os.environ.get("AMOOR_UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_the_template_is_a_word_invoice() -> None:
    with zipfile.ZipFile(TEMPLATE) as package:
        settings = package.read("word/settings.xml").decode()
        styles = package.read("word/styles.xml").decode()
        footers = "".join(
            package.read(n).decode() for n in package.namelist() if n.startswith("word/footer")
        )
    # No TOC: Word must not ask to update fields when a buyer opens the invoice.
    assert "updateFields" not in settings
    assert 'w:val="fr-FR"' in styles
    for style in ("Mentions", "Coordonnées", "Détail de ligne"):
        assert f'w:val="{style}"' in styles, style
    assert "PAGE" in footers and "NUMPAGES" in footers
    section = docx.Document(str(TEMPLATE)).sections[0]
    assert round(section.page_width.cm, 1) == 21.0
    assert round(section.page_height.cm, 1) == 29.7


KIND_MENTIONS = {
    "standard": [e for _, e in STANDARD_MENTIONS],
    "franchise": [*LEGAL_MENTIONS, "TVA non applicable, art. 293 B du CGI"],
    "proforma": [
        *LEGAL_MENTIONS,
        "Facture proforma",
        "Document sans valeur comptable : la facture définitive portera un numéro.",
    ],
    "avoir": [
        *LEGAL_MENTIONS,
        "Avoir n° F-2026-0002",
        "Avoir sur la facture n° F-2026-0001 du 25 novembre 2026",
        "Montant net de l'avoir -8 999,99 €",
    ],
}


@needs_libreoffice
@pytest.mark.libreoffice
@pytest.mark.parametrize("kind", list(KIND_MENTIONS))
def test_libreoffice_shows_every_mandatory_mention_on_one_page(
    tmp_path: Path, lo_profile: Path, kind: str
) -> None:
    invoice = {
        "standard": STANDARD,
        "franchise": FRANCHISE,
        "proforma": PROFORMA,
        "avoir": credit_note(tmp_path),
    }[kind]
    path = tmp_path / f"{kind}.docx"
    path.write_bytes(render_docx(TEMPLATE, invoice_context(invoice, demo=True)))
    text = docx_text_via_pdf(path, tmp_path / "pdf", lo_profile)
    flat = squash(text)
    assert "{{" not in text and "{%" not in text
    assert squash(DEMO_NOTICE) in flat
    assert squash("page 1 / 1") in flat, "the invoice should fit on one page"
    for mention in KIND_MENTIONS[kind]:
        assert squash(mention) in flat, mention
