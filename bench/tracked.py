"""The tracked update of a hand-edited Cahier, against plain docxtpl (issue 11).

The Saint-Aubin-des-Brumes Cahier des charges is built, edited as the
consultant of the issue does (a paragraph rewritten, two added, a register row
deleted, a heading renamed), then the workbook changes (a stakeholder added,
another scenario retained) and the Cahier is rendered again. What is timed is
:func:`pipeline.tracked.merge.update` alone (reading the three documents, the
three-way update, the comments, the package written, its own check), the
median of several runs, against the median of a plain docxtpl render + save of
the same Cahier (``bench.prepared``'s baseline).

A second figure does the same with the Cahier as LibreOffice writes it back
once merely opened and saved (``soffice --convert-to docx``): its markup is
LibreOffice's (explicit styles, renamed style ids, runs and properties spelled
out), so reading it and matching its styles is part of the update's cost.

A third scales it: the same story on a 500-stakeholder engagement,
the update against the build of that workbook.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from bench.prepared import WORKBOOK, prepared_figures
from bench.workbooks import Shape, write_workbook
from pipeline import model as m

TODAY = date(2026, 11, 25)
RUNS = 7
TARGET_RATIO = 3.0  # the update reads three documents: within three plain renders
TARGET_SCALED = 1.0  # within the time of building the workbook again


def _story(root: Path, workbook: Path) -> tuple[bytes, bytes, bytes, float]:
    """(base, edited, new) Cahiers of ``workbook``'s story, and the second build's time."""
    import docx
    import openpyxl

    from pipeline.build import build
    from pipeline.workspace import init_workspace

    workspace = init_workspace(root / "espace")
    source = root / workbook.name
    shutil.copyfile(workbook, source)
    build(source, workspace, TODAY)
    cahier = next(workspace.outbox.glob("*/Cahier des charges*.docx"))
    base = cahier.read_bytes()
    document = docx.Document(str(cahier))
    paragraphs = [p for p in document.paragraphs if len(p.text) > 80]
    paragraphs[0].runs[0].text = "Paragraphe réécrit par la consultante."
    for run in paragraphs[0].runs[1:]:
        run._r.getparent().remove(run._r)
    for text in ("Premier ajout de la consultante.", "Second ajout de la consultante."):
        paragraphs[len(paragraphs) // 2].insert_paragraph_before(text)
    register = max(document.tables, key=lambda t: len(t.rows))
    register._tbl.remove(register.rows[2]._tr)
    document.save(str(cahier))
    edited = cahier.read_bytes()
    book = openpyxl.load_workbook(source)
    book["Parties prenantes"].append(
        ["Collectif des commerçants ambulants", "Associations", "Rôle.", 1, 1, "Informer", None]
    )
    book.save(source)
    started = time.perf_counter()
    build(source, workspace, TODAY)
    elapsed = time.perf_counter() - started
    new = next(cahier.parent.glob("*(nouvelle version).docx")).read_bytes()
    return base, edited, new, elapsed


def _saved_by_libreoffice(cahier: bytes, root: Path) -> bytes | None:
    """``cahier`` opened and saved by LibreOffice (as .docx); None without LibreOffice."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    source, out = root / "cahier.docx", root / "saved"
    source.write_bytes(cahier)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(root / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return (out / "cahier.docx").read_bytes()


def _median_update(base: bytes, edited: bytes, new: bytes, runs: int) -> tuple[float, int]:
    from pipeline.tracked.merge import update

    times, changes = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        changes = update(base, edited, new, TODAY).changes
        times.append(time.perf_counter() - started)
    return statistics.median(times), changes


def run(report: Callable[[str], None]) -> bool:
    with tempfile.TemporaryDirectory(prefix="amoor-bench-tracked-") as scratch:
        root = Path(scratch)
        base, edited, new, _ = _story(root / "example", WORKBOOK)
        seconds, changes = _median_update(base, edited, new, RUNS)
        plain = prepared_figures(RUNS)["plain"] / 1000
        ratio = seconds / plain
        met = ratio <= TARGET_RATIO
        report(f"Tracked update of the edited Cahier ({WORKBOOK.stem}), median of {RUNS} runs")
        report(f"  {f'tracked update ({changes} revisions)':<36}{seconds * 1000:7.1f} ms")
        report(f"  {'plain docxtpl, render + save':<36}{plain * 1000:7.1f} ms")
        report(
            f"  {'ratio':<36}{ratio:7.2f}×   target ≤ "
            f"{TARGET_RATIO:g}×   {'met' if met else 'MISSED'}"
        )
        saved = _saved_by_libreoffice(base, root)
        if saved is None:
            report("  LibreOffice-saved Cahier: skipped (LibreOffice absent)")
        else:
            seconds, changes = _median_update(base, saved, new, RUNS)
            ratio_saved = seconds / plain
            met = met and ratio_saved <= TARGET_RATIO
            report(f"The Cahier opened and saved by LibreOffice, median of {RUNS} runs")
            report(f"  {f'tracked update ({changes} revisions)':<36}{seconds * 1000:7.1f} ms")
            report(
                f"  {'ratio to plain docxtpl':<36}{ratio_saved:7.2f}×   target ≤ "
                f"{TARGET_RATIO:g}×   {'met' if ratio_saved <= TARGET_RATIO else 'MISSED'}"
            )
        scaled = write_workbook(root / "scaled.xlsx", Shape(m.Offer.CONCERTATION, stakeholders=500))
        base, edited, new, build_seconds = _story(root / "scaled", scaled)
        seconds, changes = _median_update(base, edited, new, 3)
        share = seconds / build_seconds
        scaled_met = share <= TARGET_SCALED
        report("The same story with 500 stakeholders, median of 3 runs")
        report(f"  {f'tracked update ({changes} revisions)':<36}{seconds:7.2f} s")
        report(f"  {'build of the changed workbook':<36}{build_seconds:7.2f} s")
        report(
            f"  {'update / build':<36}{share:7.2f}×   target ≤ "
            f"{TARGET_SCALED:g}×   {'met' if scaled_met else 'MISSED'}"
        )
    return met and scaled_met
