"""What the drop folder has processed, by content: ``.amoor/depot.sqlite3``.

Two tables:

- ``contents``: one row per workbook content (sha256 of its bytes) whose
  deliverables were committed. The same bytes dropped again, under any name,
  find their row and run nothing. A row is written only after the outbox
  commit, so a kill before it leaves the workbook in ``inbox/`` to be built
  again (the build is idempotent: same files, same invoice number);
- ``journal``: one row per line of the watcher's log (received, processed,
  rejected, duplicate), what ``amoor statut`` shows.

One connection per call: the workers are threads, and SQLite connections
stay in the thread that opened them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pipeline.errors import AmoorError
from pipeline.sqlite_schema import ensure_wal, migrate, user_version
from pipeline.workspace import Workspace

# user_version N is reached by running MIGRATIONS[N - 1]; append, never edit
# (sqlite_schema.py). The first one creates the tables « IF NOT EXISTS »: a depot
# made before the schema was versioned holds them already, at user_version 0.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE IF NOT EXISTS contents (
        sha256 TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        reference TEXT NOT NULL,
        folder TEXT NOT NULL,
        at TEXT NOT NULL
    )""",
        """CREATE TABLE IF NOT EXISTS journal (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            line TEXT NOT NULL
        )""",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


class DepotError(AmoorError):
    """The drop folder's memory cannot be read or written."""


def _newer(found: int, known: int) -> DepotError:
    return DepotError(
        f"La mémoire du dossier de dépôt a été créée par une version "
        f"plus récente d'amoor (schéma {found}, celle-ci connaît le schéma {known}). "
        f"Mettez amoor à jour."
    )


@dataclass(frozen=True)
class Done:
    """A content already processed: when, under which name, into which folder."""

    sha256: str
    name: str
    reference: str
    folder: str
    at: datetime


@dataclass(frozen=True)
class Entry:
    at: datetime
    name: str
    kind: str
    line: str  # the French line of the log


@dataclass(frozen=True)
class Depot:
    path: Path
    timeout: float = 30.0

    @classmethod
    def of(cls, workspace: Workspace) -> Depot:
        return cls(workspace.state.depot)

    def done(self, sha256: str) -> Done | None:
        with self._connection() as db:
            row = db.execute("SELECT * FROM contents WHERE sha256 = ?", (sha256,)).fetchone()
        if row is None:
            return None
        return Done(
            row["sha256"],
            row["name"],
            row["reference"],
            row["folder"],
            datetime.fromisoformat(row["at"]),
        )

    def record(self, done: Done) -> None:
        """Remember a processed content (a content is recorded once: the first stays)."""
        with self._connection() as db:
            db.execute(
                "INSERT OR IGNORE INTO contents (sha256, name, reference, folder, at) "
                "VALUES (?, ?, ?, ?, ?)",
                (done.sha256, done.name, done.reference, done.folder, done.at.isoformat()),
            )

    def write(self, entry: Entry) -> None:
        with self._connection() as db:
            db.execute(
                "INSERT INTO journal (at, name, kind, line) VALUES (?, ?, ?, ?)",
                (entry.at.isoformat(timespec="seconds"), entry.name, entry.kind, entry.line),
            )

    def recent(self, limit: int = 20) -> list[Entry]:
        """The last ``limit`` lines of the journal, oldest first."""
        if not self.path.exists():
            return []
        with self._connection() as db:
            rows = db.execute("SELECT * FROM journal ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [
            Entry(datetime.fromisoformat(r["at"]), r["name"], r["kind"], r["line"])
            for r in reversed(rows)
        ]

    def count(self) -> int:
        """How many contents were processed in this workspace."""
        if not self.path.exists():
            return 0
        with self._connection() as db:
            return int(db.execute("SELECT COUNT(*) FROM contents").fetchone()[0])

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with closing(
                sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
            ) as db:
                db.row_factory = sqlite3.Row
                if user_version(db) != SCHEMA_VERSION:
                    migrate(db, MIGRATIONS, _newer)
                ensure_wal(db, self.timeout)
                db.execute("PRAGMA synchronous = FULL")  # a recorded content survives a power cut
                yield db
        except (sqlite3.Error, OSError) as exc:
            raise DepotError(
                f"La mémoire du dossier de dépôt ({self.path}) est inutilisable : {exc}. "
                f"Vérifiez les droits d'écriture du dossier .amoor de l'espace de travail ; si "
                f"le fichier est endommagé, mettez-le de côté : les classeurs encore dans inbox/ "
                f"seront traités à nouveau, sans nouveau numéro de facture."
            ) from exc
