"""Hand-edited documents receive updates as Word tracked changes (issue 11).

The story of the issue: a Cahier des charges generated, edited by the
consultant with python-docx, then the workbook and a template clause change;
the rebuild (and the watcher) writes « … (mise à jour suivie).docx », whose
revisions, accepted, give every hand edit and every new fact, and, rejected,
give exactly the consultant's document.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner, Result
from lxml import etree

from pipeline.build import build
from pipeline.cli import cli
from pipeline.manifest import MANIFEST, digest
from pipeline.tracked.review import accept_all, paragraphs_text, reject_all
from pipeline.tracked.units import W, visible_text, w
from pipeline.workspace import Workspace, copy_template, init_workspace
from tests.conftest import EXAMPLES, TODAY
from tests.libreoffice import convert, needs_libreoffice, pdf_text, squash
from tests.watching import needs_thread_waits

SAINT_AUBIN = next(p for p in EXAMPLES if "saint-aubin" in p.name)

REWRITTEN = "Réécrit par la consultante : la place accueille aussi la brocante d’automne."
ADDED = (
    "Ajout de la consultante : la balade du samedi partira du marché couvert.",
    "Ajout de la consultante : prévoir un interprète en langue des signes.",
)
HEADING = "Contexte local et historique"
REMOVED_ROW = "Mme Nadia Ferhat"  # a row of the « Acteurs clés » register, deleted by hand
NEWCOMER = "Collectif des commerçants ambulants"
OLD_CLAUSE = "Les coordonnées indiquées dans le registre, par numéro."
NEW_CLAUSE = "Les coordonnées indiquées dans le registre, par numéro, vérifiées au dernier comité."


# -- the parts of the story --------------------------------------------------------------------


@pytest.fixture
def built(tmp_path: Path) -> tuple[Workspace, Path]:
    """A workspace with Saint-Aubin built; its Cahier des charges."""
    workspace = init_workspace(tmp_path / "espace")
    source = tmp_path / "saint-aubin.xlsx"
    shutil.copyfile(SAINT_AUBIN, source)
    build(source, workspace, TODAY)
    cahier = next(workspace.outbox.glob("*/Cahier des charges*.docx"))
    return workspace, cahier


def consultant_edits(path: Path) -> bytes:
    """What the issue's consultant does in Word, done with python-docx."""
    document = docx.Document(str(path))
    paragraphs = document.paragraphs
    _set_text(next(p for p in paragraphs if p.text.startswith("La place du Marché de")), REWRITTEN)
    anchor = next(
        i for i, p in enumerate(paragraphs) if p.text.startswith("Les scénarios suivants")
    )
    for text in ADDED:  # section 5, after its first paragraph
        paragraphs[anchor + 1].insert_paragraph_before(text)
    register = next(
        t for t in document.tables if any(REMOVED_ROW in c.text for c in t.columns[1].cells)
    )
    row = next(r for r in register.rows if REMOVED_ROW in r.cells[1].text)
    register._tbl.remove(row._tr)
    heading = next(p for p in paragraphs if p.style.name == "Heading 2" and p.text == "Contexte")
    _set_text(heading, HEADING)
    document.save(str(path))
    return path.read_bytes()


def _set_text(paragraph: docx.text.paragraph.Paragraph, text: str) -> None:
    runs = paragraph.runs
    runs[0].text = text
    for run in runs[1:]:
        run._r.getparent().remove(run._r)


def change_workbook(path: Path) -> None:
    """A stakeholder added after a meeting; the workshop's runner-up retained instead."""
    book = openpyxl.load_workbook(path)
    book["Parties prenantes"].append(
        [NEWCOMER, "Associations", "Veulent garder leurs emplacements.", 1, 1, "Informer", None]
    )
    mission = book["Mission"]
    row = next(
        r for r in range(1, mission.max_row + 1) if mission.cell(r, 1).value == "Scénario retenu"
    )
    mission.cell(row, 2).value = "S4"
    book.save(path)


def change_clause(workspace: Workspace, old: str = OLD_CLAUSE, new: str = NEW_CLAUSE) -> None:
    template = copy_template(workspace, "cahier_des_charges")
    document = docx.Document(str(template))
    paragraph = next(p for p in document.paragraphs if p.text == old)
    _set_text(paragraph, new)
    document.save(str(template))


def rebuild(workspace: Workspace) -> Result:
    return CliRunner().invoke(cli, ["-w", str(workspace.root), "rebuild"])


def tracked_beside(cahier: Path) -> Path:
    return cahier.with_name(f"{cahier.stem} (mise à jour suivie).docx")


def body(path: Path) -> etree._Element:
    return docx.Document(str(path)).element


def rows(root: etree._Element) -> list[str]:
    """Every table row's text, cells joined by « | »."""
    return [
        " | ".join(visible_text(tc) for tc in tr.iterchildren(w("tc"))) for tr in root.iter(w("tr"))
    ]


def headings(root: etree._Element, level: int) -> list[str]:
    style = f"Heading{level}"
    return [
        visible_text(p)
        for p in root.iter(w("p"))
        if p.find(f"{w('pPr')}/{w('pStyle')}[@{{{W}}}val='{style}']") is not None
    ]


def revisions(path: Path) -> list[etree._Element]:
    root = body(path)
    return list(root.iter(w("ins"), w("del"), w("pPrChange")))


# -- the story ---------------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_a_rebuild_delivers_the_update_into_the_edited_cahier_as_tracked_changes(
    built: tuple[Workspace, Path],
) -> None:
    workspace, cahier = built
    edited = consultant_edits(cahier)
    folder = cahier.parent
    change_workbook(next(folder.glob("*.xlsx")))  # the workbook copy the rebuild reads
    change_clause(workspace)

    result = rebuild(workspace)
    assert result.exit_code == 0, result.output

    assert cahier.read_bytes() == edited  # the edited file itself is never touched
    tracked = tracked_beside(cahier)
    assert tracked.is_file()
    assert cahier.with_name(f"{cahier.stem} (nouvelle version).docx").is_file()
    assert f"mis à jour en suivi : « {cahier.name} » (modifié à la main)" in result.output
    assert tracked.name in result.output

    accepted = accept_all(body(tracked))
    text = "\n".join(paragraphs_text(accepted))
    # every hand edit
    assert REWRITTEN in text and "La place du Marché de Saint-Aubin-des-Brumes est" not in text
    assert all(added in text for added in ADDED)
    assert HEADING in headings(accepted, 2) and "Contexte" not in headings(accepted, 2)
    register = [r for r in rows(accepted) if r.split(" | ")[0].strip().isdigit()]
    assert not [r for r in register if REMOVED_ROW in r and "Co-" in r]  # the register's row
    # every new fact
    assert any(NEWCOMER in r for r in rows(accepted))
    assert "Parties prenantes recensées\u00a0: 36" in text
    assert NEW_CLAUSE in text and OLD_CLAUSE not in text
    assert "Scénario retenu" in text and "S4 — Panel citoyen tiré au sort" in text

    rejected = reject_all(body(tracked))
    assert paragraphs_text(rejected) == paragraphs_text(body(cahier))
    assert rows(rejected) == rows(body(cahier))


@pytest.mark.libreoffice
def test_a_paragraph_changed_by_both_sides_is_one_conflict_marked_by_a_comment(
    built: tuple[Workspace, Path],
) -> None:
    workspace, cahier = built
    document = docx.Document(str(cahier))
    mine = "Les coordonnées du registre, reprises par la consultante après la réunion."
    _set_text(next(p for p in document.paragraphs if p.text == OLD_CLAUSE), mine)
    document.save(str(cahier))
    edited = cahier.read_bytes()
    change_clause(workspace)

    result = rebuild(workspace)
    assert result.exit_code == 0, result.output
    assert cahier.read_bytes() == edited
    assert "mis à jour en suivi avec 1 conflit (commentaire dans le document)" in result.output

    tracked = tracked_beside(cahier)
    opened = docx.Document(str(tracked))
    comments = list(opened.comments)
    assert len(comments) == 1
    assert comments[0].author == "amoor"
    assert mine[:20] not in comments[0].text and NEW_CLAUSE in comments[0].text
    text = paragraphs_text(accept_all(opened.element))
    # One text either way: the consultant's; the update's version is in the comment only.
    assert mine in text and OLD_CLAUSE not in text and NEW_CLAUSE not in text
    assert paragraphs_text(reject_all(opened.element)) == paragraphs_text(body(cahier))
    # the comment covers the consultant's paragraph
    commented = next(
        p for p in opened.element.iter(w("p")) if p.find(w("commentRangeStart")) is not None
    )
    assert visible_text(commented) == mine


@pytest.mark.libreoffice
def test_the_tracked_file_opens_in_python_docx_with_unique_revision_ids(
    built: tuple[Workspace, Path],
) -> None:
    workspace, cahier = built
    consultant_edits(cahier)
    change_workbook(next(cahier.parent.glob("*.xlsx")))
    assert rebuild(workspace).exit_code == 0
    tracked = tracked_beside(cahier)
    marks = revisions(tracked)
    ids = [m.get(w("id")) for m in marks]
    assert len(marks) > 5
    assert len(ids) == len(set(ids)) and None not in ids
    assert {m.get(w("author")) for m in marks} == {"amoor"}
    assert {m.get(w("date")) for m in marks} == {f"{TODAY.isoformat()}T00:00:00Z"}
    # The redrawn chart (one more stakeholder on the map) is replaced: old image deleted,
    # new image inserted, both in the package.
    root = body(tracked)
    drawn = list(root.iter(w("drawing")))
    inserted = [d for d in drawn if d.getparent().getparent().tag == w("ins")]
    deleted = [d for d in drawn if d.getparent().getparent().tag == w("del")]
    assert inserted and deleted
    with zipfile.ZipFile(tracked) as package:
        media = [n for n in package.namelist() if n.startswith("word/media/")]
    with zipfile.ZipFile(cahier) as package:
        before = [n for n in package.namelist() if n.startswith("word/media/")]
    assert len(media) > len(before)


@pytest.mark.libreoffice
@needs_libreoffice
def test_libreoffice_opens_the_tracked_file_and_sees_its_revisions(
    built: tuple[Workspace, Path], tmp_path: Path, lo_profile: Path
) -> None:
    workspace, cahier = built
    consultant_edits(cahier)
    change_workbook(next(cahier.parent.glob("*.xlsx")))
    change_clause(workspace)
    assert rebuild(workspace).exit_code == 0
    tracked = tracked_beside(cahier)
    odt = convert(tracked, "odt", tmp_path / "odt", lo_profile)
    with zipfile.ZipFile(odt) as package:
        content = package.read("content.xml").decode("utf-8")
    regions = re.findall(r"<text:changed-region\b", content)
    kinds = set(re.findall(r"<text:(insertion|deletion|format-change)>", content))
    assert len(regions) >= 10 and {"insertion", "deletion"} <= kinds
    assert "<dc:creator>amoor</dc:creator>" in content
    # Printed with the changes shown: the old clause (struck through) and the new one.
    shown = squash(pdf_text(convert(tracked, "pdf", tmp_path / "pdf", lo_profile)))
    assert squash(NEW_CLAUSE) in shown and squash(NEWCOMER) in shown
    assert squash("Parties prenantes recensées : 35") in shown  # deleted, still shown


def test_nothing_new_leaves_the_edited_document_alone(built: tuple[Workspace, Path]) -> None:
    workspace, cahier = built
    edited = consultant_edits(cahier)
    build(next(cahier.parent.glob("*.xlsx")), workspace, TODAY)  # the same inputs again
    assert cahier.read_bytes() == edited
    assert not tracked_beside(cahier).exists()


@pytest.mark.libreoffice
def test_an_edited_document_without_a_known_base_is_left_alone_and_said_so(
    built: tuple[Workspace, Path],
) -> None:
    workspace, cahier = built
    consultant_edits(cahier)
    shutil.rmtree(workspace.state.bases)  # as if written by an amoor before the bases
    change_clause(workspace)
    result = rebuild(workspace)
    assert result.exit_code == 0, result.output
    assert not tracked_beside(cahier).exists()
    assert f"laissé tel quel : « {cahier.name} » (modifié à la main) : sa version d'origine" in (
        result.output
    )


@pytest.mark.libreoffice
def test_the_bases_kept_are_exactly_those_the_manifests_cite(
    built: tuple[Workspace, Path],
) -> None:
    workspace, cahier = built
    cited = set()
    for manifest in workspace.outbox.glob(f"*/{MANIFEST}"):
        files = json.loads(manifest.read_text(encoding="utf-8"))["files"]
        cited |= {sha for name, sha in files.items() if name.endswith(".docx")}
    kept = {p.name.removesuffix(".z") for p in workspace.state.bases.iterdir()}
    assert kept == cited
    assert digest(cahier.read_bytes()) in kept
    # A rebuild after a template change writes new Cahiers: the old bases go.
    change_clause(workspace)
    assert rebuild(workspace).exit_code == 0
    after = {p.name.removesuffix(".z") for p in workspace.state.bases.iterdir()}
    assert digest(cahier.read_bytes()) in after and after != kept
    assert len(after) == len(kept)


@pytest.mark.libreoffice
def test_a_bad_zip_in_place_of_the_edited_file_is_left_alone_with_the_reason(
    built: tuple[Workspace, Path],
) -> None:
    workspace, cahier = built
    cahier.write_bytes(b"not a zip any more")
    change_clause(workspace)
    result = rebuild(workspace)
    assert result.exit_code == 0, result.output
    assert cahier.read_bytes() == b"not a zip any more"
    assert "le document modifié ne s'ouvre pas comme un document Word" in result.output


def test_reading_the_bases_does_not_depend_on_their_compression(tmp_path: Path) -> None:
    from pipeline.tracked.bases import Bases

    bases = Bases(tmp_path / "bases")
    data = io.BytesIO(b"PK" + bytes(range(256)) * 40).getvalue()
    sha = bases.keep(data)
    stored = (tmp_path / "bases" / f"{sha}.z").read_bytes()
    assert len(stored) < len(data)
    assert bases.get(sha) == data
    (tmp_path / "bases" / f"{sha}.z").write_bytes(stored[:-4])  # damaged: not served
    assert bases.get(sha) is None


@pytest.mark.slow
@needs_thread_waits
def test_the_watcher_delivers_a_changed_workbook_into_the_edited_cahier(
    workspace: Workspace, tmp_path: Path
) -> None:
    from pipeline.watch import wording
    from pipeline.watch.outcome import Kind
    from tests.watching import copy_into, watching

    source = tmp_path / "Saint-Aubin.xlsx"
    shutil.copyfile(SAINT_AUBIN, source)
    with watching(workspace, polling=False) as run:
        copy_into(source, workspace.inbox, "Saint-Aubin.xlsx", tmp_path)
        first = run.wait_for(Kind.PROCESSED)[0]
        cahier = next(p for p in first.written if p.name.startswith("Cahier des charges"))
        edited = consultant_edits(cahier)
        change_workbook(source)  # the consultant's own copy, changed after the meeting
        copy_into(source, workspace.inbox, "Saint-Aubin.xlsx", tmp_path)
        second = run.wait_for(Kind.PROCESSED, 2)[1]
    assert cahier.read_bytes() == edited
    ((update),) = second.tracked
    assert update.written == tracked_beside(cahier) and update.written.is_file()
    line = next(text for text in wording.details(second) if "modifié à la main" in text)
    assert line.startswith(f"mis à jour en suivi : « {cahier.name} »")
    accepted = "\n".join(paragraphs_text(accept_all(body(update.written))))
    assert REWRITTEN in accepted and all(added in accepted for added in ADDED)
    assert NEWCOMER in accepted and "S4 — Panel citoyen tiré au sort" in accepted
    assert paragraphs_text(reject_all(body(update.written))) == paragraphs_text(body(cahier))


def accept_into(tracked: Path, target: Path) -> None:
    """The consultant accepts every revision of ``tracked`` and saves it as ``target``."""
    from docx.oxml.parser import parse_xml

    document = docx.Document(str(tracked))
    document.part._element = parse_xml(etree.tostring(accept_all(document.element)))
    document.save(str(target))


@pytest.mark.libreoffice
def test_a_second_update_after_the_first_was_accepted_brings_only_what_is_new(
    built: tuple[Workspace, Path],
) -> None:
    workspace, cahier = built
    consultant_edits(cahier)
    kept_workbook = next(cahier.parent.glob("*.xlsx"))
    change_workbook(kept_workbook)
    assert rebuild(workspace).exit_code == 0
    accept_into(tracked_beside(cahier), cahier)  # accepted, saved over their document
    document = docx.Document(str(cahier))
    document.add_paragraph("Une retouche de plus, après la première mise à jour.")
    document.save(str(cahier))
    edited = cahier.read_bytes()

    book = openpyxl.load_workbook(kept_workbook)
    book["Parties prenantes"].append(
        ["Marché bio du mercredi", "Associations", "Un emplacement.", 1, 1, "Informer", None]
    )
    book.save(kept_workbook)
    result = rebuild(workspace)
    assert result.exit_code == 0, result.output
    assert cahier.read_bytes() == edited
    assert "mis à jour en suivi : " in result.output and "conflit" not in result.output

    tracked = tracked_beside(cahier)
    text = "\n".join(paragraphs_text(accept_all(body(tracked))))
    assert "Parties prenantes recensées\u00a0: 37" in text
    assert text.count(NEWCOMER) == "\n".join(paragraphs_text(body(cahier))).count(NEWCOMER)
    assert "Marché bio du mercredi" in text
    assert REWRITTEN in text and "Une retouche de plus" in text
    assert paragraphs_text(reject_all(body(tracked))) == paragraphs_text(body(cahier))
