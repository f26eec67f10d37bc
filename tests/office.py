"""A real LibreOffice for the tests: open, edit, save, accept or reject tracked changes, read back.

``Office`` starts one ``soffice --headless`` listening on a named pipe, with a profile of its
own, and each request runs ``tests/uno_office.py`` under the system Python that can ``import
uno`` (the virtualenv cannot): one JSON request in, one JSON answer out. What LibreOffice 7.4
« nogui » allows, and why the script works on the document model, with a view attached only
to accept or reject and to save (never while the document holds a comment: a view of a comment
kills LibreOffice nogui), is told in that script's docstring.

In a test::

    from tests.office import needs_uno

    @needs_uno
    def test_accepted(office: Office, tmp_path: Path) -> None:
        office.edit(source, tmp_path / "edited.docx",
                    [{"op": "track", "on": True}, {"op": "replace", "old": "a", "new": "b"}],
                    author="Claire Martin")
        assert "b" in office.accept_all(tmp_path / "edited.docx").text

The ``office`` fixture (one LibreOffice for the session) is registered in ``conftest.py``.
If LibreOffice dies during a request (a crash), it is started again and the request retried
once; a second death raises ``OfficeCrashed``. A request LibreOffice refuses (text not found…)
raises ``OfficeError`` at once.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest

from pipeline.office_processes import profile_argument, signal_group
from pipeline.uno_python import clean_environment, find_uno_python

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
UNO_PYTHON = find_uno_python(SOFFICE) if SOFFICE is not None else None
SCRIPT = Path(__file__).with_name("uno_office.py")

needs_uno = pytest.mark.skipif(
    SOFFICE is None or UNO_PYTHON is None,
    reason="LibreOffice ou python3-uno absent : installez libreoffice-writer-nogui et "
    "python3-uno (.ci/run les installe)",
)

Step = dict[str, Any]
# What the script says when the bridge to LibreOffice broke under it.
LOST_SIGNS = ("DisposedException", "NoConnectException", "bridge disposed")


class OfficeError(Exception):
    """LibreOffice answered, but could not do the request."""


class OfficeCrashed(OfficeError):
    """LibreOffice died (or hung) during a request, twice in a row, or did not start."""


@dataclass(frozen=True)
class Redline:
    """A tracked change as LibreOffice reads it: « Insert », « Delete », « Format »…"""

    type: str
    author: str
    date: str  # YYYY-MM-DDTHH:MM:SS, as LibreOffice holds it (no time zone)
    text: str = ""


@dataclass(frozen=True)
class Comment:
    """A comment (Word's ``w:comment``, LibreOffice's annotation) as LibreOffice reads it."""

    author: str
    content: str
    date: str = ""
    anchor: str = ""  # the commented text


@dataclass(frozen=True)
class Read:
    """A document as LibreOffice reads it.

    ``paragraphs``: every paragraph's text in reading order, a table's cells (row by row, cell
    by cell) where the table stands; ``tables``: per table, per row, each cell's text;
    ``styles``, when asked for (``{"op": "read", "styles": true}``): each paragraph's style,
    by its programmatic name (« Standard », « Heading 1 »…), else empty.
    """

    paragraphs: list[str]
    tables: list[list[list[str]]]
    redlines: list[Redline]
    comments: list[Comment]
    styles: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The paragraphs, one per line."""
        return "\n".join(self.paragraphs)

    @classmethod
    def of(cls, answer: dict[str, Any]) -> Read:
        return cls(
            paragraphs=list(answer["paragraphs"]),
            tables=[[list(row) for row in table] for table in answer["tables"]],
            redlines=[Redline(**redline) for redline in answer["redlines"]],
            comments=[Comment(**comment) for comment in answer["comments"]],
            styles=list(answer.get("styles", [])),
        )


class Office:
    """One LibreOffice, driven through UNO, for many requests. ``close()`` ends it."""

    def __init__(
        self,
        profile: Path | None = None,
        *,
        soffice: str | None = None,
        uno_python: str | None = None,
        timeout: float = 120.0,
        startup_timeout: float = 60.0,
    ) -> None:
        found = soffice or SOFFICE
        python = uno_python or (UNO_PYTHON if soffice is None else find_uno_python(found or ""))
        if found is None or python is None:
            raise OfficeError("LibreOffice ou un Python capable d'importer « uno » est absent")
        self._soffice = found
        self._python = python
        self._work = Path(tempfile.mkdtemp(prefix="amoor-office-"))
        self.profile = (profile or self._work / "profile").resolve()
        self.timeout = timeout
        self.startup_timeout = startup_timeout
        self.starts = 0  # how many times LibreOffice was started (1 + restarts)
        # Whether the last document saved was saved with a view (layout), as a user saves it:
        # False for a document holding comments (see uno_office.py), None before any save.
        self.stored_with_layout: bool | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._pipe = ""
        self._start()

    # -- the process

    @property
    def _log(self) -> Path:
        return self._work / "soffice.log"

    def _start(self) -> None:
        self._pipe = f"amoor-office-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        command = [
            self._soffice,
            profile_argument(self.profile),
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            f"--accept=pipe,name={self._pipe};urp;",
        ]
        with self._log.open("ab") as log:
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its launcher and soffice.bin: one process group
            )
        self.starts += 1
        # Ready when it answers: the script retries the pipe, which opens a moment late.
        deadline = time.monotonic() + self.startup_timeout
        while True:
            answer = self._exchange({"source": None, "steps": []}, self.startup_timeout)
            if answer is not None and answer.get("ok"):
                return
            if not self.alive() or time.monotonic() > deadline:
                self._stop()
                raise OfficeCrashed(f"LibreOffice n'a pas démarré. {self._tail()}")

    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            signal_group(process, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                signal_group(process, signal.SIGKILL)
                process.wait(timeout=10)
        else:  # the launcher is gone; soffice.bin may not be
            signal_group(process, signal.SIGKILL)

    def close(self) -> None:
        """End LibreOffice and remove its working files."""
        self._stop()
        shutil.rmtree(self._work, ignore_errors=True)

    def __enter__(self) -> Office:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _tail(self, lines: int = 5) -> str:
        try:
            text = self._log.read_text(encoding="utf-8", errors="replace").strip()
        except OSError:
            return ""
        return "Journal de LibreOffice : " + " | ".join(text.splitlines()[-lines:])

    # -- one request

    def _exchange(self, request: dict[str, Any], timeout: float) -> dict[str, Any] | None:
        """The script's answer, or None when it gave none (LibreOffice gone, or hung)."""
        try:
            done = subprocess.run(
                [self._python, str(SCRIPT)],
                input=json.dumps({**request, "pipe": self._pipe}).encode("utf-8"),
                capture_output=True,
                timeout=timeout,
                check=False,
                env=clean_environment(),
            )
        except subprocess.TimeoutExpired:
            return None
        lines = done.stdout.decode("utf-8", "replace").strip().splitlines()
        try:
            answer = json.loads(lines[-1])
        except (IndexError, json.JSONDecodeError):
            return None
        return answer if isinstance(answer, dict) else None

    def _lost(self, error: str) -> bool:
        """Whether LibreOffice went away under the request (it may take a moment to exit)."""
        if any(sign in error for sign in LOST_SIGNS):
            deadline = time.monotonic() + 5
            while self.alive() and time.monotonic() < deadline:
                time.sleep(0.05)
            return True
        return not self.alive()

    def run(
        self,
        source: Path,
        steps: list[Step],
        target: Path | None = None,
        format: str | None = None,
        author: str | None = None,
    ) -> list[dict[str, Any]]:
        """Open ``source``, apply ``steps``, save to ``target`` if given; the reads' answers."""
        request = {
            "source": str(Path(source).resolve()),
            "target": str(Path(target).resolve()) if target is not None else None,
            "format": format,
            "author": author,
            "steps": steps,
        }
        for attempt in (1, 2):
            if not self.alive():
                self._stop()
                self._start()
            answer = self._exchange(request, self.timeout)
            if answer is not None and answer.get("ok"):
                if "stored_with_layout" in answer:
                    self.stored_with_layout = bool(answer["stored_with_layout"])
                return list(answer.get("reads", []))
            if answer is not None and not self._lost(str(answer.get("error"))):
                raise OfficeError(f"LibreOffice : {answer.get('error')}")
            lost = "ne répond plus" if self.alive() else "s'est arrêté"
            self._stop()  # dead or hung: a new one for the retry, or for the next request
            if attempt == 2:
                raise OfficeCrashed(
                    f"LibreOffice {lost} pendant la requête, deux fois de suite "
                    f"({[step.get('op') for step in steps]} sur {Path(source).name}). "
                    f"{self._tail()}"
                )
        raise AssertionError("unreachable")

    # -- conveniences

    def edit(
        self,
        source: Path,
        target: Path,
        steps: list[Step],
        author: str | None = None,
        format: str = "docx",
    ) -> None:
        """Open ``source``, apply ``steps``, save as ``target`` (docx or odt)."""
        self.run(source, steps, target=target, format=format, author=author)

    def resave(self, source: Path, target: Path) -> None:
        """Open ``source`` and save it as a .docx, as LibreOffice writes it."""
        self.run(source, [], target=target, format="docx")

    def through_odt(self, source: Path, target: Path) -> None:
        """``source`` saved as OpenDocument, that saved back as a .docx at ``target``."""
        odt = self._work / f"{uuid.uuid4().hex}.odt"
        try:
            self.run(source, [], target=odt, format="odt")
            self.run(odt, [], target=target, format="docx")
        finally:
            odt.unlink(missing_ok=True)

    def read(self, source: Path, styles: bool = False) -> Read:
        """``source`` as LibreOffice reads it; with ``styles``, each paragraph's style too
        (slower: a remote object per table cell)."""
        return Read.of(self.run(source, [{"op": "read", "styles": styles}])[0])

    def accept_all(self, source: Path) -> Read:
        """The document once LibreOffice accepted every tracked change (nothing written)."""
        return Read.of(self.run(source, [{"op": "accept_all"}, {"op": "read"}])[0])

    def reject_all(self, source: Path) -> Read:
        """The document once LibreOffice rejected every tracked change (nothing written)."""
        return Read.of(self.run(source, [{"op": "reject_all"}, {"op": "read"}])[0])


@pytest.fixture(scope="session")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    """One LibreOffice for the session, driven through UNO (skips without LibreOffice or uno)."""
    if SOFFICE is None or UNO_PYTHON is None:
        pytest.skip(str(needs_uno.kwargs["reason"]))
    instance = Office(tmp_path_factory.mktemp("office") / "profile")
    yield instance
    instance.close()
