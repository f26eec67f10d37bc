"""Decide what a file is from its bytes, before openpyxl touches it.

A renamed ``.xls``, an ``.ods``, a CSV, a password-protected workbook (an
OLE2 container holding an encrypted package) or a truncated download each get
one clear French message; a zip whose members would expand beyond a cap is
refused before anything is decompressed.
"""

from __future__ import annotations

import errno
import zipfile
from io import BytesIO
from pathlib import Path

import olefile

from pipeline.errors import NotAWorkbookError
from pipeline.formats import decimal

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# A real engagement workbook is well under 5 MB once expanded; 30 MB leaves room
# for a pasted picture while refusing zip bombs and keeping memory bounded.
MAX_UNCOMPRESSED = 30 * 1024 * 1024

_SAVE_AS = "Enregistrez-le au format « Classeur Excel (.xlsx) » puis déposez-le à nouveau."


def read_source(path: Path) -> bytes:
    """The bytes of a dropped file, or a French message saying why it cannot be read.

    Each way a path can fail gets its own message: missing, a folder, a broken
    shortcut, not a regular file, no right to read it, a read error.
    """
    if path.is_symlink() and not path.exists():
        raise NotAWorkbookError(
            f"« {path} » est un raccourci (lien) vers un fichier qui n'existe plus : indiquez "
            f"le classeur lui-même."
        )
    if path.is_dir():
        raise NotAWorkbookError(
            f"« {path} » est un dossier, pas un classeur : indiquez les classeurs .xlsx qu'il "
            f"contient (par exemple « {path / '*.xlsx'} »)."
        )
    if not path.exists():
        raise NotAWorkbookError(
            f"Fichier introuvable : « {path} ». Vérifiez son nom et son dossier (un classeur "
            f"déplacé ou renommé entre-temps ?)."
        )
    if not path.is_file():
        raise NotAWorkbookError(
            f"« {path} » n'est pas un fichier ordinaire (périphérique, tube ou socket) : "
            f"indiquez un classeur .xlsx."
        )
    try:
        return path.read_bytes()
    except PermissionError as exc:
        raise NotAWorkbookError(
            f"Lecture de « {path} » refusée : vous n'avez pas le droit de lire ce fichier. "
            f"Demandez l'accès en lecture à son propriétaire, ou enregistrez-en une copie dans "
            f"un dossier à vous, puis relancez."
        ) from exc
    except OSError as exc:
        raise NotAWorkbookError(
            f"Impossible de lire « {path} » ({_read_failure(exc)}). Vérifiez qu'il n'est pas en "
            f"cours de copie ou de synchronisation, puis déposez-le à nouveau."
        ) from exc


def _read_failure(error: OSError) -> str:
    """What went wrong, in French (strerror is in the system's language, often English)."""
    known = {
        errno.EIO: "erreur de lecture du disque ou du partage réseau",
        errno.ENAMETOOLONG: "nom de fichier trop long",
        errno.ELOOP: "trop de raccourcis (liens) imbriqués",
        errno.ETIMEDOUT: "le partage réseau ne répond pas",
        errno.EBUSY: "fichier verrouillé par un autre programme",
        errno.ENXIO: "fichier inaccessible",
    }
    code = error.errno or 0
    return known.get(code) or f"erreur système {errno.errorcode.get(code, code)}"


def check_xlsx(data: bytes, name: str, max_uncompressed: int = MAX_UNCOMPRESSED) -> None:
    """Raise NotAWorkbookError unless ``data`` looks like a sound .xlsx file named ``name``."""
    head = data[:8]
    if not head:
        raise NotAWorkbookError(f"Le fichier « {name} » est vide. {_SAVE_AS}")
    if head.startswith(OLE2_MAGIC):
        raise NotAWorkbookError(_describe_ole2(data, name))
    if not head.startswith(ZIP_MAGIC):
        raise NotAWorkbookError(_describe_other(data[:4096], name))
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and b"opendocument" in archive.read("mimetype"):
                raise NotAWorkbookError(
                    f"Le fichier « {name} » est un classeur OpenDocument (.ods), pas un "
                    f"classeur Excel. Dans LibreOffice Calc : Fichier > Enregistrer sous… > "
                    f"type « Excel 2007-365 (.xlsx) », puis déposez le fichier .xlsx."
                )
            if "xl/workbook.xml" not in names:
                raise NotAWorkbookError(
                    f"Le fichier « {name} » est une archive zip mais pas un classeur Excel "
                    f"(.xlsx). {_SAVE_AS}"
                )
            expanded = sum(info.file_size for info in archive.infolist())
            if expanded > max_uncompressed:
                raise NotAWorkbookError(
                    f"Le classeur « {name} » est anormalement volumineux une fois décompressé "
                    f"({_megabytes(expanded)}, limite {_megabytes(max_uncompressed)}) : il "
                    f"n'est pas lu, par sécurité. Retirez les images ou données superflues, ou "
                    f"repartez d'un classeur vierge (amoor workbook new)."
                )
    except zipfile.BadZipFile as exc:
        raise NotAWorkbookError(truncated_message(name)) from exc
    except (EOFError, OSError, zipfile.LargeZipFile) as exc:
        raise NotAWorkbookError(truncated_message(name)) from exc


def truncated_message(name: str) -> str:
    return (
        f"Le classeur « {name} » est incomplet ou endommagé (copie interrompue, "
        f"synchronisation inachevée ?) : il ne peut pas être lu. Copiez-le à nouveau depuis "
        f"l'original ; s'il ne s'ouvre pas non plus dans Excel ou LibreOffice Calc, repartez de "
        f"la dernière version enregistrée."
    )


def _megabytes(size: int) -> str:
    return f"{decimal(size / (1024 * 1024), 1)} Mo"


def _describe_ole2(data: bytes, name: str) -> str:
    try:
        with olefile.OleFileIO(data) as ole:
            streams = {"/".join(entry) for entry in ole.listdir()}
    except OSError:
        streams = set()
    if "EncryptedPackage" in streams or "EncryptionInfo" in streams:
        return (
            f"Le classeur « {name} » est protégé par un mot de passe : il ne peut pas être lu. "
            f"Dans Excel : Fichier > Informations > Protéger le classeur > Chiffrer avec mot de "
            f"passe, effacez le mot de passe, enregistrez. Dans LibreOffice Calc : Fichier > "
            f"Enregistrer sous…, décochez « Enregistrer avec mot de passe ». Puis déposez-le à "
            f"nouveau."
        )
    if {"Workbook", "Book"} & streams:
        return (
            f"Le fichier « {name} » est un classeur Excel 97-2003 (.xls), format que l'outil ne "
            f"lit pas. Ouvrez-le dans Excel ou LibreOffice Calc, puis Fichier > Enregistrer "
            f"sous… > « Classeur Excel (.xlsx) », et déposez le fichier .xlsx."
        )
    return f"Le fichier « {name} » est un ancien document Office, pas un classeur .xlsx. {_SAVE_AS}"


def _describe_other(sample: bytes, name: str) -> str:
    if sample.startswith(b"%PDF"):
        kind = "un document PDF"
    elif sample.lstrip().startswith((b"<", b"\xef\xbb\xbf<")):
        kind = "une page HTML ou un fichier XML"
    elif _looks_like_text(sample):
        kind = "un fichier texte (CSV ?)"
        return (
            f"Le fichier « {name} » est {kind}, pas un classeur Excel. Ouvrez-le dans Excel ou "
            f"LibreOffice Calc, recopiez les données dans un classeur vierge "
            f"(amoor workbook new), puis déposez ce classeur .xlsx."
        )
    else:
        kind = "un fichier d'un type inconnu"
    return f"Le fichier « {name} » est {kind}, pas un classeur Excel (.xlsx). {_SAVE_AS}"


def _looks_like_text(sample: bytes) -> bool:
    if b"\x00" in sample:
        return False
    for encoding in ("utf-8", "cp1252"):
        try:
            sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False
