"""The LibreOffice harness itself (tests/office.py): what it reports is what LibreOffice does.

A small document made with python-docx; one LibreOffice for the session (the ``office``
fixture). These tests stay fast: each request is a fraction of a second.
"""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from tests.office import Office, OfficeError, Step, needs_uno

pytestmark = [pytest.mark.libreoffice, needs_uno]

AUTHOR = "Claire Martin"
SENTENCE = "La place accueille le marché du samedi et la brocante d’automne."


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """A heading, two paragraphs and a two-row table, as python-docx writes them."""
    document = docx.Document()
    document.add_heading("Contexte", level=1)
    document.add_paragraph(SENTENCE)
    document.add_paragraph("Le conseil municipal décide.")
    table = document.add_table(rows=2, cols=2)
    for row, (name, role) in enumerate(
        [("Mme Nadia Ferhat", "Élue"), ("M. Paul Rivière", "Habitant")]
    ):
        table.cell(row, 0).text = name
        table.cell(row, 1).text = role
    path = tmp_path / "petit.docx"
    document.save(str(path))
    return path


@pytest.fixture
def commented(small: Path, tmp_path: Path) -> Path:
    """``small`` with a Word comment (``w:comment``) on the first sentence."""
    document = docx.Document(str(small))
    paragraph = next(p for p in document.paragraphs if p.text == SENTENCE)
    document.add_comment(paragraph.runs, text="À vérifier avec la mairie", author="Relecteur")
    path = tmp_path / "commente.docx"
    document.save(str(path))
    return path


def test_resave_keeps_the_text(office: Office, small: Path, tmp_path: Path) -> None:
    resaved = tmp_path / "resaved.docx"
    office.resave(small, resaved)
    read = office.read(resaved)
    assert read.paragraphs[:3] == ["Contexte", SENTENCE, "Le conseil municipal décide."]
    assert read.tables == [[["Mme Nadia Ferhat", "Élue"], ["M. Paul Rivière", "Habitant"]]]
    assert read.redlines == [] and read.comments == []
    assert SENTENCE in [p.text for p in docx.Document(str(resaved)).paragraphs]


def test_replace_mid_paragraph(office: Office, small: Path, tmp_path: Path) -> None:
    edited = tmp_path / "edited.docx"
    office.edit(small, edited, [{"op": "replace", "old": "du samedi", "new": "du dimanche"}])
    read = office.read(edited)
    assert read.paragraphs[1] == SENTENCE.replace("du samedi", "du dimanche")
    assert read.redlines == []


def test_tracked_replacement_accepted_and_rejected(
    office: Office, small: Path, tmp_path: Path
) -> None:
    edited = tmp_path / "tracked.docx"
    steps: list[Step] = [
        {"op": "track", "on": True},
        {"op": "replace", "old": "décide", "new": "vote"},
    ]
    office.edit(small, edited, steps, author=AUTHOR)

    read = office.read(edited)
    assert {(r.type, r.text) for r in read.redlines} == {("Delete", "décide"), ("Insert", "vote")}
    assert {r.author for r in read.redlines} == {AUTHOR}
    assert all(r.date[:4].isdigit() for r in read.redlines)

    accepted = office.accept_all(edited)
    assert accepted.paragraphs[2] == "Le conseil municipal vote."
    assert accepted.redlines == []
    rejected = office.reject_all(edited)
    assert rejected.paragraphs[2] == "Le conseil municipal décide."
    assert rejected.redlines == []


def test_comments_survive_accept_and_reject(
    office: Office, commented: Path, tmp_path: Path
) -> None:
    """A view of a commented document kills LibreOffice nogui: the harness never makes one."""
    edited = tmp_path / "commented-tracked.docx"
    steps: list[Step] = [
        {"op": "track", "on": True},
        {"op": "replace", "old": "décide", "new": "vote"},
    ]
    office.edit(commented, edited, steps, author=AUTHOR)
    starts = office.starts

    for read in (office.accept_all(edited), office.reject_all(edited)):
        assert read.redlines == []
        assert [(c.author, c.content, c.anchor) for c in read.comments] == [
            ("Relecteur", "À vérifier avec la mairie", SENTENCE)
        ]
    assert office.accept_all(edited).paragraphs[2] == "Le conseil municipal vote."
    assert office.starts == starts, "LibreOffice was restarted: it crashed"


def test_delete_row(office: Office, small: Path, tmp_path: Path) -> None:
    edited = tmp_path / "row.docx"
    office.edit(small, edited, [{"op": "delete_row", "containing": "Nadia Ferhat"}])
    assert office.read(edited).tables == [[["M. Paul Rivière", "Habitant"]]]


def test_a_refused_step_is_an_error(office: Office, small: Path) -> None:
    with pytest.raises(OfficeError, match="introuvable"):
        office.run(small, [{"op": "replace", "old": "absent du document", "new": "x"}])
