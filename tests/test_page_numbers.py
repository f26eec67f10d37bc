"""The page numbers of the tables of contents, as LibreOffice lays the documents out.

The claim a consultant meets: every ``.docx`` opens on a table of contents whose
page numbers are right — checked by LibreOffice itself reading back the written
file (a plain conversion, which shows the table as stored, never updates it) —
and the file written is the one recorded, so a rebuild still knows it as amoor's.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from lxml import etree

from pipeline.build import build
from pipeline.invoicing.billing import PdfService
from pipeline.manifest import digest, recorded
from pipeline.render.contents import has_table_of_contents, number_entries
from pipeline.workspace import Workspace
from tests.conftest import EXAMPLES, TODAY
from tests.libreoffice import convert, layout_pages, needs_libreoffice, squash
from tests.office import needs_uno

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SAINT_AUBIN = next(p for p in EXAMPLES if "saint-aubin" in p.name)
STRATEGIE = next(p for p in EXAMPLES if "strategie" in p.name)


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PdfService]:
    """One warm LibreOffice for the module, with a profile of its own."""
    service = PdfService(tmp_path_factory.mktemp("lo-profile-pages") / "profile")
    yield service
    service.close()


def _entries(docx: bytes) -> list[tuple[str, str]]:
    """(text, page) of each entry of the table: the text before the entry's tab, the
    page after it ("" when there is none)."""
    with zipfile.ZipFile(BytesIO(docx)) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    entries = []
    for paragraph in root.iter(f"{W}p"):
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        if style is None or not re.fullmatch(r"toc\d", style.get(f"{W}val", "")):
            continue
        parts = ["\t" if r.find(f"{W}tab") is not None else "" for r in paragraph.iter(f"{W}r")]
        texts = ["".join(t.text or "" for t in r.iter(f"{W}t")) for r in paragraph.iter(f"{W}r")]
        line = "".join(p + t for p, t in zip(parts, texts, strict=True))
        text, _, page = line.partition("\t")
        entries.append((text, page))
    return entries


@pytest.mark.libreoffice
@needs_libreoffice
@needs_uno
@pytest.mark.parametrize("example", [SAINT_AUBIN, STRATEGIE], ids=lambda p: p.stem)
def test_each_entry_gives_the_page_libreoffice_shows_its_heading_on(
    example: Path, workspace: Workspace, pdf: PdfService, tmp_path: Path
) -> None:
    result = build(example, workspace, TODAY, pdf=pdf)

    assert result.commit is not None
    documents = [
        p
        for p in result.commit.written
        if p.suffix == ".docx" and has_table_of_contents(p.read_bytes())
    ]
    assert len(documents) >= 2
    for document in documents:
        entries = _entries(document.read_bytes())
        assert len(entries) >= 10, document.name
        assert all(page.isdigit() for _, page in entries), (document.name, entries)
        # LibreOffice reads the file back and prints it as stored (no index update).
        shown = layout_pages(
            convert(document, "pdf", tmp_path / document.stem, tmp_path / "profile")
        )
        for text, page in entries:
            number = re.sub(r"^[\d.]+\s*", "", text)  # « 3.2. À satisfaire (4) » → its words
            body = squash(shown[int(page) - 1])
            assert squash(number) in body, f"{document.name} : « {text} » absent de la page {page}"


@pytest.mark.libreoffice
@needs_libreoffice
@needs_uno
def test_the_numbered_file_is_the_one_recorded_and_a_rebuild_knows_it_as_amoors(
    workspace: Workspace, pdf: PdfService
) -> None:
    first = build(SAINT_AUBIN, workspace, TODAY, pdf=pdf)
    assert first.commit is not None
    cahier = next(p for p in first.commit.written if p.name.startswith("Cahier"))
    assert all(page for _, page in _entries(cahier.read_bytes()))
    assert recorded(cahier.parent).files[cahier.name] == digest(cahier.read_bytes())

    again = build(SAINT_AUBIN, workspace, TODAY, pdf=pdf)

    assert again.commit is not None
    assert again.commit.kept == () and again.commit.tracked == ()  # not taken for a hand edit
    assert recorded(cahier.parent).files[cahier.name] == digest(cahier.read_bytes())


def test_without_page_numbers_asked_libreoffice_is_not_started(
    workspace: Workspace, tmp_path: Path
) -> None:
    config = workspace.config_path
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "numeros_de_page = true", "numeros_de_page = false"
        ),
        encoding="utf-8",
    )
    service = PdfService(tmp_path / "profile")
    try:
        result = build(SAINT_AUBIN, Workspace.open(workspace.root), TODAY, pdf=service)
        assert service._converter is None  # no LibreOffice for a build without invoice
    finally:
        service.close()
    assert result.commit is not None
    cahier = next(p for p in result.commit.written if p.name.startswith("Cahier"))
    entries = _entries(cahier.read_bytes())
    assert entries and all(page == "" for _, page in entries)


def test_a_misspelt_page_number_setting_is_reported_with_its_section(workspace: Workspace) -> None:
    config = workspace.config_path
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "numeros_de_page = true", 'numeros_de_page = "oui"'
        ),
        encoding="utf-8",
    )
    with pytest.raises(Exception, match=r"\[documents\] numeros_de_page : true ou false"):
        Workspace.open(workspace.root).config  # noqa: B018  (reading it is the check)


def _rendered_cahier(workspace: Workspace) -> bytes:
    result = build(SAINT_AUBIN, workspace, TODAY)  # no LibreOffice: heading texts only
    assert result.commit is not None
    return next(p for p in result.commit.written if p.name.startswith("Cahier")).read_bytes()


def test_numbers_are_written_after_a_right_dot_tab_at_the_text_edge(workspace: Workspace) -> None:
    docx = _rendered_cahier(workspace)
    entries = _entries(docx)
    pages = [str(4 + n // 5) for n in range(len(entries))]

    expected = [(text, page) for (text, _), page in zip(entries, pages, strict=True)]

    numbered = number_entries(docx, expected)

    assert _entries(numbered) == expected
    with zipfile.ZipFile(BytesIO(numbered)) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    tabs = root.findall(f".//{W}pPr/{W}tabs/{W}tab")
    assert len(tabs) == len(entries)
    assert {(t.get(f"{W}val"), t.get(f"{W}leader"), t.get(f"{W}pos")) for t in tabs} == {
        ("right", "dot", str(11906 - 2 * 1134))  # A4, 2 cm margins: the template's section
    }
    marks = [m.get(f"{W}fldCharType") for m in root.iter(f"{W}fldChar")]
    toc_marks = marks[: marks.index("end") + 1]
    assert toc_marks == ["begin", "separate", "end"]  # still one field, whole
    # The field still ends after the last entry's page number.
    last = next(
        p for p in root.iter(f"{W}p") if p.find(f".//{W}fldChar[@{W}fldCharType='end']") is not None
    )
    runs = list(last.iter(f"{W}r"))
    assert runs[-1].find(f"{W}fldChar") is not None
    assert "".join(t.text or "" for t in runs[-2].iter(f"{W}t")) == pages[-1]


def test_entries_libreoffice_reads_otherwise_leave_the_document_as_it_was(
    workspace: Workspace,
) -> None:
    docx = _rendered_cahier(workspace)
    entries = _entries(docx)

    assert number_entries(docx, [(text, "3") for text, _ in entries[:-1]]) == docx  # one short
    swapped = [(text, "3") for text, _ in reversed(entries)]
    assert number_entries(docx, swapped) == docx
    # Both programs' spellings of one text agree: spaces and apostrophes.
    relaxed = [(text.replace("\u2019", "'").replace("\u00a0", " "), "3") for text, _ in entries]
    assert number_entries(docx, relaxed) != docx
