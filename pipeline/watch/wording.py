"""The French of the drop folder: one log line per file, the rejection reports, the summary.

Pure: outcomes in, text out. ``pipeline/cli/`` prints the lines and writes them to
``.amoor/depot.log``; the reports are written by :mod:`.handling`.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path

from pipeline.errors import AmoorError, WorkbookError
from pipeline.formats import decimal, number, plural, short_date
from pipeline.state import LOG_SHOWN
from pipeline.tracked.wording import hand_edits
from pipeline.watch import inbox
from pipeline.watch.inbox import report_name
from pipeline.watch.outcome import Kind, Outcome

INTERNAL_ERROR = (
    "amoor a rencontré une erreur interne en traitant ce classeur : ce n'est pas une erreur "
    f"de votre part. Le détail technique est dans {LOG_SHOWN} ; transmettez-le à "
    "l'équipe technique. Une fois le problème corrigé, déposez à nouveau le classeur dans "
    "inbox/."
)


def moment(at: datetime) -> str:
    return f"le {short_date(at.date())} à {at:%H:%M}"


def report(name: str, text: str, at: datetime) -> str:
    """The report of a rejected workbook: every problem, then what to do."""
    where = f"inbox/{inbox.ERRORS_FOLDER}/"
    return (
        f"Classeur refusé : « {name} »\n"
        f"Déposé dans inbox/, refusé {moment(at)}. Il a été rangé dans {where}, à côté de ce "
        f"rapport : rien n'a été produit pour lui.\n"
        f"\n"
        f"{text}\n"
        f"\n"
        f"Que faire : ouvrez « {name} » (dans {where}), corrigez chaque point ci-dessus, "
        f"enregistrez-le, puis déposez-le à nouveau dans inbox/. Une fois traité, ce rapport "
        f"sera rangé dans « {where}{inbox.OLD_VERSIONS_FOLDER}/ ».\n"
    )


def reason(error: AmoorError | None) -> str:
    """Why a workbook was rejected, in one line."""
    if error is None:
        return f"erreur interne d'amoor (détail dans {LOG_SHOWN})"
    if isinstance(error, WorkbookError):
        count = plural(len(error.problems), "problème")
        first = str(error.problems[0]) if error.problems else ""
        return f"{count} à corriger, dont : {first}" if first else f"{count} à corriger"
    return str(error).split("\n", 1)[0]


def seconds(value: float) -> str:
    return f"{decimal(value, 2)} s"


def line(outcome: Outcome, outbox: Path) -> str:
    """The one line of the log for ``outcome``."""
    name = f"« {outcome.name} »"
    if outcome.kind is Kind.RECEIVED:
        return f"reçu : {name}"
    if outcome.kind is Kind.DUPLICATE:
        earlier = outcome.earlier
        first = (
            f"« {earlier.name} », déjà traité {moment(earlier.at)}"
            if earlier is not None
            else "un classeur déjà traité"
        )
        return (
            f"doublon ignoré : {name} a le même contenu que {first} ; rien n'est refait, "
            f"aucune nouvelle facture (rangé dans inbox/{inbox.PROCESSED_FOLDER}/)"
        )
    if outcome.kind is Kind.REJECTED:
        report_file = outcome.report.name if outcome.report else report_name(outcome.name)
        return (
            f"refusé : {name} rangé dans inbox/{inbox.ERRORS_FOLDER}/ — {outcome.reason} "
            f"(rapport : « {report_file} »)"
        )
    if outcome.kind is Kind.FAILED:
        return (
            f"non traité : {name} reste dans inbox/ — {outcome.reason} ; nouvel essai au "
            f"prochain passage"
        )
    if outcome.kind is Kind.CHANGED:
        return f"modifié pendant son traitement : {name} est traité à nouveau"
    documents = plural(len(outcome.written), "document écrit", "documents écrits")
    where = _relative(outcome.folder, outbox.parent) if outcome.folder else "outbox/"
    text = (
        f"traité : {name} ({outcome.offer}, {outcome.reference}) en {seconds(outcome.seconds)}"
        f" — {documents} dans « {where} »"
    )
    if outcome.invoice:
        text += f", facture {outcome.invoice}"
    return text


def details(outcome: Outcome) -> list[str]:
    """The lines that follow a processed file's: documents, hand edits kept, notices."""
    lines = [f"écrit : {path.name}" for path in outcome.written]
    lines += hand_edits(outcome.kept, outcome.tracked)
    lines += [f"À noter : {notice}" for notice in outcome.notices]
    return lines


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def summary(counts: Counter[Kind], waiting: int) -> str:
    """The last line when the watcher stops."""
    parts = [
        _count(counts[Kind.PROCESSED], "classeur traité", "classeurs traités"),
        _count(counts[Kind.REJECTED], "refusé", "refusés"),
        _count(counts[Kind.DUPLICATE], "doublon ignoré", "doublons ignorés"),
    ]
    if counts[Kind.FAILED]:
        parts.append(_count(counts[Kind.FAILED], "non traité", "non traités"))
    text = f"amoor watch arrêté : {', '.join(parts)}."
    if waiting:
        text += (
            f" {_count(waiting, 'fichier reste', 'fichiers restent')} dans inbox/ : "
            f"{'il sera traité' if waiting == 1 else 'ils seront traités'} au prochain "
            f"démarrage."
        )
    return text


def first_problem(report_text: str) -> str:
    """The first problem a rejection report names (for ``amoor statut``)."""
    lines = [text.strip() for text in report_text.splitlines()]
    problems = [text.removeprefix("- ") for text in lines if text.startswith("- ")]
    if problems:
        return problems[0]
    body = [text for text in lines[3:] if text and not text.startswith("Que faire")]
    return body[0] if body else ""


def _count(count: int, singular: str, plural_form: str) -> str:
    """French takes the singular for 0 and 1: « 0 refusé », « 1 refusé », « 2 refusés »."""
    return f"{number(count)} {singular if count <= 1 else plural_form}"
