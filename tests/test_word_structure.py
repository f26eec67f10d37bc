"""Every deliverable of every example is a real Word document: named styles for headings
and lists, a cover with the logo, a table of contents, header and footer with page X / Y,
table headers that repeat, rows that never split, nothing empty."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn

from pipeline.build import build
from pipeline.workspace import init_workspace
from tests.conftest import EXAMPLES, TODAY, configure_test_firm

LIST_STYLES = {"List Bullet", "List Number"}
HEADINGS = {"Heading 1", "Heading 2", "Heading 3"}

# Every test reads the deliverables of every example, built once for the module (a few seconds).
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The Word deliverables of every example workbook, built once for this module."""
    workspace = configure_test_firm(init_workspace(tmp_path_factory.mktemp("structure") / "espace"))
    built: list[Path] = []
    for example in EXAMPLES:
        result = build(example, workspace, today=TODAY)
        assert result.commit is not None
        built += [p for p in result.commit.written if p.suffix == ".docx"]
    return built


def _is_invoice(path: Path) -> bool:
    return path.name.startswith(("Facture", "Avoir"))


def _paragraphs(document: DocumentObject) -> list[docx.text.paragraph.Paragraph]:
    body = document.element.body
    return [docx.text.paragraph.Paragraph(p, document._body) for p in body.iter(qn("w:p"))]


def test_every_offer_yields_its_documents(documents: list[Path]) -> None:
    names = {p.name.rsplit(" - ", 1)[0] for p in documents}
    assert {
        "Cahier des charges",
        "Note de décision",
        "Kit de communication",
        "Outil de communication",
        "Kit R.O.I. citoyen - Guide d'animation",
        "Rapport « Pistes créatives »",
    } <= names


def test_headings_and_lists_use_named_styles_only(documents: list[Path]) -> None:
    for path in documents:
        document = docx.Document(str(path))
        paragraphs = _paragraphs(document)
        for index, paragraph in enumerate(paragraphs):
            style = paragraph.style.name
            ppr = paragraph._p.pPr
            # A list item or a numbered heading takes its numbering from its style, never
            # from numbering typed on the paragraph itself.
            assert ppr is None or ppr.numPr is None, (path.name, paragraph.text)
            if style in HEADINGS:
                assert paragraph.text.strip(), (path.name, "empty heading", index)
                # A heading never ends the document: something follows it.
                assert any(p.text.strip() for p in paragraphs[index + 1 :]), (
                    path.name,
                    paragraph.text,
                )
            # Text set in bold and large by hand instead of a heading style.
            runs = [r for r in paragraph.runs if r.text.strip()]
            if style == "Normal" and runs and all(r.bold for r in runs):
                sizes = {r.font.size.pt for r in runs if r.font.size is not None}
                assert not sizes or max(sizes) <= 16 or index < 12, (path.name, paragraph.text)
        for name in HEADINGS:  # a heading never ends a page apart from what follows it
            assert document.styles[name].paragraph_format.keep_with_next, (path.name, name)
        styles_used = {p.style.name for p in paragraphs}
        if not _is_invoice(path):
            assert "Heading 1" in styles_used, path.name
            assert styles_used & LIST_STYLES, path.name
            assert "Caption" in styles_used, path.name


def test_long_documents_have_a_cover_with_the_logo_and_a_table_of_contents(
    documents: list[Path],
) -> None:
    for path in documents:
        if _is_invoice(path):
            continue
        document = docx.Document(str(path))
        body = document.element.body
        first = body.find(qn("w:p"))
        assert first is not None and first.find(".//" + qn("wp:docPr")) is not None, path.name
        assert first.find(".//" + qn("wp:docPr")).get("descr") == "Logo du cabinet"
        instructions = "".join(t.text or "" for t in body.iter(qn("w:instrText")))
        assert 'TOC \\o "1-2"' in instructions, path.name
        assert any(p.style.name == "TOC Heading" for p in document.paragraphs), path.name
        assert document.sections[0].different_first_page_header_footer  # a bare cover


def test_header_and_footer_carry_firm_client_reference_and_page_x_of_y(
    documents: list[Path],
) -> None:
    for path in documents:
        document = docx.Document(str(path))
        reference = path.stem.rsplit(" - ", 1)[-1]
        section = document.sections[0]
        footer = section.footer._element
        fields = "".join(t.text or "" for t in footer.iter(qn("w:instrText")))
        assert "PAGE" in fields and "NUMPAGES" in fields, path.name
        texts = " ".join(
            t.text or ""
            for part in (section.header, section.footer)
            for t in part._element.iter(qn("w:t"))
        )
        assert reference in texts, path.name
        if not _is_invoice(path):
            assert ("amoor" in texts and "Commun" in texts) or "Départ" in texts, path.name


def test_tables_repeat_their_header_never_split_a_row_and_are_never_empty(
    documents: list[Path],
) -> None:
    for path in documents:
        document = docx.Document(str(path))
        for table in document.tables:
            rows = table._tbl.tr_lst
            header = rows[0].trPr is not None and rows[0].trPr.find(qn("w:tblHeader")) is not None
            if header:
                assert len(rows) > 1, (path.name, "a table with its header only")
            for row in rows:
                if _is_invoice(path) and row.trPr is None:
                    continue  # the invoice's layout tables (parties side by side)
                assert row.trPr is not None and row.trPr.find(qn("w:cantSplit")) is not None, (
                    path.name,
                    [c.text for c in table.rows[0].cells],
                )
