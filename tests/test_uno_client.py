"""The UNO client (uno_export.py, run by LibreOffice's Python) may crash: what amoor does.

Python-UNO has been seen to die by SIGSEGV once its work was done (a suite of 840
tests, once): the answers it gave stand. One that dies before answering is run once
more with a LibreOffice started afresh, then reported in French.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pipeline.errors import PdfConversionError
from pipeline.libreoffice import PdfConverter
from tests.libreoffice import SOFFICE, needs_libreoffice

pytestmark = pytest.mark.libreoffice

ANSWER_THEN_CRASH = """
import json, os, signal, sys
request = json.load(sys.stdin)
for _ in request["documents"]:
    print(json.dumps({"ok": True, "contents": [["1. Objet", "3"]]}), flush=True)
os.kill(os.getpid(), signal.SIGSEGV)
"""

CRASH_AT_ONCE = """
import json, os, signal, sys
json.load(sys.stdin)
os.kill(os.getpid(), signal.SIGSEGV)
"""


def _client(tmp_path: Path, body: str) -> str:
    """A stand-in for LibreOffice's Python: runs ``body`` whatever script it is given."""
    script = tmp_path / "client.py"
    script.write_text(body, encoding="utf-8")
    wrapper = tmp_path / "python-uno"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{script}"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    return str(wrapper)


@pytest.mark.libreoffice
@needs_libreoffice
def test_answers_given_before_a_crash_stand(tmp_path: Path) -> None:
    uno = _client(tmp_path, ANSWER_THEN_CRASH)
    with PdfConverter(tmp_path / "profile", soffice=SOFFICE, uno_python=uno) as converter:
        laid_out = converter.lay_out_many([(b"docx 1", False), (b"docx 2", False)])
        assert converter.starts == 1  # no restart for a crash after the answers
    assert [item.contents for item in laid_out] == [(("1. Objet", "3"),)] * 2


@pytest.mark.libreoffice
@needs_libreoffice
def test_a_client_that_crashes_before_answering_is_run_once_more_then_reported(
    tmp_path: Path,
) -> None:
    uno = _client(tmp_path, CRASH_AT_ONCE)
    with PdfConverter(tmp_path / "profile", soffice=SOFFICE, uno_python=uno) as converter:
        with pytest.raises(PdfConversionError, match=r"n'a pas pu convertir.*signal 11"):
            converter.lay_out_many([(b"docx", False)])
        assert converter.starts == 2  # LibreOffice started afresh for the second try
