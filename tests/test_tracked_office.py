"""Tracked updates into documents as office suites write them (issue 19).

Every document here was last written by LibreOffice itself, driven through UNO
(tests/office.py): opened and saved, taken through .odt and back, edited (a
sentence rewritten mid-paragraph, paragraphs added, a table row deleted, a
heading renamed, a word bolded, a page break, a comment), with tracked changes
of another author. What the update makes is then accepted and rejected *by
LibreOffice* (its Accept All / Reject All commands) and read back by it. Word
is not here: its save is rebuilt from the markup it is documented to write
(tests/word_markup.py).
"""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

from pipeline.build import BuildResult, build
from pipeline.outbox import Tracked
from pipeline.tracked.content import content_text
from pipeline.tracked.merge import update
from pipeline.tracked.package import Package
from pipeline.tracked.review import accept_all, reject_all
from pipeline.tracked.units import TOC, Reading, Unit, blocks, w
from pipeline.tracked.wording import hand_edits
from pipeline.workspace import Workspace, init_workspace
from tests.conftest import EXAMPLES, TODAY, configure_test_firm
from tests.office import Office, needs_uno
from tests.word_markup import as_word_saves_it

LATER = TODAY + timedelta(days=7)  # the rebuild: every cover's date changes too
NEWCOMER = "Collectif des commerçants ambulants"
SAINT_AUBIN = "saint-aubin"
AUTHOR = "Claire Martin"
ADDED = "Ajout suivi de la consultante : une réunion des agents d’accueil en janvier."


@dataclass
class Built:
    workspace: Workspace
    sources: list[Path]  # the workbooks, copied into the test's folder

    def deliverables(self) -> list[Path]:
        """Every Word deliverable amoor wrote (not the versions written beside)."""
        return sorted(
            p
            for p in self.workspace.outbox.glob("*/*.docx")
            if "(nouvelle version)" not in p.name and "(mise à jour suivie)" not in p.name
        )

    def source(self, fragment: str) -> Path:
        return next(p for p in self.sources if fragment in p.name)

    def document(self, prefix: str, fragment: str = "2026-014") -> Path:
        return next(
            p for p in self.deliverables() if p.name.startswith(prefix) and fragment in p.name
        )


def built_examples(root: Path, only: str = "") -> Built:
    workspace = configure_test_firm(init_workspace(root / "espace"))
    sources = []
    for example in EXAMPLES:
        if only not in example.name:
            continue
        source = root / example.name
        shutil.copyfile(example, source)
        build(source, workspace, TODAY)
        sources.append(source)
    return Built(workspace, sources)


def change_workbook(path: Path, newcomer: str = NEWCOMER) -> None:
    """A stakeholder added after a meeting and the workshop moved a week; at Saint-Aubin, the
    runner-up scenario retained instead of the recommended one."""
    book = openpyxl.load_workbook(path)
    book["Parties prenantes"].append(
        [newcomer, "Associations", "Veulent garder leurs emplacements.", 1, 1, "Informer", None]
    )
    mission = book["Mission"]
    for row in range(1, mission.max_row + 1):
        field, cell = mission.cell(row, 1).value, mission.cell(row, 2)
        if field == "Date de l'atelier" and cell.value is not None:
            cell.value = cell.value + timedelta(days=7)
        if field == "Scénario retenu" and SAINT_AUBIN in path.name:
            cell.value = "S4"
    book.save(path)


def rebuilt(built: Built, day: date = LATER) -> dict[Path, Tracked]:
    """Every workbook built again; the tracked update of each hand-edited document."""
    found: dict[Path, Tracked] = {}
    for source in built.sources:
        result: BuildResult = build(source, built.workspace, day)
        for commit in (result.commit, *result.other_commits):
            if commit is not None:
                found.update({t.edited: t for t in commit.tracked})
    return found


def beside(document: Path, what: str) -> Path:
    return document.with_name(f"{document.stem} ({what}).docx")


def contents(data: bytes) -> list[str]:
    """Every paragraph's words (tables' cells included), page breaks and markup aside
    (content.py), the table of contents aside: its entries are the office suite's."""
    return passages(Package(data, "edited").root)


def resolved(data: bytes, *, accept: bool) -> list[str]:
    root = Package(data, "edited").root
    return passages((accept_all if accept else reject_all)(root))


def passages(root: etree._Element) -> list[str]:
    body = root.find(w("body"))
    assert body is not None
    return list(_leaves(blocks(body, Reading(str))))


def _leaves(units: list[Unit]) -> Iterator[str]:
    for unit in units:
        if unit.children:
            yield from _leaves(unit.children)
        elif unit.kind != TOC:
            yield from (content_text(p) for p in unit.element.iter(w("p")))


# -- opened and saved: exactly the update -----------------------------------------------------


@pytest.mark.libreoffice
@needs_uno
@pytest.mark.parametrize("trip", ["docx", "odt"])
def test_a_deliverable_only_opened_and_saved_receives_exactly_the_update(
    office: Office, tmp_path: Path, trip: str
) -> None:
    """Each Word deliverable of every example, saved by LibreOffice (or taken through .odt
    and back), then the workbooks change: the same modifications as for the untouched
    file, no conflict, and accepting them all gives the new version word for word."""
    built = built_examples(tmp_path)
    originals = {}
    for document in built.deliverables():
        originals[document] = document.read_bytes()
        saved = tmp_path / "saved" / document.name
        saved.parent.mkdir(exist_ok=True)
        (office.resave if trip == "docx" else office.through_odt)(document, saved)
        shutil.copyfile(saved, document)
        assert document.read_bytes() != originals[document]  # LibreOffice's markup now
    for source in built.sources:
        change_workbook(source)
    tracked = rebuilt(built)

    updated = 0
    for document, original in originals.items():
        new_version = beside(document, "nouvelle version")
        if not new_version.exists():  # an issued invoice never changes
            assert document not in tracked, document.name
            continue
        new = new_version.read_bytes()
        untouched = update(original, original, new, LATER)
        outcome = tracked[document]
        assert outcome.written is not None, (document.name, outcome.reason)
        assert (outcome.changes, outcome.conflicts) == (untouched.changes, 0), document.name
        written = outcome.written.read_bytes()
        assert resolved(written, accept=True) == contents(new), document.name
        assert resolved(written, accept=False) == contents(document.read_bytes()), document.name
        updated += 1
    assert updated >= 10  # every deliverable but the issued invoice

    cahier = built.document("Cahier des charges")
    tracked_cahier = tracked[cahier].written
    assert tracked_cahier is not None
    _cover_break_and_cell_formatting_hold(tracked_cahier.read_bytes())
    # Accepted and rejected by LibreOffice itself, read back by it.
    assert body(office.accept_all(tracked_cahier).paragraphs) == body(
        office.read(beside(cahier, "nouvelle version")).paragraphs
    )
    rejected, before = office.reject_all(tracked_cahier), office.read(cahier)
    assert (rejected.paragraphs, rejected.tables) == (before.paragraphs, before.tables)


TOC_ENTRY = re.compile(r"\d+(\.\d+)*\. ")


def body(paragraphs: list[str]) -> list[str]:
    """The paragraphs as LibreOffice reads them, the table of contents aside: a tracked
    update leaves the consultant's table as it was (one unit, a computed field); Word's
    field update or LibreOffice's index update renews it. Its entries are the numbered
    lines after « Table des matières » (a heading's own number is not its text)."""
    if "Table des matières" not in paragraphs:
        return paragraphs
    start = end = paragraphs.index("Table des matières") + 1
    while end < len(paragraphs) and TOC_ENTRY.match(paragraphs[end]):
        end += 1
    return paragraphs[:start] + paragraphs[end:]


def _cover_break_and_cell_formatting_hold(data: bytes) -> None:
    """The cover's page break is still one, outside any revision, after its date changed;
    a number rewritten in a table cell takes the formatting of the number it replaces."""
    root = Package(data, "edited").root
    date_line = next(p for p in root.iter(w("p")) if plain(content_text(p)).startswith("Date :"))
    assert "2 décembre 2026" in plain(content_text(accept_all(date_line)))
    (page_break,) = [b for b in date_line.iter(w("br")) if b.get(w("type")) == "page"]
    assert not {etree.QName(a).localname for a in page_break.iterancestors()} & {"ins", "del"}
    cells = [
        p
        for cell in root.iter(w("tc"))
        for p in cell.iter(w("p"))
        if p.find(w("ins")) is not None and p.find(w("del")) is not None
    ]
    assert cells
    for p in cells:
        deleted = next(p.find(w("del")).iter(w("r")))
        for inserted in p.find(w("ins")).iter(w("r")):
            assert _look(inserted) == _look(deleted), content_text(p)


def plain(text: str) -> str:
    """No-break spaces (French typography) as plain ones."""
    return text.replace("\xa0", " ").replace("\u202f", " ")


def _look(run: etree._Element) -> bytes:
    properties = run.find(w("rPr"))
    return b"" if properties is None else etree.tostring(properties, method="c14n")


@pytest.mark.slow
@pytest.mark.parametrize("toc_control", [True, False], ids=["toc-in-control", "toc-bare"])
def test_a_deliverable_opened_and_saved_by_word_receives_exactly_the_update(
    tmp_path: Path, toc_control: bool
) -> None:
    """Word's save (rsids, split runs, w14 ids, proofing marks, _GoBack, an updated table
    of contents in a content control or bare): the same modifications, no conflict."""
    built = built_examples(tmp_path, only=SAINT_AUBIN)
    originals = {d: d.read_bytes() for d in built.deliverables()}
    for document, original in originals.items():
        document.write_bytes(as_word_saves_it(original, toc_control=toc_control))
    change_workbook(built.source(SAINT_AUBIN))
    tracked = rebuilt(built)
    for document, original in originals.items():
        new = beside(document, "nouvelle version").read_bytes()
        untouched = update(original, original, new, LATER)
        outcome = tracked[document]
        assert outcome.written is not None, (document.name, outcome.reason)
        assert (outcome.changes, outcome.conflicts) == (untouched.changes, 0), document.name
        written = outcome.written.read_bytes()
        assert resolved(written, accept=True) == contents(new), document.name
        assert resolved(written, accept=False) == contents(document.read_bytes()), document.name


# -- the consultant's own work, in LibreOffice ------------------------------------------------

CAHIER_EDITS = [
    {  # a sentence rewritten mid-paragraph
        "op": "replace",
        "old": "précise le cadre de la mission",
        "new": "fixe, après deux réunions de travail, le cadre de la mission",
    },
    {
        "op": "insert_after",
        "starts_with": "Les scénarios suivants",
        "texts": [
            "Ajout de la consultante : la balade du samedi partira du marché couvert.",
            "Ajout de la consultante : prévoir un interprète en langue des signes.",
        ],
    },
    {"op": "delete_row", "containing": "Mme Nadia Ferhat"},
    {"op": "set_paragraph", "starts_with": "Contexte", "text": "Contexte local et historique"},
    {"op": "bold", "text": "confiée à"},
    {"op": "page_break_before", "starts_with": "Les scénarios suivants"},
    {
        "op": "comment",
        "on": "Réaménagement",
        "text": "Titre validé par le maire.",
        "author": AUTHOR,
    },
]
NEW_FACTS = (
    NEWCOMER,
    "Parties prenantes recensées : 36",
    "S4 — Panel citoyen tiré au sort",
    "Scénario retenu par la collectivité.",
    "lors de l’atelier du 21 mars 2026",
)
REPLACED = (
    "Parties prenantes recensées : 35",
    # The workshop's report, dated two weeks after it: the other sheets (calendar lines,
    # communication actions) still say « 14 mars 2026 », the cahier's calendar too.
    "28 mars 2026",
    "À surveiller (5)",
    "Scénario recommandé par l’atelier R.O.I. citoyen (jugement majoritaire), à confirmer",
    "(recommandé par l’atelier)",
)
HAND_EDITS = (
    "fixe, après deux réunions de travail, le cadre de la mission",
    "Ajout de la consultante : la balade du samedi partira du marché couvert.",
    "Ajout de la consultante : prévoir un interprète en langue des signes.",
    "Contexte local et historique",
)


@pytest.mark.libreoffice
@needs_uno
def test_edited_in_libreoffice_the_update_accepted_and_rejected_by_libreoffice(
    office: Office, tmp_path: Path
) -> None:
    built = built_examples(tmp_path, only=SAINT_AUBIN)
    cahier = built.document("Cahier des charges")
    rows = office.read(cahier).text.count("Mme Nadia Ferhat")  # the register, the contacts
    edited = tmp_path / "edited.docx"
    office.edit(cahier, edited, CAHIER_EDITS, author=AUTHOR)
    shutil.copyfile(edited, cahier)
    before = office.read(cahier)
    assert before.text.count("Mme Nadia Ferhat") == rows - 1 and HAND_EDITS[0] in before.text
    change_workbook(built.source(SAINT_AUBIN))

    outcome = rebuilt(built)[cahier]
    assert outcome.written is not None, outcome.reason
    assert outcome.conflicts == 0 and outcome.changes >= 8
    assert cahier.read_bytes() == edited.read_bytes()  # their file is never touched

    accepted = office.accept_all(outcome.written)
    text = plain("\n".join(body(accepted.paragraphs)))
    for fact in (*NEW_FACTS, *HAND_EDITS):
        assert fact in text, fact
    for value in REPLACED:
        assert value not in text, value
    assert text.count("Mme Nadia Ferhat") == rows - 1  # the row they deleted stays deleted
    assert [c.content for c in accepted.comments] == ["Titre validé par le maire."]

    rejected = office.reject_all(outcome.written)
    assert rejected.paragraphs == before.paragraphs
    assert rejected.tables == before.tables


@pytest.mark.libreoffice
@needs_uno
def test_the_consultants_tracked_changes_stay_theirs(office: Office, tmp_path: Path) -> None:
    """A tracked deletion and a tracked replacement by another author, pending: the update
    is written around them; they keep their author and date; accepting all gives their
    edits and every new fact."""
    built = built_examples(tmp_path, only=SAINT_AUBIN)
    kit = built.document("Kit de communication")
    cahier = built.document("Cahier des charges")
    theirs = {
        cahier: [  # a replacement and a deletion in one paragraph
            {"op": "track", "on": True},
            {"op": "replace", "old": "précise le cadre", "new": "fixe le cadre"},
            {"op": "replace", "old": " par la collectivité", "new": ""},
        ],
        kit: [  # a replacement and an inserted paragraph
            {"op": "track", "on": True},
            {"op": "replace", "old": "premiers ambassadeurs", "new": "relais"},
            {"op": "insert_after", "starts_with": "Les élus et les agents", "texts": [ADDED]},
        ],
    }
    for document, steps in theirs.items():
        edited = tmp_path / f"suivi-{document.name}"
        office.edit(document, edited, steps, author=AUTHOR)
        shutil.copyfile(edited, document)
    their_marks = {
        document: [r for r in office.read(document).redlines if r.author == AUTHOR]
        for document in (cahier, kit)
    }
    assert len(their_marks[cahier]) >= 2 and their_marks[kit]
    change_workbook(built.source(SAINT_AUBIN))

    tracked = rebuilt(built)
    for document in (cahier, kit):
        outcome = tracked[document]
        assert outcome.written is not None, outcome.reason
        read = office.read(outcome.written)
        assert [r for r in read.redlines if r.author == AUTHOR] == their_marks[document]
        assert {r.author for r in read.redlines} == {AUTHOR, "amoor"}
    text = plain("\n".join(body(office.accept_all(tracked[cahier].written).paragraphs)))  # type: ignore[arg-type]
    kit_text = plain("\n".join(body(office.accept_all(tracked[kit].written).paragraphs)))  # type: ignore[arg-type]
    assert "relais" in kit_text and ADDED in kit_text and "Associations (7 parties" in kit_text
    (purpose,) = [line for line in text.splitlines() if line.startswith("Le présent cahier")]
    assert "fixe le cadre de la mission" in purpose and "précise le cadre" not in purpose
    assert "par la collectivité" not in purpose  # their deletion, accepted
    for fact in NEW_FACTS:
        assert fact in text, fact
    for value in REPLACED:
        assert value not in text, value


@pytest.mark.libreoffice
@needs_uno
def test_a_second_update_after_the_first_was_accepted_brings_only_what_is_new(
    office: Office, tmp_path: Path
) -> None:
    built = built_examples(tmp_path, only=SAINT_AUBIN)
    cahier = built.document("Cahier des charges")
    office.edit(cahier, tmp_path / "edited.docx", CAHIER_EDITS[:4], author=AUTHOR)
    shutil.copyfile(tmp_path / "edited.docx", cahier)
    change_workbook(built.source(SAINT_AUBIN))
    first = rebuilt(built)[cahier]
    assert first.written is not None
    # The consultant accepts everything in LibreOffice and saves it over their document.
    office.edit(first.written, tmp_path / "accepted.docx", [{"op": "accept_all"}])
    shutil.copyfile(tmp_path / "accepted.docx", cahier)

    change_workbook(built.source(SAINT_AUBIN), newcomer="Amicale des anciens forains")
    second = rebuilt(built, LATER + timedelta(days=1))[cahier]
    assert second.written is not None, second.reason
    assert second.conflicts == 0
    text = plain(office.accept_all(second.written).text)
    assert "Amicale des anciens forains" in text and "Parties prenantes recensées : 37" in text
    assert "Parties prenantes recensées : 36" not in text
    assert text.count(NEWCOMER) == plain(office.read(cahier).text).count(
        NEWCOMER
    )  # not added twice
    for edit in HAND_EDITS:
        assert edit in text


@pytest.mark.libreoffice
@needs_uno
def test_another_document_saved_under_a_deliverables_name_is_left_alone(
    office: Office, tmp_path: Path
) -> None:
    built = built_examples(tmp_path, only=SAINT_AUBIN)
    cahier, kit = built.document("Cahier des charges"), built.document("Kit de communication")
    office.resave(kit, tmp_path / "kit.docx")
    shutil.copyfile(tmp_path / "kit.docx", cahier)
    change_workbook(built.source(SAINT_AUBIN))
    result = build(built.source(SAINT_AUBIN), built.workspace, LATER)
    assert result.commit is not None
    summary = hand_edits(result.commit.kept, result.commit.tracked)  # what the CLI prints
    (line,) = [line for line in summary if cahier.name in line]
    assert line.startswith(f"laissé tel quel : « {cahier.name} » (modifié à la main) : ")
    assert "n'est pas une version de ce livrable" in line
    assert not beside(cahier, "mise à jour suivie").exists()
    assert beside(cahier, "nouvelle version").exists()
    with zipfile.ZipFile(cahier) as package:  # untouched
        assert package.read("word/document.xml") == zipfile.ZipFile(tmp_path / "kit.docx").read(
            "word/document.xml"
        )
