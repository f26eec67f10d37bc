"""The invoice (also the PROFORMA draft and the credit note).

Seller and buyer blocks side by side, the lines and totals tables, payment details,
the legal mentions in a small named style, and a footer with the seller's legal
identity and « page X / Y ». Its context comes from ``pipeline.render.invoice_context``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import Table
from docx.text.paragraph import Paragraph

from templating.common import (
    CENTER,
    GREY,
    HIGHLIGHT_STYLE,
    LOGO,
    MARGIN,
    MID_BLUE,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RIGHT,
    Row,
    add_field,
    add_table,
    add_text,
    configure_settings,
    configure_styles,
    configure_theme_fonts,
    describe_picture,
    heading,
    keep,
    para,
    set_properties,
    style_of,
    tag,
    w_element,
)

# --------------------------------------------------------------------------- invoice
ADDRESS_STYLE = "Coordonnées"
MENTIONS_STYLE = "Mentions"
DETAIL_STYLE = "Détail de ligne"
LIGHT_BLUE = "8EAADB"


def configure_invoice_styles(doc: DocumentObject) -> None:
    """The invoice's own named styles, on top of :func:`configure_styles`."""
    title = style_of(doc, "Title")
    title.font.size = Pt(20)
    title.paragraph_format.space_before = Pt(14)
    title.paragraph_format.space_after = Pt(6)
    title.paragraph_format.keep_with_next = True

    def paragraph_style(name: str, style_id: str, size: float, color: RGBColor | None) -> None:
        style = cast(ParagraphStyle, doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH))
        style.style_id = style_id
        style.base_style = style_of(doc, "Normal")
        style.quick_style = True
        style.font.size = Pt(size)
        if color is not None:
            style.font.color.rgb = color
        style.paragraph_format.space_before = Pt(0)
        style.paragraph_format.space_after = Pt(1)
        style.paragraph_format.line_spacing = 1.0

    # Seller and buyer blocks, dates: compact lines.
    paragraph_style(ADDRESS_STYLE, "Coordonnees", 9.5, None)
    # Legal mentions at the bottom: small and grey, still readable when printed.
    paragraph_style(MENTIONS_STYLE, "Mentions", 8, GREY)
    style_of(doc, MENTIONS_STYLE).paragraph_format.space_after = Pt(2)

    detail = doc.styles.add_style(DETAIL_STYLE, WD_STYLE_TYPE.CHARACTER)
    detail.style_id = "Detaildeligne"
    detail.quick_style = True
    detail.font.italic = True
    detail.font.size = Pt(8.5)
    detail.font.color.rgb = GREY


def configure_invoice_properties(doc: DocumentObject) -> None:
    set_properties(
        doc,
        title="{{ doc.heading|safe }}",
        subject="{{ buyer.name|safe }}",
        author="{{ seller.name|safe }}",
        identifier="{{ doc.number|safe }}",
        keywords="facture",
    )


def configure_invoice_page(doc: DocumentObject) -> None:
    """A4 portrait; the footer carries the seller's legal identity, the document, the
    client and « page X / Y » (docs/deliverables.md)."""
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = PAGE_WIDTH
    section.page_height = PAGE_HEIGHT
    for side in ("top", "bottom", "left", "right"):
        setattr(section, f"{side}_margin", MARGIN)
    section.top_margin = Cm(1.5)
    section.header_distance = Cm(0.8)
    section.footer_distance = Cm(0.8)
    section.gutter = Cm(0)

    identity = section.footer.paragraphs[0]
    identity.style = doc.styles["Footer"]
    identity.alignment = CENTER
    add_text(identity, "{{ seller.legal_line }}")
    pages = section.footer.add_paragraph(style="Footer")
    pages.alignment = RIGHT
    add_text(
        pages,
        "{{ doc.heading }} — {{ buyer.name }}"
        "{{ ' — réf. ' ~ object.reference if object.reference else '' }} — page ",
    )
    add_field(pages, "PAGE", "1")
    add_text(pages, " / ")
    add_field(pages, "NUMPAGES", "1")


def layout_table(doc: DocumentObject, widths_cm: Sequence[float]) -> Table:
    """A borderless one-row table placing blocks side by side (no table style).

    Cell padding is zero so the blocks line up with the text margins."""
    widths = [Cm(width) for width in widths_cm]
    table = doc.add_table(rows=1, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(sum(w.twips for w in widths)))
    margins = w_element("tblCellMar")
    for side in ("left", "right"):
        margins.append(w_element(side, w="0", type="dxa"))
    look = tbl_pr.find(qn("w:tblLook"))  # present in python-docx's tables: no style look
    look.addprevious(margins)
    for flag in ("firstRow", "firstColumn", "lastRow", "lastColumn", "noHBand", "noVBand"):
        look.set(qn(f"w:{flag}"), "1" if flag.startswith("no") else "0")
    look.set(qn("w:val"), "0600")
    for column, cell, width in zip(table.columns, table.rows[0].cells, widths, strict=True):
        column.width = width
        cell.width = width
    return table


def boxed(cell: object, *, padding_cm: float = 0.3) -> None:
    """A thin light-blue frame around a cell, with inner padding."""
    tc_pr = cell._tc.get_or_add_tcPr()  # type: ignore[attr-defined]
    borders = w_element("tcBorders")
    for edge in ("top", "left", "bottom", "right"):
        borders.append(w_element(edge, val="single", sz="6", space="0", color=LIGHT_BLUE))
    margins = w_element("tcMar")
    for side in ("top", "left", "bottom", "right"):
        margins.append(w_element(side, w=str(Cm(padding_cm).twips), type="dxa"))
    # CT_TcPr order: tcW, gridSpan, vMerge, tcBorders, shd, noWrap, tcMar, …
    tc_pr.append(borders)
    tc_pr.append(margins)


def spacer(doc: DocumentObject, height_pt: float) -> Paragraph:
    """An empty paragraph of a fixed small height (room below a framed paragraph)."""
    paragraph = para(doc)
    paragraph.paragraph_format.space_before = Pt(0)
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = Pt(height_pt)
    return paragraph


def cell_lines(cell: object, lines: Sequence[tuple[str, str | None]]) -> None:
    """Fill a cell with paragraphs ``(text, label)`` in the address style; a text
    starting with ``{%p`` is a paragraph tag. The cell's first paragraph is reused."""
    first = True
    for text, label in lines:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()  # type: ignore[attr-defined]
        first = False
        paragraph.style = ADDRESS_STYLE
        if label:
            add_text(paragraph, label, bold=True)
        add_text(paragraph, text)


def build_invoice_parties(doc: DocumentObject) -> None:
    """Seller at the top left, buyer framed at the right (where a window envelope looks)."""
    tag(doc, "if demo")
    para(doc, "{{ demo_notice }}", HIGHLIGHT_STYLE).runs[0].bold = True
    spacer(doc, 10)
    tag(doc, "endif")
    table = layout_table(doc, [8.8, 0.7, 7.5])
    seller, _, buyer = table.rows[0].cells
    cell_lines(
        seller,
        [
            ("{{ seller.name }}", None),
            ("{%p if seller.legal_form %}", None),
            ("{{ seller.legal_form }}", None),
            ("{%p endif %}", None),
            ("{{ seller.address|multiline }}", None),
            ("{%p if seller.email %}", None),
            ("{{ seller.email }}", None),
            ("{%p endif %}", None),
            ("{{ seller.siren }}", "SIREN : "),
            ("{{ seller.siret }}", "SIRET : "),
            ("{%p if seller.rcs %}", None),
            ("{{ seller.rcs }}", None),
            ("{%p endif %}", None),
            ("{%p if seller.vat_number %}", None),
            ("{{ seller.vat_number }}", "N° de TVA intracommunautaire : "),
            ("{%p endif %}", None),
        ],
    )
    name = seller.paragraphs[0]
    # The firm's logo above its name: a picture the firm replaces in Word, as on the covers.
    logo = name.insert_paragraph_before(style="Normal")
    logo.add_run().add_picture(str(LOGO), width=Cm(4.5))
    describe_picture(logo, "Logo du cabinet")
    logo.paragraph_format.space_after = Pt(4)
    name.runs[0].bold = True
    name.runs[0].font.size = Pt(14)
    name.runs[0].font.color.rgb = MID_BLUE
    name.paragraph_format.space_after = Pt(3)

    boxed(buyer)
    cell_lines(
        buyer,
        [
            ("Destinataire", None),
            ("{{ buyer.name }}", None),
            ("{{ buyer.address|multiline }}", None),
            ("{%p if buyer.siret %}", None),
            ("{{ buyer.siret }}", "SIRET : "),
            ("{%p endif %}", None),
            ("{%p if buyer.siren %}", None),
            ("{{ buyer.siren }}", "SIREN : "),
            ("{%p endif %}", None),
            ("{%p if buyer.service_code %}", None),
            ("{{ buyer.service_code }}", "Code service : "),
            ("{%p endif %}", None),
            ("{%p if buyer.engagement_number %}", None),
            ("{{ buyer.engagement_number }}", "Numéro d'engagement : "),
            ("{%p endif %}", None),
        ],
    )
    caption, buyer_name, address = buyer.paragraphs[:3]
    caption.runs[0].font.size = Pt(8)
    caption.runs[0].font.color.rgb = GREY
    caption.paragraph_format.space_after = Pt(3)
    buyer_name.runs[0].bold = True
    buyer_name.runs[0].font.size = Pt(11)
    address.paragraph_format.space_after = Pt(4)


def build_invoice_heading(doc: DocumentObject) -> None:
    """Title and number, what the document is, its dates and its object."""
    para(doc, "{{ doc.heading }}", "Title")
    tag(doc, "if doc.proforma")
    para(doc, "{{ doc.proforma_notice }}", HIGHLIGHT_STYLE, label="PROFORMA — ")
    spacer(doc, 8)
    tag(doc, "endif")
    tag(doc, "if doc.credit_note")
    keep(para(doc, "{{ doc.credit_reference }}", ADDRESS_STYLE)).runs[0].bold = True
    tag(doc, "if doc.reason")
    keep(para(doc, "{{ doc.reason|multiline }}", ADDRESS_STYLE, label="Motif : "))
    tag(doc, "endif")
    tag(doc, "endif")
    tag(doc, "if doc.instalment")
    keep(para(doc, "{{ doc.instalment }}", ADDRESS_STYLE)).runs[0].bold = True
    tag(doc, "endif")
    tag(doc, "for f in doc.facts")
    keep(para(doc, "{{ f.value }}", ADDRESS_STYLE, label="{{ f.label }} : "))
    tag(doc, "endfor")
    subject = para(doc, "{{ object.title }}", label="Objet : ")
    subject.paragraph_format.space_before = Pt(8)
    subject.paragraph_format.space_after = Pt(6)
    subject.paragraph_format.keep_with_next = True


def build_invoice_lines(doc: DocumentObject) -> None:
    table = add_table(
        doc,
        [("Désignation", 9.2), ("Quantité", 2.0), ("Prix unitaire HT", 2.9), ("Total HT", 2.9)],
        [
            Row(
                ["{{ l.description }}", "{{ l.quantity }}", "{{ l.unit_price }}", "{{ l.total }}"],
                loop="l in lines",
            )
        ],
        align=[None, RIGHT, RIGHT, RIGHT],
        # An invoice is not freed by pipeline.render.page_breaks: a designation longer
        # than a page, kept with its neighbours, would have LibreOffice lay the invoice
        # out for minutes. Its lines fit a page or run on, the header repeated.
        keep_rows=False,
    )
    # The line's row (found by its text): its first cell gets the detail, on a new line,
    # in the detail character style.
    for row in table.rows:
        description = row.cells[0].paragraphs[0]
        if description.text == "{{ l.description }}":
            detail = description.add_run("{{ ('\\n' ~ l.detail)|multiline if l.detail else '' }}")
            detail.style = DETAIL_STYLE


def build_invoice_totals(doc: DocumentObject) -> None:
    spacer(doc, 8)
    table = add_table(
        doc,
        [("", 5.2), ("", 3.3)],
        [
            Row(["{{ t.label }}", "{{ t.value }}"], loop="t in totals.rows"),
            Row(["{{ totals.net.label }}", "{{ totals.net.value }}"], total=True),
        ],
        align=[None, RIGHT],
        header=False,
    )
    table.alignment = WD_TABLE_ALIGNMENT.RIGHT
    # The amount due stands out: a tinted last row.
    for cell in table.rows[-1].cells:
        cell._tc.get_or_add_tcPr().append(
            w_element("shd", val="clear", color="auto", fill="DEEAF6")
        )
        cell.paragraphs[0].runs[0].font.size = Pt(10.5)
    tag(doc, "if totals.vat_exemption")
    exemption = para(doc, "{{ totals.vat_exemption }}")
    exemption.alignment = RIGHT
    exemption.runs[0].bold = True
    exemption.paragraph_format.space_before = Pt(4)
    tag(doc, "endif")


def build_invoice_notes(doc: DocumentObject) -> None:
    tag(doc, "if notes")
    heading(doc, "Remarques", 3)
    tag(doc, "for n in notes")
    para(doc, "{{ n|multiline }}", ADDRESS_STYLE).paragraph_format.space_after = Pt(3)
    tag(doc, "endfor")
    tag(doc, "endif")


def build_invoice_payment(doc: DocumentObject) -> None:
    heading(doc, "Règlement", 3)
    keep(para(doc, "{{ payment.terms }}", ADDRESS_STYLE)).paragraph_format.space_after = Pt(3)
    tag(doc, "if payment.remittance")
    keep(para(doc, "{{ payment.remittance }}", ADDRESS_STYLE, label="Référence à rappeler : "))
    tag(doc, "endif")
    for label, key in (
        ("Titulaire du compte : ", "seller.name"),
        ("IBAN : ", "payment.iban"),
        ("BIC : ", "payment.bic"),
    ):
        keep(para(doc, "{{ " + key + " }}", ADDRESS_STYLE, label=label))
    spacer(doc, 10)


def build_invoice_mentions(doc: DocumentObject) -> None:
    rule = para(doc, "", MENTIONS_STYLE)
    rule.paragraph_format.keep_with_next = True
    border = w_element("pBdr")
    border.append(w_element("bottom", val="single", sz="4", space="1", color=LIGHT_BLUE))
    rule._p.get_or_add_pPr().append(border)
    tag(doc, "for m in mentions")
    keep(para(doc, "{{ m }}", MENTIONS_STYLE))
    tag(doc, "endfor")
    para(doc, "", MENTIONS_STYLE)


def build_facture() -> DocumentObject:
    """``facture.docx``: invoice, PROFORMA draft or credit note (docs/invoicing.md)."""
    doc = Document()
    for paragraph in list(doc.paragraphs):
        paragraph._p.getparent().remove(paragraph._p)
    configure_theme_fonts(doc)
    configure_styles(doc)
    configure_invoice_styles(doc)
    configure_settings(doc)
    # No TOC here: Word need not offer to update the fields when it opens an invoice
    # (PAGE / NUMPAGES update by themselves).
    doc.settings.element.remove_all("w:updateFields")
    configure_invoice_properties(doc)
    configure_invoice_page(doc)

    build_invoice_parties(doc)
    build_invoice_heading(doc)
    build_invoice_lines(doc)
    build_invoice_totals(doc)
    build_invoice_notes(doc)
    build_invoice_payment(doc)
    build_invoice_mentions(doc)
    return doc
