"""LibreOffice as a real client in tests: convert files, read PDFs as text."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")

needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None or PDFTOTEXT is None,
    reason="LibreOffice (soffice) ou pdftotext absent : installez libreoffice-writer-nogui, "
    "libreoffice-calc-nogui et poppler-utils (.ci/run le fait)",
)


def convert(
    source: Path, target_format: str, outdir: Path, profile: Path, timeout: float = 180
) -> Path:
    """Convert ``source`` with LibreOffice headless; return the produced file."""
    assert SOFFICE is not None
    outdir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            target_format,
            "--outdir",
            str(outdir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=timeout,
    )
    extension = target_format.split(":")[0]
    produced = outdir / f"{source.stem}.{extension}"
    assert produced.is_file(), f"LibreOffice n'a pas produit {produced}"
    return produced


def pdf_text(pdf: Path) -> str:
    """The PDF's text in drawing order (``-raw``): cell by cell, not merged across cells."""
    assert PDFTOTEXT is not None
    result = subprocess.run(
        [PDFTOTEXT, "-raw", "-enc", "UTF-8", str(pdf), "-"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return result.stdout.decode("utf-8")


def squash(text: str) -> str:
    """Text without spaces or hyphens: a table cell may wrap a name at either. The
    typographic apostrophe compares as ' (typography is checked in test_typography)."""
    flat = unicodedata.normalize("NFKC", text).replace("\u2019", "'")
    return re.sub(r"[\s\-\u2010\u00ad]", "", flat)


def docx_text_via_pdf(docx: Path, workdir: Path, profile: Path, timeout: float = 180) -> str:
    """What a reader sees: the document opened by LibreOffice, printed to PDF, as text."""
    return pdf_text(convert(docx, "pdf", workdir, profile, timeout))


def layout_pages(pdf: Path) -> list[str]:
    """The PDF's text page by page, laid out as printed (``-layout``)."""
    assert PDFTOTEXT is not None
    text = subprocess.run(
        [PDFTOTEXT, "-layout", "-enc", "UTF-8", str(pdf), "-"],
        check=True,
        capture_output=True,
        timeout=60,
    ).stdout.decode("utf-8")
    return text.split("\f")
