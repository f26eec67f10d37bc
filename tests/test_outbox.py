"""The outbox: safe names, atomic writes, hand-edited files never overwritten."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from pipeline import model as m
from pipeline.atomic import atomic_write
from pipeline.names import safe_name
from pipeline.outbox import Document, OutboxError, commit, engagement_folder, mission_folder

MISSION = m.Mission(
    reference="2026-014",
    offer=m.Offer.CONCERTATION,
    title="Place du marché",
    collectivite='Commune de "Saint-Aubin" : <Loire>/Val?',
    stage=m.Stage.CADRAGE,
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ('Commune de "Saint-Aubin" : <Loire>/Val?', "Commune de -Saint-Aubin- - -Loire--Val-"),
        ("Rapport.  ", "Rapport"),
        ("CON", "CON_"),
        ("   ", "sans-nom"),
    ],
)
def test_names_are_safe_on_windows(name: str, expected: str) -> None:
    assert safe_name(name) == expected


def test_long_names_are_shortened() -> None:
    assert len(safe_name("Communauté d'agglomération " * 20)) <= 120


def test_atomic_write_leaves_no_temp_file_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "a.docx"
    atomic_write(target, b"old")
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["a.docx"]


def test_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "a.docx"
    atomic_write(target, b"old")

    def crash(fd: int) -> None:
        raise OSError("disque plein")

    monkeypatch.setattr("os.fsync", crash)
    with pytest.raises(OSError, match="disque plein"):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.docx"]


def test_commit_writes_documents_and_keeps_the_workbook(tmp_path: Path) -> None:
    source = tmp_path / "mission.xlsx"
    source.write_bytes(b"classeur")
    outbox = tmp_path / "outbox"

    result = commit(
        mission_folder(outbox, MISSION),
        [Document("Cahier.docx", b"v1")],
        (source.name, source.read_bytes()),
    )

    folder = mission_folder(outbox, MISSION)
    assert result.folder == folder
    assert folder.name == "Commune de -Saint-Aubin- - -Loire--Val- - 2026-014"
    assert (folder / "Cahier.docx").read_bytes() == b"v1"
    assert (folder / "mission.xlsx").read_bytes() == b"classeur"
    assert source.exists()  # the input is never moved or deleted here
    assert result.written == (folder / "Cahier.docx",)


def test_rebuild_never_overwrites_a_hand_edited_document(tmp_path: Path) -> None:
    source = tmp_path / "mission.xlsx"
    source.write_bytes(b"classeur")
    outbox = tmp_path / "outbox"
    commit(
        mission_folder(outbox, MISSION),
        [Document("Cahier.docx", b"v1")],
        (source.name, source.read_bytes()),
    )
    folder = mission_folder(outbox, MISSION)

    # Untouched: a rebuild replaces it.
    commit(
        mission_folder(outbox, MISSION),
        [Document("Cahier.docx", b"v2")],
        (source.name, source.read_bytes()),
    )
    assert (folder / "Cahier.docx").read_bytes() == b"v2"

    # Edited in Word: kept, the new version goes beside it, and the rebuild says so.
    (folder / "Cahier.docx").write_bytes(b"v2 + corrections du consultant")
    result = commit(
        mission_folder(outbox, MISSION),
        [Document("Cahier.docx", b"v3")],
        (source.name, source.read_bytes()),
    )
    assert (folder / "Cahier.docx").read_bytes() == b"v2 + corrections du consultant"
    beside = folder / "Cahier (nouvelle version).docx"
    assert beside.read_bytes() == b"v3"
    assert result.kept == ((folder / "Cahier.docx", beside),)
    assert result.written == ()

    # The next rebuild refreshes the untouched new version instead of piling up copies.
    commit(
        mission_folder(outbox, MISSION),
        [Document("Cahier.docx", b"v4")],
        (source.name, source.read_bytes()),
    )
    assert beside.read_bytes() == b"v4"
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == [
        "Cahier (nouvelle version).docx",
        "Cahier.docx",
        "mission.xlsx",
    ]


def test_a_file_put_there_by_a_person_is_kept(tmp_path: Path) -> None:
    source = tmp_path / "mission.xlsx"
    source.write_bytes(b"classeur")
    folder = mission_folder(tmp_path / "outbox", MISSION)
    folder.mkdir(parents=True)
    (folder / "Cahier.docx").write_bytes(b"document du consultant")
    result = commit(
        mission_folder(tmp_path / "outbox", MISSION),
        [Document("Cahier.docx", b"v1")],
        (source.name, source.read_bytes()),
    )
    assert (folder / "Cahier.docx").read_bytes() == b"document du consultant"
    assert result.kept


def test_an_issued_invoice_file_is_never_rewritten(tmp_path: Path) -> None:
    folder = tmp_path / "outbox" / "mission"
    commit(folder, [Document("Facture F-1.pdf", b"issued", keep_existing=True)])
    result = commit(folder, [Document("Facture F-1.pdf", b"other bytes", keep_existing=True)])
    assert (folder / "Facture F-1.pdf").read_bytes() == b"issued"
    assert result.written == () and result.kept == ()
    (folder / "Facture F-1.pdf").unlink()  # lost: rebuilt from the ledger's record
    commit(folder, [Document("Facture F-1.pdf", b"issued", keep_existing=True)])
    assert (folder / "Facture F-1.pdf").read_bytes() == b"issued"


def test_a_crash_between_writes_does_not_pass_our_files_for_hand_edits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "outbox" / "mission"
    commit(folder, [Document("A.docx", b"a1"), Document("B.docx", b"b1")])
    real_write = atomic_write
    calls: list[Path] = []

    def crash_on_the_second(path: Path, data: bytes) -> None:
        calls.append(path)
        if path.name == "B.docx":
            raise KeyboardInterrupt  # killed half-way: A is new, B is old, manifest stale
        real_write(path, data)

    monkeypatch.setattr("pipeline.outbox.atomic_write", crash_on_the_second)
    with pytest.raises(KeyboardInterrupt):
        commit(folder, [Document("A.docx", b"a2"), Document("B.docx", b"b2")])
    monkeypatch.setattr("pipeline.outbox.atomic_write", real_write)

    result = commit(folder, [Document("A.docx", b"a2"), Document("B.docx", b"b2")])
    assert result.kept == ()  # neither file is taken for a hand edit
    assert (folder / "A.docx").read_bytes() == b"a2"
    assert (folder / "B.docx").read_bytes() == b"b2"


def test_a_long_collectivite_never_cuts_the_reference(tmp_path: Path) -> None:
    name = "Communauté d'agglomération des communes réunies du Val d'Argent " * 3
    first = engagement_folder(tmp_path, name, "2026-014")
    second = engagement_folder(tmp_path, name, "2026-015")
    assert first.name.endswith(" - 2026-014") and second.name.endswith(" - 2026-015")
    assert len(first.name) <= 120


def test_one_workbook_copy_per_folder(tmp_path: Path) -> None:
    folder = tmp_path / "mission"
    commit(folder, [Document("A.docx", b"a")], ("ancien nom.xlsx", b"v1"))
    commit(folder, [Document("A.docx", b"a")], ("nouveau nom.xlsx", b"v2"))
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == [
        "A.docx",
        "nouveau nom.xlsx",
    ]


def test_a_file_locked_by_word_gives_a_french_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked(self: Path, target: Path) -> None:
        raise PermissionError(13, "Permission denied", str(target))

    monkeypatch.setattr(Path, "replace", locked)
    with pytest.raises(OutboxError, match="fermez-le") as caught:
        commit(tmp_path / "mission", [Document("A.docx", b"a")])
    assert "Impossible d'écrire" in str(caught.value)


def test_written_files_get_the_usual_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    os.umask(umask)
    target = tmp_path / "a.docx"
    atomic_write(target, b"x")
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
