"""A workbook whose every free-text cell is one 100 000-character word builds, and each
of its documents opens in LibreOffice: laid out, printed to PDF, with the long texts in
it (issue 8, « linear work »). Before page_breaks.py freed the blocks kept with a
table that long, LibreOffice laid such a Kit out for over six minutes.

The time of the build itself is the benchmark's (``make bench``: under 10 s); here a
generous timeout only says that LibreOffice finishes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.workbooks import LONG_TAGS, long_text_workbook
from pipeline import model as m
from pipeline.build import build
from pipeline.workspace import Workspace
from tests.conftest import TODAY
from tests.libreoffice import docx_text_via_pdf, needs_libreoffice, squash

LENGTH = 100_000
LIBREOFFICE_TIMEOUT_S = 900  # per document: about 60 s for the longest on 2 cores

pytestmark = pytest.mark.libreoffice


@needs_libreoffice
@pytest.mark.parametrize("offer", list(m.Offer), ids=lambda offer: offer.name.lower())
def test_100_000_character_words_build_and_open_in_libreoffice(
    offer: m.Offer, workspace: Workspace, tmp_path: Path, lo_profile: Path
) -> None:
    workbook = long_text_workbook(tmp_path / "long.xlsx", offer, LENGTH)
    result = build(workbook, workspace, TODAY)
    assert result.commit is not None
    documents = [path for path in result.commit.written if path.suffix == ".docx"]
    assert len(documents) >= 3, result.commit.written  # the offer's deliverables, a proforma
    found: set[str] = set()
    for document in documents:
        text = squash(
            docx_text_via_pdf(document, tmp_path / "pdf", lo_profile, LIBREOFFICE_TIMEOUT_S)
        )
        # Each document holds one long text at least, laid out whole.
        assert len(text) > LENGTH, f"{document.name}: {len(text)} characters printed"
        found |= {tag for tag in LONG_TAGS[offer] if tag in text}
    assert found == set(LONG_TAGS[offer])
