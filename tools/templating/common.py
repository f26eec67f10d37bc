"""What every amoor Word template shares: styles, page, tags, tables, cover.

Tag rules followed here (docxtpl): each tag lives in one run; paragraph tags
``{%p ... %}`` and row tags ``{%tr ... %}`` are alone in their paragraph / row.
Dictionary keys that clash with ``dict`` methods (``items``) are read with ``['items']``.
"""

from __future__ import annotations

import datetime as dt
import re
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

LOGO = Path(__file__).resolve().parents[1] / "assets" / "logo-amoor.png"
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

# Two levels: a table of contents that fits its page (level 3 stays in the navigation pane).
TOC_INSTRUCTION = r'TOC \o "1-2" \h \z \u'

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
def w_element(tag: str, **attrs: str) -> BaseOxmlElement:
    """A ``w:`` element with ``w:`` attributes (``w_val`` style keys not needed)."""
    element = OxmlElement(f"w:{tag}")
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), value)
    return element


def set_fonts(rpr: BaseOxmlElement, name: str = FONT) -> None:
    """Explicit font on every script slot; theme font references removed."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = w_element("rFonts")
        rpr.insert(0, rfonts)
    for attr in list(rfonts.attrib):
        del rfonts.attrib[attr]
    for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
        rfonts.set(qn(f"w:{slot}"), name)


def style_of(doc: DocumentObject, name: str) -> ParagraphStyle:
    """A paragraph (or table) style by its English built-in name."""
    return cast(ParagraphStyle, doc.styles[name])


def add_text(paragraph: Paragraph, text: str, *, bold: bool = False) -> None:
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
        add_text(paragraph, label, bold=True)
    if text:
        add_text(paragraph, text)
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
        add_text(paragraph, label, bold=True)
    if text:
        add_text(paragraph, text)
    return paragraph


def add_field(paragraph: Paragraph, instruction: str, cached: str) -> None:
    """A complex field (begin / instrText / separate / cached result / end)."""
    begin = w_element("fldChar", fldCharType="begin")
    if instruction.startswith("TOC"):
        begin.set(qn("w:dirty"), "true")
    instr = w_element("instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    result = w_element("t")
    result.set(qn("xml:space"), "preserve")
    result.text = french_spacing(cached)
    for child in (
        begin,
        instr,
        w_element("fldChar", fldCharType="separate"),
        result,
        w_element("fldChar", fldCharType="end"),
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
    set_fonts(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = w_element("lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "fr-FR")
    lang.set(qn("w:eastAsia"), "fr-FR")
    lang.set(qn("w:bidi"), "ar-SA")
    spacing = doc_defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "120")
    spacing.set(qn("w:line"), "264")
    spacing.set(qn("w:lineRule"), "auto")

    normal = style_of(doc, "Normal")
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
        style = style_of(doc, name)
        set_fonts(style.element.get_or_add_rPr())
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
    toc_heading = style_of(doc, "TOC Heading")
    toc_heading.base_style = style_of(doc, "Normal")
    set_fonts(toc_heading.element.get_or_add_rPr())
    toc_heading.font.size = Pt(16)
    toc_heading.font.bold = True
    toc_heading.font.color.rgb = DARK_BLUE
    toc_heading.paragraph_format.space_before = Pt(0)
    toc_heading.paragraph_format.space_after = Pt(8)
    toc_heading.paragraph_format.keep_with_next = True

    # Table of contents entries, tight: a Cahier's sixty entries fit one page (Word's
    # « toc 1 », « toc 2 »; LibreOffice reads them as its « Contents » styles when it
    # updates the table). The sections at body size, their subsections a size smaller.
    for level, indent, after, size in ((1, 0.0, 0, None), (2, 0.5, 0, 9)):
        entry = cast(ParagraphStyle, doc.styles.add_style(f"toc {level}", WD_STYLE_TYPE.PARAGRAPH))
        entry.base_style = normal
        entry.hidden = False
        entry.priority = 39
        entry.paragraph_format.space_before = Pt(0)
        entry.paragraph_format.space_after = Pt(after)
        entry.paragraph_format.left_indent = Cm(indent)
        entry.paragraph_format.line_spacing = 1.0
        if size is not None:
            entry.font.size = Pt(size)

    caption = text_style("Caption", size=9, color=DARK_BLUE, before=8, after=4)
    caption.paragraph_format.keep_with_next = True

    list_bullet = style_of(doc, "List Bullet")
    list_bullet.paragraph_format.space_after = Pt(3)

    for name in ("Header", "Footer"):
        style = style_of(doc, name)
        style.font.size = Pt(9)
        style.font.color.rgb = GREY
        ppr = style.element.get_or_add_pPr()
        tabs = ppr.find(qn("w:tabs"))
        for tab in list(tabs):
            tabs.remove(tab)
        tabs.append(w_element("tab", val="center", pos=str(TEXT_WIDTH.twips // 2)))
        tabs.append(w_element("tab", val="right", pos=str(TEXT_WIDTH.twips)))
        border = w_element("pBdr")
        edge = "bottom" if name == "Header" else "top"
        border.append(w_element(edge, val="single", sz="4", space="4", color="8EAADB"))
        tabs.addprevious(border)

    # Highlighted paragraph (decision of a stopped concertation): a named style.
    highlight = cast(ParagraphStyle, doc.styles.add_style(HIGHLIGHT_STYLE, WD_STYLE_TYPE.PARAGRAPH))
    highlight.style_id = "Encadre"
    highlight.base_style = normal
    highlight.quick_style = True
    highlight.font.color.rgb = DARK_BLUE
    ppr = highlight.element.get_or_add_pPr()
    borders = w_element("pBdr")
    for edge in ("top", "left", "bottom", "right"):
        width = "24" if edge == "left" else "4"  # eighths of a point
        borders.append(w_element(edge, val="single", sz=width, space="6", color="2E5496"))
    ppr.append(borders)
    ppr.append(w_element("shd", val="clear", color="auto", fill="DEEAF6"))
    highlight.paragraph_format.left_indent = Cm(0.3)
    highlight.paragraph_format.right_indent = Cm(0.3)
    highlight.paragraph_format.space_before = Pt(0)
    highlight.paragraph_format.space_after = Pt(0)

    # Table style: smaller text, no paragraph spacing inside cells.
    table_style = style_of(doc, TABLE_STYLE)
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

    abstract = w_element("abstractNum", abstractNumId=str(abstract_id))
    abstract.append(w_element("nsid", val="4A4D4F52"))
    abstract.append(w_element("multiLevelType", val="multilevel"))
    abstract.append(w_element("tmpl", val="0F4A6D2E"))
    hanging = (567, 709, 851, 1021, 1191, 1361, 1531, 1701, 1871)  # twips: 1 cm ≈ 567
    for level in range(9):
        lvl = w_element("lvl", ilvl=str(level))
        lvl.append(w_element("start", val="1"))
        lvl.append(w_element("numFmt", val="decimal"))
        if level < 3:
            lvl.append(w_element("pStyle", val=f"Heading{level + 1}"))
        text = ".".join(f"%{i + 1}" for i in range(level + 1)) + "."
        lvl.append(w_element("lvlText", val=text))
        lvl.append(w_element("lvlJc", val="left"))
        ppr = w_element("pPr")
        ppr.append(w_element("ind", left=str(hanging[level]), hanging=str(hanging[level])))
        lvl.append(ppr)
        abstract.append(lvl)
    if abstracts:
        abstracts[-1].addnext(abstract)
    else:
        numbering.insert(0, abstract)
    num = w_element("num", numId=str(num_id))
    num.append(w_element("abstractNumId", val=str(abstract_id)))
    numbering.append(num)

    for level in (1, 2, 3):
        style = style_of(doc, f"Heading {level}")
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
    insert_before_successor(w_element("updateFields", val="true"), _SETTINGS_AFTER_UPDATE_FIELDS)
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
    props.last_modified_by = ""  # the author is the firm; nothing names the tool
    props.created = props.modified = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    props.revision = 1


def configure_properties(doc: DocumentObject, keywords: str) -> None:
    """The properties of a mission document, from the frame every context holds."""
    set_properties(
        doc,
        title="{{ doc.title|safe }} — {{ mission.title|safe }}",
        subject="{{ mission.collectivite|safe }}",
        author="{{ firm.name|safe }}",
        identifier="{{ mission.reference|safe }}",
        keywords=keywords,
    )


def start_document(keywords: str) -> DocumentObject:
    """An empty mission document: the firm's styles, numbered headings, French
    settings, A4 page with its header and footer (firm, client, title, reference,
    page X / Y). Its context provides ``firm``, ``doc`` and ``mission``
    (``pipeline.render.context.frame``)."""
    doc = Document()
    # python-docx's default template starts with no paragraph; keep the body clean.
    for paragraph in list(doc.paragraphs):
        paragraph._p.getparent().remove(paragraph._p)
    configure_theme_fonts(doc)
    configure_styles(doc)
    configure_heading_numbering(doc)
    configure_settings(doc)
    configure_properties(doc, keywords)
    configure_page(doc)
    return doc


def table_of_contents(doc: DocumentObject) -> None:
    """The « Table des matières » heading and its TOC field (headings 1 and 2)."""
    para(doc, "Table des matières", "TOC Heading")
    # The cached result stays empty here: each render writes the document's headings there
    # (pipeline/render/contents.py), never an instruction to the reader.
    add_field(doc.add_paragraph(), TOC_INSTRUCTION, "")


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
    add_text(header, "{{ firm.name }}")
    header.add_run().add_tab()
    header.add_run().add_tab()
    add_text(header, "{{ mission.collectivite }}")

    footer = section.footer.paragraphs[0]
    footer.style = doc.styles["Footer"]
    add_text(footer, "{{ doc.title }}")
    footer.add_run().add_tab()
    footer.add_run().add_tab()
    add_text(footer, "{{ mission.reference }} — page ")
    add_field(footer, "PAGE", "1")
    add_text(footer, " / ")
    add_field(footer, "NUMPAGES", "1")


# --------------------------------------------------------------------------- tables
def cell_text(
    cell_paragraph: Paragraph,
    text: str,
    *,
    bold: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
) -> None:
    if text:
        add_text(cell_paragraph, text, bold=bold)
    if align is not None:
        cell_paragraph.alignment = align


def row_props(row: object, *, header: bool = False) -> None:
    tr_pr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    tr_pr.append(w_element("cantSplit"))
    if header:
        tr_pr.append(w_element("tblHeader"))


def tag_row(table: Table, statement: str) -> None:
    """A ``{%tr ... %}`` row: the tag alone, in the first cell."""
    row = table.add_row()
    cell = row.cells[0].merge(row.cells[-1]) if len(row.cells) > 1 else row.cells[0]
    cell_text(cell.paragraphs[0], "{%tr " + statement + " %}")


@dataclass(frozen=True)
class Row:
    """A body row of a template table.

    ``cells``: the text (Jinja tags allowed) of each cell. ``loop``: repeat the row
    (``{%tr for <loop> %}``). ``guard``: keep the row only when the condition holds
    (``{%tr if <guard> %}``). ``total``: bold row; when its second cell is empty, the
    first two cells are merged (a « Sous-total » label).

    Rows are kept on one page each and together where a page break would leave one
    alone: the first :data:`KEPT_ROWS` body rows keep with the next (so a table never
    starts with fewer than three rows at the foot of a page), so do the
    :data:`KEPT_ROWS` rows before the last (a table never runs on to a page with fewer
    than three rows: its last row alone there read as a stray line), and so does the
    row before a total (a « Sous-total » never opens a page alone)."""

    cells: Sequence[str]
    loop: str | None = None
    guard: str | None = None
    total: bool = False


KEPT_ROWS = 2  # body rows kept with the next: a table starts and ends with three rows at least


def _kept_iterations(following: Row | None, *, whole: bool = False, note: bool = False) -> str:
    """The Jinja condition of a loop's rows kept with the next: the first ones and, when
    the loop ends the table or its group, the ones before the last (``whole``: every
    one). The last row of a table keeps with what follows only when that is a total
    (when shown) or a ``note``: kept with the next heading, a table of one or two rows
    chained a whole section of short tables into one block (a Kit's calendar)."""
    if following is not None and not following.total:
        return f"loop.index <= {KEPT_ROWS}"  # the table goes on after the loop
    if whole:
        condition = "not loop.last"
        if note and following is None:
            return "true"
    else:
        condition = (
            f"not loop.last and (loop.index <= {KEPT_ROWS} or loop.revindex <= {KEPT_ROWS + 1})"
        )
    if following is not None:  # a total
        last = f"loop.last and ({following.guard})" if following.guard else "loop.last"
        condition += f" or {last}"
    elif note:
        condition += " or loop.last"
    return condition


def _ends_group(following: Row | None) -> bool:
    return following is not None and following.total


def _body_row(
    table: Table,
    spec: Row,
    alignments: Sequence[WD_ALIGN_PARAGRAPH | None],
    *,
    kept: bool,
) -> None:
    """One body row of ``spec``, its paragraphs kept with the next row when ``kept``."""
    row = table.add_row()
    row_props(row)
    cells = list(row.cells)
    texts = list(spec.cells)
    row_align = list(alignments)
    if spec.total and len(texts) >= 2 and not texts[1]:
        cells = [cells[0].merge(cells[1]), *cells[2:]]
        texts = [texts[0], *texts[2:]]
        row_align = [row_align[0], *row_align[2:]]
    for cell, text, alignment in zip(cells, texts, row_align, strict=True):
        cell_text(cell.paragraphs[0], text, bold=spec.total, align=alignment)
        # A total ends its group and keeps with nothing after it: kept with the next
        # heading, it would chain short tables one to another over a whole section.
        if kept:
            cell.paragraphs[0].paragraph_format.keep_with_next = True


def add_table(
    doc: DocumentObject,
    columns: Sequence[tuple[str, float]],
    rows: Sequence[Row],
    *,
    align: Sequence[WD_ALIGN_PARAGRAPH | None] | None = None,
    header: bool = True,
    label_column: bool = False,
    cell_margin: float | None = None,
    keep_rows: bool = True,
    whole: bool = False,
    note: bool = False,
) -> Table:
    """A table in the firm's table style, full control of the widths (cm).

    ``columns``: (header text, width in cm); with ``header`` the first row holds the
    header texts and is repeated on each page. ``label_column``: the first column
    holds labels (bold, via the table style's first-column formatting).
    ``cell_margin``: left/right cell padding in cm, for dense tables. ``keep_rows``:
    the first body rows, and the row before a total, keep with the next (see
    :class:`Row`); without it, only the header row keeps with the first body row.
    ``whole``: every body row keeps with the next, the last aside: for a table short
    by nature (a count per category of a fixed list, one line each; the four publics
    of an R.O.I. workshop), which a page break would split into two stubs. ``note``: a
    note on the table follows it (:func:`table_note`): the last row keeps with it too."""
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
        margins = w_element("tblCellMar")
        for side in ("left", "right"):
            margins.append(w_element(side, w=str(Cm(cell_margin).twips), type="dxa"))
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
        row_props(header_row, header=True)
        for cell, (title, _), alignment in zip(header_row.cells, columns, alignments, strict=True):
            # Bold comes from the table style (header row): a direct w:b would toggle it
            # off in LibreOffice.
            cell_text(cell.paragraphs[0], title, align=alignment)
            # A header row never ends a page alone: it stays with the first data row.
            cell.paragraphs[0].paragraph_format.keep_with_next = True

    for index, spec in enumerate(rows):
        following = rows[index + 1] if index + 1 < len(rows) else None
        if spec.guard:
            tag_row(table, f"if {spec.guard}")
        if spec.loop and not keep_rows:
            tag_row(table, f"for {spec.loop}")
            _body_row(table, spec, alignments, kept=False)
            tag_row(table, "endfor")
        elif spec.loop:
            tag_row(table, f"for {spec.loop}")
            # The first rows stay together (with the header row, kept with them), so do
            # the last ones, and the last one with the total or the note after it: the
            # row is there twice, kept and not, as Word holds « keep with next » only as
            # a fixed property.
            tag_row(table, f"if {_kept_iterations(following, whole=whole, note=note)}")
            _body_row(table, spec, alignments, kept=True)
            tag_row(table, "else")
            _body_row(table, spec, alignments, kept=False)
            tag_row(table, "endif")
            tag_row(table, "endfor")
        else:
            # The first rows and the rows before the last (none left out by a guard),
            # the last one only with a note after it, as a loop's (_kept_iterations).
            ending = following is None
            first = index < KEPT_ROWS and all(r.loop is None for r in rows[:index])
            after = rows[index + 1 :]
            last = 0 < len(after) <= KEPT_ROWS and all(not (r.loop or r.guard) for r in after)
            inside = (first or last or whole) and not ending
            kept = keep_rows and (inside or _ends_group(following) or (note and ending))
            _body_row(table, spec, alignments, kept=kept)
        if spec.guard:
            tag_row(table, "endif")

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
    """The cover page: the firm's logo (an ordinary picture: in Word, right-click it,
    « Modifier l'image », to put the firm's own), the document's title, the mission,
    the client, the reference and the date. No header or footer on it."""
    logo = doc.add_paragraph(style="Normal")
    logo.add_run().add_picture(str(LOGO), width=Cm(6))
    describe_picture(logo, "Logo du cabinet")
    logo.paragraph_format.space_after = Pt(6)
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
    consultant = para(doc, "{{ mission.consultant }}", label="Dossier suivi par : ")
    consultant.paragraph_format.space_after = Pt(2)
    tag(doc, "endif")
    date = para(doc, "{{ doc.generated_on }}", label="Date : ")
    date.add_run().add_break(WD_BREAK.PAGE)


def describe_picture(paragraph: Paragraph, description: str) -> None:
    """Alternative text on the paragraph's picture (read by screen readers)."""
    doc_pr = paragraph._p.findall(".//" + qn("wp:docPr"))[-1]
    doc_pr.set("descr", description)
    doc_pr.set("name", description)


def figure(doc: DocumentObject, key: str, caption: str) -> None:
    """A chart (docxtpl InlineImage) centred in its own paragraph, with a caption below.

    The caption keeps with its chart, not with what follows (the Caption style keeps
    with the next, for the captions above tables): otherwise a tall chart (the
    stakeholder map), its caption and the next heading, text and table's first rows
    would have to share a page, and, taller than one, end it with a lone caption."""
    tag(doc, f"if {key}")
    picture = para(doc, "{{ " + key + " }}")
    picture.alignment = CENTER
    picture.paragraph_format.keep_with_next = True
    below = para(doc, caption, "Caption")
    below.alignment = CENTER
    below.paragraph_format.keep_with_next = False
    tag(doc, "endif")


def grid_table(
    doc: DocumentObject,
    header_list: str,
    header_text: str,
    rows_key: str,
    tail: Sequence[tuple[str, str]],
    first_header: str = "Scénario",
    *,
    note: bool = False,
) -> Table:
    """Scenario rows × one column per item of ``header_list`` (docxtpl ``{%tc %}``).

    Each body cell is ``{% cellbg cell.color %}{{ cell.label }}`` (a shaded majority
    grade); ``first_header`` heads the rows' codes; ``tail``: extra fixed columns
    (header, expression of a shaded cell dict).
    A ``{%tc for %}`` / ``{%tc endfor %}`` cell is replaced whole by its tag, so the
    looping cell sits between two tag cells.
    ``note``: a note on the table follows it (:func:`table_note`), kept with its last
    rows.
    """
    columns = 4 + len(tail)
    table = doc.add_table(rows=8, cols=columns)
    table.style = doc.styles[TABLE_STYLE]
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    # The body row twice: kept with the next for the first rows, as add_table's.
    header, loop_start, kept_start, kept, other, body, kept_end, loop_end = table.rows
    row_props(header, header=True)
    texts_header = [
        first_header,
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
        cell_text(cell.paragraphs[0], text, align=CENTER)
        cell.paragraphs[0].paragraph_format.keep_with_next = True
    for row in (kept, body):
        row_props(row)
        for cell, text in zip(row.cells, texts_body, strict=True):
            cell_text(cell.paragraphs[0], text, align=CENTER)
            cell.paragraphs[0].paragraph_format.keep_with_next = row is kept
    for row, statement in (
        (loop_start, "for r in " + rows_key),
        (kept_start, f"if {_kept_iterations(None, note=note)}"),
        (other, "else"),
        (kept_end, "endif"),
        (loop_end, "endfor"),
    ):
        merged = row.cells[0].merge(row.cells[-1])
        cell_text(merged.paragraphs[0], "{%tr " + statement + " %}")
    return table


def table_note(doc: DocumentObject, text: str) -> Paragraph:
    """A note right under a table (what its columns or codes mean), in the Caption style:
    the table's last rows keep with it (``note=True`` on the table), and it keeps with
    nothing after it (the style keeps with the next, for the captions above tables:
    the chain would run on into the next section's heading and table)."""
    paragraph = para(doc, text, "Caption")
    paragraph.paragraph_format.keep_with_next = False
    return paragraph


def text_blocks(doc: DocumentObject, key: str) -> None:
    """A cell's lines as real paragraphs: « • … » lines in the Liste à puces style."""
    tag(doc, f"for b in {key}")
    tag(doc, "if b.bullet")
    bullet(doc, "{{ b.text }}")
    tag(doc, "else")
    para(doc, "{{ b.text }}")
    tag(doc, "endif")
    tag(doc, "endfor")


def build_stakeholder_section(doc: DocumentObject) -> None:
    """« Parties prenantes »: the numbered power/interest map, counts by category, the
    register by quadrant (numbers as on the map), then the contacts in a table of
    their own (an e-mail address needs a wide column). Context: ``stakeholders``
    and ``figures.stakeholder_map`` (``pipeline.render.context``)."""
    heading(doc, "Parties prenantes", 1)
    tag(doc, "if stakeholders.groups")
    total = para(doc, "{{ stakeholders.total }}", label="Parties prenantes recensées : ")
    total.paragraph_format.keep_with_next = True
    keep(
        para(
            doc,
            "Elles sont classées selon leur influence sur le projet et leur intérêt "
            "pour celui-ci (grille pouvoir / intérêt) ; ce classement détermine la "
            "manière de les associer à la démarche. Chaque numéro de la carte renvoie "
            "au registre ci-dessous.",
        )
    )
    # The map right under the introduction, the counts after it: the map (10.5 cm and
    # its caption) under the counts' table left half a page empty before it when that
    # page's last 10 cm could not hold it.
    figure(doc, "figures.stakeholder_map", "Carte pouvoir / intérêt des parties prenantes")
    tag(doc, "if stakeholders.by_category")
    keep(para(doc, "Répartition par catégorie", "Caption"))
    add_table(
        doc,
        [("Catégorie", 6.0), ("Nombre", 2.5)],
        [Row(["{{ c.category }}", "{{ c.count }}"], loop="c in stakeholders.by_category")],
        align=[None, CENTER],
        whole=True,
    )
    tag(doc, "endif")
    tag(doc, "for g in stakeholders.groups")
    heading(doc, "{{ g.quadrant }} ({{ g.count }})", 2)
    tag(doc, "if g.explanation")
    keep(para(doc, "{{ g.explanation|multiline }}"))
    tag(doc, "endif")
    keep(para(doc, "Registre des parties prenantes — {{ g.quadrant }}", "Caption"))
    add_table(
        doc,
        [
            ("N°", 0.8),
            ("Nom", 3.4),
            ("Catégorie", 2.0),
            ("Rôle et attentes", 5.7),
            ("Influence", 1.6),
            ("Intérêt", 1.3),
            ("Niveau d'implication", 2.2),
        ],
        [
            Row(
                [
                    "{{ s.number }}",
                    "{{ s.name }}",
                    "{{ s.category }}",
                    "{{ s.role|multiline }}",
                    "{{ s.influence }}",
                    "{{ s.interest }}",
                    "{{ s.involvement }}",
                ],
                loop="s in g['items']",
            )
        ],
        align=[CENTER, None, None, None, CENTER, CENTER, None],
        cell_margin=0.1,
    )
    tag(doc, "endfor")
    tag(doc, "if stakeholders.contacts")
    heading(doc, "Contacts", 2)
    keep(para(doc, "Les coordonnées indiquées dans le registre, par numéro."))
    keep(para(doc, "Contacts des parties prenantes", "Caption"))
    add_table(
        doc,
        [("N°", 0.8), ("Nom", 8.2), ("Contact", 8.0)],
        [
            Row(
                ["{{ c.number }}", "{{ c.name }}", "{{ c.contact|multiline }}"],
                loop="c in stakeholders.contacts",
            )
        ],
        align=[CENTER, None, None],
        cell_margin=0.1,
    )
    tag(doc, "endif")
    tag(doc, "else")
    para(doc, "Aucune partie prenante n'est encore recensée.")
    tag(doc, "endif")


def build_roi_results(doc: DocumentObject, candidate: str, candidates: str) -> None:
    """The R.O.I. citoyen results of rated ``candidates`` (« scénarios », « dispositifs »):
    merit profile, ranking, sentences, recommendation, mentions by criterion and by
    public, remarks. Context: ``roi`` (``pipeline.render.roi_context.roi_context``),
    rated; the caller writes the heading and the guards."""
    para(doc, "{{ roi.intro }}")
    para(doc, "{{ roi.legend }}")
    figure(
        doc,
        "roi.figure",
        f"Profil de mérite : part de chaque mention, {candidate} par {candidate} "
        "(la mention majoritaire est celle qui franchit la ligne des 50 %)",
    )

    heading(doc, "Classement", 2)
    keep(para(doc, f"Classement des {candidates}", "Caption"))
    roi_ranking_table(doc, "roi", candidate, note=True)
    # What the last columns mean; it also keeps the sentences below off the table's edge.
    table_note(
        doc,
        "Équilibré : chaque public qui l’a noté lui donne au moins Passable. Consensus : "
        "« consensuel » quand la moitié centrale des notes globales tient dans une mention "
        "d’écart, « clivant » au-delà. Veto : un public dont un quart au moins des "
        "participants donne « À rejeter ».",
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
            f"Pour chaque {candidate}, la mention majoritaire de chaque critère, tous "
            "publics confondus.",
        )
    )
    keep(para(doc, f"Mentions majoritaires par {candidate} et par critère", "Caption"))
    grid_table(
        doc,
        "roi.criteria",
        "{{ h.code }}",
        "roi.by_criterion",
        [],
        candidate.capitalize(),
        note=True,
    )
    table_note(doc, "{{ roi.criteria_legend }}")

    heading(doc, "Mentions majoritaires par public", 2)
    keep(
        para(
            doc,
            f"La note globale de chaque participant, résumée par public : un {candidate} "
            "équilibré obtient au moins Passable dans chaque public.",
        )
    )
    keep(para(doc, f"Mentions majoritaires par {candidate} et par public", "Caption"))
    grid_table(
        doc,
        "roi.publics",
        "{{ h }}",
        "roi.by_public",
        [("Ensemble", "r.overall")],
        candidate.capitalize(),
    )

    tag(doc, "if roi.notes")
    heading(doc, "Remarques", 2)
    tag(doc, "for note in roi.notes")
    bullet(doc, "{{ note }}")
    tag(doc, "endfor")
    tag(doc, "endif")


def roi_ranking_table(
    doc: DocumentObject, key: str, candidate: str, *, note: bool = False
) -> Table:
    """The ranking of an R.O.I. citoyen result (``key``: its context, e.g. ``roi``), one
    row per ``candidate`` (« scénario », « dispositif ») with its shaded mention;
    ``note``: a note on the table follows it (see :func:`add_table`)."""
    return add_table(
        doc,
        [
            ("Rang", 1.2),
            (candidate.capitalize(), 4.6),
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
                loop=f"r in {key}.ranking",
            )
        ],
        align=[CENTER, None, CENTER, CENTER, CENTER, CENTER, CENTER],
        cell_margin=0.1,
        note=note,
    )


def mission_card(doc: DocumentObject, fields: Sequence[tuple[str, str, bool]]) -> Table:
    """The mission's identity card: (label, ``mission`` key, optional) per row, an
    optional row left out when its value is empty."""
    return add_table(
        doc,
        [("", 4.5), ("", 12.5)],
        [
            Row([label, f"{{{{ mission.{key} }}}}"], guard=f"mission.{key}" if optional else None)
            for label, key, optional in fields
        ],
        header=False,
        label_column=True,
    )


def expected_deliverables(doc: DocumentObject) -> None:
    """« Livrables attendus »: each of ``deliverables`` (name, description) as a bullet."""
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
