"""Deterministic output: the same inputs give the same bytes, so « unchanged » is a comparison.

The inputs are the workbook's bytes, the templates, the configuration and the
build date; neither the clock, nor the process (hash seed), nor the workspace
may show in a ``.docx`` or ``.xlsx``. Each example is built in two new
processes with different hash seeds, into two fresh workspaces, then once more
into the first one.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from pathlib import Path

import docx
import openpyxl
import pytest

from pipeline import model as m
from pipeline.installation import bundled
from pipeline.render.docx import render_docx
from pipeline.render.invoice_context import invoice_context
from pipeline.render.package import ZIP_EPOCH, fit_property, stable_package
from pipeline.workbook.blank import blank_workbook
from tests.conftest import EXAMPLES, ROOT, TODAY
from tests.test_invoice_document import STANDARD

PACKAGES = (".docx", ".xlsx")

# One build in a new process: its clock, hash seed and memory are its own.
_BUILD = """
import sys
from datetime import date
from pathlib import Path
from pipeline.build import build
from pipeline.workspace import Workspace, init_workspace
from tests.conftest import configure_test_firm

root, today, workbooks = Path(sys.argv[1]), date.fromisoformat(sys.argv[2]), sys.argv[3:]
workspace = Workspace.open(root) if root.exists() else configure_test_firm(init_workspace(root))
for workbook in workbooks:
    build(Path(workbook), workspace, today=today)
"""


def _build(root: Path, hash_seed: str) -> None:
    subprocess.run(
        [sys.executable, "-c", _BUILD, str(root), TODAY.isoformat(), *map(str, EXAMPLES)],
        cwd=ROOT,
        env={**os.environ, "PYTHONHASHSEED": hash_seed},
        check=True,
        timeout=600,
    )


def _packages(root: Path) -> dict[Path, Path]:
    """Every .docx and .xlsx amoor made in the outbox (the workbook copies aside)."""
    outbox, sources = root / "outbox", {p.name for p in EXAMPLES}
    return {
        path.relative_to(outbox): path
        for path in sorted(outbox.rglob("*"))
        if path.suffix in PACKAGES and path.name not in sources
    }


def _core_dates(package: bytes) -> tuple[str, str]:
    """(created, modified) as the package's docProps/core.xml writes them."""
    with zipfile.ZipFile(BytesIO(package)) as archive:
        core = archive.read("docProps/core.xml").decode()
    return _element(core, "dcterms:created"), _element(core, "dcterms:modified")


def _element(xml: str, tag: str) -> str:
    start = xml.index(">", xml.index(f"<{tag}")) + 1
    return xml[start : xml.index(f"</{tag}>", start)]


def _entry_dates(package: bytes) -> set[tuple[int, ...]]:
    with zipfile.ZipFile(BytesIO(package)) as archive:
        return {info.date_time for info in archive.infolist()}


@dataclass(frozen=True)
class Built:
    first: Path  # built, then rebuilt from the same workbooks
    second: Path  # built once, by another process with another hash seed
    before: dict[Path, bytes]  # the first workspace's packages before the rebuild
    stamps: dict[Path, int]  # and their modification times


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    base = tmp_path_factory.mktemp("deterministic")
    first, second = base / "premier", base / "second"
    _build(first, hash_seed="1")
    packages = _packages(first)
    before = {name: path.read_bytes() for name, path in packages.items()}
    stamps = {name: path.stat().st_mtime_ns for name, path in packages.items()}
    _build(second, hash_seed="2")
    _build(first, hash_seed="3")  # the same workbooks again, into the same workspace
    return Built(first, second, before, stamps)


@pytest.mark.slow
def test_each_offer_gives_docx_xlsx_and_invoices_to_compare(built: Built) -> None:
    names = [name.name for name in built.before]
    assert {name.parent for name in built.before} == {
        name.parent for name in _packages(built.first)
    }
    assert len({name.parent for name in built.before}) == len(EXAMPLES)
    assert any(n.startswith("Facture proforma") and n.endswith(".docx") for n in names)
    assert any(n.startswith("Facture F-") and n.endswith(".docx") for n in names)  # issued
    assert any(n.startswith("Kit R.O.I. citoyen - Grille") and n.endswith(".xlsx") for n in names)
    assert sum(n.endswith(".docx") for n in names) >= 2 * len(EXAMPLES)


@pytest.mark.slow
def test_two_fresh_workspaces_hold_byte_identical_packages(built: Built) -> None:
    ours, theirs = _packages(built.first), _packages(built.second)
    assert ours.keys() == theirs.keys() == built.before.keys()
    different = [str(n) for n in theirs if theirs[n].read_bytes() != built.before[n]]
    assert different == []


@pytest.mark.slow
def test_a_rebuild_into_the_same_workspace_changes_no_byte(built: Built) -> None:
    packages = _packages(built.first)
    assert {name: path.read_bytes() for name, path in packages.items()} == built.before
    # Same bytes, so the outbox had nothing to write: not one file was touched.
    assert {name: path.stat().st_mtime_ns for name, path in packages.items()} == built.stamps


@pytest.mark.slow
def test_every_package_is_dated_by_its_document_never_by_the_clock(built: Built) -> None:
    """Zip entries carry the document's own date: the build date, or for an invoice
    (rendered from its ledger record, whatever the day) its template's."""
    build_day = f"{TODAY.isoformat()}T00:00:00Z"
    for name, data in built.before.items():
        created, modified = _core_dates(data)
        day = datetime.fromisoformat(modified.removesuffix("Z"))
        assert _entry_dates(data) == {day.timetuple()[:6]}, name
        if not name.name.startswith("Facture"):
            assert (created, modified) == (build_day, build_day), name


def test_the_same_template_context_and_day_render_the_same_bytes() -> None:
    template = bundled("templates_docx") / "facture.docx"
    context = invoice_context(STANDARD, demo=False)
    once = render_docx(template, context, dated=TODAY)
    assert render_docx(template, context, dated=TODAY) == once
    other_day = render_docx(template, context, dated=date(2027, 1, 4))
    assert _core_dates(other_day) == ("2027-01-04T00:00:00Z", "2027-01-04T00:00:00Z")
    assert _entry_dates(other_day) == {(2027, 1, 4, 0, 0, 0)}
    # Without a day, the template's own dates are kept (an invoice re-rendered from its record).
    kept = render_docx(template, context)
    assert _core_dates(kept) == _core_dates(template.read_bytes())


@pytest.mark.parametrize("offer", list(m.Offer), ids=lambda o: o.name.lower())
def test_a_blank_workbook_is_the_same_every_time(offer: m.Offer) -> None:
    """A blank is nobody's document yet: no day of its own, the same bytes every day."""
    data = blank_workbook(offer)
    assert blank_workbook(offer) == data
    assert _entry_dates(data) == {ZIP_EPOCH.timetuple()[:6]}
    epoch = f"{ZIP_EPOCH.isoformat()}Z"
    assert _core_dates(data) == (epoch, epoch)
    assert openpyxl.load_workbook(BytesIO(data)).sheetnames[1] == "Mission"


def test_a_rewritten_package_keeps_its_entries_order_and_contents() -> None:
    original = (bundled("templates_docx") / "facture.docx").read_bytes()
    rewritten = stable_package(original, datetime(2031, 7, 14))
    with zipfile.ZipFile(BytesIO(original)) as a, zipfile.ZipFile(BytesIO(rewritten)) as b:
        assert a.namelist() == b.namelist()
        assert all(a.read(name) == b.read(name) for name in a.namelist())
        assert {info.date_time for info in b.infolist()} == {(2031, 7, 14, 0, 0, 0)}
        assert {info.external_attr >> 16 for info in b.infolist()} == {0o644}
    assert docx.Document(BytesIO(rewritten)).core_properties.title == "{{ doc.heading|safe }}"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Court", "Court"),
        ("a" * 255, "a" * 255),  # exactly what Word holds: kept as it is
        ("mot " * 64, "mot " * 62 + "mot…"),  # 256 characters: cut after a word
        ("x" * 300, "x" * 254 + "…"),  # one word longer than the limit: cut inside
        ("a" * 200 + " b" + "\u202f:" + "c" * 60, "a" * 200 + "…"),  # not at a no-break space
        ("mot, " * 60, ("mot, " * 50).rstrip(", ") + "…"),  # no dangling comma
    ],
    ids=["short", "255", "256-words", "one-word", "no-break-space", "punctuation"],
)
def test_a_core_property_is_shortened_after_a_word_with_an_ellipsis(
    value: str, expected: str
) -> None:
    shortened = fit_property(value)
    assert len(shortened) <= 255
    assert shortened == expected
