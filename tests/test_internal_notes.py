"""What is internal stays internal (issue 20, item 1).

« Notes internes » (« Parties prenantes ») is read and never printed: a phrase typed
there appears in no document that leaves the firm, for every offer: every .docx
(every part of it: body, headers, footers, properties), every PDF made with
``--pdf``, the rating grid. The grid handed to the collectivité holds no price,
IBAN, contact, internal note or command name; filled by the collectivité and
built, it ranks the dispositifs of its engagement and takes no invoice number.
"""

from __future__ import annotations

import html
import re
import subprocess
import zipfile
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import openpyxl
import pytest

from pipeline import model as m
from pipeline.build import build
from pipeline.formats import money
from pipeline.invoicing.billing import PdfService
from pipeline.invoicing.ledger import Ledger
from pipeline.watch.outcome import Kind
from pipeline.workbook.blank import blank_workbook
from pipeline.workbook.reader import read_engagement
from pipeline.workspace import Workspace
from tests.conftest import EXAMPLES, TEST_FIRM, TODAY
from tests.libreoffice import PDFTOTEXT, needs_libreoffice
from tests.office import needs_uno
from tests.samples import nothing_under_header, set_mission_field, without_ratings
from tests.watching import OBSERVERS, copy_into, watching

NOTE = "Zorglubien : ne lui confiez jamais la présidence du comité"
MARK = "Zorglubien"  # one word: found in a PDF whatever its line breaks
STRATEGIE = next(p for p in EXAMPLES if "strategie" in p.name)
GRID = "Kit R.O.I. citoyen - Grille de notation - 2026-021.xlsx"
COMMANDS = re.compile(r"amoor\s+(build|analyse|workbook|init|watch|rebuild|invoice)|lancez", re.I)


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PdfService]:
    """One warm LibreOffice for the module, with a profile of its own."""
    service = PdfService(tmp_path_factory.mktemp("lo-profile-internal") / "profile")
    yield service
    service.close()


def _with_note(source: Path, target: Path) -> tuple[Path, str]:
    """``source`` with NOTE typed in the « Notes internes » of its first stakeholder,
    and that stakeholder's name (printed in the deliverables, unlike the note)."""
    book = openpyxl.load_workbook(source)
    sheet = book["Parties prenantes"]
    header = next(r for r in sheet.iter_rows() if any(c.value == "Notes internes" for c in r))
    columns = {c.value: c.column for c in header}
    row = header[0].row + 1
    sheet.cell(row, columns["Notes internes"], NOTE)
    book.save(target)
    return target, str(sheet.cell(row, columns["Nom"]).value)


def _xml_text(package: Path) -> str:
    """Every text of an Office file, whatever part holds it, tags removed."""
    with zipfile.ZipFile(package) as archive:
        parts = [n for n in archive.namelist() if n.endswith((".xml", ".rels"))]
        raw = " ".join(archive.read(n).decode("utf-8") for n in parts)
    return html.unescape(re.sub(r"<[^>]+>", "", raw))  # « &#233; » is « é »


def _pdf_text(pdf: Path) -> str:
    assert PDFTOTEXT is not None
    done = subprocess.run([PDFTOTEXT, "-enc", "UTF-8", str(pdf), "-"], capture_output=True)
    return done.stdout.decode("utf-8")


def _sent(folder: Path, kept: str) -> list[Path]:
    """The documents of an engagement folder that leave the firm (not its workbook copy)."""
    return [
        p
        for p in sorted(folder.iterdir())
        if p.suffix in (".docx", ".pdf", ".xlsx") and p.name != kept
    ]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_a_note_typed_in_notes_internes_reaches_no_document(
    example: Path, workspace: Workspace, tmp_path: Path
) -> None:
    noted, name = _with_note(example, tmp_path / example.name)
    assert (
        next(s for s in read_engagement(noted).stakeholders if s.name == name).internal_notes
        == NOTE
    )

    result = build(noted, workspace, today=TODAY)

    assert result.commit is not None
    sent = _sent(result.commit.folder, noted.name)
    docx = [p for p in sent if p.suffix == ".docx"]
    assert len(docx) >= 2  # the offer's documents (and its proforma, when priced)
    texts = {p.name: _xml_text(p) for p in sent}
    assert any(name in text for text in texts.values())  # the stakeholder is printed…
    for document, text in texts.items():
        assert MARK not in text, document  # …their internal note never
    assert MARK in _xml_text(result.commit.folder / noted.name)  # kept, for the consultant


@pytest.mark.libreoffice
@needs_libreoffice
@needs_uno
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_nor_any_pdf_made_with_the_docx(
    example: Path, workspace: Workspace, tmp_path: Path, pdf: PdfService
) -> None:
    noted, name = _with_note(example, tmp_path / example.name)

    result = build(noted, workspace, TODAY, pdf=pdf, with_pdf=True)

    assert result.commit is not None and pdf.export_notice is None
    pdfs = [p for p in _sent(result.commit.folder, noted.name) if p.suffix == ".pdf"]
    assert len(pdfs) >= 2
    texts = {p.name: _pdf_text(p) for p in pdfs}
    assert any(name.split(",")[0] in " ".join(t.split()) for t in texts.values())
    for document, text in texts.items():
        assert MARK not in text, document


@pytest.mark.slow
def test_the_grid_holds_no_price_iban_contact_note_or_command(
    workspace: Workspace, tmp_path: Path
) -> None:
    noted, _ = _with_note(STRATEGIE, tmp_path / STRATEGIE.name)
    result = build(noted, workspace, today=TODAY)
    assert result.commit is not None
    grid = result.commit.folder / GRID
    text = _xml_text(grid)  # cells, input messages, properties: all of it
    engagement = read_engagement(noted)

    book = openpyxl.load_workbook(grid)
    assert book.sheetnames == [
        "Lisez-moi",
        "Mission",
        "Critères ROI",
        "Dispositifs",
        "Notation ROI",
    ]
    assert [r[0].value for r in book["Mission"].iter_rows(min_row=2)] == [
        "Référence",
        "Offre",
        "Intitulé",
        "Collectivité",
    ]
    assert nothing_under_header(book["Notation ROI"])  # empty, even though the example was rated
    assert engagement.ratings
    for device in engagement.devices:
        assert device.name in text  # what is rated is there

    assert MARK not in text and "Notes internes" not in text
    assert "IBAN" not in text and str(TEST_FIRM["iban"]) not in text
    assert "Prix" not in text and " HT" not in text and "Échéancier" not in text
    assert not any(option.name in text for option in engagement.options)
    prices = [o.unit_price for o in engagement.options if o.unit_price is not None]
    assert not any(money(p) in text for p in prices)
    assert "@" not in text and "Contact" not in text
    assert not any(s.contact and s.contact in text for s in engagement.stakeholders)
    people = [s.name for s in engagement.stakeholders if s.name.startswith(("Mme ", "M. "))]
    assert people and not any(person in text for person in people)
    assert not COMMANDS.search(text), COMMANDS.search(text)


def _fill(grid: Path, target: Path) -> Path:
    """The collectivité's secretary types the ratings into the grid, as received."""
    book = openpyxl.load_workbook(grid)
    sheet = book["Notation ROI"]
    headers = {c.value: c.column for c in sheet[1]}
    criteria = [
        h for h in headers if h not in ("Participant", "Public", "Dispositif", "Commentaire")
    ]
    typed = {"D1": "Très bien", "D3": "Passable", "D6": "Insuffisant"}
    row = 2
    for participant, public in (("Anne", "Élu"), ("Marc", "Agent"), ("Inès", "Citoyen")):
        for device, grade in typed.items():
            sheet.cell(row, headers["Participant"], participant)
            sheet.cell(row, headers["Public"], public)
            sheet.cell(row, headers["Dispositif"], device)
            for code in criteria:
                sheet.cell(row, headers[code], grade)
            row += 1
    book.save(target)
    return target


@pytest.mark.slow
def test_the_filled_grid_ranks_its_engagements_dispositifs_and_takes_no_number(
    workspace: Workspace, tmp_path: Path
) -> None:
    unrated = without_ratings(STRATEGIE, tmp_path / "sans notes.xlsx")
    issued = set_mission_field(unrated, tmp_path / STRATEGIE.name, "Facture", "À émettre")
    first = build(issued, workspace, today=TODAY)
    assert first.invoice_number is not None and first.commit is not None
    ledger = Ledger.of(workspace)
    numbers = [r.number for r in ledger.list_invoices()]

    filled = _fill(first.commit.folder / GRID, tmp_path / "Grille remplie.xlsx")

    result = build(filled, workspace, today=TODAY)

    roi = result.analysis.roi
    assert roi is not None
    assert [r.code for r in roi.ranking] == ["D1", "D3", "D6"]
    # Unanimous: nobody above or below the majority grade, so the gauge says « ⁻ ».
    assert [r.overall.mention for r in roi.ranking] == ["Très bien⁻", "Passable⁻", "Insuffisant⁻"]
    assert result.engagement.mission.reference == "2026-021"
    assert result.invoice_number == first.invoice_number
    assert [r.number for r in Ledger.of(workspace).list_invoices()] == numbers  # none taken


def test_a_workbook_without_the_column_still_reads(tmp_path: Path) -> None:
    source = next(p for p in EXAMPLES if "saint-aubin" in p.name)
    book = openpyxl.load_workbook(source)
    sheet = book["Parties prenantes"]
    header = next(r for r in sheet.iter_rows() if any(c.value == "Notes internes" for c in r))
    sheet.delete_cols(next(c.column for c in header if c.value == "Notes internes"))
    book.save(tmp_path / "ancien.xlsx")

    engagement = read_engagement(tmp_path / "ancien.xlsx")

    assert engagement.stakeholders and all(s.internal_notes == "" for s in engagement.stakeholders)
    assert not any("Notes internes" in w for w in engagement.warnings)
    assert read_engagement(source).stakeholders != engagement.stakeholders  # the notes, only


@pytest.mark.slow
@OBSERVERS
def test_a_filled_grid_dropped_in_the_inbox_completes_its_engagement(
    workspace: Workspace, tmp_path: Path, polling: bool
) -> None:
    unrated = without_ratings(STRATEGIE, tmp_path / "sans notes.xlsx")
    issued = set_mission_field(unrated, tmp_path / STRATEGIE.name, "Facture", "À émettre")
    first = build(issued, workspace, today=TODAY)
    assert first.commit is not None
    filled = _fill(first.commit.folder / GRID, tmp_path / "Grille remplie.xlsx")
    stray = set_mission_field(filled, tmp_path / "Autre grille.xlsx", "Référence", "2026-099")

    with watching(workspace, polling) as run:
        copy_into(filled, workspace.inbox, filled.name, tmp_path)
        (done,) = run.wait_for(Kind.PROCESSED)
        copy_into(stray, workspace.inbox, stray.name, tmp_path)
        (refused,) = run.wait_for(Kind.REJECTED)

    assert done.folder == first.commit.folder and done.invoice == first.invoice_number
    assert len(read_engagement(first.commit.folder / STRATEGIE.name).ratings) == 9
    assert [r.number for r in Ledger.of(workspace).list_invoices()] == [first.invoice_number]
    assert "aucune mission de Référence « 2026-099 »" in refused.reason


def test_the_blank_says_role_et_attentes_is_published_and_notes_internes_is_not() -> None:
    for offer in m.Offer:
        book = openpyxl.load_workbook(BytesIO(blank_workbook(offer)))
        readme = "\n".join(str(c.value) for c in book["Lisez-moi"]["A"] if c.value)
        assert "« Rôle et attentes » est publié" in readme
        assert "« Notes internes », qui n'est jamais imprimé" in readme
        sheet = book["Parties prenantes"]
        headers = [c.value for c in sheet[1]]
        assert headers[-1] == "Notes internes"
        prompts = {
            sheet.cell(1, r.min_col).value: dv.prompt
            for dv in sheet.data_validations.dataValidation
            for r in dv.sqref.ranges
        }
        assert prompts["Rôle et attentes"].startswith("Publié : ce texte figure dans les documents")
        assert "« Notes internes »" in prompts["Rôle et attentes"]
        assert "Jamais imprimé" in prompts["Notes internes"]


@pytest.mark.slow
def test_two_grids_built_at_once_both_keep_their_ratings(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two people's grids of one engagement, built by two workers at the same time: the
    second reads the kept workbook only once the first has written it back."""
    import threading
    import time

    from pipeline import build as flow

    unrated = without_ratings(STRATEGIE, tmp_path / "sans notes.xlsx")
    first = build(unrated, workspace, today=TODAY)
    assert first.commit is not None
    grid = first.commit.folder / GRID
    mine = _fill(grid, tmp_path / "Grille Anne.xlsx")
    theirs = tmp_path / "Grille Paul.xlsx"
    book = openpyxl.load_workbook(mine)
    sheet = book["Notation ROI"]
    for row in range(2, sheet.max_row + 1):  # other people: their ratings add up
        name = sheet.cell(row, 1).value
        if name:
            sheet.cell(row, 1, f"{name} bis")
    book.save(theirs)

    entered = threading.Event()
    real = flow.complete_engagement

    def slow(*args: object, **kwargs: object) -> tuple[str, bytes]:
        completed = real(*args, **kwargs)  # type: ignore[arg-type]
        entered.set()
        time.sleep(0.5)  # the other worker arrives while this one holds the kept copy
        return completed

    monkeypatch.setattr(flow, "complete_engagement", slow)
    errors: list[BaseException] = []

    def run(grid: Path) -> None:
        try:
            build(grid, workspace, today=TODAY)
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    one = threading.Thread(target=run, args=(mine,))
    one.start()
    assert entered.wait(60)
    two = threading.Thread(target=run, args=(theirs,))
    two.start()
    one.join(120)
    two.join(120)

    assert errors == []
    kept = read_engagement(first.commit.folder / unrated.name)
    assert len(kept.ratings) == 18  # 9 of each grid, none lost


@pytest.mark.slow
def test_amoor_analyse_reads_a_filled_grid_with_its_engagement_and_writes_nothing(
    workspace: Workspace, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from pipeline.cli import cli

    unrated = without_ratings(STRATEGIE, tmp_path / "sans notes.xlsx")
    first = build(unrated, workspace, today=TODAY)
    assert first.commit is not None
    filled = _fill(first.commit.folder / GRID, tmp_path / "Grille remplie.xlsx")
    before = {p: p.read_bytes() for p in workspace.outbox.rglob("*") if p.is_file()}

    result = CliRunner().invoke(
        cli, ["--workspace", str(workspace.root), "analyse", "--json", str(filled)]
    )

    assert result.exit_code == 0, result.output
    import json

    ranking = json.loads(result.output)["ranking"]
    assert [r["code"] for r in ranking] == ["D1", "D3", "D6"]
    assert {p: p.read_bytes() for p in workspace.outbox.rglob("*") if p.is_file()} == before
    elsewhere = CliRunner().invoke(
        cli, ["--workspace", str(tmp_path / "ailleurs"), "analyse", str(filled)]
    )
    assert elsewhere.exit_code != 0
    assert "n'est pas un espace de travail amoor" in elsewhere.output


@pytest.mark.slow
def test_the_original_workbook_dropped_again_never_loses_the_grids_ratings(
    workspace: Workspace, tmp_path: Path
) -> None:
    unrated = without_ratings(STRATEGIE, tmp_path / "sans notes.xlsx")
    first = build(unrated, workspace, today=TODAY)
    assert first.commit is not None
    build(_fill(first.commit.folder / GRID, tmp_path / "Grille remplie.xlsx"), workspace, TODAY)
    kept = first.commit.folder / unrated.name
    assert len(read_engagement(kept).ratings) == 9

    again = build(unrated, workspace, today=TODAY)  # the consultant's own copy, no ratings

    aside = first.commit.folder / (
        f"sans notes (avec les notes des grilles, copie du {TODAY.isoformat()}).xlsx"
    )
    assert len(read_engagement(aside).ratings) == 9  # nothing lost
    assert read_engagement(kept).ratings == ()  # the documents follow the workbook dropped
    (notice,) = [n for n in again.notices if "grille de notation" in n]
    assert "9 note(s) R.O.I." in notice and aside.name in notice
    assert again.commit is not None and aside in again.commit.written
    quiet = build(unrated, workspace, today=TODAY)  # the same workbook again: nothing to say
    assert not [n for n in quiet.notices if "grille de notation" in n]
