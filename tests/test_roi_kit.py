"""The Kit R.O.I. citoyen's rating grid: produced, filled in a workshop, built again.

The grid is a partial workbook (identity, criteria, dispositifs, an empty « Notation
ROI »); once filled and built it completes the engagement kept in the outbox: it
ranks the dispositifs, rebuilds the Stratégie documents and issues no second
invoice. The Stratégie example holds its workshop's grades: these tests start from
it with its « Notation ROI » emptied, as before the workshop.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import docx
import openpyxl
import pytest

from pipeline import model as m
from pipeline.build import BuildResult, build
from pipeline.errors import WorkbookError
from pipeline.invoicing.ledger import Ledger
from pipeline.workbook.reader import read_engagement
from pipeline.workspace import Workspace
from tests.conftest import EXAMPLES, TODAY
from tests.libreoffice import convert, needs_libreoffice
from tests.samples import nothing_under_header, set_mission_field, without_ratings

STRATEGIE = next(p for p in EXAMPLES if "strategie" in p.name)
FOLDER = "Communauté des Trois Vallées - 2026-021"
GRID = "Kit R.O.I. citoyen - Grille de notation - 2026-021.xlsx"
GUIDE = "Kit R.O.I. citoyen - Guide d'animation - 2026-021.docx"
CAHIER = "Cahier des charges - 2026-021.docx"

# What five participants said in the workshop. A grade applies to every criterion,
# except Chloé's on D7: « Très bien » on INF, RET, EQU and JEU (weights 1,5 + 2 +
# 1,5 + 1 = 6 of 10 in the example's « Critères ROI »), « Insuffisant » elsewhere
# (weight 4): her overall grade is Très bien by the weights, Insuffisant without.
MIXED = {"INF": "Très bien", "RET": 4, "EQU": "très bien", "JEU": "Très bien"}
FILLED: dict[str, tuple[str, dict[str, object]]] = {
    "Élodie": ("Élu", {"D1": "Bien", "D4": "Très bien", "D7": "Passable"}),
    "Bruno": ("Agent", {"D1": "Bien", "D4": 3, "D7": "À rejeter"}),
    "Chloé": ("Citoyen", {"D1": "Très bien", "D4": "Bien", "D7": MIXED}),
    "Driss": ("Citoyen", {"D1": "Très bien", "D4": "Bien", "D7": "Insuffisant"}),
    "Emma": ("Partenaire", {"D1": "Passable", "D4": "Passable", "D7": "Passable"}),
}


def _unrated(tmp_path: Path) -> Path:
    """The Stratégie example before its Kit R.O.I. citoyen workshop: nothing rated."""
    return without_ratings(STRATEGIE, tmp_path / STRATEGIE.name)


def _fill(grid: Path, target: Path) -> Path:
    """Type FILLED into the grid's « Notation ROI » sheet, as the secretary would."""
    book = openpyxl.load_workbook(grid)
    sheet = book["Notation ROI"]
    headers = {cell.value: cell.column for cell in sheet[1]}
    criteria = [
        h for h in headers if h not in ("Participant", "Public", "Dispositif", "Commentaire")
    ]
    row = 2
    for person, (public, grades) in FILLED.items():
        for device, grade in grades.items():
            sheet.cell(row, headers["Participant"], person)
            sheet.cell(row, headers["Public"], public)
            sheet.cell(row, headers["Dispositif"], device)
            for code in criteria:
                value = grade.get(code, "Insuffisant") if isinstance(grade, dict) else grade
                sheet.cell(row, headers[code], value)
            row += 1
    sheet.cell(2, headers["Commentaire"], "Enfin du concret")
    book.save(target)
    return target


def _issued(workspace: Workspace, tmp_path: Path) -> BuildResult:
    """The Stratégie example built with « Facture » = « À émettre »: a number is issued."""
    source = set_mission_field(
        _unrated(tmp_path), tmp_path / STRATEGIE.name, "Facture", "À émettre"
    )
    result = build(source, workspace, today=TODAY)
    assert result.invoice_number == "F-2026-0001"
    return result


@pytest.mark.slow
def test_a_strategie_gives_the_kit_guide_and_grid(workspace: Workspace) -> None:
    result = build(STRATEGIE, workspace, today=TODAY)
    assert result.commit is not None
    written = [p.name for p in result.commit.written]
    assert {GUIDE, GRID, "Facture proforma - 2026-021.docx"} <= set(written)
    # The example's workshop is held, yet the grid handed out is empty: its grades are
    # the engagement's, kept in the outbox, never written back into the client's grid.
    assert read_engagement(STRATEGIE).ratings
    book = openpyxl.load_workbook(workspace.outbox / FOLDER / GRID)
    sheets = ["Lisez-moi", "Mission", "Critères ROI", "Dispositifs", "Notation ROI"]
    assert book.sheetnames == sheets
    assert nothing_under_header(book["Notation ROI"])


@pytest.mark.slow
def test_the_grid_holds_the_identity_criteria_and_dispositifs_and_an_empty_rating_sheet(
    workspace: Workspace, tmp_path: Path
) -> None:
    unrated = _unrated(tmp_path)
    build(unrated, workspace, today=TODAY)
    data = (workspace.outbox / FOLDER / GRID).read_bytes()
    engagement = read_engagement(unrated)

    book = openpyxl.load_workbook(BytesIO(data))
    mission = {row[0].value: row[1].value for row in book["Mission"].iter_rows(min_row=2)}
    assert mission == {
        "Référence": "2026-021",
        "Offre": "Stratégie globale opérationnelle",
        "Intitulé": engagement.mission.title,
        "Collectivité": "Communauté des Trois Vallées",
    }
    assert book.active is not None and book.active.title == "Notation ROI"
    sheet = book["Notation ROI"]
    codes = [c.code for c in engagement.criteria]
    assert codes == ["EFF", "ACC", "CLA", "INF", "RET", "REC", "EQU", "JEU"]  # the client's own
    assert [c.value for c in sheet[1]] == [
        "Participant",
        "Public",
        "Dispositif",
        *codes,
        "Commentaire",
    ]
    assert nothing_under_header(sheet)  # nothing rated yet

    dropdowns = {
        sheet.cell(1, cell_range.min_col).value: dv.formula1
        for dv in sheet.data_validations.dataValidation
        if dv.type == "list"
        for cell_range in dv.sqref.ranges
        if cell_range.min_row == 2 and cell_range.max_row >= 500
    }
    assert dropdowns["Public"] == '"Élu,Agent,Citoyen,Partenaire"'
    assert dropdowns["Dispositif"] == "'Dispositifs'!$A$2:$A$501"
    devices = book["Dispositifs"]
    assert [devices.cell(r, 1).value for r in range(2, 9)] == [d.code for d in engagement.devices]
    for code in codes:
        assert dropdowns[code] == '"À rejeter,Insuffisant,Passable,Bien,Très bien"'
    assert "Participant" not in dropdowns and "Commentaire" not in dropdowns  # free text

    weights = {r[0].value: r[3].value for r in book["Critères ROI"].iter_rows(min_row=2)}
    assert weights["RET"] == 2 and weights["INF"] == 1.5 and weights["EQU"] == 1.5
    readme = "\n".join(str(c.value) for c in book["Lisez-moi"]["A"] if c.value)
    assert "Communauté des Trois Vallées (2026-021)" in readme
    assert "D7 : Jury citoyen sur les grands arbitrages" in readme
    assert "RET : Retour (compte 2 fois)" in readme
    assert "renvoyez-la à amoor" in readme  # the configured firm


def _check_ranking(result: BuildResult) -> None:
    """Majority judgment by hand on the overall grades of FILLED (Élodie, Bruno, Chloé,
    Driss, Emma):
    - D1: Bien, Bien, Très bien, Très bien, Passable -> sorted 2 3 3 4 4: Bien; 2 above,
      1 below: Bien⁺.
    - D4: Très bien, Bien, Bien, Bien, Passable -> 2 3 3 3 4: Bien; 1 above, 1 below: Bien⁻.
    - D7: Passable, À rejeter, Très bien (weights), Insuffisant, Passable -> 0 1 2 2 4:
      Passable; 1 above, 2 below: Passable⁻. The agent (alone) rejects it: veto, left
      behind; the citoyens (Très bien, Insuffisant: lower median Insuffisant) too.
    """
    roi = result.analysis.roi
    assert roi is not None
    assert [(r.code, r.overall.mention) for r in roi.ranking] == [
        ("D1", "Bien⁺"),
        ("D4", "Bien⁻"),
        ("D7", "Passable⁻"),
    ]
    d7 = roi.ranking[2]
    assert d7.veto == (m.Public.AGENT,)
    assert d7.left_behind == (m.Public.AGENT, m.Public.CITOYEN)
    assert roi.ranking[0].balanced and roi.ranking[1].balanced
    assert roi.recommended == "D1"
    assert roi.unrated == ("D2", "D3", "D5", "D6")


@pytest.mark.slow
def test_the_filled_grid_ranks_the_dispositifs_and_issues_no_second_invoice(
    workspace: Workspace, tmp_path: Path
) -> None:
    first = _issued(workspace, tmp_path)
    assert first.analysis.roi is not None and first.analysis.roi.ranking == ()
    unrated = docx.Document(str(workspace.outbox / FOLDER / CAHIER))
    assert not any(
        "R.O.I. citoyen" in p.text for p in unrated.paragraphs if p.style.name == "Heading 1"
    )
    folder = workspace.outbox / FOLDER
    filled = _fill(folder / GRID, tmp_path / "Grille remplie - atelier du 25 novembre.xlsx")

    result = build(filled, workspace, today=TODAY)

    _check_ranking(result)
    assert result.invoice_number == "F-2026-0001"  # the engagement's one invoice
    assert [r.number for r in Ledger.of(workspace).list_invoices()] == ["F-2026-0001"]
    assert not any("déjà été émise" in n for n in result.notices)  # same amounts, same buyer
    assert result.commit is not None
    written = [p.name for p in result.commit.written]
    assert {GUIDE, GRID, CAHIER} <= set(written)  # the Stratégie documents, rebuilt
    # The cahier des charges now carries the kit's results, ranked as computed above.
    cahier = docx.Document(str(folder / CAHIER))
    headings = [p.text for p in cahier.paragraphs if p.style.name == "Heading 1"]
    assert "Résultats du kit R.O.I. citoyen" in headings
    ranking = next(t for t in cahier.tables if t.rows[0].cells[0].text == "Rang")
    assert [r.cells[2].text for r in ranking.rows[1:]] == ["Bien⁺", "Bien⁻", "Passable⁻"]
    assert [r.cells[1].text.split(" — ")[0] for r in ranking.rows[1:]] == ["D1", "D4", "D7"]
    # The workbook kept beside the deliverables now holds the ratings (a rebuild keeps
    # them); the grid handed out again is empty.
    kept = read_engagement(folder / STRATEGIE.name)
    assert len(kept.ratings) == 15 and kept.ratings[0].comment == "Enfin du concret"
    assert kept.stakeholders == read_engagement(STRATEGIE).stakeholders
    assert nothing_under_header(openpyxl.load_workbook(folder / GRID)["Notation ROI"])
    assert not (folder / filled.name).exists()  # one workbook copy: the engagement's


@pytest.mark.slow
def test_a_grid_dropped_again_replaces_its_ratings_instead_of_adding_them(
    workspace: Workspace, tmp_path: Path
) -> None:
    build(_unrated(tmp_path), workspace, today=TODAY)
    filled = _fill(workspace.outbox / FOLDER / GRID, tmp_path / "remplie.xlsx")
    build(filled, workspace, today=TODAY)
    _check_ranking(build(filled, workspace, today=TODAY))
    assert len(read_engagement(workspace.outbox / FOLDER / STRATEGIE.name).ratings) == 15


@pytest.mark.slow
def test_a_grid_whose_reference_has_no_engagement_is_refused(
    workspace: Workspace, tmp_path: Path
) -> None:
    build(_unrated(tmp_path), workspace, today=TODAY)
    filled = _fill(workspace.outbox / FOLDER / GRID, tmp_path / "remplie.xlsx")
    book = openpyxl.load_workbook(filled)
    book["Mission"]["B2"] = "2026-099"
    book.save(filled)
    with pytest.raises(WorkbookError) as caught:
        build(filled, workspace, today=TODAY)
    (problem,) = caught.value.problems
    assert str(problem).startswith(
        "Feuille « Mission », cellule B2 : aucune mission de Référence « 2026-099 » n'a ses "
        "livrables dans"
    )
    assert "la grille ne peut compléter aucune mission" in str(problem)
    assert not any("2026-099" in p.name for p in workspace.outbox.iterdir())


@pytest.mark.libreoffice
@needs_libreoffice
def test_the_grid_saved_by_libreoffice_gives_the_same_ranking(
    workspace: Workspace, tmp_path: Path, lo_profile: Path
) -> None:
    build(_unrated(tmp_path), workspace, today=TODAY)
    filled = _fill(workspace.outbox / FOLDER / GRID, tmp_path / "remplie.xlsx")
    saved = convert(filled, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo", lo_profile)
    assert saved.read_bytes() != filled.read_bytes()
    sheet = openpyxl.load_workbook(saved)["Notation ROI"]
    assert any("Dispositifs" in (dv.formula1 or "") for dv in sheet.data_validations.dataValidation)

    _check_ranking(build(saved, workspace, today=TODAY))


@pytest.mark.slow
def test_a_blank_grade_is_not_rated_and_a_wrong_one_is_located(
    workspace: Workspace, tmp_path: Path
) -> None:
    build(_unrated(tmp_path), workspace, today=TODAY)
    filled = _fill(workspace.outbox / FOLDER / GRID, tmp_path / "remplie.xlsx")
    book = openpyxl.load_workbook(filled)
    book["Notation ROI"]["E3"] = None  # Élodie leaves ACC of D4 blank
    book["Notation ROI"]["F4"] = "Pas mal"
    book["Notation ROI"]["C5"] = "D9"
    book.save(filled)
    with pytest.raises(WorkbookError) as caught:
        build(filled, workspace, today=TODAY)
    assert caught.value.source == filled.name  # located in the grid, as its secretary sees it
    grade, code = caught.value.problems
    assert str(grade).startswith("Feuille « Notation ROI », cellule F4 : ")
    assert "« Très bien »" in str(grade)
    assert str(code).startswith("Feuille « Notation ROI », cellule C5 : le code « D9 » n'existe")
    book["Notation ROI"]["F4"] = "passable"
    book["Notation ROI"]["C5"] = "d1"
    book.save(filled)
    build(filled, workspace, today=TODAY)
    kept = read_engagement(workspace.outbox / FOLDER / STRATEGIE.name)
    assert kept.ratings[1].grade("ACC") is None
    assert kept.ratings[3].scenario == "D1"  # the code as the dispositifs spell it
