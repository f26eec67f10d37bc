"""The e-invoice: Factur-X EN 16931 XML, PDF/A-3b through LibreOffice, and both joined.

Three steps, each usable alone::

    xml = invoice_xml(invoice)               # CII XML, built by the factur-x package
    pdf = converter.convert(docx_bytes)      # PDF/A-3b, LibreOffice kept warm
    e_invoice = facturx_pdf(pdf, xml)        # the XML embedded: a Factur-X PDF

The XML
-------
Built with ``facturx.generate_xml`` (level "en16931"), checked against the XSD;
the tests also run both rule sets shipped with factur-x (EN 16931 and the French
CTC « BR-FR ») through Saxon. The mapping choices and the rule that forced each:

- BT-23 = ``S1`` (services, simple invoice): the cadre de facturation is
  mandatory (BR-FR-08); it also carries « Prestations de services ».
- Notes PMT (40 € recovery fee), PMD (late-payment interest) and AAB (no
  discount), once each (BR-FR-05, BR-FR-06).
- Seller: SIREN as legal registration id, scheme 0002 (BR-FR-10); SIRET as
  global id, scheme 0009, consistent with the SIREN (BR-FR-09); VAT number
  (BT-31), required even under franchise en base (BR-S-02, BR-E-02);
  electronic address BT-34 = SIREN, scheme 0225, the default address of the
  French directory (BR-FR-13); legal form, capital and RCS in BT-33.
- Buyer: the same pair from its SIRET (SIREN = its 9 first digits, BR-FR-09,
  BR-FR-32); electronic address BT-49 (BR-FR-12) = ``SIREN_SIRET`` or
  ``SIREN_SIRET_CODESERVICE``, the directory form for public buyers, scheme
  0225 (a code service with other characters than BR-FR-23 allows is left out
  of the address, never out of BT-10).
- Code service → BT-10 (BuyerReference); numéro d'engagement → BT-13
  (BuyerOrderReferencedDocument): what Chorus Pro reads.
- Service date → BT-72 (and BT-73/BT-74 when there is a period).
- VAT: category S at the seller's rate; under franchise en base category E,
  rate 0, exemption code ``VATEX-FR-FRANCHISE`` and text « TVA non applicable,
  art. 293 B du CGI » (BR-E-05, BR-E-10). Rates are written "20.00", one of the
  values BR-FR-16 lists.
- Payment (invoices): means 58 (SEPA credit transfer), IBAN, BIC, remittance
  information = the number, due date BT-9, terms BT-20 (BR-CO-25 asks for one
  of the last two). A credit note keeps its due date but no payment means: it
  is not paid to the seller's account.
- Credit note (381): references the invoice it cancels, BT-25 and BT-26
  (BR-FR-CO-05). Its amounts are **positive**, as EN 16931 means a credit
  note: the type code carries the sign. Both rule sets would also accept
  negative quantities in a 381, but that reads as crediting a negative amount,
  i.e. charging; a negative *price* is refused outright (BR-27, BR-FR-DEC-03).
  The Word credit note may show the amounts negative; a model holding negative
  lines is turned positive here, with the same cents.
- A PROFORMA (no number) has no e-invoice: ``ValueError``.

The PDF (LibreOffice kept warm)
-------------------------------
performance.md asks for one LibreOffice process per worker, not one start per
file. ``PdfConverter`` starts ``soffice --headless`` once with a private
profile (``-env:UserInstallation``), listening on a named pipe, and keeps a
tiny document open in it; each conversion is then an ordinary ``soffice
--convert-to`` command line, which LibreOffice hands to the running instance
through its single-instance pipe (the one bound to the profile) and which
waits until the PDF is written. The open document matters: without it the
instance quits after the first handed-over conversion. The instance is ready
when that document is loaded (LibreOffice's lock file beside it) or its pipe
exists. It is restarted, and the request retried once, if it died or hung.

Measured here (LibreOffice 7.4, 2 cores, warm disk cache): the first start
with a new profile takes about 1.3 s; then a conversion costs about 0.08 s
for a one-page document and 0.19 s for the 10-page cahier des charges
template, against 0.32 s and 0.41 s when each file starts its own LibreOffice
(about 1 s each when the disk cache is cold).

Why not UNO: the ``uno`` module comes with Debian's ``python3-uno`` for
Debian's own Python only (it is not importable from this virtualenv, nor from
one made with another Python), and ``unoserver`` needs it as well. The
approach here needs nothing but ``soffice``, so CI needs no extra package.

The PDF is PDF/A-3b (export option ``SelectPdfVersion`` = 3, given as JSON,
LibreOffice ≥ 7.4); the converter checks the result declares it. Without
LibreOffice, ``LibreOfficeUnavailable`` carries a French notice: the ``.docx``
is still produced.

The Factur-X PDF
----------------
``facturx.generate_from_binary`` does not make a PDF/A: it expects one (fonts
embedded, output intent: LibreOffice's job, hence the check that the input
declares PDF/A-3). It attaches ``factur-x.xml`` (AFRelationship Data) and
**replaces** the XMP metadata with its own (``pdfaid:part`` 3, conformance B,
the Factur-X extension schema; title, author, subject from ``pdf_metadata``,
given here in French from the XML): LibreOffice's XMP is not kept. Two flaws
of factur-x 7.8 are corrected by one more pypdf pass: the Info dictionary
keeps LibreOffice's /Producer and gains a /Keywords with no XMP counterpart
(PDF/A wants Info and XMP to agree), and the new file is written after the
first bytes of the input instead of over them (a second ``%PDF`` header and
dead objects inside the file).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
import weakref
import xml.etree.ElementTree as ElementTree
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from types import TracebackType
from typing import Any

import facturx
from pypdf import PdfReader, PdfWriter

from pipeline.errors import AmoorError
from pipeline.invoicing.document import (
    LATE_PAYMENT,
    NO_DISCOUNT,
    RECOVERY_FEE,
    VAT_EXEMPTION,
    Buyer,
    Invoice,
    InvoiceKind,
    Line,
    Pricing,
    legal_status,
    registration,
)
from pipeline.workspace import Seller

log = logging.getLogger(__name__)

FLAVOR = "factur-x"
LEVEL = "en16931"
BUSINESS_PROCESS = "S1"  # cadre de facturation: services, simple invoice
CURRENCY = "EUR"
UNIT = "C62"  # UN/ECE rec. 20 "one": a unit of service
SEPA_CREDIT_TRANSFER = "58"
SIREN_SCHEME = "0002"
SIRET_SCHEME = "0009"
DIRECTORY_SCHEME = "0225"  # the French e-invoicing directory
FRANCHISE_CODE = "VATEX-FR-FRANCHISE"


PDF_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"3"}}'
INSTALL_HINT = (
    "Installez LibreOffice (Debian ou Ubuntu : « sudo apt install libreoffice-writer-nogui » ; "
    "Windows ou macOS : https://fr.libreoffice.org/download/) puis relancez."
)


class EInvoiceError(AmoorError):
    """The Factur-X XML or PDF could not be made valid."""


class LibreOfficeUnavailable(AmoorError):
    """LibreOffice is absent or cannot start: a notice, the .docx is still produced."""


class PdfConversionError(AmoorError):
    """LibreOffice runs but could not turn a document into a PDF/A-3."""


# --------------------------------------------------------------------------- XML


def invoice_xml(invoice: Invoice) -> bytes:
    """The Factur-X EN 16931 CII XML of an issued invoice or credit note.

    Raises ``ValueError`` for a PROFORMA (no number, so no e-invoice) or a credit
    note that does not say which invoice it cancels, and ``EInvoiceError`` when
    the seller has no VAT number or the XML does not pass the XSD.
    """
    if invoice.number is None:
        raise ValueError("Une facture PROFORMA (sans numéro) n'a pas de facture électronique.")
    if invoice.kind is InvoiceKind.CREDIT_NOTE and (
        not invoice.preceding_number or invoice.preceding_date is None
    ):
        raise ValueError(
            f"L'avoir {invoice.number} doit indiquer le numéro et la date de la facture qu'il "
            f"annule (BT-25, BT-26)."
        )
    if not invoice.seller.vat_number:
        # BR-S-02 / BR-E-02: standard-rated and exempt lines need the seller's VAT id.
        raise EInvoiceError(
            "Le numéro de TVA intracommunautaire du vendeur est nécessaire à la facture "
            "électronique, même en franchise en base : renseignez « tva_intracommunautaire » "
            "dans la section [vendeur] de amoor.toml."
        )
    data = _data(invoice, invoice.number)
    xml: bytes = facturx.generate_xml(
        data, flavor=FLAVOR, level=LEVEL, check_xsd=False, check_schematron=False
    )
    check_xsd(xml)
    return xml


def check_xsd(xml: bytes) -> None:
    """Raise ``EInvoiceError`` unless ``xml`` is valid against the Factur-X EN 16931 XSD."""
    try:
        facturx.xml_check_xsd(xml, flavor=FLAVOR, level=LEVEL)
    except Exception as exc:  # the library raises a bare Exception
        raise EInvoiceError(
            f"Le XML Factur-X n'est pas conforme au schéma EN 16931 : {exc}"
        ) from exc


def _data(invoice: Invoice, number: str) -> dict[str, Any]:
    """The factur-x ``data_dict``: keys are the EN 16931 business terms."""
    pricing = invoice.pricing
    # A credit note states what is credited, positively (see the module docstring).
    sign = -1 if invoice.kind is InvoiceKind.CREDIT_NOTE and pricing.total_ht < 0 else 1
    data: dict[str, Any] = {
        "BT-1": number,
        "BT-2": invoice.issue_date,
        "BT-3": invoice.kind.value,
        "BT-5": CURRENCY,
        "BT-9": invoice.due_date,
        "BT-23": BUSINESS_PROCESS,
        "BT-72": invoice.service_end,
        "BT-106": _amount(sign * pricing.total_ht),
        "BT-109": _amount(sign * pricing.total_ht),
        "BT-110": _amount(sign * pricing.total_vat),
        "BT-112": _amount(sign * pricing.total_ttc),
        "BT-115": _amount(sign * pricing.total_ttc),
        "BG-1": _notes(invoice),
        "BG-4": _seller(invoice.seller),
        "BG-7": _buyer(invoice.buyer),
        "BG-23": _vat_breakdown(pricing, sign),
        "BG-25": [
            _line(index, line, sign, pricing.vat_exempt)
            for index, line in enumerate(pricing.lines, 1)
        ],
    }
    if invoice.reference:
        data["BT-11"] = invoice.reference
        data["BT-11-0"] = invoice.title or invoice.reference
    if invoice.buyer.service_code:
        data["BT-10"] = invoice.buyer.service_code
    if invoice.buyer.engagement_number:
        data["BT-13"] = invoice.buyer.engagement_number
    if invoice.service_start is not None:
        data["BT-73"] = invoice.service_start
        data["BT-74"] = invoice.service_end
    if invoice.kind is InvoiceKind.CREDIT_NOTE:
        data["BG-3"] = [{"BT-25": invoice.preceding_number, "BT-26": invoice.preceding_date}]
    else:  # the buyer pays by transfer to the seller's account (a credit note is not paid so)
        data.update(
            {
                "BT-20": invoice.payment_terms,
                "BT-81": SEPA_CREDIT_TRANSFER,
                "BT-83": number,
                "BT-84": invoice.seller.iban,
                "BT-86": invoice.seller.bic,
            }
        )
    return data


def _notes(invoice: Invoice) -> list[dict[str, str]]:
    notes = [
        {"BT-21": "PMT", "BT-22": RECOVERY_FEE},
        {"BT-21": "PMD", "BT-22": LATE_PAYMENT},
        {"BT-21": "AAB", "BT-22": NO_DISCOUNT},
    ]
    if invoice.kind is InvoiceKind.CREDIT_NOTE and invoice.reason:
        notes.append({"BT-22": f"Motif de l'avoir : {invoice.reason}"})
    notes.extend({"BT-22": note} for note in invoice.pricing.notes if note)
    return notes


def _address(street: str, postal_code: str, city: str, country: str) -> dict[str, str]:
    lines = [line.strip() for line in street.splitlines() if line.strip()]
    # EN 16931 has three street lines; anything beyond joins the third.
    lines = [*lines[:2], ", ".join(lines[2:])] if len(lines) > 3 else lines
    address = {"postcode": postal_code, "city": city, "country_code": country or "FR"}
    for key, line in zip(("addr_l1", "addr_l2", "addr_l3"), lines, strict=False):
        address[key] = line
    return address


def _seller(seller: Seller) -> dict[str, Any]:
    legal_info = " – ".join(part for part in (legal_status(seller), registration(seller)) if part)
    party: dict[str, Any] = {
        "name": seller.name,
        "identifiers": {SIRET_SCHEME: seller.siret} if seller.siret else {},
        "legal_identifier": seller.siren,
        "legal_identifier_schemeid": SIREN_SCHEME,
        "einvoicing_addr": seller.siren,
        "einvoicing_addr_schemeid": DIRECTORY_SCHEME,
        **_address(seller.address, seller.postal_code, seller.city, seller.country),
    }
    party["vat_identifier"] = seller.vat_number
    if legal_info:
        party["legal_info"] = legal_info
    if seller.email:
        party["contacts"] = [{"email": seller.email}]
    return party


def _buyer(buyer: Buyer) -> dict[str, Any]:
    siret = "".join(buyer.siret.split())
    if not (siret.isdigit() and len(siret) == 14):
        raise ValueError(
            f"Le SIRET de l'acheteur « {buyer.siret} » doit compter 14 chiffres : il est "
            f"obligatoire sur une facture électronique."
        )
    siren = siret[:9]
    address = f"{siren}_{siret}"
    routed = f"{address}_{buyer.service_code}"
    if buyer.service_code and _directory_address_ok(routed):
        address = routed
    return {
        "name": buyer.name,
        "identifiers": {SIRET_SCHEME: siret},
        "legal_identifier": siren,
        "legal_identifier_schemeid": SIREN_SCHEME,
        "einvoicing_addr": address,
        "einvoicing_addr_schemeid": DIRECTORY_SCHEME,
        **_address(buyer.address, buyer.postal_code, buyer.city, buyer.country),
    }


def _directory_address_ok(address: str) -> bool:
    """BR-FR-23 and BR-FR-25: letters, digits, - _ . only; 125 characters at most."""
    return len(address) <= 125 and all(c.isascii() and (c.isalnum() or c in "-_.") for c in address)


def _category(exempt: bool, rate: Decimal) -> str:
    if exempt:
        return "E"  # franchise en base: exempt, with VATEX-FR-FRANCHISE
    return "S" if rate > 0 else "Z"


def _vat_breakdown(pricing: Pricing, sign: int) -> list[dict[str, str]]:
    breakdown = []
    for total in pricing.vat_totals:
        entry = {
            "BT-116": _amount(sign * total.base),
            "BT-117": _amount(sign * total.amount),
            "BT-118": _category(pricing.vat_exempt, total.rate),
            "BT-119": _amount(total.rate),
        }
        if pricing.vat_exempt:
            entry["BT-120"] = VAT_EXEMPTION
            entry["BT-121"] = FRANCHISE_CODE
        breakdown.append(entry)
    return breakdown


def _line(index: int, line: Line, sign: int, exempt: bool) -> dict[str, Any]:
    quantity, price = sign * line.quantity, line.unit_price
    if price < 0:  # a net price is never negative (BR-27): the quantity carries the sign
        quantity, price = -quantity, -price
    entry: dict[str, Any] = {
        "BT-126": str(index),
        "BT-129": _decimal(quantity, 4),
        "BT-130": UNIT,
        "BT-131": _amount(sign * line.total),
        "BT-146": _decimal(price, 6, least=2),
        "BT-151": _category(exempt, line.vat_rate),
        "BT-152": _amount(line.vat_rate),
        "BT-153": line.description,
    }
    if line.detail:
        entry["BT-154"] = line.detail
    return entry


def _amount(value: Decimal) -> str:
    """Two decimals, point separator (BR-DEC-*, BR-FR-DEC-01)."""
    return f"{value.quantize(Decimal('0.01')):f}"


def _decimal(value: Decimal, most: int, least: int = 0) -> str:
    """Between ``least`` and ``most`` decimals, as few as the value needs."""
    exponent = value.normalize().as_tuple().exponent
    needed = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    places = min(max(needed, least), most)
    return f"{value.quantize(Decimal(1).scaleb(-places)):f}"


# --------------------------------------------------------------------------- PDF


def _notice(detail: str) -> str:
    return (
        f"{detail} : la facture est produite au format Word (.docx), mais sans PDF/A-3 ni "
        f"Factur-X. {INSTALL_HINT}"
    )


@dataclass
class _Instance:
    """The running LibreOffice: its process, the pipe it listens on, the document it keeps open."""

    process: subprocess.Popen[bytes]
    pipe: str
    keep_open: Path

    @property
    def _lock_file(self) -> Path:
        return self.keep_open.with_name(f".~lock.{self.keep_open.name}#")

    def _pipe_files(self) -> list[Path]:
        getuid = getattr(os, "getuid", None)  # POSIX: /tmp/OSL_PIPE_<uid>_<name>
        if getuid is None:
            return []
        return [Path(folder, f"OSL_PIPE_{getuid()}_{self.pipe}") for folder in ("/tmp", "/var/tmp")]

    def ready(self) -> bool:
        """The kept-open document is loaded (LibreOffice locked it), or the pipe listens.

        Both names are new at each start, so a leftover of a killed instance
        never passes for a ready one.
        """
        return self._lock_file.exists() or any(path.exists() for path in self._pipe_files())

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        """End LibreOffice (its launcher and soffice.bin, one process group)."""
        process = self.process
        if process.poll() is None:
            _signal_group(process, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait(timeout=10)
        for path in (*self._pipe_files(), self._lock_file, self.keep_open):
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)


def _signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    killpg = getattr(os, "killpg", None)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if killpg is not None:
            killpg(process.pid, signum)  # the group of our own child, started with setsid
        else:  # Windows
            process.kill()


class _State:
    """What must be cleaned up, held apart from the converter for ``weakref.finalize``."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.instance: _Instance | None = None

    def stop(self) -> None:
        if self.instance is not None:
            self.instance.stop()
            self.instance = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.work, ignore_errors=True)


class PdfConverter:
    """Word → PDF/A-3b with one LibreOffice started once and kept warm.

    Start it once per worker, convert many documents, close it (or use it as a
    context manager; it is also closed when collected or at exit). LibreOffice
    starts on the first conversion; ``starts`` counts how many times it did (it
    is restarted once if it died or hung). Not for concurrent use from several
    threads of one converter (calls are serialised), nor for several converters
    on one ``profile``: give each worker its own.

    ``profile`` is the LibreOffice user profile (kept between runs, the first
    start is slower); by default a temporary one is made and removed at close.
    """

    def __init__(
        self,
        profile: Path | None = None,
        *,
        soffice: str | None = None,
        timeout: float = 120.0,
        startup_timeout: float = 60.0,
    ) -> None:
        found = soffice or shutil.which("soffice") or shutil.which("libreoffice")
        if found is None:
            raise LibreOfficeUnavailable(_notice("LibreOffice (soffice) est introuvable"))
        self._soffice = found
        self._state = _State(Path(tempfile.mkdtemp(prefix="amoor-libreoffice-")))
        self._finalizer = weakref.finalize(self, self._state.close)
        self.profile = (profile or self._state.work / "profile").resolve()
        self.timeout = timeout
        self.startup_timeout = startup_timeout
        self.starts = 0
        self._jobs = 0
        self._lock = threading.Lock()

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
        if not documents:
            return []
        with self._lock:
            if not self._finalizer.alive:
                raise RuntimeError("PdfConverter is closed")
            try:
                self._running()
                return self._run(documents)
            except _InstanceLost as lost:  # died or hung: once more with a new instance
                log.warning("LibreOffice perdu (%s) : redémarrage", lost)
                self._state.stop()
            self._running()
            try:
                return self._run(documents)
            except _InstanceLost as lost:
                self._state.stop()
                raise PdfConversionError(
                    f"LibreOffice n'a pas pu convertir le document en PDF : {lost}."
                ) from lost

    # -- the instance

    def _running(self) -> _Instance:
        instance = self._state.instance
        if instance is not None and instance.alive():
            return instance
        self._state.stop()
        instance = self._start()
        self._state.instance = instance
        return instance

    def _start(self) -> _Instance:
        name = f"amoor-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        keep_open = self._state.work / f"{name}.txt"
        keep_open.write_text("amoor\n", encoding="utf-8")
        log_path = self._state.work / "soffice.log"
        command = [
            self._soffice,
            f"-env:UserInstallation={self.profile.as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            f"--accept=pipe,name={name};urp;",
            # An open document keeps the instance alive: without it, LibreOffice
            # quits after the first conversion handed over to it.
            str(keep_open),
        ]
        started = time.monotonic()
        try:
            with log_path.open("ab") as log_file:
                process = subprocess.Popen(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
        except OSError as exc:
            raise LibreOfficeUnavailable(
                _notice(f"LibreOffice ({self._soffice}) ne peut pas être lancé : {exc}")
            ) from exc
        self.starts += 1
        instance = _Instance(process, name, keep_open)
        while not instance.ready():
            if not instance.alive():
                raise LibreOfficeUnavailable(
                    _notice(
                        f"LibreOffice s'est arrêté au démarrage (code {process.returncode} ; "
                        f"un autre LibreOffice utilise-t-il le profil {self.profile} ?) "
                        f"{_tail(log_path)}"
                    )
                )
            if time.monotonic() - started > self.startup_timeout:
                instance.stop()
                raise LibreOfficeUnavailable(
                    _notice(f"LibreOffice n'a pas démarré en {self.startup_timeout:.0f} s")
                )
            time.sleep(0.05)
        log.info("LibreOffice démarré en %.1f s", time.monotonic() - started)
        return instance

    # -- one request

    def _run(self, documents: Sequence[bytes]) -> list[bytes]:
        self._jobs += 1
        job = self._state.work / f"job-{self._jobs}"
        out = job / "pdf"
        out.mkdir(parents=True)
        try:
            sources = []
            for index, data in enumerate(documents, 1):
                source = job / f"document-{index:03d}.docx"
                source.write_bytes(data)
                sources.append(source)
            command = [
                self._soffice,
                f"-env:UserInstallation={self.profile.as_uri()}",
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
                raise _InstanceLost(f"pas de réponse en {self.timeout:.0f} s") from exc
            pdfs = []
            for index, source in enumerate(sources, 1):
                target = out / f"{source.stem}.pdf"
                if not target.is_file():
                    instance = self._state.instance
                    if instance is None or not instance.alive():
                        raise _InstanceLost("LibreOffice s'est arrêté pendant la conversion")
                    raise PdfConversionError(
                        f"LibreOffice n'a pas pu convertir le document n° {index} en PDF "
                        f"(fichier Word illisible ?). "
                        f"{_tail(self._state.work / 'soffice.log')}"
                    )
                pdf = target.read_bytes()
                if _pdfa_part(pdf) != "3":
                    raise PdfConversionError(
                        "LibreOffice a produit un PDF qui n'est pas un PDF/A-3 : "
                        "LibreOffice 7.4 ou plus récent est nécessaire."
                    )
                pdfs.append(pdf)
            return pdfs
        finally:
            shutil.rmtree(job, ignore_errors=True)


class _InstanceLost(Exception):
    """LibreOffice died or hung: restart it and try again once."""


def _tail(path: Path, lines: int = 5) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    last = [line for line in text.splitlines() if line.strip()][-lines:]
    return f"(journal de LibreOffice : {' / '.join(last)})" if last else ""


def _pdfa_part(pdf: bytes) -> str | None:
    metadata = PdfReader(BytesIO(pdf)).xmp_metadata
    return None if metadata is None else metadata.pdfaid_part


# ---------------------------------------------------------------------- Factur-X


def facturx_pdf(pdf: bytes, xml: bytes) -> bytes:
    """The Factur-X PDF/A-3: ``pdf`` (already PDF/A-3, from ``PdfConverter``) with ``xml`` in it.

    The XML is checked against the XSD again by factur-x; the PDF metadata
    (title, author, subject) are taken from the XML, in French.
    """
    if _pdfa_part(pdf) != "3":
        raise EInvoiceError(
            "Le PDF à compléter n'est pas un PDF/A-3 : il doit venir de LibreOffice "
            "(export PDF/A-3)."
        )
    try:
        result: bytes = facturx.generate_from_binary(
            pdf,
            xml,
            flavor=FLAVOR,
            level=LEVEL,
            check_xsd=True,
            pdf_metadata=_pdf_metadata(xml),
            lang="fr-FR",
        )
    except Exception as exc:  # the library raises bare Exceptions
        raise EInvoiceError(f"Le PDF Factur-X n'a pas pu être produit : {exc}") from exc
    return _info_matching_xmp(result)


def _info_matching_xmp(pdf: bytes) -> bytes:
    """Make the Info dictionary say what the XMP says, as PDF/A requires.

    factur-x writes its own XMP (producer "pypdf") but leaves LibreOffice's
    /Producer in the Info dictionary and adds /Keywords, which has no XMP
    counterpart there; a PDF/A validator reports both. The dates are copied
    too: factur-x reads the clock twice. Writing the file anew also drops the
    stale copy of the input that factur-x leaves at its start.
    """
    reader = PdfReader(BytesIO(pdf))
    xmp = reader.xmp_metadata
    if xmp is None:
        return pdf
    writer = PdfWriter(clone_from=reader, keep_initial_header=True)
    info = {str(key): str(value) for key, value in (reader.metadata or {}).items()}
    info.pop("/Keywords", None)
    if xmp.pdf_producer:
        info["/Producer"] = xmp.pdf_producer
    for key, moment in (("/CreationDate", xmp.xmp_create_date), ("/ModDate", xmp.xmp_modify_date)):
        if moment is not None:
            info[key] = moment.strftime("D:%Y%m%d%H%M%S+00'00'")
    writer.metadata = info
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def _pdf_metadata(xml: bytes) -> dict[str, str]:
    """Title, author and subject of the PDF, in French, read from our own XML."""
    root = ElementTree.fromstring(xml)
    namespaces = {
        "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
        "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
        "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    }

    def text(path: str) -> str:
        return (root.findtext(path, default="", namespaces=namespaces) or "").strip()

    number = text("rsm:ExchangedDocument/ram:ID")
    kind = text("rsm:ExchangedDocument/ram:TypeCode")
    issued = text("rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString")
    agreement = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    seller = text(f"{agreement}/ram:SellerTradeParty/ram:Name")
    buyer = text(f"{agreement}/ram:BuyerTradeParty/ram:Name")
    noun = "Avoir" if kind == InvoiceKind.CREDIT_NOTE.value else "Facture"
    day = f"{issued[6:8]}/{issued[4:6]}/{issued[:4]}" if len(issued) == 8 else issued
    return {
        "author": seller,
        "title": f"{seller} : {noun} {number}",
        "subject": f"{noun} {number} du {day} émise par {seller} pour {buyer}",
    }
