"""Write the corpus of broken workbooks in ``tests/data/broken/``.

One workbook per kind of problem, all derived from a minimal, valid « Concertation
citoyenne » workbook (``valid.xlsx``); ``tests/test_broken_workbooks.py`` checks the
exact message the reader gives for each.

The script is deterministic for everything it writes itself: fixed « created » and
« modified » properties, fixed zip timestamps, so two runs give the same bytes. Three
files are not deterministic by nature, so they are rewritten only when needed:
LibreOffice orders some .ods styles differently from run to run, so
``xls-renamed.xlsx`` and ``ods-renamed.xlsx`` are converted again only when they are
missing, when ``valid.xlsx`` has just changed, or with ``--force``; encryption draws a
random salt, so ``encrypted.xlsx`` is rewritten only when it no longer decrypts to
``valid.xlsx``. Without ``soffice``, the existing conversions are kept and the script
says so.

Regenerate: ``python tests/data/make_broken.py [--force]``
"""

from __future__ import annotations

import copy
import io
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import msoffcrypto
from msoffcrypto.format.ooxml import OOXMLFile
from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

OUT = Path(__file__).resolve().parent / "broken"
FIXED_TIME = datetime(2026, 1, 5)  # « created » and « modified » properties
ZIP_TIME = (2026, 1, 5, 0, 0, 0)  # timestamp of every archive entry
PASSWORD = "secret"

Sheets = dict[str, list[list[Any]]]  # sheet name -> rows (header included)

CRITERIA = ("EFF", "ACC", "CLA", "INF", "RET", "REC", "CONV", "APP")


def base() -> Sheets:
    """The valid workbook, sheet by sheet; row 1 of each sheet is the header.

    Cells the variants use: Mission B4 (Intitulé), B6 (Date de début);
    Parties prenantes B3 (Catégorie), D3 (Influence), E2 (Intérêt); Scénarios A2:A3
    (codes); Notation ROI B2 (Public), C3 (Scénario), E3 (ACC grade).
    """
    return {
        "Mission": [
            ["Champ", "Valeur"],
            ["Référence", "2026-900"],
            ["Offre", "Concertation citoyenne"],
            ["Intitulé", "Réaménagement de la place du marché"],
            ["Collectivité", "Commune de Saint-Exemple"],
            ["Date de début", date(2026, 2, 2)],
            ["Étape", "Cadrage"],
        ],
        "Parties prenantes": [
            [
                "Nom",
                "Catégorie",
                "Rôle et attentes",
                "Influence",
                "Intérêt",
                "Niveau d'implication",
                "Contact",
            ],
            ["Conseil municipal", "Élus", "Décide du projet", 5, 4, "Co-décider", ""],
            ["Comité de quartier", "Associations", "Relaie les habitants", 2, 5, "Concerter", ""],
            ["Commerçants du marché", "Autre", "Craignent les travaux", 3, 3, "Consulter", ""],
        ],
        "Paramètres": [
            ["Rubrique", "Libellé", "Détail", "Montant HT"],
            ["Lieu", "Salle des fêtes", "Capacité 80 personnes", None],
            ["Budget", "Enveloppe de la concertation", "", 4500],
        ],
        "Scénarios": [
            [
                "Code",
                "Intitulé",
                "Techniques",
                "Publics ciblés",
                "Description",
                "Durée (semaines)",
                "Coût estimé HT",
            ],
            ["S1", "Balades urbaines", "Concertation; Information", "Riverains", "", 6, 3000],
            ["S2", "Atelier de co-conception", "Co-construction", "Tous", "", 8, 5500],
        ],
        "Notation ROI": [
            ["Participant", "Public", "Scénario", *CRITERIA, "Commentaire"],
            ["Mme Martin", "Élu", "S1", 3, 2, 4, 3, 2, 3, 3, 4, ""],
            ["Mme Martin", "Élu", "S2", 2, 3, 3, 2, 3, 2, 2, 3, ""],
            ["M. Durand", "Citoyen", "S1", 4, 4, 3, 2, 3, 3, 4, 3, ""],
            ["M. Durand", "Citoyen", "S2", 1, 2, 2, 3, 2, 1, 2, 2, "Trop long"],
        ],
    }


def to_bytes(sheets: Sheets) -> bytes:
    """The .xlsx of ``sheets``, with fixed dates and timestamps: the same bytes every time.

    ``Workbook.save`` stamps the modification with the current time and zipfile stamps
    every entry, so the workbook is written with ``ExcelWriter`` and the archive is then
    copied with a fixed date.
    """
    book = Workbook()
    book.remove(book.active)
    book.properties.creator = "amoor (tests)"
    book.properties.lastModifiedBy = "amoor (tests)"
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, date):
                    cell.number_format = "DD/MM/YYYY"
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).write_data()
    return _fixed_zip(raw.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    fixed = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return fixed.getvalue()


def set_mission(sheets: Sheets, field: str, value: Any) -> None:
    for row in sheets["Mission"]:
        if row[0] == field:
            row[1] = value
            return
    raise KeyError(field)


def set_cell(sheets: Sheets, sheet: str, ref: str, value: Any) -> None:
    """Write ``value`` into cell ``ref`` (A1…Z99) of ``sheet``."""
    col, row = ord(ref[0]) - ord("A"), int(ref[1:]) - 1
    sheets[sheet][row][col] = value


# -- the variants: each one changes a copy of the valid workbook ----------------------


def missing_sheet(sheets: Sheets) -> None:
    del sheets["Scénarios"]


def missing_column(sheets: Sheets) -> None:
    for row in sheets["Parties prenantes"]:
        del row[3]  # Influence


def bad_list_value(sheets: Sheets) -> None:
    set_cell(sheets, "Parties prenantes", "B3", "Riverains")


def bad_integer(sheets: Sheets) -> None:
    set_cell(sheets, "Parties prenantes", "D3", "fort")


def bad_date(sheets: Sheets) -> None:
    set_mission(sheets, "Date de début", "31/02/2026")  # B6


def unknown_scenario(sheets: Sheets) -> None:
    set_cell(sheets, "Notation ROI", "C3", "S9")


def duplicate_code(sheets: Sheets) -> None:
    sheets["Scénarios"].append(["S2", "Questionnaire en ligne", "Consultation", "", "", 4, 800])


def formula_no_cache(sheets: Sheets) -> None:
    set_cell(sheets, "Parties prenantes", "E2", "=2+2")


def several_problems(sheets: Sheets) -> None:
    set_mission(sheets, "Intitulé", None)  # B4
    set_cell(sheets, "Parties prenantes", "D3", "fort")
    set_cell(sheets, "Notation ROI", "B2", "Habitant")
    set_cell(sheets, "Notation ROI", "E3", 7)


VARIANTS: dict[str, Callable[[Sheets], None]] = {
    "missing-sheet.xlsx": missing_sheet,
    "missing-column.xlsx": missing_column,
    "bad-list-value.xlsx": bad_list_value,
    "bad-integer.xlsx": bad_integer,
    "bad-date.xlsx": bad_date,
    "unknown-scenario.xlsx": unknown_scenario,
    "duplicate-code.xlsx": duplicate_code,
    "formula-no-cache.xlsx": formula_no_cache,
    "several-problems.xlsx": several_problems,
}

CSV_TEXT = (
    "Champ;Valeur\n"
    "Référence;2026-900\n"
    "Offre;Concertation citoyenne\n"
    "Intitulé;Réaménagement de la place du marché\n"
    "Collectivité;Commune de Saint-Exemple\n"
    "Étape;Cadrage\n"
)


# -- writing -------------------------------------------------------------------------


def write(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` if it differs; tell whether the file changed."""
    if path.exists() and path.read_bytes() == data:
        return False
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    temporary.replace(path)
    print(f"écrit : {path.name}")
    return True


def encrypt(valid: bytes) -> None:
    """Encrypt ``valid``; the salt is random, so a file that is still right is kept."""
    path = OUT / "encrypted.xlsx"
    if _decrypted(path) == valid:
        return
    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(valid)).encrypt(PASSWORD, encrypted)
    write(path, encrypted.getvalue())


def _decrypted(path: Path) -> bytes | None:
    """The decrypted content of ``path``; None if it is missing or does not decrypt."""
    if not path.exists():
        return None
    plain = io.BytesIO()
    try:
        with path.open("rb") as handle:
            office = msoffcrypto.OfficeFile(handle)
            office.load_key(password=PASSWORD)
            office.decrypt(plain)
    except Exception:  # any failure means: encrypt again
        return None
    return plain.getvalue()


def convert(valid: bytes, again: bool) -> None:
    """``valid.xlsx`` converted by LibreOffice to .xls and .ods, then renamed to .xlsx.

    Nothing is done if both files exist and ``again`` is false.
    """
    targets = {"xls": OUT / "xls-renamed.xlsx", "ods": OUT / "ods-renamed.xlsx"}
    if not again and all(p.exists() for p in targets.values()):
        return
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        kept = ", ".join(p.name for p in targets.values() if p.exists()) or "aucun"
        print(
            f"soffice (LibreOffice) est introuvable : xls-renamed.xlsx et ods-renamed.xlsx "
            f"ne sont pas régénérés (fichiers existants gardés : {kept}).",
            file=sys.stderr,
        )
        return
    with tempfile.TemporaryDirectory(prefix="amoor-broken-") as work:
        folder = Path(work)
        source = folder / "valid.xlsx"
        source.write_bytes(valid)
        profile = (folder / "lo-profile").as_uri()
        for extension, target in targets.items():
            subprocess.run(
                [
                    soffice,
                    "--headless",
                    f"-env:UserInstallation={profile}",
                    "--convert-to",
                    extension,
                    "--outdir",
                    str(folder),
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=180,
            )
            data = (folder / f"valid.{extension}").read_bytes()
            if extension == "ods":
                data = _fixed_ods(data)
            write(target, data)


def _fixed_ods(data: bytes) -> bytes:
    """The .ods archive with fixed timestamps (``mimetype`` stays first, uncompressed)."""
    fixed = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(fixed, "w") as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = info.compress_type
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return fixed.getvalue()


def main() -> None:
    force = "--force" in sys.argv[1:]
    OUT.mkdir(parents=True, exist_ok=True)
    valid = to_bytes(base())
    changed = write(OUT / "valid.xlsx", valid)
    for name, change in VARIANTS.items():
        sheets = copy.deepcopy(base())
        change(sheets)
        write(OUT / name, to_bytes(sheets))
    write(OUT / "csv-renamed.xlsx", CSV_TEXT.encode("utf-8"))
    write(OUT / "truncated.xlsx", valid[: len(valid) // 2])
    encrypt(valid)
    convert(valid, again=changed or force)


if __name__ == "__main__":
    main()
