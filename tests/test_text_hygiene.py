"""Text hygiene: Excel's ``_xHHHH_`` escapes, bidirectional controls, names that collide.

Workbooks are real: written by openpyxl (inline strings, as openpyxl writes text), then,
where Excel's own storage is needed (shared strings, a formula's cached text), with
their XML rewritten in the zip. Builds are real, into a fresh workspace.
"""

from __future__ import annotations

import json
import re
import unicodedata
import zipfile
from dataclasses import replace
from io import BytesIO
from pathlib import Path

import docx
import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.build import build
from pipeline.manifest import MANIFEST
from pipeline.outbox import Commit, Document, OutboxError, commit, engagement_folder
from pipeline.text import clean_text, name_text
from pipeline.workbook import xstring
from pipeline.workbook.blank import Guidance, engagement_workbook
from pipeline.workbook.reader import read_engagement, read_workbook
from pipeline.workspace import Workspace
from tests.conftest import EXAMPLES, TODAY
from tests.libreoffice import convert, needs_libreoffice

SAINT_AUBIN = next(p for p in EXAMPLES if "saint-aubin" in p.name)
# The quickest example to build (« Facture » : « Non »): for the tests that build many times.
HAUTES_COMBES = next(p for p in EXAMPLES if "hautes-combes" in p.name)
HOME = "Département des Hautes-Combes"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
RLO, PDF = "\u202e", "\u202c"


# --- workbooks --------------------------------------------------------------------------


def _workbook(
    target: Path,
    mission: dict[str, str],
    first_stakeholder: str | None = None,
    example: Path = SAINT_AUBIN,
) -> Path:
    """An example workbook with Mission fields (by « Champ ») and the first « Nom » set."""
    book = openpyxl.load_workbook(example)
    sheet = book["Mission"]
    rows = {sheet.cell(r, 1).value: r for r in range(1, sheet.max_row + 1)}
    for field, value in mission.items():
        sheet.cell(rows[field], 2).value = value
    if first_stakeholder is not None:
        stakeholders = book["Parties prenantes"]
        header = next(r for r in range(1, 20) if stakeholders.cell(r, 1).value == "Nom")
        stakeholders.cell(header + 1, 1).value = first_stakeholder
    book.save(target)
    return target


def _as_excel_stores_it(data: bytes, stored: dict[str, tuple[str, str]]) -> bytes:
    """``data`` with each text cell holding a marker key of ``stored`` rewritten in the XML
    as (``"s"``: a shared string | ``"str"``: a formula's cached text, ``raw`` ST_Xstring).

    openpyxl writes inline strings only, and would not keep a raw escape as it is.
    """
    shared: list[str] = []
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):
                text = content.decode()
                for marker, (kind, raw) in stored.items():
                    inline = re.compile(rf't="inlineStr"><is><t[^>]*>{re.escape(marker)}</t></is>')
                    if kind == "s":
                        replacement = f't="s"><v>{len(shared)}</v>'
                        text, count = inline.subn(replacement, text)
                        shared += [raw] if count else []
                    else:
                        text, count = inline.subn(f't="str"><f>"x"</f><v>{raw}</v>', text)
                content = text.encode()
            elif item.filename == "[Content_Types].xml":
                content = content.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                    b"</Types>",
                )
            elif item.filename == "xl/_rels/workbook.xml.rels":
                content = content.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdStrings" Target="sharedStrings.xml" Type="http://'
                    b"schemas.openxmlformats.org/officeDocument/2006/relationships/"
                    b'sharedStrings"/></Relationships>',
                )
            target.writestr(item, content)
        items = "".join(f'<si><t xml:space="preserve">{raw}</t></si>' for raw in shared)
        target.writestr(
            "xl/sharedStrings.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="{len(shared)}" uniqueCount="{len(shared)}">{items}</sst>',
        )
    assert len(shared) == sum(kind == "s" for kind, _ in stored.values())
    return out.getvalue()


def _docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    paragraphs = list(document.paragraphs)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                paragraphs += cell.paragraphs
    return "\n".join(p.text for p in paragraphs)


def _all_names(root: Path) -> list[str]:
    return [p.name for p in root.rglob("*")]


# --- Excel escapes ----------------------------------------------------------------------


def test_escapes_written_by_openpyxl_are_decoded_then_cleaned(
    workspace: Workspace, tmp_path: Path
) -> None:
    """openpyxl writes the text as it is: Excel (and amoor) read ``_xHHHH_`` as escapes."""
    path = _workbook(
        tmp_path / "mission.xlsx",
        {
            "Intitulé": "Place_x0001_ du marché_x001F_",
            "Collectivité": "Commune de_x0009_Saint_x0001_-Aubin",
            "Contexte": "Première ligne_x000D_\nSeconde ligne_x000D_Troisième",
        },
        first_stakeholder="_x005F_x0041_ Dupont, _x0041_djointe",
    )

    engagement = read_engagement(path)
    mission = engagement.mission
    assert mission.title == "Place du marché"
    assert mission.collectivite == "Commune de\tSaint-Aubin"
    assert mission.context == "Première ligne\nSeconde ligne\nTroisième"
    assert engagement.stakeholders[0].name == "_x0041_ Dupont, Adjointe"

    result = build(path, workspace, today=TODAY)
    assert result.commit is not None
    assert result.commit.folder.name == "Commune de Saint-Aubin - 2026-014"
    cahier = next(p for p in result.commit.written if p.name.startswith("Cahier"))
    text = _docx_text(cahier)
    assert "Place du marché" in text
    assert "Première ligne" in text and "Troisième" in text
    assert "_x0041_ Dupont, Adjointe" in text
    assert "_x0001_" not in text and "_x000D_" not in text and "_x001F_" not in text
    assert not re.search("[\x00-\x08\x0b-\x1f]", text)


def test_escapes_in_shared_strings_and_cached_results(workspace: Workspace, tmp_path: Path) -> None:
    """As Excel stores text: shared strings, and the cached text of a formula.

    openpyxl alone deletes every « x005F_ » of a shared string, so that an escaped
    « A » and a typed « _x0041_ » would read the same; amoor tells them apart.
    """
    typed = _workbook(
        tmp_path / "typed.xlsx",
        {"Intitulé": "@intitule@", "Collectivité": "@collectivite@", "Contexte": "@contexte@"},
        first_stakeholder="@nom@",
    )
    stored = _as_excel_stores_it(
        typed.read_bytes(),
        {
            "@intitule@": ("s", "Place_x0001_ du _x004D_arché"),
            "@collectivite@": ("str", "Commune_x0002_ de Saint-Aubin"),
            "@contexte@": ("s", "Ligne 1_x000D_\nLigne 2_x000d_\nLigne 3"),
            "@nom@": ("s", "_x005F_x0041_ Dupont _x005F_x005F_ _xD83D__xDE00_"),
        },
    )
    path = tmp_path / "excel.xlsx"
    path.write_bytes(stored)
    with zipfile.ZipFile(path) as archive:  # the escapes really are in the file, as stored
        assert "_x005F_x0041_" in archive.read("xl/sharedStrings.xml").decode()

    engagement = read_workbook(stored, path.name)
    assert engagement.mission.title == "Place du Marché"
    assert engagement.mission.collectivite == "Commune de Saint-Aubin"
    assert engagement.mission.context == "Ligne 1\nLigne 2\nLigne 3"
    assert engagement.stakeholders[0].name == "_x0041_ Dupont _x005F_ \U0001f600"

    result = build(path, workspace, today=TODAY)
    assert result.commit is not None
    assert result.commit.folder.name == "Commune de Saint-Aubin - 2026-014"
    cahier = next(p for p in result.commit.written if p.name.startswith("Cahier"))
    text = _docx_text(cahier)
    assert "Place du Marché" in text and "Ligne 3" in text
    assert "_x0041_ Dupont _x005F_" in text
    assert "_x0001_" not in text and "_x000D_" not in text and "_x000d_" not in text


@pytest.mark.libreoffice
@needs_libreoffice
def test_a_workbook_saved_by_libreoffice_reads_as_libreoffice_shows_it(
    tmp_path: Path, lo_profile: Path
) -> None:
    """LibreOffice reads the escapes as amoor does, and stores them again (shared strings)."""
    path = _workbook(
        tmp_path / "mission.xlsx",
        {"Intitulé": "Place_x0001_ du marché", "Contexte": "Ligne 1_x000D_\nLigne 2"},
        first_stakeholder="_x005F_x0041_ Dupont",
    )
    saved = convert(path, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo", lo_profile)
    with zipfile.ZipFile(saved) as archive:
        assert "_x005F_x0041_ Dupont" in archive.read("xl/sharedStrings.xml").decode()
    for engagement in (read_engagement(path), read_engagement(saved)):
        assert engagement.mission.title == "Place du marché"
        assert engagement.mission.context == "Ligne 1\nLigne 2"
        assert engagement.stakeholders[0].name == "_x0041_ Dupont"


def test_a_workbook_amoor_writes_reads_back_as_typed() -> None:
    """The R.O.I. kit hands a workbook back: a literal « _x0041_ » must survive Excel's escapes."""
    engagement = read_engagement(next(p for p in EXAMPLES if "strategie" in p.name))
    named = replace(engagement.stakeholders[0], name="_x0041_ et _x005F_ et _x000D_")
    changed = replace(engagement, stakeholders=(named, *engagement.stakeholders[1:]))
    data = engagement_workbook(changed, Guidance("T", "S", (), "Mission"), TODAY)
    assert read_workbook(data, "kit.xlsx").stakeholders[0].name == "_x0041_ et _x005F_ et _x000D_"


@given(st.text(alphabet=st.sampled_from("_x005FDd0123A\u00e9\n")) | st.text())
def test_what_amoor_escapes_decodes_to_itself(text: str) -> None:
    assert xstring.decode(xstring.encode(text)) == text


# --- bidirectional controls -------------------------------------------------------------


def test_bidirectional_controls_never_reach_names(workspace: Workspace, tmp_path: Path) -> None:
    spoof = f"Commune de {RLO}nirtsa{PDF}\u2067 Saint\u200f-Aubin\u061c\u200b"
    path = _workbook(tmp_path / f"mission{RLO}xslx.xlsx", {"Collectivité": spoof})
    result = build(path, workspace, today=TODAY)
    assert result.commit is not None
    assert result.commit.folder.name == "Commune de nirtsa Saint-Aubin - 2026-014"
    names = _all_names(workspace.outbox)
    assert "missionxslx.xlsx" in names  # the workbook copy's name, made safe too
    for name in names:
        assert not any(unicodedata.category(c) in ("Cc", "Cf") for c in name), repr(name)


def test_an_open_override_in_a_cell_never_reorders_the_rest_of_a_paragraph(
    workspace: Workspace, tmp_path: Path
) -> None:
    """A stray U+202E is closed where its cell's text ends; a closer with nothing open goes."""
    path = _workbook(
        tmp_path / "mission.xlsx",
        {"Collectivité": f"Commune de {RLO}Saint-Aubin", "Intitulé": f"Place{PDF} du marché"},
        first_stakeholder="Mme \u2067Dupont\u202b, maire",
    )
    engagement = read_engagement(path)
    assert engagement.mission.collectivite == f"Commune de {RLO}Saint-Aubin{PDF}"
    assert engagement.mission.title == "Place du marché"
    assert engagement.stakeholders[0].name == "Mme \u2067Dupont\u202b, maire\u202c\u2069"

    result = build(path, workspace, today=TODAY)
    assert result.commit is not None
    for document in result.commit.written:
        if document.suffix != ".docx":
            continue
        paragraphs = _docx_text(document).split("\n")
        assert any(RLO in p for p in paragraphs)
        for paragraph in paragraphs:
            assert _closed(paragraph), (document.name, paragraph)


def _closed(paragraph: str) -> bool:
    """Every embedding, override and isolate opened in ``paragraph`` is closed in it."""
    stack: list[str] = []
    for char in paragraph:
        if char in "\u202a\u202b\u202d\u202e\u2066\u2067\u2068":
            stack.append(char)
        elif char == PDF:
            if not stack or stack.pop() not in "\u202a\u202b\u202d\u202e":
                return False
        elif char == "\u2069" and (not stack or stack.pop() not in "\u2066\u2067\u2068"):
            return False
    return not stack


@given(st.text(alphabet=st.sampled_from(f"ab \n\r\t{BIDI}")) | st.text())
def test_cleaned_text_is_balanced_and_cleaning_it_again_changes_nothing(text: str) -> None:
    cleaned = clean_text(text)
    assert clean_text(cleaned) == cleaned
    assert all(_closed(line) for line in cleaned.split("\n"))


def test_text_keeps_its_marks_and_balanced_runs() -> None:
    hebrew = "\u2067שלום\u2069 et \u202bعربي\u202c\u200f"
    assert clean_text(hebrew) == hebrew  # nothing left open: kept as typed
    assert clean_text(f"a{RLO}b\nc") == f"a{RLO}b{PDF}\nc"  # closed on its own line
    assert clean_text(f"\u2067a{RLO}b\u2069c") == f"\u2067a{RLO}b{PDF}\u2069c"
    assert clean_text(f"a\u2069b{PDF}") == "ab"
    assert clean_text(clean_text(f"{RLO}x ")) == clean_text(f"{RLO}x ") == f"{RLO}x{PDF}"
    assert name_text(f"a{BIDI}\u200b\u00adb \t\n c") == "ab c"


# --- names that collide -----------------------------------------------------------------


def _reference(tmp_path: Path, reference: str, file_name: str) -> Path:
    return _workbook(tmp_path / file_name, {"Référence": reference}, example=HAUTES_COMBES)


def _built(path: Path, workspace: Workspace) -> Commit:
    written = build(path, workspace, today=TODAY).commit
    assert written is not None
    return written


def _files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if not p.name.startswith(".")}


def test_con_and_con_underscore_get_their_own_folders(workspace: Workspace, tmp_path: Path) -> None:
    """« CON » is reserved on Windows; made « CON_ », it took the folder of « CON_ »."""
    con = _reference(tmp_path, "CON", "mission-con.xlsx")
    con_ = _reference(tmp_path, "CON_", "mission-con-bis.xlsx")
    first = _built(con, workspace)
    second = _built(con_, workspace)
    again = _built(con, workspace)
    assert first.folder.name == f"{HOME} - CON"
    assert second.folder.name == f"{HOME} - CON_"
    assert again.folder == first.folder
    assert _files(first.folder) == {
        "mission-con.xlsx",
        "Rapport « Pistes créatives » - CON.docx",
        "Kit de communication - CON.docx",
    }
    assert _files(second.folder) == {
        "mission-con-bis.xlsx",
        "Rapport « Pistes créatives » - CON_.docx",
        "Kit de communication - CON_.docx",
    }
    for folder, reference in ((first.folder, "CON"), (second.folder, "CON_")):
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        assert manifest["reference"] == reference


@pytest.mark.slow
def test_references_differing_by_case_get_folders_distinct_on_every_system(
    workspace: Workspace, tmp_path: Path
) -> None:
    """« a1 » and « A1 » are two missions (the ledger tells them apart): on Windows and macOS
    « … - a1 » and « … - A1 » would be one folder, so the second is numbered."""
    lower = _reference(tmp_path, "a1", "a1.xlsx")
    upper = _reference(tmp_path, "A1", "A1-mission.xlsx")
    first = _built(lower, workspace)
    second = _built(upper, workspace)
    assert first.folder.name == f"{HOME} - a1"
    assert second.folder.name == f"{HOME} - A1 (2)"
    assert _built(lower, workspace).folder == first.folder
    assert _built(upper, workspace).folder == second.folder
    assert "a1.xlsx" in _files(first.folder) and "A1-mission.xlsx" not in _files(first.folder)
    assert "A1-mission.xlsx" in _files(second.folder)
    assert "Rapport « Pistes créatives » - a1.docx" in _files(first.folder)
    assert "Rapport « Pistes créatives » - A1.docx" in _files(second.folder)


def _as_earlier_amoor_left_it(folder: Path) -> None:
    """The manifest as amoor wrote it before it recorded the Référence."""
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    del manifest["reference"]
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


def test_a_folder_made_by_earlier_amoor_is_still_found(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = _reference(tmp_path, "2026-014", "mission.xlsx")
    folder = _built(path, workspace).folder
    _as_earlier_amoor_left_it(folder)
    (folder / "notes du consultant.txt").write_text("à garder", encoding="utf-8")

    renamed = path.rename(tmp_path / "mission v2.xlsx")
    again = _built(renamed, workspace)
    assert again.folder == folder
    assert [p.name for p in workspace.outbox.iterdir()] == [folder.name]
    assert json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["reference"] == "2026-014"
    # Its deliverables all name this Référence: the old copy of its workbook was its own.
    assert "mission.xlsx" not in _files(folder) and "mission v2.xlsx" in _files(folder)
    assert (folder / "notes du consultant.txt").read_text(encoding="utf-8") == "à garder"


def test_earlier_folder_of_con_is_found_and_con_underscore_leaves_it_alone(
    workspace: Workspace, tmp_path: Path
) -> None:
    """Earlier amoor put « CON » in « … - CON_ »: still found; « CON_ » gets its own folder."""
    con = _reference(tmp_path, "CON", "mission-con.xlsx")
    built = _built(con, workspace)
    earlier = built.folder.rename(built.folder.with_name(built.folder.name + "_"))
    _as_earlier_amoor_left_it(earlier)
    before = {name: (earlier / name).read_bytes() for name in _files(earlier)}

    con_ = _built(_reference(tmp_path, "CON_", "mission-con-bis.xlsx"), workspace)
    assert con_.folder.name == f"{HOME} - CON_ (2)"
    assert {name: (earlier / name).read_bytes() for name in _files(earlier)} == before

    again = _built(con, workspace)
    assert again.folder == earlier
    assert {"mission-con.xlsx", "Rapport « Pistes créatives » - CON.docx"} <= _files(earlier)
    assert {"mission-con-bis.xlsx", "Rapport « Pistes créatives » - CON_.docx"} <= _files(
        con_.folder
    )


@pytest.mark.slow
def test_a_folder_earlier_amoor_shared_stays_with_the_reference_it_is_named_after(
    workspace: Workspace, tmp_path: Path
) -> None:
    """Both « CON » and « CON_ » in « … - CON_ »: « CON_ » keeps it, « CON » moves to its own
    folder, and neither build removes the other's workbook copy or deliverables."""
    con = _reference(tmp_path, "CON", "mission-con.xlsx")
    con_ = _reference(tmp_path, "CON_", "mission-con-bis.xlsx")
    shared = _built(con_, workspace).folder
    con_home = _built(con, workspace).folder
    for name in _files(con_home):  # as earlier amoor left them: all in one folder
        (con_home / name).replace(shared / name)
    con_manifest = json.loads((con_home / MANIFEST).read_text(encoding="utf-8"))
    (con_home / MANIFEST).unlink()
    con_home.rmdir()
    manifest = json.loads((shared / MANIFEST).read_text(encoding="utf-8"))
    manifest["files"].update(con_manifest["files"])
    manifest["source"] = "mission-con.xlsx"  # CON built last
    del manifest["reference"]
    (shared / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    before = _files(shared)

    assert _built(con_, workspace).folder == shared
    assert _files(shared) == before  # CON's workbook copy and deliverables stay
    moved = _built(con, workspace)
    assert moved.folder.name == f"{HOME} - CON"
    assert _files(shared) == before
    assert "mission-con.xlsx" in _files(moved.folder)


def test_a_folder_of_another_reference_is_refused(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    folder = engagement_folder(outbox, "Commune", "2026-001")
    commit(folder, [Document("A - 2026-001.docx", b"a")], ("a.xlsx", b"x"), reference="2026-001")
    with pytest.raises(OutboxError, match="celui de la mission 2026-001"):
        commit(
            folder, [Document("A - 2026-001.docx", b"b")], ("b.xlsx", b"y"), reference="2026-002"
        )
    assert (folder / "A - 2026-001.docx").read_bytes() == b"a"
    assert _files(folder) == {"A - 2026-001.docx", "a.xlsx"}
