"""Error types of the pipeline.

Every error a consultant may see carries a French message that says where the
problem is and what to do. The CLI (the only module that prints) shows
``str(error)`` and exits with ``error.exit_code``; nothing below it prints.

::

    AmoorError                  base: a French, user-facing message
    ├── WorkbookError           a workbook that cannot be used; holds every Problem
    ├── NotAWorkbookError       the file is not an .xlsx (xls, ods, csv, encrypted…)
    ├── ConfigError             amoor.toml is missing or wrong
    ├── WorkspaceError          the workspace layout is missing or wrong
    ├── RenderError             a template refers to something the data lacks
    ├── OutboxError             outbox.py: a deliverable could not be written
    ├── LedgerError             invoicing/ledger_schema.py: the ledger refuses or is unusable
    ├── TrackingError           tracked/package.py: no tracked update (the reason in French)
    ├── EInvoiceError           invoicing/facturx.py: the Factur-X XML or PDF is invalid
    ├── LibreOfficeUnavailable  no PDF, no layout: the .docx is still produced
    │   └── LibreOfficeStartFailed  installed, but it did not start (never « install it »)
    ├── UnoUnavailable          no Python to drive LibreOffice (deliverable PDFs, layout)
    └── PdfConversionError      LibreOffice failed on a document

The LibreOffice errors are raised by libreoffice.py and office_processes.py and
caught where a run goes on without PDFs (invoicing/billing.PdfService); defined
here, they are importable without loading either.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.state import LOG_SHOWN


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a workbook, located as the consultant sees it.

    ``cell`` is an A1 reference ("E7"), or ``row`` a row number when only the
    row is known; both empty when the problem concerns a whole sheet or
    workbook; ``found`` is the value read, quoted in the
    message; ``hint`` says what to do.
    """

    message: str
    sheet: str = ""
    cell: str = ""
    found: str | None = None
    hint: str = ""
    row: int | None = None

    def __str__(self) -> str:
        place = ""
        if self.sheet and self.cell:
            place = f"Feuille « {self.sheet} », cellule {self.cell} : "
        elif self.sheet and self.row:
            place = f"Feuille « {self.sheet} », ligne {self.row} : "
        elif self.sheet:
            place = f"Feuille « {self.sheet} » : "
        text = place + (self.message if place else self.message[:1].upper() + self.message[1:])
        if self.found is not None:
            text += f" (lu : « {_shorten(self.found)} »)"
        text += "."
        if self.hint:
            text += " " + self.hint
        return text


def _shorten(value: str, limit: int = 60) -> str:
    value = value.replace("\n", " ⏎ ")
    return value if len(value) <= limit else value[: limit - 1] + "…"


class AmoorError(Exception):
    """Base of every error the pipeline reports to a person (in French)."""

    exit_code = 1


class WorkbookError(AmoorError):
    """A workbook with one or more problems, all collected before raising."""

    exit_code = 2

    def __init__(self, source: str, problems: Iterable[Problem]) -> None:
        self.source = source
        self.problems = tuple(problems)
        super().__init__(self.report())

    def report(self, limit: int = 50) -> str:
        count = len(self.problems)
        noun = "problème" if count == 1 else "problèmes"
        head = f"Le classeur « {self.source} » contient {count} {noun} à corriger :"
        lines = [head, *(f"  - {p}" for p in self.problems[:limit])]
        if count > limit:
            # Thousands of lines help nobody: the first ones show the pattern.
            lines.append(f"  … et {count - limit} autres problèmes du même ordre.")
        lines.append("Corrigez le classeur, enregistrez-le, puis relancez son traitement.")
        return "\n".join(lines)


class NotAWorkbookError(AmoorError):
    """The file is not a readable .xlsx workbook (decided by its bytes)."""

    exit_code = 2


class ConfigError(AmoorError):
    """The workspace configuration (amoor.toml) is missing or invalid."""


class WorkspaceError(AmoorError):
    """The workspace folder is missing or incomplete."""


class RenderError(AmoorError):
    """A template cannot be rendered with the data at hand."""


INSTALL_HINT = (
    "Installez LibreOffice (Debian ou Ubuntu : « sudo apt install libreoffice-writer-nogui » ; "
    "Windows ou macOS : https://fr.libreoffice.org/download/) puis relancez."
)
START_HINT = (
    "Relancez la commande ; si l'erreur se reproduit, transmettez à l'équipe technique le "
    f"journal {LOG_SHOWN} de l'espace de travail (LibreOffice est bien installé : inutile de "
    "le réinstaller)."
)


class LibreOfficeUnavailable(AmoorError):
    """No PDF can be made in this run: a notice, the .docx is still produced.

    LibreOffice is not installed. ``str()`` is the invoices' notice; ``detail``
    says only what went wrong and ``hint`` what to do, for other notices (the
    deliverables' PDF).
    """

    hint = INSTALL_HINT

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"{detail} : la facture est produite au format Word (.docx), mais sans PDF/A-3 ni "
            f"Factur-X. {self.hint}"
        )
        self.detail = detail


class LibreOfficeStartFailed(LibreOfficeUnavailable):
    """LibreOffice is installed but did not start: never « install LibreOffice »."""

    hint = START_HINT


class UnoUnavailable(AmoorError):
    """LibreOffice runs, but no Python able to drive it through UNO was found."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class PdfConversionError(AmoorError):
    """LibreOffice runs but could not turn a document into a PDF."""
