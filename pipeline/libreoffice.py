"""LibreOffice kept warm: Word documents to PDF, for the e-invoices and the deliverables.

Two requests to one running LibreOffice::

    converter.convert_many(docx)   # PDF/A-3b, for Factur-X (invoicing/facturx.py)
    converter.export_many(docx)    # PDF of a deliverable, its table of contents up to date

One instance for both
---------------------
docs/performance.md asks for one LibreOffice process per worker, not one start per
file. ``PdfConverter`` starts ``soffice --headless`` once with a private
profile (``-env:UserInstallation``), listening on a named pipe, and keeps a
tiny document open in it. The open document matters: without it the
instance quits after the first handed-over conversion. The instance is ready
when that document is loaded (LibreOffice's lock file beside it) or its pipe
exists. It is restarted, and the request retried once, if it died or hung.

The invoices: ``--convert-to``
------------------------------
Each invoice conversion is an ordinary ``soffice --convert-to`` command line,
which LibreOffice hands to the running instance through its single-instance
pipe (the one bound to the profile) and which waits until the PDF is written.

Measured here (LibreOffice 7.4, 2 cores, warm disk cache): the first start
with a new profile takes about 1.3 s; then a conversion costs about 0.08 s
for a one-page document and 0.19 s for the 10-page cahier des charges
template, against 0.32 s and 0.41 s when each file starts its own LibreOffice
(about 1 s each when the disk cache is cold).

The PDF is PDF/A-3b (export option ``SelectPdfVersion`` = 3, given as JSON,
LibreOffice ≥ 7.4); the converter checks the result declares it. Without
LibreOffice, ``LibreOfficeUnavailable`` carries a French notice: the ``.docx``
is still produced.

The deliverables: a UNO script, for a live table of contents
------------------------------------------------------------
``--convert-to`` exports what the file holds, and a ``.docx`` holds its table
of contents as last computed: for a rendered template, its headings without
page numbers (render/contents.py). LibreOffice computes it again only
when asked, through UNO: ``XDocumentIndexesSupplier.getDocumentIndexes()``,
then ``update()`` on each index. Nothing on the command line asks for it, and
the ways around UNO do not hold: a ``macro:///`` command line is ignored by a
running headless instance (it accepts conversions from other processes, not
documents or macros to open), and a macro bound to a document event runs too
early (« OnLoadFinished »: no layout yet, LibreOffice crashes) or
asynchronously (« OnViewCreated », « OnCopyTo »: after the PDF is written).

So ``export_many`` runs ``uno_export.py`` with a Python that can ``import
uno`` — LibreOffice's own on Windows and macOS, the system's with Debian's
``python3-uno`` — and the script talks to the running instance through the
pipe it already listens on (``--accept=pipe,name=…;urp;``): load hidden,
update every index twice (the first pass lengthens the table and may move the
headings to later pages), export with ``writer_pdf_Export`` (tagged PDF,
headings as bookmarks), close. The amoor virtualenv itself never imports
``uno`` (Debian's module is built for Debian's Python only). Without such a
Python, ``UnoUnavailable`` says which package to install; the invoices'
PDF/A-3 are not affected.
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import tempfile
import threading
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from pypdf import PdfReader

from pipeline.errors import (
    LibreOfficeUnavailable,
    PdfConversionError,
    UnoUnavailable,
)
from pipeline.office_processes import Instance, log_tail, profile_argument, start_instance
from pipeline.uno_python import clean_environment, find_uno_python

log = logging.getLogger(__name__)
Asked = TypeVar("Asked")
Got = TypeVar("Got")

PDF_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"3"}}'
# The deliverables' PDF: tagged (read aloud by screen readers), headings as bookmarks.
EXPORT_FILTER = {"UseTaggedPDF": True, "ExportBookmarks": True, "ExportNotes": False}
UNO_SCRIPT = Path(__file__).with_name("uno_export.py")


def find_soffice() -> str | None:
    """LibreOffice's command on this machine, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


class _State:
    """What must be cleaned up, held apart from the converter for ``weakref.finalize``."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.instance: Instance | None = None

    def stop(self) -> None:
        if self.instance is not None:
            self.instance.stop()
            self.instance = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.work, ignore_errors=True)


class PdfConverter:
    """Word → PDF with one LibreOffice started once and kept warm.

    ``convert_many`` makes PDF/A-3b (the invoices, through ``--convert-to``);
    ``export_many`` makes the PDFs of the deliverables, tables of contents
    updated (through the UNO script).

    Start it once per worker, convert many documents, close it (or use it as a
    context manager; it is also closed when collected or at exit). LibreOffice
    starts on the first conversion; ``starts`` counts how many times it did (it
    is restarted once if it died or hung). Not for concurrent use from several
    threads of one converter (calls are serialised), nor for several converters
    on one ``profile``: give each worker its own.

    ``profile`` is the LibreOffice user profile (kept between runs, the first
    start is slower); by default a temporary one is made and removed at close.
    ``work`` is the folder in which its working files go (a temporary folder
    by default); a :class:`~pipeline.office_processes.Slot` gives both.
    """

    def __init__(
        self,
        profile: Path | None = None,
        *,
        soffice: str | None = None,
        timeout: float = 120.0,
        startup_timeout: float = 60.0,
        uno_python: str | None = None,
        work: Path | None = None,
    ) -> None:
        found = soffice or find_soffice()
        if found is None:
            raise LibreOfficeUnavailable("LibreOffice (soffice) est introuvable")
        self._soffice = found
        if work is not None:
            work.mkdir(parents=True, exist_ok=True)
        self._state = _State(Path(tempfile.mkdtemp(prefix="amoor-libreoffice-", dir=work)))
        self._finalizer = weakref.finalize(self, self._state.close)
        self.profile = (profile or self._state.work / "profile").resolve()
        self.timeout = timeout
        self.startup_timeout = startup_timeout
        self.starts = 0
        self._jobs = 0
        self._lock = threading.Lock()
        self._uno_python = uno_python  # found on the first export when not given

    def __enter__(self) -> PdfConverter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop LibreOffice and remove the temporary files."""
        with self._lock:
            self._finalizer()

    def convert(self, docx: bytes) -> bytes:
        """The PDF/A-3b of one Word document."""
        return self.convert_many([docx])[0]

    def convert_many(self, documents: Sequence[bytes]) -> list[bytes]:
        """The PDF/A-3b of each Word document, in order, in one request to LibreOffice."""
        return self._request(documents, self._run)

    def export_many(self, documents: Sequence[bytes]) -> list[bytes]:
        """The PDF of each Word document with its indexes (table of contents) updated first.

        Raises ``UnoUnavailable`` when no Python able to ``import uno`` is found,
        before LibreOffice is even started.
        """
        laid_out = self.lay_out_many([(document, True) for document in documents])
        return [item.pdf for item in laid_out if item.pdf is not None]

    def lay_out_many(self, documents: Sequence[tuple[bytes, bool]]) -> list[LaidOut]:
        """Each Word document laid out, its indexes updated: the entries of its table of
        contents with their page numbers and, when its flag is set, its PDF.

        Raises ``UnoUnavailable`` when no Python able to ``import uno`` is found,
        before LibreOffice is even started.
        """
        if documents and self._uno_python is None:
            self._uno_python = find_uno_python(self._soffice)
            if self._uno_python is None:
                raise UnoUnavailable(
                    "le module Python « uno » de LibreOffice est introuvable (Debian ou Ubuntu : "
                    "« sudo apt install python3-uno »)"
                )
        return self._request(documents, self._lay_out)

    def _request(
        self, documents: Sequence[Asked], run: Callable[[Sequence[Asked]], list[Got]]
    ) -> list[Got]:
        if not documents:
            return []
        with self._lock:
            if not self._finalizer.alive:
                raise RuntimeError("PdfConverter is closed")
            try:
                self._running()
                return run(documents)
            except InstanceLost as lost:  # died or hung: once more with a new instance
                log.warning("LibreOffice lost (%s): restarting it", lost)
                self._state.stop()
            self._running()
            try:
                return run(documents)
            except InstanceLost as lost:
                self._state.stop()
                raise PdfConversionError(
                    f"LibreOffice n'a pas pu convertir le document en PDF : {lost}."
                ) from lost

    # -- the instance

    def _running(self) -> Instance:
        instance = self._state.instance
        if instance is not None and instance.alive():
            return instance
        self._state.stop()
        instance = self._start()
        self._state.instance = instance
        return instance

    def _start(self) -> Instance:
        instance = start_instance(
            self._soffice, self.profile, self._state.work, self.startup_timeout
        )
        self.starts += 1
        return instance

    # -- one request

    def _job(self, documents: Sequence[bytes]) -> tuple[Path, list[Path], Path]:
        """A new folder holding the documents to convert, and the folder for their PDFs."""
        self._jobs += 1
        job = self._state.work / f"job-{self._jobs}"
        out = job / "pdf"
        out.mkdir(parents=True)
        sources = []
        for index, data in enumerate(documents, 1):
            source = job / f"document-{index:03d}.docx"
            source.write_bytes(data)
            sources.append(source)
        return job, sources, out

    def _run(self, documents: Sequence[bytes]) -> list[bytes]:
        job, sources, out = self._job(documents)
        try:
            command = [
                self._soffice,
                profile_argument(self.profile),
                "--headless",
                "--norestore",
                "--convert-to",
                PDF_FILTER,
                "--outdir",
                str(out),
                *map(str, sources),
            ]
            # This command line is handed to the running instance, and waits for it.
            try:
                subprocess.run(
                    command,
                    stdin=subprocess.DEVNULL,
                    capture_output=True,
                    timeout=self.timeout,
                    check=False,
                )
            except subprocess.TimeoutExpired as exc:
                raise InstanceLost(f"pas de réponse en {self.timeout:.0f} s") from exc
            pdfs = []
            for index, source in enumerate(sources, 1):
                target = out / f"{source.stem}.pdf"
                if not target.is_file():
                    self._check_alive()
                    raise PdfConversionError(
                        f"LibreOffice n'a pas pu convertir le document n° {index} en PDF "
                        f"(fichier Word illisible ?). "
                        f"{log_tail(self._state.work / 'soffice.log')}"
                    )
                pdf = target.read_bytes()
                if pdfa_part(pdf) != "3":
                    raise PdfConversionError(
                        "LibreOffice a produit un PDF qui n'est pas un PDF/A-3 : "
                        "LibreOffice 7.4 ou plus récent est nécessaire."
                    )
                pdfs.append(pdf)
            return pdfs
        finally:
            shutil.rmtree(job, ignore_errors=True)

    def _lay_out(self, documents: Sequence[tuple[bytes, bool]]) -> list[LaidOut]:
        """The UNO script opens each document in the running instance, updates its
        indexes, reads its table of contents and exports it when asked."""
        instance = self._state.instance
        assert instance is not None and self._uno_python is not None
        job, sources, out = self._job([data for data, _ in documents])
        try:
            targets = [
                out / f"{source.stem}.pdf" if wanted else None
                for source, (_, wanted) in zip(sources, documents, strict=True)
            ]
            request = {
                "pipe": instance.pipe,
                "documents": [
                    [str(s), None if t is None else str(t)]
                    for s, t in zip(sources, targets, strict=True)
                ],
                "filter": EXPORT_FILTER,
            }
            try:
                done = subprocess.run(
                    [self._uno_python, str(UNO_SCRIPT)],
                    input=json.dumps(request).encode("utf-8"),
                    capture_output=True,
                    timeout=self.timeout,
                    check=False,
                    env=clean_environment(),
                )
            except subprocess.TimeoutExpired as exc:
                raise InstanceLost(f"pas de réponse en {self.timeout:.0f} s") from exc
            answers = _answers(done.stdout)
            if done.returncode != 0 and not (done.returncode < 0 and len(answers) == len(sources)):
                self._check_alive()
                if done.returncode < 0:  # the UNO client crashed mid-way: once more, afresh
                    raise InstanceLost(f"le script UNO s'est arrêté (signal {-done.returncode})")
                detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
                raise PdfConversionError(
                    f"LibreOffice n'a pas pu produire les PDF (script UNO, code "
                    f"{done.returncode} : {' '.join(detail) or 'sans message'})."
                )
            if done.returncode != 0:  # crashed after its last answer: the answers stand
                log.warning("UNO script ended by signal %d after its answers", -done.returncode)
            laid_out = []
            for index, (target, answer) in enumerate(zip(targets, answers, strict=False), 1):
                if "error" in answer or (target is not None and not target.is_file()):
                    self._check_alive()
                    raise PdfConversionError(
                        f"LibreOffice n'a pas pu mettre en page le document n° {index} "
                        f"(fichier Word illisible ?) : {answer.get('error', 'pas de PDF')}."
                    )
                contents = tuple((str(text), str(page)) for text, page in answer["contents"])
                pdf = None if target is None else target.read_bytes()
                laid_out.append(LaidOut(contents, pdf))
            if len(laid_out) != len(sources):
                self._check_alive()
                raise PdfConversionError("LibreOffice n'a pas mis en page tous les documents.")
            return laid_out
        finally:
            shutil.rmtree(job, ignore_errors=True)

    def _check_alive(self) -> None:
        instance = self._state.instance
        if instance is None or not instance.alive():
            raise InstanceLost("LibreOffice s'est arrêté pendant la conversion")


def _answers(stdout: bytes) -> list[dict[str, Any]]:
    """The UNO script's answers, one JSON object a line; a line cut short (the script
    crashed while writing it) ends them."""
    answers = []
    for line in stdout.decode("utf-8", "replace").splitlines():
        try:
            answers.append(json.loads(line))
        except json.JSONDecodeError:
            break
    return answers


@dataclass(frozen=True)
class LaidOut:
    """A Word document as LibreOffice laid it out: the entries of its table of
    contents, (text, page number), and its PDF when one was asked for."""

    contents: tuple[tuple[str, str], ...]
    pdf: bytes | None = None


class InstanceLost(Exception):
    """LibreOffice died or hung: restart it and try again once."""


def pdfa_part(pdf: bytes) -> str | None:
    metadata = PdfReader(BytesIO(pdf)).xmp_metadata
    return None if metadata is None else metadata.pdfaid_part
