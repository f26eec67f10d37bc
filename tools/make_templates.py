"""Build the docxtpl Word templates of amoor from code.

Usage::

    python tools/make_templates.py [--output-dir templates_docx]

It writes ``cahier_des_charges.docx``: a real Word document (named built-in styles,
heading numbering attached to the heading styles, a TOC field refreshed when Word
opens the document, header and footer with PAGE / NUMPAGES fields, A4, French
language) holding Jinja2 tags for docxtpl. The firm may then restyle it in Word:
the rendering code only relies on the tags, never on the look.

It also writes ``facture.docx``, the invoice (also the PROFORMA draft and the credit
note): seller and buyer blocks side by side, the lines and totals tables, payment
details, the legal mentions in a small named style, and a footer with the seller's
legal identity and « page X / Y ». Its context comes from
``pipeline.render.invoice_context``.

Tag rules followed here (docxtpl): each tag lives in one run; paragraph tags
``{%p ... %}`` and row tags ``{%tr ... %}`` are alone in their paragraph / row.
Dictionary keys that clash with ``dict`` methods (``items``) are read with ``['items']``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import sys
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Emu, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import Table
from docx.text.paragraph import Paragraph

from pipeline.text import french_spacing

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT_DIR = REPO_ROOT / "templates_docx"

FONT = "Calibri"
DARK_BLUE = RGBColor(0x1F, 0x38, 0x64)
MID_BLUE = RGBColor(0x2E, 0x54, 0x96)
GREY = RGBColor(0x59, 0x59, 0x59)
TABLE_STYLE = "Light Grid Accent 1"
HIGHLIGHT_STYLE = "Encadré"

PAGE_WIDTH = Cm(21)
PAGE_HEIGHT = Cm(29.7)
MARGIN = Cm(2)
TEXT_WIDTH = Emu(PAGE_WIDTH - 2 * MARGIN)  # 17 cm

TOC_INSTRUCTION = r'TOC \o "1-3" \h \z \u'
TOC_PLACEHOLDER = "Table des matières : dans Word, clic droit puis « Mettre à jour les champs »"

# Successors of some w:settings children, in the schema order (CT_Settings), used to
# insert new elements at a valid place.
_SETTINGS_AFTER_UPDATE_FIELDS = (
    "hdrShapeDefaults",
    "footnotePr",
    "endnotePr",
    "compat",
    "docVars",
    "rsids",
    "mathPr",
    "attachedSchema",
    "themeFontLang",
    "clrSchemeMapping",
    "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures",
    "forceUpgrade",
    "captions",
    "readModeInkLockDown",
    "smartTagType",
    "schemaLibrary",
    "shapeDefaults",
    "doNotEmbedSmartTags",
    "decimalSymbol",
    "listSeparator",
)


# --------------------------------------------------------------------------- helpers
def _w(tag: str, **attrs: str) -> BaseOxmlElement:
    """A ``w:`` element with ``w:`` attributes (``w_val`` style keys not needed)."""
    element = OxmlElement(f"w:{tag}")
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), value)
    return element


def _set_fonts(rpr: BaseOxmlElement, name: str = FONT) -> None:
    """Explicit font on every script slot; theme font references removed."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = _w("rFonts")
        rpr.insert(0, rfonts)
    for attr in list(rfonts.attrib):
        del rfonts.attrib[attr]
    for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
        rfonts.set(qn(f"w:{slot}"), name)


def _style(doc: DocumentObject, name: str) -> ParagraphStyle:
    """A paragraph (or table) style by its English built-in name."""
    return cast(ParagraphStyle, doc.styles[name])


def _run(paragraph: Paragraph, text: str, *, bold: bool = False) -> None:
    run = paragraph.add_run(french_spacing(text))
    if bold:
        run.bold = True


def para(
    doc: DocumentObject,
    text: str = "",
    style: str = "Normal",
    *,
    label: str | None = None,
) -> Paragraph:
    """A paragraph whose text is ONE run (so a Jinja tag never spans runs).

    ``label`` adds a bold leading run (fixed text, no tag)."""
    paragraph = doc.add_paragraph(style=style)
    if label:
        _run(paragraph, label, bold=True)
    if text:
        _run(paragraph, text)
    return paragraph


def keep(paragraph: Paragraph) -> Paragraph:
    """Keep with the next paragraph (an introduction stays with its table)."""
    paragraph.paragraph_format.keep_with_next = True
    return paragraph


def tag(doc: DocumentObject, statement: str) -> Paragraph:
    """A paragraph-level docxtpl tag ``{%p statement %}``, alone in its paragraph."""
    return para(doc, "{%p " + statement + " %}")


def heading(doc: DocumentObject, text: str, level: int) -> Paragraph:
    """Heading paragraph, text WITHOUT number: numbering comes from the style."""
    return para(doc, text, f"Heading {level}")


def bullet(doc: DocumentObject, text: str, *, label: str | None = None) -> Paragraph:
    """List Bullet item; ``label`` is a bold run (may hold a tag) before ``text``."""
    paragraph = doc.add_paragraph(style="List Bullet")
    if label:
        _run(paragraph, label, bold=True)
    if text:
        _run(paragraph, text)
    return paragraph


def _add_field(paragraph: Paragraph, instruction: str, cached: str) -> None:
    """A complex field (begin / instrText / separate / cached result / end)."""
    begin = _w("fldChar", fldCharType="begin")
    if instruction.startswith("TOC"):
        begin.set(qn("w:dirty"), "true")
    instr = _w("instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    result = _w("t")
    result.set(qn("xml:space"), "preserve")
    result.text = cached
    for child in (
        begin,
        instr,
        _w("fldChar", fldCharType="separate"),
        result,
        _w("fldChar", fldCharType="end"),
    ):
        run = OxmlElement("w:r")
        run.append(child)
        paragraph._p.append(run)


# --------------------------------------------------------------------------- styles
def configure_styles(doc: DocumentObject) -> None:
    styles_el = doc.styles.element

    # Document defaults: Calibri 11, French, sober spacing.
    doc_defaults = styles_el.find(qn("w:docDefaults"))
    rpr = doc_defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = _w("lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "fr-FR")
    lang.set(qn("w:eastAsia"), "fr-FR")
    lang.set(qn("w:bidi"), "ar-SA")
    spacing = doc_defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "120")
    spacing.set(qn("w:line"), "264")
    spacing.set(qn("w:lineRule"), "auto")

    normal = _style(doc, "Normal")
    # Size 11 comes from the document defaults: a size on Normal would beat the table style.
    normal.paragraph_format.widow_control = True

    def text_style(
        name: str,
        *,
        size: float,
        color: RGBColor,
        bold: bool = True,
        italic: bool = False,
        before: float = 0,
        after: float = 0,
    ) -> ParagraphStyle:
        style = _style(doc, name)
        _set_fonts(style.element.get_or_add_rPr())
        style.font.size = Pt(size)
        style.font.color.rgb = color
        style.font.bold = bold
        style.font.italic = italic
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(after)
        return style

    title = text_style("Title", size=28, color=DARK_BLUE, before=0, after=12)
    title.element.rPr.remove_all("w:spacing")  # no letter spacing
    subtitle = text_style("Subtitle", size=16, color=MID_BLUE, bold=False, after=18)
    subtitle.element.pPr.remove_all("w:numPr")  # stray numPr in python-docx template
    subtitle.element.rPr.remove_all("w:spacing")
    for level, size, color, before, after in (
        (1, 16, DARK_BLUE, 24, 8),
        (2, 13, MID_BLUE, 14, 6),
        (3, 11, DARK_BLUE, 10, 4),
    ):
        text_style(f"Heading {level}", size=size, color=color, before=before, after=after)

    # TOC Heading: built-in, based on Heading 1 in Word, but must not be numbered.
    toc_heading = _style(doc, "TOC Heading")
    toc_heading.base_style = _style(doc, "Normal")
    _set_fonts(toc_heading.element.get_or_add_rPr())
    toc_heading.font.size = Pt(16)
    toc_heading.font.bold = True
    toc_heading.font.color.rgb = DARK_BLUE
    toc_heading.paragraph_format.space_before = Pt(0)
    toc_heading.paragraph_format.space_after = Pt(12)
    toc_heading.paragraph_format.keep_with_next = True

    caption = text_style("Caption", size=9, color=DARK_BLUE, before=8, after=4)
    caption.paragraph_format.keep_with_next = True

    list_bullet = _style(doc, "List Bullet")
    list_bullet.paragraph_format.space_after = Pt(3)

    for name in ("Header", "Footer"):
        style = _style(doc, name)
        style.font.size = Pt(9)
        style.font.color.rgb = GREY
        ppr = style.element.get_or_add_pPr()
        tabs = ppr.find(qn("w:tabs"))
        for tab in list(tabs):
            tabs.remove(tab)
        tabs.append(_w("tab", val="center", pos=str(TEXT_WIDTH.twips // 2)))
        tabs.append(_w("tab", val="right", pos=str(TEXT_WIDTH.twips)))
        border = _w("pBdr")
        edge = "bottom" if name == "Header" else "top"
        border.append(_w(edge, val="single", sz="4", space="4", color="8EAADB"))
        tabs.addprevious(border)

    # Highlighted paragraph (decision of a stopped concertation): a named style.
    highlight = cast(ParagraphStyle, doc.styles.add_style(HIGHLIGHT_STYLE, WD_STYLE_TYPE.PARAGRAPH))
    highlight.style_id = "Encadre"
    highlight.base_style = normal
    highlight.quick_style = True
    highlight.font.color.rgb = DARK_BLUE
    ppr = highlight.element.get_or_add_pPr()
    borders = _w("pBdr")
    for edge in ("top", "left", "bottom", "right"):
        width = "24" if edge == "left" else "4"  # eighths of a point
        borders.append(_w(edge, val="single", sz=width, space="6", color="2E5496"))
    ppr.append(borders)
    ppr.append(_w("shd", val="clear", color="auto", fill="DEEAF6"))
    highlight.paragraph_format.left_indent = Cm(0.3)
    highlight.paragraph_format.right_indent = Cm(0.3)
    highlight.paragraph_format.space_before = Pt(0)
    highlight.paragraph_format.space_after = Pt(0)

    # Table style: smaller text, no paragraph spacing inside cells.
    table_style = _style(doc, TABLE_STYLE)
    table_style.font.size = Pt(9)
    table_style.paragraph_format.space_after = Pt(1)
    table_style.paragraph_format.space_before = Pt(1)

    # No stale copy of the styles for Word 2010 (stylesWithEffects.xml).
    for rel_id, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            doc.part.drop_rel(rel_id)


def configure_theme_fonts(doc: DocumentObject) -> None:
    """Body and heading theme fonts = Calibri (table styles refer to the theme)."""
    for rel in doc.part.rels.values():
        if rel.reltype.endswith("/theme"):
            part = rel.target_part
            xml = part.blob.decode("utf-8")
            xml = re.sub(
                r'(<a:(?:major|minor)Font>\s*<a:latin typeface=")[^"]*(")',
                rf"\g<1>{FONT}\g<2>",
                xml,
            )
            part._blob = xml.encode("utf-8")


def configure_heading_numbering(doc: DocumentObject) -> None:
    """Multilevel list « 1. », « 1.1. », « 1.1.1. » attached to Heading 1/2/3 styles."""
    numbering = doc.part.numbering_part.element
    abstracts = numbering.findall(qn("w:abstractNum"))
    abstract_id = max((int(a.get(qn("w:abstractNumId"))) for a in abstracts), default=-1) + 1
    nums = numbering.findall(qn("w:num"))
    num_id = max((int(n.get(qn("w:numId"))) for n in nums), default=0) + 1

    abstract = _w("abstractNum", abstractNumId=str(abstract_id))
    abstract.append(_w("nsid", val="4A4D4F52"))
    abstract.append(_w("multiLevelType", val="multilevel"))
    abstract.append(_w("tmpl", val="0F4A6D2E"))
    hanging = (567, 709, 851, 1021, 1191, 1361, 1531, 1701, 1871)  # twips: 1 cm ≈ 567
    for level in range(9):
        lvl = _w("lvl", ilvl=str(level))
        lvl.append(_w("start", val="1"))
        lvl.append(_w("numFmt", val="decimal"))
        if level < 3:
            lvl.append(_w("pStyle", val=f"Heading{level + 1}"))
        text = ".".join(f"%{i + 1}" for i in range(level + 1)) + "."
        lvl.append(_w("lvlText", val=text))
        lvl.append(_w("lvlJc", val="left"))
        ppr = _w("pPr")
        ppr.append(_w("ind", left=str(hanging[level]), hanging=str(hanging[level])))
        lvl.append(ppr)
        abstract.append(lvl)
    if abstracts:
        abstracts[-1].addnext(abstract)
    else:
        numbering.insert(0, abstract)
    num = _w("num", numId=str(num_id))
    num.append(_w("abstractNumId", val=str(abstract_id)))
    numbering.append(num)

    for level in (1, 2, 3):
        style = _style(doc, f"Heading {level}")
        num_pr = style.element.get_or_add_pPr().get_or_add_numPr()
        if level > 1:
            num_pr.get_or_add_ilvl().val = level - 1
        num_pr.get_or_add_numId().val = num_id


def configure_settings(doc: DocumentObject) -> None:
    settings = doc.settings.element

    def insert_before_successor(element: BaseOxmlElement, successors: Sequence[str]) -> None:
        for name in successors:
            found = settings.find(qn(f"w:{name}"))
            if found is not None:
                found.addprevious(element)
                return
        settings.append(element)

    settings.remove_all("w:updateFields")
    insert_before_successor(_w("updateFields", val="true"), _SETTINGS_AFTER_UPDATE_FIELDS)
    # Let Word check the spelling of the rendered text (the template said « clean »).
    settings.remove_all("w:proofState")
    for name, value in (("decimalSymbol", ","), ("listSeparator", ";")):
        element = settings.find(qn(f"w:{name}"))
        if element is not None:
            element.set(qn("w:val"), value)
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), "fr-FR")
    for compat in settings.iter(qn("w:compatSetting")):
        if compat.get(qn("w:name")) == "compatibilityMode":
            compat.set(qn("w:val"), "15")  # Word 2013+ layout


def set_properties(
    doc: DocumentObject, *, title: str, subject: str, author: str, identifier: str, keywords: str
) -> None:
    """Core properties. docxtpl renders title/subject/author/identifier with Jinja
    (``|safe``: they are plain text, python-docx escapes them). A fixed date keeps
    the template's bytes the same from one generation to the next."""
    props = doc.core_properties
    props.title = title
    props.subject = subject
    props.author = author
    props.identifier = identifier
    props.comments = ""
    props.keywords = keywords
    props.language = "fr-FR"
    props.last_modified_by = "amoor"
    props.created = props.modified = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    props.revision = 1


def configure_properties(doc: DocumentObject) -> None:
    set_properties(
        doc,
        title="{{ doc.title|safe }} — {{ mission.title|safe }}",
        subject="{{ mission.collectivite|safe }}",
        author="{{ firm.name|safe }}",
        identifier="{{ mission.reference|safe }}",
        keywords="concertation citoyenne; cahier des charges",
    )


# --------------------------------------------------------------------------- page setup
def configure_page(doc: DocumentObject) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = PAGE_WIDTH
    section.page_height = PAGE_HEIGHT
    for side in ("top", "bottom", "left", "right"):
        setattr(section, f"{side}_margin", MARGIN)
    section.header_distance = Cm(1)
    section.footer_distance = Cm(1)
    section.gutter = Cm(0)
    # The cover page has no header nor footer (explicit empty ones).
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    section.first_page_header.paragraphs[0].style = doc.styles["Normal"]
    section.first_page_footer.is_linked_to_previous = False
    section.first_page_footer.paragraphs[0].style = doc.styles["Normal"]

    header = section.header.paragraphs[0]
    header.style = doc.styles["Header"]
    _run(header, "{{ firm.name }}")
    header.add_run().add_tab()
    header.add_run().add_tab()
    _run(header, "{{ mission.collectivite }}")

    footer = section.footer.paragraphs[0]
    footer.style = doc.styles["Footer"]
    _run(footer, "{{ doc.title }}")
    footer.add_run().add_tab()
    footer.add_run().add_tab()
    _run(footer, "{{ mission.reference }} — page ")
    _add_field(footer, "PAGE", "1")
    _run(footer, " / ")
    _add_field(footer, "NUMPAGES", "1")


# --------------------------------------------------------------------------- tables
def _cell_text(
    cell_paragraph: Paragraph,
    text: str,
    *,
    bold: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
) -> None:
    if text:
        _run(cell_paragraph, text, bold=bold)
    if align is not None:
        cell_paragraph.alignment = align


def _row_props(row: object, *, header: bool = False) -> None:
    tr_pr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    tr_pr.append(_w("cantSplit"))
    if header:
        tr_pr.append(_w("tblHeader"))


def _tag_row(table: Table, statement: str) -> None:
    """A ``{%tr ... %}`` row: the tag alone, in the first cell."""
    row = table.add_row()
    cell = row.cells[0].merge(row.cells[-1]) if len(row.cells) > 1 else row.cells[0]
    _cell_text(cell.paragraphs[0], "{%tr " + statement + " %}")


@dataclass(frozen=True)
class Row:
    """A body row of a template table.

    ``cells``: the text (Jinja tags allowed) of each cell. ``loop``: repeat the row
    (``{%tr for <loop> %}``). ``guard``: keep the row only when the condition holds
    (``{%tr if <guard> %}``). ``total``: bold row; when its second cell is empty, the
    first two cells are merged (a « Sous-total » label)."""

    cells: Sequence[str]
    loop: str | None = None
    guard: str | None = None
    total: bool = False


def add_table(
    doc: DocumentObject,
    columns: Sequence[tuple[str, float]],
    rows: Sequence[Row],
    *,
    align: Sequence[WD_ALIGN_PARAGRAPH | None] | None = None,
    header: bool = True,
    label_column: bool = False,
    cell_margin: float | None = None,
) -> Table:
    """A table in the firm's table style, full control of the widths (cm).

    ``columns``: (header text, width in cm); with ``header`` the first row holds the
    header texts and is repeated on each page. ``label_column``: the first column
    holds labels (bold, via the table style's first-column formatting).
    ``cell_margin``: left/right cell padding in cm, for dense tables."""
    widths = [Cm(width) for _, width in columns]
    table = doc.add_table(rows=1 if header else 0, cols=len(columns))
    table.style = doc.styles[TABLE_STYLE]
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False  # w:tblLayout fixed: the widths below are kept
    tbl_pr = table._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(sum(w.twips for w in widths)))
    look = tbl_pr.find(qn("w:tblLook"))  # last child of w:tblPr: insert before it
    if cell_margin is not None:
        margins = _w("tblCellMar")
        for side in ("left", "right"):
            margins.append(_w(side, w=str(Cm(cell_margin).twips), type="dxa"))
        look.addprevious(margins)
    look.set(qn("w:firstRow"), "1" if header else "0")
    look.set(qn("w:firstColumn"), "1" if label_column else "0")
    look.set(qn("w:lastRow"), "0")
    look.set(qn("w:lastColumn"), "0")
    look.set(qn("w:noHBand"), "0")
    look.set(qn("w:noVBand"), "1")
    look.set(qn("w:val"), f"{0x0400 | (0x20 if header else 0) | (0x80 if label_column else 0):04X}")
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    alignments = list(align) if align else [None] * len(columns)

    if header:
        header_row = table.rows[0]
        _row_props(header_row, header=True)
        for cell, (title, _), alignment in zip(header_row.cells, columns, alignments, strict=True):
            # Bold comes from the table style (header row): a direct w:b would toggle it
            # off in LibreOffice.
            _cell_text(cell.paragraphs[0], title, align=alignment)
            # A header row never ends a page alone: it stays with the first data row.
            cell.paragraphs[0].paragraph_format.keep_with_next = True

    for spec in rows:
        if spec.guard:
            _tag_row(table, f"if {spec.guard}")
        if spec.loop:
            _tag_row(table, f"for {spec.loop}")
        row = table.add_row()
        _row_props(row)
        cells = list(row.cells)
        texts = list(spec.cells)
        row_align = list(alignments)
        if spec.total and len(texts) >= 2 and not texts[1]:
            cells = [cells[0].merge(cells[1]), *cells[2:]]
            texts = [texts[0], *texts[2:]]
            row_align = [row_align[0], *row_align[2:]]
        for cell, text, alignment in zip(cells, texts, row_align, strict=True):
            _cell_text(cell.paragraphs[0], text, bold=spec.total, align=alignment)
            if spec.total:  # a total stays with the paragraph after the table
                cell.paragraphs[0].paragraph_format.keep_with_next = True
        if spec.loop:
            _tag_row(table, "endfor")
        if spec.guard:
            _tag_row(table, "endif")

    # Cell widths (Word reads them; LibreOffice reads the grid); a merged cell spans
    # several grid columns.
    for row in table.rows:
        column = 0
        for tc in row._tr.tc_lst:
            span = tc.grid_span
            tc.width = Emu(sum(widths[column : column + span]))
            column += span
    return table


# --------------------------------------------------------------------------- content
CENTER = WD_ALIGN_PARAGRAPH.CENTER
RIGHT = WD_ALIGN_PARAGRAPH.RIGHT


def build_cover(doc: DocumentObject) -> None:
    firm = para(doc, "{{ firm.name }}")
    firm.runs[0].bold = True
    firm.runs[0].font.size = Pt(16)
    firm.runs[0].font.color.rgb = MID_BLUE

    title = para(doc, "{{ doc.title }}", "Title")
    title.paragraph_format.space_before = Cm(5)
    para(doc, "{{ mission.title }}", "Subtitle")
    collectivity = para(doc, "{{ mission.collectivite }}")
    collectivity.runs[0].bold = True
    collectivity.runs[0].font.size = Pt(14)
    collectivity.runs[0].font.color.rgb = DARK_BLUE

    reference = para(doc, "{{ mission.reference }}", label="Référence : ")
    reference.paragraph_format.space_before = Cm(8)
    reference.paragraph_format.space_after = Pt(2)
    offer = para(doc, "{{ mission.offer }}", label="Offre : ")
    offer.paragraph_format.space_after = Pt(2)
    tag(doc, "if mission.consultant")
    consultant = para(doc, "{{ mission.consultant }}", label="Consultant : ")
    consultant.paragraph_format.space_after = Pt(2)
    tag(doc, "endif")
    date = para(doc, "{{ doc.generated_on }}", label="Date : ")
    date.add_run().add_break(WD_BREAK.PAGE)


def build_decision_and_toc(doc: DocumentObject) -> None:
    tag(doc, "if stopped")
    label = para(doc, "Décision : concertation arrêtée avant l'atelier", HIGHLIGHT_STYLE)
    label.runs[0].bold = True
    decision = para(doc, "{{ stopped_text }}", HIGHLIGHT_STYLE)
    decision.paragraph_format.space_after = Pt(18)
    tag(doc, "endif")

    para(doc, "Table des matières", "TOC Heading")
    _add_field(doc.add_paragraph(), TOC_INSTRUCTION, TOC_PLACEHOLDER)


def build_section_context(doc: DocumentObject) -> None:
    heading(doc, "Contexte et objet", 1).paragraph_format.page_break_before = True
    heading(doc, "Objet", 2)
    para(doc, "{{ purpose }}")
    keep(para(doc, "Fiche d'identité de la mission", "Caption"))

    def field(label: str, key: str, *, optional: bool = True) -> Row:
        guard = f"mission.{key}" if optional else None
        return Row([label, f"{{{{ mission.{key} }}}}"], guard=guard)

    add_table(
        doc,
        [("", 4.5), ("", 12.5)],
        [
            field("Collectivité", "collectivite", optional=False),
            field("Type de collectivité", "collectivite_type"),
            field("Offre", "offer", optional=False),
            field("Référence", "reference", optional=False),
            field("Étape", "stage", optional=False),
            field("Pilote", "pilot"),
            field("Élu référent", "elected_official"),
            field("Consultant", "consultant"),
            field("Date de début", "start_date"),
            field("Date de l'atelier", "workshop_date"),
        ],
        header=False,
        label_column=True,
    )
    heading(doc, "Contexte", 2)
    tag(doc, "if mission.context")
    text_blocks(doc, "mission.context_blocks")
    tag(doc, "else")
    para(doc, "Le contexte sera précisé avec la collectivité lors du cadrage.")
    tag(doc, "endif")


def build_section_objectives(doc: DocumentObject) -> None:
    heading(
        doc,
        "Objectifs, niveau de participation, ce qui est soumis au débat et ce qui ne l'est pas",
        1,
    )
    heading(doc, "Objectifs", 2)
    tag(doc, "if mission.objectives")
    text_blocks(doc, "mission.objectives_blocks")
    tag(doc, "else")
    para(doc, "Les objectifs de la démarche restent à préciser avec la collectivité.")
    tag(doc, "endif")

    heading(doc, "Niveau de participation", 2)
    tag(doc, "if mission.participation_level")
    para(doc, "{{ mission.participation_level }}", label="Niveau retenu : ")
    tag(doc, "if mission.participation_level_text")
    para(doc, "{{ mission.participation_level_text|multiline }}")
    tag(doc, "endif")
    tag(doc, "else")
    para(doc, "Le niveau de participation n'est pas encore arrêté.")
    tag(doc, "endif")

    heading(doc, "Ce qui est soumis au débat et ce qui ne l'est pas", 2)
    tag(doc, "if mission.stakes")
    text_blocks(doc, "mission.stakes_blocks")
    tag(doc, "else")
    para(
        doc,
        "Le périmètre du débat (ce qui est soumis à la discussion et ce qui ne l'est "
        "pas) reste à préciser avec la collectivité.",
    )
    tag(doc, "endif")


def build_section_stakeholders(doc: DocumentObject) -> None:
    heading(doc, "Parties prenantes", 1)
    tag(doc, "if stakeholders.groups")
    total = para(doc, "{{ stakeholders.total }}", label="Parties prenantes recensées : ")
    total.paragraph_format.keep_with_next = True
    keep(
        para(
            doc,
            "Elles sont classées selon leur influence sur le projet et leur intérêt "
            "pour celui-ci (grille pouvoir / intérêt) ; ce classement détermine la "
            "manière de les associer à la démarche.",
        )
    )
    tag(doc, "if stakeholders.by_category")
    keep(para(doc, "Répartition par catégorie", "Caption"))
    add_table(
        doc,
        [("Catégorie", 6.0), ("Nombre", 2.5)],
        [Row(["{{ c.category }}", "{{ c.count }}"], loop="c in stakeholders.by_category")],
        align=[None, CENTER],
    )
    tag(doc, "endif")
    figure(doc, "figures.stakeholder_map", "Carte pouvoir / intérêt des parties prenantes")
    tag(doc, "for g in stakeholders.groups")
    heading(doc, "{{ g.quadrant }} ({{ g.count }})", 2)
    tag(doc, "if g.explanation")
    para(doc, "{{ g.explanation|multiline }}")
    tag(doc, "endif")
    keep(para(doc, "Registre des parties prenantes — {{ g.quadrant }}", "Caption"))
    add_table(
        doc,
        [
            ("Nom", 2.7),
            ("Catégorie", 2.1),
            ("Rôle et attentes", 4.4),
            ("Influence", 1.6),
            ("Intérêt", 1.3),
            ("Implication", 2.0),
            ("Contact", 2.9),
        ],
        [
            Row(
                [
                    "{{ s.name }}",
                    "{{ s.category }}",
                    "{{ s.role|multiline }}",
                    "{{ s.influence }}",
                    "{{ s.interest }}",
                    "{{ s.involvement }}",
                    "{{ s.contact|multiline }}",
                ],
                loop="s in g['items']",
            )
        ],
        align=[None, None, None, CENTER, CENTER, None, None],
        cell_margin=0.1,
    )
    tag(doc, "endfor")
    tag(doc, "else")
    para(doc, "Aucune partie prenante n'est encore recensée.")
    tag(doc, "endif")


def build_section_parameters(doc: DocumentObject) -> None:
    tag(doc, "if not stopped")
    heading(doc, "Paramètres de la concertation", 1)
    tag(doc, "if parameters")
    para(
        doc,
        "Les paramètres ci-dessous fixent les conditions concrètes de la concertation : "
        "lieux, communication, animation, contrat entre l'acteur public et les "
        "citoyens, calendrier.",
    )
    tag(doc, "for p in parameters")
    heading(doc, "{{ p.heading }}", 2)
    tag(doc, "for i in p['items']")
    bullet(
        doc,
        "{{ ' : ' if i.detail else '' }}{{ i.detail|multiline }}"
        "{{ ' (' ~ i.amount ~ ' HT)' if i.amount else '' }}",
        label="{{ i.label }}",
    )
    tag(doc, "endfor")
    tag(doc, "endfor")
    tag(doc, "else")
    para(doc, "Les paramètres de la concertation restent à définir.")
    tag(doc, "endif")
    tag(doc, "endif")


def build_section_scenarios(doc: DocumentObject) -> None:
    tag(doc, "if stopped")
    heading(doc, "Scénarios étudiés", 1)
    tag(doc, "else")
    heading(doc, "Scénarios étudiés et scénario retenu", 1)
    tag(doc, "endif")
    tag(doc, "if scenarios")
    keep(para(doc, "Les scénarios suivants ont été étudiés avec la collectivité."))
    keep(para(doc, "Synthèse des scénarios", "Caption"))
    add_table(
        doc,
        [
            ("Code", 1.3),
            ("Intitulé", 3.7),
            ("Techniques", 3.4),
            ("Publics", 3.3),
            ("Durée", 2.3),
            ("Coût estimé", 3.0),
        ],
        [
            Row(
                [
                    "{{ s.code }}",
                    "{{ s.title }}{{ ' (' ~ s.mark ~ ')' if s.mark and not stopped else '' }}",
                    "{{ s.techniques }}",
                    "{{ s.publics }}",
                    "{{ s.duration }}",
                    "{{ s.cost }}",
                ],
                loop="s in scenarios",
            )
        ],
        align=[None, None, None, None, None, RIGHT],
    )
    tag(doc, "for s in scenarios")
    heading(doc, "Scénario {{ s.code }} — {{ s.title }}", 2)
    tag(doc, "if s.description")
    text_blocks(doc, "s.description_blocks")
    tag(doc, "endif")
    tag(doc, "endfor")
    tag(doc, "else")
    para(doc, "Aucun scénario n'a encore été formalisé.")
    tag(doc, "endif")

    tag(doc, "if not stopped")
    heading(doc, "{{ chosen_scenario.label if chosen_scenario else 'Scénario retenu' }}", 2)
    tag(doc, "if chosen_scenario")
    para(doc, "{{ chosen_scenario.code }} — {{ chosen_scenario.title }}")
    tag(doc, "if chosen_scenario.origin")
    para(doc, "{{ chosen_scenario.origin }}")
    tag(doc, "endif")
    tag(doc, "if chosen_scenario.techniques")
    para(doc, "Techniques mobilisées :")
    tag(doc, "for t in chosen_scenario.techniques")
    bullet(doc, "{{ t }}")
    tag(doc, "endfor")
    tag(doc, "endif")
    tag(doc, "else")
    para(doc, "Aucun scénario n'est encore retenu.")
    tag(doc, "endif")
    tag(doc, "endif")


def figure(doc: DocumentObject, key: str, caption: str) -> None:
    """A chart (docxtpl InlineImage) centred in its own paragraph, with a caption below."""
    tag(doc, f"if {key}")
    picture = para(doc, "{{ " + key + " }}")
    picture.alignment = CENTER
    picture.paragraph_format.keep_with_next = True
    para(doc, caption, "Caption").alignment = CENTER
    tag(doc, "endif")


def build_section_roi(doc: DocumentObject) -> None:
    """Section « Résultats de l'atelier R.O.I. citoyen » (not in a decision note)."""
    tag(doc, "if not stopped")
    heading(doc, "Résultats de l'atelier R.O.I. citoyen", 1)
    tag(doc, "if roi.rated")
    para(doc, "{{ roi.intro }}")
    para(doc, "{{ roi.legend }}")
    figure(
        doc,
        "roi.figure",
        "Profil de mérite : part de chaque mention, scénario par scénario "
        "(la mention majoritaire est celle qui franchit la ligne des 50 %)",
    )

    heading(doc, "Classement", 2)
    keep(para(doc, "Classement des scénarios", "Caption"))
    add_table(
        doc,
        [
            ("Rang", 1.2),
            ("Scénario", 4.6),
            ("Mention majoritaire", 2.9),
            ("Au moins cette mention", 2.3),
            ("Équilibré", 1.9),
            ("Consensus", 2.1),
            ("Veto", 2.0),
        ],
        [
            Row(
                [
                    "{{ r.rank }}",
                    "{{ r.code }} — {{ r.title }}",
                    "{% cellbg r.color %}{{ r.mention }}",
                    "{{ r.at_least }}",
                    "{{ r.balanced }}",
                    "{{ r.consensus }}",
                    "{{ r.veto }}",
                ],
                loop="r in roi.ranking",
            )
        ],
        align=[CENTER, None, CENTER, CENTER, CENTER, CENTER, CENTER],
        cell_margin=0.1,
    )
    tag(doc, "for sentence in roi.sentences")
    bullet(doc, "{{ sentence }}")
    tag(doc, "endfor")
    tag(doc, "if roi.recommendation")
    para(doc, "{{ roi.recommendation }}", HIGHLIGHT_STYLE)
    tag(doc, "endif")

    heading(doc, "Mentions majoritaires par critère", 2)
    keep(
        para(
            doc,
            "Pour chaque scénario, la mention majoritaire de chaque critère, tous "
            "publics confondus.",
        )
    )
    keep(para(doc, "Mentions majoritaires par scénario et par critère", "Caption"))
    grid_table(doc, "roi.criteria", "{{ h.code }}", "roi.by_criterion", [])
    para(doc, "{{ roi.criteria_legend }}", "Caption")

    heading(doc, "Mentions majoritaires par public", 2)
    keep(
        para(
            doc,
            "La note globale de chaque participant, résumée par public : un scénario "
            "équilibré obtient au moins Passable dans chaque public.",
        )
    )
    keep(para(doc, "Mentions majoritaires par scénario et par public", "Caption"))
    grid_table(doc, "roi.publics", "{{ h }}", "roi.by_public", [("Ensemble", "r.overall")])

    tag(doc, "if roi.notes")
    heading(doc, "Remarques", 2)
    tag(doc, "for note in roi.notes")
    bullet(doc, "{{ note }}")
    tag(doc, "endfor")
    tag(doc, "endif")
    tag(doc, "else")
    para(doc, "{{ roi.empty_text }}")
    tag(doc, "endif")
    tag(doc, "endif")


def grid_table(
    doc: DocumentObject,
    header_list: str,
    header_text: str,
    rows_key: str,
    tail: Sequence[tuple[str, str]],
) -> Table:
    """Scenario rows × one column per item of ``header_list`` (docxtpl ``{%tc %}``).

    Each body cell is ``{% cellbg cell.color %}{{ cell.label }}`` (a shaded majority
    grade); ``tail``: extra fixed columns (header, expression of a shaded cell dict).
    A ``{%tc for %}`` / ``{%tc endfor %}`` cell is replaced whole by its tag, so the
    looping cell sits between two tag cells.
    """
    columns = 4 + len(tail)
    table = doc.add_table(rows=4, cols=columns)
    table.style = doc.styles[TABLE_STYLE]
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    header, loop_start, body, loop_end = table.rows
    _row_props(header, header=True)
    _row_props(body)
    texts_header = [
        "Scénario",
        "{%tc for h in " + header_list + " %}",
        header_text,
        "{%tc endfor %}",
        *(title for title, _ in tail),
    ]
    texts_body = [
        "{{ r.code }}",
        "{%tc for cell in r.cells %}",
        "{% cellbg cell.color %}{{ cell.label }}",
        "{%tc endfor %}",
        *("{% cellbg " + expr + ".color %}{{ " + expr + ".label }}" for _, expr in tail),
    ]
    for cell, text in zip(header.cells, texts_header, strict=True):
        _cell_text(cell.paragraphs[0], text, align=CENTER)
        cell.paragraphs[0].paragraph_format.keep_with_next = True
    for cell, text in zip(body.cells, texts_body, strict=True):
        _cell_text(cell.paragraphs[0], text, align=CENTER)
    for row, statement in ((loop_start, "for r in " + rows_key), (loop_end, "endfor")):
        merged = row.cells[0].merge(row.cells[-1])
        _cell_text(merged.paragraphs[0], "{%tr " + statement + " %}")
    return table


def text_blocks(doc: DocumentObject, key: str) -> None:
    """A cell's lines as real paragraphs: « • … » lines in the Liste à puces style."""
    tag(doc, f"for b in {key}")
    tag(doc, "if b.bullet")
    bullet(doc, "{{ b.text }}")
    tag(doc, "else")
    para(doc, "{{ b.text }}")
    tag(doc, "endif")
    tag(doc, "endfor")


def build_section_information_plan(doc: DocumentObject) -> None:
    """A decision note records what replaces the concertation: the information plan."""
    tag(doc, "if stopped and information_plan")
    heading(doc, "Plan d'information retenu", 1)
    keep(
        para(
            doc,
            "La collectivité informe les habitants selon le plan suivant, par temps fort.",
        )
    )
    keep(para(doc, "Plan d'information", "Caption"))
    add_table(
        doc,
        [
            ("Temps fort", 2.2),
            ("Date", 2.4),
            ("Cible", 2.8),
            ("Message", 4.6),
            ("Canal et support", 2.7),
            ("Responsable", 2.3),
        ],
        [
            Row(
                [
                    "{{ a.moment }}",
                    "{{ a.date }}",
                    "{{ a.target }}",
                    "{{ a.message|multiline }}",
                    "{{ a.channel }}",
                    "{{ a.owner }}",
                ],
                loop="a in information_plan",
            )
        ],
        cell_margin=0.1,
    )
    tag(doc, "endif")


def build_section_means(doc: DocumentObject) -> None:
    heading(doc, "Moyens humains, matériels et budgétaires", 1)
    tag(doc, "if means")
    keep(para(doc, "Les montants sont exprimés hors taxes (HT)."))
    tag(doc, "for m in means")
    heading(doc, "{{ m.heading }}", 2)
    add_table(
        doc,
        [("Libellé", 5.0), ("Détail", 8.5), ("Montant HT", 3.5)],
        [
            Row(
                ["{{ i.label }}", "{{ i.detail|multiline }}", "{{ i.amount }}"],
                loop="i in m['items']",
            ),
            Row(["Sous-total", "", "{{ m.total }}"], guard="m.total", total=True),
        ],
        align=[None, None, RIGHT],
    )
    tag(doc, "endfor")
    tag(doc, "else")
    para(doc, "Les moyens humains, matériels et budgétaires seront chiffrés lors du cadrage.")
    tag(doc, "endif")
    tag(doc, "if budget")
    heading(doc, "Récapitulatif des montants", 2)
    keep(para(doc, "Tous les montants de la démarche, par rubrique (HT)."))
    keep(para(doc, "Récapitulatif budgétaire", "Caption"))
    add_table(
        doc,
        [("Rubrique", 10.0), ("Montant HT", 4.0)],
        [
            Row(["{{ b.heading }}", "{{ b.total }}"], loop="b in budget"),
            Row(["Total général", "{{ budget_total }}"], total=True),
        ],
        align=[None, RIGHT],
    )
    tag(doc, "endif")


def build_section_governance(doc: DocumentObject) -> None:
    heading(doc, "Gouvernance et rôles", 1)
    tag(doc, "if governance")
    tag(doc, "for r in governance")
    heading(doc, "{{ r.role }}", 2)
    tag(doc, "for person in r.people")
    bullet(
        doc,
        "{{ ' — ' if person.detail else '' }}{{ person.detail|multiline }}",
        label="{{ person.name }}",
    )
    tag(doc, "endfor")
    tag(doc, "endfor")
    tag(doc, "else")
    para(doc, "La gouvernance de la démarche (élus, services, prestataires) reste à définir.")
    tag(doc, "endif")


def build_section_deliverables(doc: DocumentObject) -> None:
    heading(doc, "Livrables attendus et évaluation", 1)
    heading(doc, "Livrables attendus", 2)
    tag(doc, "if deliverables")
    tag(doc, "for d in deliverables")
    bullet(
        doc,
        "{{ ' : ' if d.description else '' }}{{ d.description|multiline }}",
        label="{{ d.name }}",
    )
    tag(doc, "endfor")
    tag(doc, "else")
    para(doc, "Les livrables attendus restent à préciser.")
    tag(doc, "endif")

    heading(doc, "Évaluation", 2)
    tag(doc, "if evaluation")
    keep(para(doc, "La démarche sera évaluée au regard des critères suivants."))
    keep(para(doc, "Critères d'évaluation", "Caption"))
    add_table(
        doc,
        [("Code", 1.8), ("Critère", 4.2), ("Définition", 11.0)],
        [
            Row(
                ["{{ e.code }}", "{{ e.name }}", "{{ e.definition|multiline }}"],
                loop="e in evaluation",
            )
        ],
    )
    tag(doc, "else")
    para(doc, "Les critères d'évaluation restent à définir.")
    tag(doc, "endif")
    # A document body must end with a paragraph, not a table.
    doc.add_paragraph()


def build_cahier_des_charges() -> DocumentObject:
    doc = Document()
    # python-docx's default template starts with no paragraph; keep the body clean.
    for paragraph in list(doc.paragraphs):
        paragraph._p.getparent().remove(paragraph._p)
    configure_theme_fonts(doc)
    configure_styles(doc)
    configure_heading_numbering(doc)
    configure_settings(doc)
    configure_properties(doc)
    configure_page(doc)

    build_cover(doc)
    build_decision_and_toc(doc)
    build_section_context(doc)
    build_section_objectives(doc)
    build_section_stakeholders(doc)
    build_section_parameters(doc)
    build_section_scenarios(doc)
    build_section_roi(doc)
    build_section_information_plan(doc)
    build_section_means(doc)
    build_section_governance(doc)
    build_section_deliverables(doc)
    return doc


# --------------------------------------------------------------------------- invoice
ADDRESS_STYLE = "Coordonnées"
MENTIONS_STYLE = "Mentions"
DETAIL_STYLE = "Détail de ligne"
LIGHT_BLUE = "8EAADB"


def configure_invoice_styles(doc: DocumentObject) -> None:
    """The invoice's own named styles, on top of :func:`configure_styles`."""
    title = _style(doc, "Title")
    title.font.size = Pt(20)
    title.paragraph_format.space_before = Pt(14)
    title.paragraph_format.space_after = Pt(6)
    title.paragraph_format.keep_with_next = True

    def paragraph_style(name: str, style_id: str, size: float, color: RGBColor | None) -> None:
        style = cast(ParagraphStyle, doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH))
        style.style_id = style_id
        style.base_style = _style(doc, "Normal")
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
    _style(doc, MENTIONS_STYLE).paragraph_format.space_after = Pt(2)

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
    client and « page X / Y » (deliverables.md)."""
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
    _run(identity, "{{ seller.legal_line }}")
    pages = section.footer.add_paragraph(style="Footer")
    pages.alignment = RIGHT
    _run(pages, "{{ doc.heading }} — {{ buyer.name }} — page ")
    _add_field(pages, "PAGE", "1")
    _run(pages, " / ")
    _add_field(pages, "NUMPAGES", "1")


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
    margins = _w("tblCellMar")
    for side in ("left", "right"):
        margins.append(_w(side, w="0", type="dxa"))
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
    borders = _w("tcBorders")
    for edge in ("top", "left", "bottom", "right"):
        borders.append(_w(edge, val="single", sz="6", space="0", color=LIGHT_BLUE))
    margins = _w("tcMar")
    for side in ("top", "left", "bottom", "right"):
        margins.append(_w(side, w=str(Cm(padding_cm).twips), type="dxa"))
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
            _run(paragraph, label, bold=True)
        _run(paragraph, text)


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
    )
    # The row after the header and the {%tr for %} row: its first cell gets the
    # detail, on a new line, in the detail character style.
    description = table.rows[2].cells[0].paragraphs[0]
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
        cell._tc.get_or_add_tcPr().append(_w("shd", val="clear", color="auto", fill="DEEAF6"))
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
    border = _w("pBdr")
    border.append(_w("bottom", val="single", sz="4", space="1", color=LIGHT_BLUE))
    rule._p.get_or_add_pPr().append(border)
    tag(doc, "for m in mentions")
    keep(para(doc, "{{ m }}", MENTIONS_STYLE))
    tag(doc, "endfor")
    para(doc, "", MENTIONS_STYLE)


def build_facture() -> DocumentObject:
    """``facture.docx``: invoice, PROFORMA draft or credit note (invoicing.md)."""
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


TEMPLATES = {
    "cahier_des_charges.docx": build_cahier_des_charges,
    "facture.docx": build_facture,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--output-dir",
        type=Path,
        default=DEFAULT_OUTPUT_DIR,
        help="folder receiving the templates (default: templates_docx/)",
    )
    args = parser.parse_args(argv)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    for name, build in TEMPLATES.items():
        target = args.output_dir / name
        buffer = io.BytesIO()
        build().save(buffer)
        target.write_bytes(_stable_zip(buffer.getvalue()))
        print(f"écrit : {target}")
    return 0


def _stable_zip(data: bytes) -> bytes:
    """The same archive with fixed entry dates: regenerating changes no byte."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            entry = zipfile.ZipInfo(item.filename, date_time=(2026, 1, 5, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(item.filename))
    return out.getvalue()


if __name__ == "__main__":
    sys.exit(main())
