"""The outbox: safe names, atomic writes, hand-edited files never overwritten."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import model as m
from pipeline.outbox import Document, atomic_write, commit, mission_folder, safe_name

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

    result = commit(mission_folder(outbox, MISSION), [Document("Cahier.docx", b"v1")], source)

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
    commit(mission_folder(outbox, MISSION), [Document("Cahier.docx", b"v1")], source)
    folder = mission_folder(outbox, MISSION)

    # Untouched: a rebuild replaces it.
    commit(mission_folder(outbox, MISSION), [Document("Cahier.docx", b"v2")], source)
    assert (folder / "Cahier.docx").read_bytes() == b"v2"

    # Edited in Word: kept, the new version goes beside it, and the rebuild says so.
    (folder / "Cahier.docx").write_bytes(b"v2 + corrections du consultant")
    result = commit(mission_folder(outbox, MISSION), [Document("Cahier.docx", b"v3")], source)
    assert (folder / "Cahier.docx").read_bytes() == b"v2 + corrections du consultant"
    beside = folder / "Cahier (nouvelle version).docx"
    assert beside.read_bytes() == b"v3"
    assert result.kept == ((folder / "Cahier.docx", beside),)
    assert result.written == ()

    # The next rebuild refreshes the untouched new version instead of piling up copies.
    commit(mission_folder(outbox, MISSION), [Document("Cahier.docx", b"v4")], source)
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
        mission_folder(tmp_path / "outbox", MISSION), [Document("Cahier.docx", b"v1")], source
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
