"""Every « Mission » field at its longest allowed value builds; one step further is refused
with its sheet and cell. Never « erreur interne ».

The longest value of each field is derived from the schema, so a new field is
covered as soon as it exists: a free text gets 100 000 characters (far beyond
Excel's 32 767), a limited text or number its exact maximum, a date Excel's
last day (the invoice's: today). List values are short and decide what is
built: the example's own are kept, but the invoice is issued (« À émettre »),
so that the buyer's fields reach the Factur-X XML.
What cannot hold such a value is shortened where it is metadata (Word's core
properties hold 255 characters, file and folder names are cut by the outbox)
and written in full everywhere else.
"""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import docx
import openpyxl
import pytest

from pipeline import model as m
from pipeline.build import build
from pipeline.errors import WorkbookError
from pipeline.names import MAX_NAME
from pipeline.render.package import PROPERTY_MAX, fit_property
from pipeline.workbook.kinds import CODE, MONEY_MAX, Choice, Date, Digits, Money, Siret, Text
from pipeline.workbook.mission_fields import MISSION
from pipeline.workbook.reader import read_engagement
from pipeline.workbook.schema_types import Column
from pipeline.workspace import Workspace
from tests.conftest import EXAMPLES, TODAY

FREE_TEXT_LENGTH = 100_000
EXCEL_CELL_MAX = 32_767
LAST_EXCEL_DAY = datetime(9999, 12, 31)
VALID_SIRET = "21750001600019"
TEXTS = {
    # Words: the shortened core properties end after a word.
    "mots": "Réaménagement concerté de la place du marché & de ses abords, phase 2 ; ",
    # One word without a space: cut inside it.
    "un-seul-mot": "Réaménagement",
}
STRATEGIE = next(p for p in EXAMPLES if p.name.startswith("strategie"))
STOPPED = next(p for p in EXAMPLES if "arretee" in p.name)  # an invoice issued, a decision note


def _offer(example: Path) -> m.Offer:
    return read_engagement(example).offer


def _fields(offer: m.Offer) -> list[Column]:
    return [column for column in MISSION.fields if offer in column.offers]


def _longest(column: Column, offer: m.Offer, text: str) -> Any:
    """The longest value ``column`` accepts in a workbook of ``offer``."""
    kind = column.for_offer(offer).kind
    if column.attr == "invoice_mode":
        return m.InvoiceMode.A_EMETTRE.value  # the buyer's fields reach the Factur-X XML
    if column.refers_to or isinstance(kind, Choice):
        # A code of another sheet, or a value from a short list that decides what is built
        # (offer, stage): the example's own is kept.
        return None
    if kind == CODE:
        return _code(CODE.max_length)
    if isinstance(kind, Text) and kind.free_text:
        return (text * (FREE_TEXT_LENGTH // len(text) + 1))[:FREE_TEXT_LENGTH]
    if isinstance(kind, Text) and kind.max_length is not None and kind.pattern is None:
        return ("EJ-2026-" + "0123456789" * 10)[: kind.max_length]
    if isinstance(kind, Digits):
        return "9" * kind.length
    if isinstance(kind, Siret):
        return VALID_SIRET
    if isinstance(kind, Date):
        # An invoice is dated today at the latest, and so is a workshop the stage says held
        # (the mission starting before it); other dates may be Excel's last day.
        return (
            datetime.combine(TODAY, datetime.min.time())
            if column.attr in ("invoice_date", "workshop_date", "start_date")
            else LAST_EXCEL_DAY
        )
    if isinstance(kind, Money):
        return float(MONEY_MAX)
    raise AssertionError(f"no longest value known for « {column.header} » ({kind!r})")


def _code(length: int | None) -> str:
    return ("2026-014_" + "A" * 100)[:length]


def _with_mission(source: Path, target: Path, values: dict[str, Any]) -> dict[str, str]:
    """``source`` with « Mission » values replaced (by header); returns each field's cell.

    openpyxl cuts a text at 32 767 characters when a cell is assigned, as Excel
    does; a longer one is written in the archive's shared strings directly.
    """
    book = openpyxl.load_workbook(source)
    sheet = book[MISSION.name]
    cells = {str(row[0].value): row[1] for row in sheet.iter_rows(min_row=2)}
    long_texts: dict[str, str] = {}
    for header, value in values.items():
        if isinstance(value, str) and len(value) > EXCEL_CELL_MAX:
            marker = f"amoor-long-text-{len(long_texts)}-"
            long_texts[marker] = value
            value = marker
        cells[header].value = value
        if isinstance(value, str):
            cells[header].data_type = "s"
    book.save(target)
    if long_texts:
        _replace_strings(target, long_texts)
    return {header: cell.coordinate for header, cell in cells.items()}


def _replace_strings(workbook: Path, texts: dict[str, str]) -> None:
    """Each marker's cell text (shared or inline string) replaced by its text."""
    with zipfile.ZipFile(workbook) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    for marker, text in texts.items():
        tag = f">{marker}<".encode()
        (name,) = (name for name, data in parts.items() if tag in data)
        parts[name] = parts[name].replace(tag, f">{escape(text)}<".encode())
    with zipfile.ZipFile(workbook, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("example", "text"),
    [(example, TEXTS["mots"]) for example in EXAMPLES]
    + [(example, TEXTS["un-seul-mot"]) for example in (STRATEGIE, STOPPED)],
    ids=[f"{example.stem}-mots" for example in EXAMPLES]
    + [f"{example.stem}-un-seul-mot" for example in (STRATEGIE, STOPPED)],
)
def test_every_mission_field_at_its_longest_builds(
    example: Path, text: str, workspace: Workspace, tmp_path: Path
) -> None:
    offer = _offer(example)
    values = {c.header: _longest(c, offer, text) for c in _fields(offer)}
    workbook = tmp_path / example.name
    _with_mission(example, workbook, {h: v for h, v in values.items() if v is not None})

    result = build(workbook, workspace, today=TODAY)

    mission = result.engagement.mission
    assert len(mission.title) == len(mission.collectivite) == FREE_TEXT_LENGTH
    assert result.commit is not None
    assert result.invoice_number is not None  # « À émettre »: the buyer's fields reach the XML
    written = [*result.commit.written, *(p for c in result.other_commits for p in c.written)]
    assert any(path.name.startswith("Facture F-") for path in written)
    for path in written:
        assert len(path.name.encode()) <= MAX_NAME, path.name
        assert len(path.parent.name.encode()) <= MAX_NAME, path.parent.name
        if path.suffix == ".docx":
            properties = docx.Document(str(path)).core_properties
            for value in (properties.title, properties.subject, properties.identifier):
                assert len(value) <= PROPERTY_MAX, path.name
            assert properties.subject.endswith("…"), path.name  # the collectivité, shortened
        if path.suffix == ".xlsx":
            assert len(openpyxl.load_workbook(path).properties.title) <= PROPERTY_MAX


def test_the_issue_s_intitule_and_collectivite_are_shortened_in_the_properties_only(
    workspace: Workspace, tmp_path: Path
) -> None:
    """An « Intitulé » of 235 characters, a « Collectivité » of 256: « erreur interne »
    before, because Word's core properties hold 255 characters."""
    title = ("Concertation sur le réaménagement de la place " * 6)[:235]
    collectivite = ("Communauté de communes des Hautes-Combes et du Val " * 6)[:256]
    workbook = tmp_path / "long.xlsx"
    _with_mission(EXAMPLES[0], workbook, {"Intitulé": title, "Collectivité": collectivite})

    result = build(workbook, workspace, today=TODAY)

    assert result.commit is not None
    cahier = next(p for p in result.commit.written if p.name.startswith("Cahier"))
    document = docx.Document(str(cahier))
    properties = document.core_properties
    assert properties.title == fit_property(f"Cahier des charges — {title}")
    assert properties.title.endswith("…") and len(properties.title) <= PROPERTY_MAX
    assert properties.subject == fit_property(collectivite)
    assert len(properties.subject) <= PROPERTY_MAX
    assert (collectivite + " ").startswith(properties.subject.removesuffix("…") + " ")
    # The documents themselves hold the whole values.
    text = "\n".join(p.text for p in document.paragraphs)
    assert collectivite.strip() in text


TOO_LONG = {
    "Référence": _code(CODE.max_length + 1),
    "Numéro d'engagement": "EJ-" + "9" * 48,  # 51 characters
    "Code postal": "750011",
    "SIRET": VALID_SIRET + "0",
    "Prix de base HT": float(MONEY_MAX) + 0.01,
}


def test_every_limited_mission_field_is_refused_one_step_beyond() -> None:
    limited = {
        c.header
        for c in MISSION.fields
        if isinstance(c.kind, Digits | Siret | Money)
        or (isinstance(c.kind, Text) and c.kind.max_length is not None and not c.refers_to)
    }
    assert limited == TOO_LONG.keys()


@pytest.mark.parametrize("header", TOO_LONG, ids=TOO_LONG.keys())
def test_a_mission_field_one_step_beyond_its_limit_is_refused_naming_its_cell(
    header: str, workspace: Workspace, tmp_path: Path
) -> None:
    workbook = tmp_path / "trop-long.xlsx"
    cells = _with_mission(EXAMPLES[0], workbook, {header: TOO_LONG[header]})

    with pytest.raises(WorkbookError) as refused:
        build(workbook, workspace, today=TODAY)

    assert f"Feuille « Mission », cellule {cells[header]} :" in str(refused.value)
    assert not workspace.outbox.exists() or not any(workspace.outbox.iterdir())


def test_an_invoice_date_after_today_is_refused_naming_its_cell(
    workspace: Workspace, tmp_path: Path
) -> None:
    workbook = tmp_path / "demain.xlsx"
    cells = _with_mission(EXAMPLES[0], workbook, {"Date de facture": datetime(2026, 11, 26)})

    with pytest.raises(WorkbookError) as refused:
        build(workbook, workspace, today=TODAY)

    assert f"Feuille « Mission », cellule {cells['Date de facture']} :" in str(refused.value)
    assert "« Date de facture »" in str(refused.value)
    assert date(2026, 11, 26) > TODAY
