"""Versioned SQLite schemas: how the register and the depot files reach their schema.

``PRAGMA user_version`` N means ``migrations[0..N-1]`` have run; a migration is
appended, never edited, so a file made by any earlier amoor is brought up to date
and one made by a later amoor is refused rather than misread.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Sequence

from pipeline.errors import AmoorError

Migrations = Sequence[Sequence[str]]


def migrate(
    db: sqlite3.Connection, migrations: Migrations, newer: Callable[[int, int], AmoorError]
) -> None:
    """Run the migrations ``db`` has not had, in one transaction (two first uses at once:
    one creates, the other waits). ``newer(found, known)``: the French error raised
    when the file's schema is later than this amoor's."""
    db.execute("BEGIN IMMEDIATE")
    try:
        version = user_version(db)
        if version > len(migrations):
            raise newer(version, len(migrations))
        for statements in migrations[version:]:
            for statement in statements:
                db.execute(statement)
        db.execute(f"PRAGMA user_version = {len(migrations)}")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def ensure_wal(db: sqlite3.Connection, timeout: float) -> None:
    """WAL: readers never block a writer; the mode is kept in the file.

    Switching needs every other connection gone, and SQLite reports a busy
    database at once for it, without waiting: so wait here, within ``timeout``.
    """
    deadline = time.monotonic() + timeout
    while db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        try:
            db.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def user_version(db: sqlite3.Connection) -> int:
    version: int = db.execute("PRAGMA user_version").fetchone()[0]
    return version
