"""``amoor build --pdf``: a PDF beside each .docx, its table of contents up to date."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document as open_docx

from pipeline import libreoffice
from pipeline.build import build
from pipeline.cli import cli
from pipeline.invoicing.billing import PdfService
from pipeline.outbox import Document, commit
from pipeline.workspace import Workspace
from tests.conftest import EXAMPLES, TODAY
from tests.libreoffice import layout_pages, needs_libreoffice, squash
from tests.office import needs_uno

SAINT_AUBIN = next(p for p in EXAMPLES if "saint-aubin" in p.name)
STOPPED = next(p for p in EXAMPLES if "arretee" in p.name)
PLACEHOLDER = "Mettre à jour les champs"


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PdfService]:
    """One warm LibreOffice for the module, with a profile of its own."""
    service = PdfService(tmp_path_factory.mktemp("lo-profile-build-pdf") / "profile")
    yield service
    service.close()


def _headings(docx: Path) -> list[str]:
    """The texts of the headings 1 and 2 of a rendered document, as Word holds them."""
    document = open_docx(BytesIO(docx.read_bytes()))
    return [
        p.text.strip()
        for p in document.paragraphs
        if p.style is not None and p.style.name in ("Heading 1", "Heading 2") and p.text.strip()
    ]


@pytest.mark.libreoffice
@needs_libreoffice
@needs_uno
@pytest.mark.parametrize("example", [SAINT_AUBIN, STOPPED], ids=lambda p: p.stem)
def test_each_docx_gets_a_pdf_whose_table_of_contents_is_live(
    example: Path, workspace: Workspace, pdf: PdfService
) -> None:
    result = build(example, workspace, TODAY, pdf=pdf, with_pdf=True)

    assert result.commit is not None
    assert pdf.export_notice is None
    written = {p.name for p in result.commit.written}
    docx = sorted(result.commit.folder.glob("*.docx"))
    assert docx
    for document in docx:
        assert f"{document.stem}.pdf" in written, document.name
        assert (document.with_suffix(".pdf")).read_bytes().startswith(b"%PDF-")

    main = next(p for p in result.commit.written if p.suffix == ".docx")  # the first deliverable
    pages = layout_pages(main.with_suffix(".pdf"))
    assert PLACEHOLDER not in "".join(pages)
    toc_pages = [n for n, page in enumerate(pages) if "....." in page]
    assert toc_pages, "aucune page de table des matières"
    # Line ends kept as ¶: a page number is never read together with the next entry's.
    toc = squash("".join(pages[n] for n in toc_pages).replace("\n", "¶"))
    headings = _headings(main)
    assert len(headings) >= 10
    for heading in headings:
        # A long entry may wrap: a line end may fall anywhere in the heading.
        wrapped = "¶?".join(re.escape(c) for c in squash(heading))
        found = re.search(wrapped + r"\.{3,}(\d+)(?:¶|$)", toc)
        assert found, f"« {heading} » manque dans la table des matières"
        page = int(found.group(1))  # the footer counts the cover as page 1, as the PDF does
        assert page - 1 not in toc_pages
        assert squash(heading) in squash(pages[page - 1]), f"« {heading} » n'est pas page {page}"


def test_without_libreoffice_the_docx_are_made_and_a_french_message_says_so(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # no soffice on the PATH
    result = CliRunner().invoke(
        cli, ["--workspace", str(workspace.root), "build", "--pdf", str(SAINT_AUBIN)]
    )

    assert result.exit_code == 0, result.output
    folder = workspace.outbox / "Commune de Saint-Aubin-des-Brumes - 2026-014"
    assert (folder / "Cahier des charges - 2026-014.docx").is_file()
    assert list(folder.glob("*.pdf")) == []
    assert (
        "À noter : Les PDF des documents ne sont pas produits, les .docx sont prêts : "
        "LibreOffice (soffice) est introuvable. Installez LibreOffice"
    ) in result.output


def test_without_a_python_for_uno_the_invoices_are_not_affected(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nexit 1\n")
    monkeypatch.setattr(shutil, "which", lambda name: str(fake) if name == "soffice" else None)
    monkeypatch.setattr(libreoffice, "find_uno_python", lambda soffice: None)
    service = PdfService(tmp_path / "profile")
    try:
        assert service.export([b"PK"]) is None
        assert service._converter is not None
        assert service._converter.starts == 0  # LibreOffice was not even started
    finally:
        service.close()
    assert service.export_notice is not None
    assert "python3-uno" in service.export_notice
    assert service.notice is None  # the e-invoices would still be made


def test_a_pdf_follows_its_hand_edited_docx(tmp_path: Path) -> None:
    folder = tmp_path / "mission"

    def documents(version: bytes) -> list[Document]:
        return [
            Document("Cahier.docx", b"docx " + version),
            Document("Cahier.pdf", b"pdf " + version, follows="Cahier.docx"),
        ]

    commit(folder, documents(b"1"))
    (folder / "Cahier.docx").write_bytes(b"retouche dans Word")
    second = commit(folder, documents(b"2"))

    assert second.kept == ((folder / "Cahier.docx", folder / "Cahier (nouvelle version).docx"),)
    assert (folder / "Cahier (nouvelle version).pdf").read_bytes() == b"pdf 2"
    assert (folder / "Cahier.pdf").read_bytes() == b"pdf 1"  # left as it was
    assert (folder / "Cahier.docx").read_bytes() == b"retouche dans Word"
    assert folder / "Cahier (nouvelle version).pdf" in second.written

    (folder / "Cahier.pdf").write_bytes(b"PDF exporte depuis Word")
    (folder / "Cahier (nouvelle version).docx").unlink()
    third = commit(folder, documents(b"3"))
    assert (folder / "Cahier.pdf").read_bytes() == b"PDF exporte depuis Word"
    assert (folder / "Cahier (nouvelle version).pdf").read_bytes() == b"pdf 3"
    assert third.kept[0][0] == folder / "Cahier.docx"
