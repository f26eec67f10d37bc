"""Nothing of the tool in a client document: every Word deliverable of every example opens
on a filled table of contents (still a TOC field Word can update), names no sheet, command
or placeholder, and names the configured firm, never « amoor » when the firm is another.
The examples' own data reads as a collectivité's director general of services would
publish it."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

from pipeline.build import build
from pipeline.config import set_seller
from pipeline.render.contents import PLAIN, Outline, fill_table_of_contents
from pipeline.workspace import Workspace, init_workspace
from tests.conftest import EXAMPLES, TEST_FIRM, TODAY

FIRM = "Cabinet Lumen Conseil"
FORBIDDEN = ("Mettre à jour les champs", "amoor build", "Notation ROI", "feuille", "amoor")
# What is left for the consultant to fill or decide; « lors du cadrage » past the cadrage
# (no example is at « Cadrage »).
PLACEHOLDERS = (
    "À fixer",
    "à compléter",
    "à préciser",
    "à ajuster",
    "à arrêter ensemble",
    "lors du cadrage",
)
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Every .docx deliverable of every example, built for a firm that is not amoor."""
    workspace = init_workspace(tmp_path_factory.mktemp("client") / "espace")
    set_seller(workspace.config_path, {**TEST_FIRM, "raison_sociale": FIRM})
    workspace = Workspace.open(workspace.root)
    built: list[Path] = []
    for example in EXAMPLES:
        result = build(example, workspace, today=TODAY)
        assert result.commit is not None
        built += [p for p in result.commit.written if p.suffix == ".docx"]
    assert len(built) >= 10
    return built


def _is_invoice(path: Path) -> bool:
    return path.name.startswith(("Facture", "Avoir", "Relance"))


def _texts(path: Path) -> str:
    """Every word a reader may see: body, headers, footers, notes, and the properties."""
    with zipfile.ZipFile(path) as package:
        parts = [
            n
            for n in package.namelist()
            if re.fullmatch(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml", n)
            or n in ("docProps/core.xml", "docProps/app.xml")
        ]
        xml = [etree.fromstring(package.read(n)) for n in parts]
    return "\n".join("".join(root.itertext()) for root in xml)


@pytest.mark.slow
def test_no_tool_word_reaches_the_client(documents: list[Path]) -> None:
    for path in documents:
        text = _texts(path)
        for word in FORBIDDEN:
            assert word.casefold() not in text.casefold(), (path.name, word)
        if not _is_invoice(path):
            assert FIRM in text, path.name


def _plain(text: str) -> str:
    """As a reader compares: no-break spaces as spaces, the typographic apostrophe as '."""
    return unicodedata.normalize("NFKC", text).replace("\u2019", "'")


@pytest.mark.slow
def test_no_placeholder_reaches_the_client(documents: list[Path]) -> None:
    """Kits and cahiers are documents the collectivité may publish (invoices say what the
    buyer must still give, and are not checked here)."""
    for path in documents:
        if _is_invoice(path):
            continue
        text = _plain(_texts(path))
        for placeholder in PLACEHOLDERS:
            assert placeholder.casefold() not in text.casefold(), (path.name, placeholder)


@pytest.fixture(scope="module")
def published(documents: list[Path]) -> dict[Path, str]:
    """The text of every document the collectivité may publish (not the invoices)."""
    return {path: _plain(_texts(path)) for path in documents if not _is_invoice(path)}


@pytest.mark.slow
def test_no_candid_remark_about_a_person_is_published(published: dict[Path, str]) -> None:
    """« 22 personnes — « toujours les mêmes », selon la maire » is the consultant's note."""
    for path, text in published.items():
        assert not re.search(r"», selon (le|la|les) ", text), path.name


@pytest.mark.slow
def test_commune_names_contract_their_article(published: dict[Path, str]) -> None:
    """« Maire des Essarts-de-Vaux », never « Maire de Les Essarts-de-Vaux »."""
    for path, text in published.items():
        assert not re.search(r"\b(de|à) (Les|Le) [A-ZÉ]", text), path.name


@pytest.mark.slow
def test_the_firm_is_not_a_stakeholder_of_its_client(published: dict[Path, str]) -> None:
    """The consultancy is the démarche's consultant, not a line of its client's register."""
    for path, text in published.items():
        assert "Cabinet de conseil" not in text, path.name


@pytest.mark.slow
def test_a_communaute_de_communes_has_no_departmental_services(
    published: dict[Path, str],
) -> None:
    """Maisons départementales des solidarités belong to a département."""
    epci = [path for path in published if path.parent.name.startswith("Communauté")]
    assert epci
    for path in epci:
        text = published[path]
        assert "MDS" not in text and "maisons départementales" not in text, path.name


@pytest.mark.slow
def test_a_calendar_line_dating_a_bilan_agrees_with_the_restitution(
    published: dict[Path, str],
) -> None:
    """« Juillet 2026 : mise en service et bilan » contradicted a bilan dated 5 octobre."""
    (note,) = [p for p in published if p.name.startswith("Note de décision")]
    lines = [_plain(p.text) for p in docx.Document(str(note)).paragraphs]
    restitution = next(line for line in lines if line.startswith("La collectivité « "))
    months = [m for line in lines if (m := re.match(r"(\w+) (\d{4}) : .*\bbilan\b", line))]
    assert months
    for month in months:
        assert f"{month[1].lower()} {month[2]}" in restitution, (month[0], restitution)


def _paragraph_text(paragraph: etree._Element) -> str:
    return "".join(t.text or "" for t in paragraph.iter(qn("w:t"))).strip()


@pytest.mark.slow
def test_every_mission_document_opens_on_its_filled_table_of_contents(
    documents: list[Path],
) -> None:
    for path in documents:
        if _is_invoice(path):
            continue
        body = docx.Document(str(path)).element.body
        paragraphs = list(body.iter(qn("w:p")))
        headings = [
            (int(style[-1]), _paragraph_text(p))
            for p in paragraphs
            if (style := p.style or "") in ("Heading1", "Heading2") and _paragraph_text(p)
        ]
        entries = [
            (int(p.style[-1]), _paragraph_text(p))
            for p in paragraphs
            if p.style in ("toc1", "toc2")
        ]
        assert len(entries) == len(headings) >= 5, path.name
        for (level, heading), (entry_level, entry) in zip(headings, entries, strict=True):
            assert entry_level == level, (path.name, entry)
            # « 3.1. Acteurs clés (8) »: the number the heading style shows, then its text.
            assert re.fullmatch(r"\d+(\.\d+)*\. " + re.escape(heading), entry), (path.name, entry)
        # Still one live TOC field: begin in the first entry, end in the last.
        toc = [p for p in paragraphs if p.style in ("toc1", "toc2")]
        instructions = "".join(i.text or "" for i in toc[0].iter(qn("w:instrText")))
        assert instructions.strip().startswith('TOC \\o "1-2"'), path.name
        assert toc[0].find(f"{qn('w:r')}/{qn('w:fldChar')}").get(qn("w:fldCharType")) == "begin"
        last = toc[-1].findall(f"{qn('w:r')}/{qn('w:fldChar')}")
        assert last[-1].get(qn("w:fldCharType")) == "end", path.name


def _document(body: str) -> etree._Element:
    return etree.fromstring(f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>')


def _p(style: str, text: str, numbering: str = "") -> str:
    properties = f'<w:pPr><w:pStyle w:val="{style}"/>{numbering}</w:pPr>'
    return f"<w:p>{properties}<w:r><w:t>{text}</w:t></w:r></w:p>"


TOC_FIELD = (
    '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
    '<w:r><w:instrText xml:space="preserve"> TOC \\o "1-2" \\h </w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t></w:t></w:r>'
    '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
)


def test_the_table_follows_the_heading_numbers_and_levels() -> None:
    unnumbered = '<w:numPr><w:numId w:val="0"/></w:numPr>'
    document = _document(
        TOC_FIELD
        + _p("Heading1", "Contexte")
        + _p("Heading2", "Objet")
        + _p("Heading3", "Détail")  # below the field's levels: counted, not listed
        + _p("Heading2", "Enjeux")
        + _p("Heading1", "Annexe", unnumbered)
        + _p("Heading1", "Budget")
        + _p("Heading2", "Total")
        + _p("Heading1", "")  # an empty heading is not listed
    )
    outline = replace(PLAIN, numbered=frozenset({1, 2, 3}))
    assert fill_table_of_contents(document, outline)
    entries = [
        (p.find(f"{{{W}}}pPr/{{{W}}}pStyle").get(f"{{{W}}}val"), "".join(p.itertext()).strip())
        for p in document.iter(f"{{{W}}}p")
        if p.find(f"{{{W}}}pPr/{{{W}}}pStyle") is not None
        and p.find(f"{{{W}}}pPr/{{{W}}}pStyle").get(f"{{{W}}}val").startswith("toc")
    ]
    assert [(style, text.replace('TOC \\o "1-2" \\h', "").strip()) for style, text in entries] == [
        ("toc1", "1. Contexte"),
        ("toc2", "1.1. Objet"),
        ("toc2", "1.2. Enjeux"),
        ("toc1", "Annexe"),
        ("toc1", "2. Budget"),
        ("toc2", "2.1. Total"),
    ]
    kinds = [f.get(f"{{{W}}}fldCharType") for f in document.iter(f"{{{W}}}fldChar")]
    assert kinds == ["begin", "separate", "end"]


def test_a_document_without_headings_or_field_is_left_as_it_is() -> None:
    without_field = _document(_p("Heading1", "Contexte"))
    before = etree.tostring(without_field)
    assert not fill_table_of_contents(without_field)
    assert etree.tostring(without_field) == before
    without_headings = _document(TOC_FIELD + _p("Normal", "Texte"))
    before = etree.tostring(without_headings)
    assert not fill_table_of_contents(without_headings)
    assert etree.tostring(without_headings) == before


def test_the_outline_is_read_from_the_style_names_as_a_french_word_saves_them() -> None:
    styles = etree.fromstring(
        f'<w:styles xmlns:w="{W}">'
        '<w:style w:type="paragraph" w:styleId="Titre1"><w:name w:val="heading 1"/>'
        '<w:pPr><w:numPr><w:numId w:val="3"/></w:numPr></w:pPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="Titre2"><w:name w:val="heading 2"/></w:style>'
        '<w:style w:type="paragraph" w:styleId="TM1"><w:name w:val="toc 1"/></w:style>'
        "</w:styles>"
    )
    outline = Outline.of(styles)
    assert outline == Outline({"Titre1": 1, "Titre2": 2}, frozenset({1}), {1: "TM1"})
    document = _document(TOC_FIELD + _p("Titre1", "Contexte") + _p("Titre2", "Objet"))
    assert fill_table_of_contents(document, outline)
    styles_used = [s.get(f"{{{W}}}val") for s in document.iter(f"{{{W}}}pStyle")]
    assert styles_used[:2] == ["TM1", "toc2"]  # no « toc 2 » style: Word's own id
    texts = ["".join(p.itertext()) for p in document.iter(f"{{{W}}}p")][:2]
    assert texts[0].endswith("1. Contexte") and texts[1] == "Objet"
