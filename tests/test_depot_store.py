"""The drop folder's memory (watch/processed.py) has a versioned schema, as the register."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path

import pytest

from pipeline.watch.processed import SCHEMA_VERSION, Depot, DepotError, Done


def _version(path: Path) -> int:
    with closing(sqlite3.connect(path)) as db:
        version: int = db.execute("PRAGMA user_version").fetchone()[0]
    return version


def test_a_new_depot_carries_its_schema_version(tmp_path: Path) -> None:
    depot = Depot(tmp_path / "depot.sqlite3")
    assert depot.done("0" * 64) is None
    assert _version(depot.path) == SCHEMA_VERSION >= 1


def test_a_depot_made_before_the_version_keeps_what_it_remembers(tmp_path: Path) -> None:
    path = tmp_path / "depot.sqlite3"
    with closing(sqlite3.connect(path)) as db, db:  # as amoor wrote it, user_version 0
        db.execute(
            "CREATE TABLE contents (sha256 TEXT PRIMARY KEY, name TEXT NOT NULL, "
            "reference TEXT NOT NULL, folder TEXT NOT NULL, at TEXT NOT NULL)"
        )
        db.execute(
            "CREATE TABLE journal (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, "
            "name TEXT NOT NULL, kind TEXT NOT NULL, line TEXT NOT NULL)"
        )
        db.execute(
            "INSERT INTO contents VALUES (?, ?, ?, ?, ?)",
            ("a" * 64, "mission.xlsx", "2026-014", "outbox/x", "2026-11-25T10:00:00"),
        )

    done = Depot(path).done("a" * 64)

    assert done == Done(
        "a" * 64, "mission.xlsx", "2026-014", "outbox/x", datetime(2026, 11, 25, 10)
    )
    assert _version(path) == SCHEMA_VERSION


def test_a_depot_from_a_later_amoor_is_refused_not_misread(tmp_path: Path) -> None:
    path = tmp_path / "depot.sqlite3"
    with closing(sqlite3.connect(path)) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(DepotError, match=r"version plus récente d.amoor.*Mettez amoor à jour"):
        Depot(path).count()
