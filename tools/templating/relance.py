"""The reminder letter for a late invoice (``relance.docx``).

A business letter on the invoice's layout: the firm at the top left, the buyer
framed at the right (a window envelope), place and date, the subject, the
text, the table of what is claimed (amount due, late interest, the 40 €
indemnity), the interest's formula written out, the payment details, the
signature and the legal basis in small print. Its context comes from
``pipeline.render.reminder``.
"""

from __future__ import annotations

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.shared import Pt

from templating.common import (
    RIGHT,
    Row,
    add_table,
    configure_settings,
    configure_styles,
    configure_theme_fonts,
    keep,
    para,
    set_properties,
    w_element,
)
from templating.facture import (
    ADDRESS_STYLE,
    MENTIONS_STYLE,
    build_invoice_parties,
    configure_invoice_page,
    configure_invoice_styles,
    spacer,
)


def _body(doc: DocumentObject, key: str, *, space_after: float = 6) -> None:
    paragraph = para(doc, "{{ letter." + key + " }}")
    paragraph.paragraph_format.space_after = Pt(space_after)


def build_relance() -> DocumentObject:
    """``relance.docx``: the reminder of a late invoice, its interest and indemnity."""
    doc = Document()
    for paragraph in list(doc.paragraphs):
        paragraph._p.getparent().remove(paragraph._p)
    configure_theme_fonts(doc)
    configure_styles(doc)
    configure_invoice_styles(doc)
    configure_settings(doc)
    doc.settings.element.remove_all("w:updateFields")
    set_properties(
        doc,
        title="{{ letter.heading|safe }}",
        subject="{{ buyer.name|safe }}",
        author="{{ seller.name|safe }}",
        identifier="{{ letter.number|safe }}",
        keywords="relance",
    )
    configure_invoice_page(doc)  # footer: seller's legal line, « page X / Y »
    # The footer is the invoice's: the context gives « doc.heading » and « object.reference ».
    build_invoice_parties(doc)

    place = para(doc, "{{ letter.place_date }}")
    place.alignment = RIGHT
    place.paragraph_format.space_before = Pt(4)
    place.paragraph_format.space_after = Pt(6)
    subject = para(doc, "{{ letter.subject }}", label="Objet : ")
    subject.paragraph_format.space_after = Pt(6)
    keep(para(doc, "Madame, Monsieur,")).paragraph_format.space_after = Pt(6)
    _body(doc, "opening")
    _body(doc, "claim", space_after=6)

    table = add_table(
        doc,
        [("", 11.0), ("", 3.6)],
        [
            Row(["{{ r.label }}", "{{ r.value }}"], loop="r in letter.rows"),
            Row(["{{ letter.total.label }}", "{{ letter.total.value }}"], total=True),
        ],
        align=[None, RIGHT],
        header=False,
    )
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell in table.rows[-1].cells:
        cell._tc.get_or_add_tcPr().append(
            w_element("shd", val="clear", color="auto", fill="DEEAF6")
        )
    spacer(doc, 4)
    keep(para(doc, "{{ letter.formula_label }}", ADDRESS_STYLE))
    formula = para(doc, "{{ letter.formula }}", ADDRESS_STYLE)
    formula.paragraph_format.left_indent = Pt(18)
    formula.paragraph_format.space_after = Pt(6)

    _body(doc, "request")
    for label, key in (
        ("Référence à rappeler : ", "payment.remittance"),
        ("Titulaire du compte : ", "seller.name"),
        ("IBAN : ", "payment.iban"),
        ("BIC : ", "payment.bic"),
    ):
        keep(para(doc, "{{ " + key + " }}", ADDRESS_STYLE, label=label))
    spacer(doc, 4)
    _body(doc, "closing", space_after=6)
    signature = para(doc, "{{ seller.name }}")
    signature.alignment = RIGHT
    signature.runs[0].bold = True
    spacer(doc, 4)

    rule = para(doc, "", MENTIONS_STYLE)
    rule.paragraph_format.keep_with_next = True
    border = w_element("pBdr")
    border.append(w_element("bottom", val="single", sz="4", space="1", color="8EAADB"))
    rule._p.get_or_add_pPr().append(border)
    para(doc, "{{ letter.legal_basis }}", MENTIONS_STYLE)
    return doc
