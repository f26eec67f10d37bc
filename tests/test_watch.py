"""The drop folder with a real watchdog observer on a temporary workspace (issue 9).

Every acceptance item of the watcher itself, each for the native observer and for the
polling one (network shares). The kill, Ctrl-C and one-watcher-per-workspace items run
``amoor watch`` as its own process: tests/test_watch_cli.py.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import docx
import pytest

from pipeline.invoicing.ledger import Ledger
from pipeline.watch import inbox, wording
from pipeline.watch.outcome import Kind
from pipeline.watch.processed import Depot
from pipeline.watch.watcher import _Handler
from pipeline.workspace import Workspace
from tests.samples import set_mission_field
from tests.test_broken_workbooks import NOT_A_WORKBOOK, PROBLEMS
from tests.watching import (
    BROKEN,
    INVOICED,
    OBSERVERS,
    VALID,
    copy_into,
    drop,
    watching,
    workbook,
)


@pytest.mark.slow
@OBSERVERS
def test_excel_style_save_is_processed_once_and_lock_files_are_ignored(
    workspace: Workspace, tmp_path: Path, polling: bool
) -> None:
    box = workspace.inbox
    others = {
        "~$Mission.xlsx": b"owner",  # Excel's owner file, while the workbook is open
        ".~lock.Mission.xlsx#": b"lock",  # LibreOffice's lock
        "._Mission.xlsx": b"mac",  # macOS resource fork on a share
        "Mission.xlsx.tmp": b"tmp",
        "Thumbs.db": b"thumbs",
        "desktop.ini": b"[.ShellClassInfo]",
    }
    with watching(workspace, polling) as run:
        for name, data in others.items():
            (box / name).write_bytes(data)
        # Excel: the workbook written to an extension-less temp file, then renamed.
        temp = box / "3A2F1B00"
        temp.write_bytes(VALID.read_bytes())
        temp.rename(box / "Mission.xlsx")
        processed = run.wait_for(Kind.PROCESSED)
        run.settle()
    assert [o.name for o in processed] == ["Mission.xlsx"]
    assert [o.name for o in run.of(Kind.RECEIVED)] == ["Mission.xlsx"]
    assert not run.of(Kind.REJECTED)
    assert (box / inbox.PROCESSED_FOLDER / "Mission.xlsx").read_bytes() == VALID.read_bytes()
    for name, data in others.items():  # someone else's files, untouched
        assert (box / name).read_bytes() == data
    assert [p.name for p in processed[0].written] == [
        "Cahier des charges - 2026-900.docx",
        "Kit de communication - 2026-900.docx",
        "Facture proforma - 2026-900.docx",
    ]


@pytest.mark.slow
@OBSERVERS
def test_a_file_written_slowly_is_processed_once_when_complete(
    workspace: Workspace, polling: bool
) -> None:
    data = VALID.read_bytes()
    chunks = [data[i : i + len(data) // 10 + 1] for i in range(0, len(data), len(data) // 10 + 1)]
    with watching(workspace, polling) as run:
        with (workspace.inbox / "Lent.xlsx").open("wb") as handle:
            for chunk in chunks:  # a network copy: over two seconds
                handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
                time.sleep(2.0 / len(chunks))
        complete = time.monotonic()
        run.wait_for(Kind.PROCESSED)
        taken = time.monotonic()
        run.settle()
    assert taken > complete
    assert [o.kind for o in run.outcomes] == [Kind.RECEIVED, Kind.PROCESSED]
    assert not (workspace.inbox / inbox.ERRORS_FOLDER).exists()


@pytest.mark.slow
@OBSERVERS
def test_the_same_workbook_twice_runs_once_and_takes_one_invoice_number(
    workspace: Workspace, tmp_path: Path, polling: bool
) -> None:
    source = workbook(tmp_path / "source.xlsx", "2026-301", INVOICED)
    box = workspace.inbox
    with watching(workspace, polling) as run:
        copy_into(source, box, "Mission.xlsx", tmp_path)
        first = run.wait_for(Kind.PROCESSED)[0]
        copy_into(source, box, "Mission.xlsx", tmp_path)  # same name
        copy_into(source, box, "Copie de Mission.xlsx", tmp_path)  # another name
        duplicates = run.wait_for(Kind.DUPLICATE, 2)
        run.settle()
        assert len(run.of(Kind.PROCESSED)) == 1
        # Modified: another run, which replaces the deliverables; still one invoice.
        set_mission_field(source, tmp_path / "v2.xlsx", "Intitulé", "Place du marché, phase 2")
        drop(tmp_path / "v2.xlsx", box, "Mission.xlsx")
        second = run.wait_for(Kind.PROCESSED, 2)[1]
    assert first.invoice == second.invoice == "F-2026-0001"
    assert {d.earlier.name for d in duplicates if d.earlier} == {"Mission.xlsx"}
    assert [r.number for r in Ledger.of(workspace).list_invoices()] == ["F-2026-0001"]
    assert Depot.of(workspace).count() == 2
    assert second.folder == first.folder
    assert not list(box.glob("*.xlsx"))  # every dropped file has left inbox/, none lost
    kept = sorted(p.name for p in (box / inbox.PROCESSED_FOLDER).iterdir())
    assert kept == ["Copie de Mission.xlsx", "Mission (2).xlsx", "Mission.xlsx"]


@pytest.mark.slow
@OBSERVERS
def test_bad_inputs_go_to_errors_with_their_report_and_the_watcher_goes_on(
    workspace: Workspace, tmp_path: Path, polling: bool
) -> None:
    box = workspace.inbox
    errors = box / inbox.ERRORS_FOLDER
    bad = ["truncated.xlsx", "ods-renamed.xlsx", "several-problems.xlsx"]
    with watching(workspace, polling, unreadable_after=1.5) as run:
        for name in bad:
            copy_into(BROKEN / name, box, name, tmp_path)
        copy_into(VALID, box, "Bon.xlsx", tmp_path)
        run.wait_for(Kind.REJECTED, 3)
        run.wait_for(Kind.PROCESSED)
        # The corrected workbook dropped again under its name: its old report is put away.
        copy_into(VALID, box, "several-problems.xlsx", tmp_path)
        run.wait(lambda: len(run.of(Kind.PROCESSED)) + len(run.of(Kind.DUPLICATE)) >= 2)
    assert sorted(o.name for o in run.of(Kind.REJECTED)) == sorted(bad)
    for name in ("truncated.xlsx", "ods-renamed.xlsx"):
        report = (errors / f"{name} - erreurs.txt").read_text(encoding="utf-8")
        assert NOT_A_WORKBOOK[name] in report
        assert (errors / name).read_bytes() == (BROKEN / name).read_bytes()
    old = errors / inbox.OLD_VERSIONS_FOLDER
    report = (old / "several-problems.xlsx - erreurs.txt").read_text(encoding="utf-8")
    for _sheet, _cell, problem in PROBLEMS["several-problems.xlsx"]:
        assert f"  - {problem}" in report  # every problem: sheet, cell, found, what to do
    assert "Que faire : ouvrez « several-problems.xlsx »" in report
    original = (BROKEN / "several-problems.xlsx").read_bytes()
    assert (old / "several-problems.xlsx").read_bytes() == original
    assert not (errors / "several-problems.xlsx").exists()
    assert sorted(p.name for p in errors.iterdir() if p.is_file()) == [
        "ods-renamed.xlsx",
        "ods-renamed.xlsx - erreurs.txt",
        "truncated.xlsx",
        "truncated.xlsx - erreurs.txt",
    ]


@pytest.mark.slow
@OBSERVERS
def test_an_exception_inside_processing_does_not_stop_the_watcher(
    workspace: Workspace, tmp_path: Path, polling: bool
) -> None:
    from pipeline.build import build

    def failing_once(path: Path, *args: object, **kwargs: object) -> object:
        if path.name == "Panne.xlsx":
            raise RuntimeError("a bug inside the build")
        return build(path, *args, **kwargs)  # type: ignore[arg-type]

    with watching(workspace, polling, build=failing_once) as run:
        copy_into(VALID, workspace.inbox, "Panne.xlsx", tmp_path)
        copy_into(workbook(tmp_path / "b.xlsx", "2026-302"), workspace.inbox, "B.xlsx", tmp_path)
        run.wait_for(Kind.PROCESSED)
        run.wait_for(Kind.REJECTED)  # the two files settle in any order
    rejected = run.of(Kind.REJECTED)
    assert [o.name for o in rejected] == ["Panne.xlsx"]
    report = (workspace.inbox / "erreurs" / "Panne.xlsx - erreurs.txt").read_text("utf-8")
    assert "erreur interne" in report and ".amoor/amoor.log" in report


@OBSERVERS
# The observer thread's death is the point: pytest would turn it into an error.
@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_dead_observer_is_restarted_and_what_came_meanwhile_is_processed(
    workspace: Workspace, tmp_path: Path, polling: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    dispatch = _Handler.dispatch

    def raising_once(self: _Handler, event: object) -> None:
        calls.append("event")
        if len(calls) == 1:
            raise RuntimeError("a handler that raises kills watchdog's observer thread")
        dispatch(self, event)  # type: ignore[arg-type]

    monkeypatch.setattr(_Handler, "dispatch", raising_once)
    # No periodic rescan during the test: only the restart's own scan can find the file.
    with watching(workspace, polling, rescan_every=600) as run:
        first = run.watcher.observer
        drop(workbook(tmp_path / "a.xlsx", "2026-303"), workspace.inbox, "A.xlsx")
        run.wait_for(Kind.PROCESSED)
        assert run.watcher.restarts == 1
        assert first is not None and not first.is_alive()
        drop(workbook(tmp_path / "b.xlsx", "2026-304"), workspace.inbox, "B.xlsx")
        run.wait_for(Kind.PROCESSED, 2)  # the new observer's own event
    assert [o.name for o in run.of(Kind.PROCESSED)] == ["A.xlsx", "B.xlsx"]


@pytest.mark.slow
@OBSERVERS
def test_a_deliverable_edited_by_hand_is_left_intact_by_the_watcher(
    workspace: Workspace, tmp_path: Path, polling: bool
) -> None:
    source = workbook(tmp_path / "source.xlsx", "2026-302")
    with watching(workspace, polling) as run:
        copy_into(source, workspace.inbox, "Mission.xlsx", tmp_path)
        first = run.wait_for(Kind.PROCESSED)[0]
        cahier = next(p for p in first.written if p.name.startswith("Cahier des charges"))
        edited = docx.Document(str(cahier))
        edited.add_paragraph("Clause ajoutée par la consultante.")
        edited.save(str(cahier))
        by_hand = cahier.read_bytes()
        set_mission_field(source, tmp_path / "v2.xlsx", "Intitulé", "Place du marché, phase 2")
        drop(tmp_path / "v2.xlsx", workspace.inbox, "Mission.xlsx")
        second = run.wait_for(Kind.PROCESSED, 2)[1]
    assert cahier.read_bytes() == by_hand  # the consultant's edit, untouched
    ((kept, beside),) = second.kept
    assert kept == cahier
    assert beside.name == cahier.name.replace(".docx", " (nouvelle version).docx")
    assert beside.is_file()
    line = next(text for text in wording.details(second) if "modifié à la main" in text)
    assert line.startswith("mis à jour en suivi : ")
    assert cahier.name in line and beside.name in line
