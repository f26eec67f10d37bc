"""Issue 20: French wording a commune's DGS reads without stumbling, on every deliverable.

Every example is built for real, for a firm whose name opens with an article and holds
its own parentheses (« Les Ateliers du Bourg (cabinet fictif, tests) »), and the
documents are read back: Word with python-docx, the rating grid with openpyxl. Lists
are joined with « ; » the French way, the consultant is not « Consultant » when she is
a woman, the pilot's role is said once, acceptance and fee agree, the pistes' costs
are estimates, quotations and brackets do not nest, and the grid speaks of tabs only.
"""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn

from pipeline.build import build
from pipeline.config import set_seller
from pipeline.formats import aside, of, quoted, semicolons, to
from pipeline.render.agreement import consultant_label
from pipeline.render.governance import merged_roles
from pipeline.workbook.kinds import CodeList
from pipeline.workspace import Workspace, init_workspace
from tests.conftest import EXAMPLES, TEST_FIRM, TODAY
from tests.samples import set_mission_field

FIRM = "Les Ateliers du Bourg (cabinet fictif, tests)"
SAINT_AUBIN = next(p for p in EXAMPLES if "saint-aubin" in p.name)
STOPPED = next(p for p in EXAMPLES if "arretee" in p.name)
EMERGENCE = next(p for p in EXAMPLES if "emergence" in p.name)
STRATEGIE = next(p for p in EXAMPLES if "strategie" in p.name)
NNBSP, NBSP = "\u202f", "\u00a0"


def _workspace(root: Path) -> Workspace:
    workspace = init_workspace(root / "espace")
    set_seller(workspace.config_path, {**TEST_FIRM, "raison_sociale": FIRM})
    return Workspace.open(workspace.root)


def _written(example: Path, workspace: Workspace) -> list[Path]:
    result = build(example, workspace, today=TODAY)
    assert result.commit is not None
    return list(result.commit.written)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, list[Path]]:
    """Every deliverable of every example, by example."""
    workspace = _workspace(tmp_path_factory.mktemp("wording"))
    return {example: _written(example, workspace) for example in EXAMPLES}


def _lines(path: Path) -> list[str]:
    """Every paragraph of a Word document, in tables, headers and footers too."""
    document = docx.Document(str(path))
    roots = [document.element.body]
    for section in document.sections:
        roots += [part._element for part in (section.header, section.footer)]
    return [
        "".join(t.text or "" for t in p.iter(qn("w:t")))
        for root in roots
        for p in root.iter(qn("w:p"))
    ]


def _document(built: dict[Path, list[Path]], example: Path, title: str) -> list[str]:
    (path,) = [p for p in built[example] if p.name.startswith(title) and p.suffix == ".docx"]
    return _lines(path)


def _all_documents(built: dict[Path, list[Path]]) -> dict[str, list[str]]:
    return {p.name: _lines(p) for paths in built.values() for p in paths if p.suffix == ".docx"}


def _grid(built: dict[Path, list[Path]]) -> openpyxl.Workbook:
    (path,) = [p for p in built[STRATEGIE] if p.suffix == ".xlsx" and "Grille" in p.name]
    return openpyxl.load_workbook(path)


def _grid_texts(book: openpyxl.Workbook) -> list[str]:
    """Every word the person typing the ratings may read: cells, input messages, errors."""
    texts = [str(c.value) for s in book.worksheets for r in s.iter_rows() for c in r if c.value]
    for sheet in book.worksheets:
        for v in sheet.data_validations.dataValidation:
            texts += [t for t in (v.promptTitle, v.prompt, v.errorTitle, v.error) if t]
    return texts


def _plain(text: str) -> str:
    return text.replace(NBSP, " ").replace(NNBSP, " ").replace("\u2019", "'")


# ------------------------------------------------------------------ 1. lists with « ; »
@pytest.mark.slow
def test_lists_are_joined_with_a_no_break_space_before_the_semicolon(
    built: dict[Path, list[Path]],
) -> None:
    for name, lines in _all_documents(built).items():
        for line in lines:
            assert not re.search(rf"[^\s{NNBSP}{NBSP}];", line), (name, line)
    note = _document(built, STOPPED, "Note de décision")
    steering = next(x for x in note if x.startswith("Sylvie Carabin") and "Oudard" in x)
    assert f"aux mobilités{NNBSP}; Martine Oudard" in steering
    # The grid's cells, which no spacing pass reaches, are joined the same way.
    devices = _grid(built)["Dispositifs"]
    column = [c.value for c in devices[1]].index("Techniques") + 1
    techniques = [devices.cell(r, column).value for r in range(2, devices.max_row + 1)]
    assert f"Consultation{NNBSP}; Co-construction" in techniques
    assert all(not re.search(rf"[^{NNBSP}];", t) for t in techniques if t), techniques


def test_codes_written_back_in_a_workbook_read_as_typed() -> None:
    written = CodeList().cell_value(("P1", "P3"))
    assert written == f"P1{NNBSP}; P3"
    assert CodeList().parse(written) == ("P1", "P3")
    assert semicolons(["a", "", "b"]) == f"a{NNBSP}; b"


# ------------------------------------------------------------------ 2. « Consultant »
@pytest.mark.slow
def test_the_consultant_is_named_with_a_label_that_fits_a_woman(
    built: dict[Path, list[Path]],
) -> None:
    for name, lines in _all_documents(built).items():
        assert not any(_plain(line).startswith("Consultant :") for line in lines), name
        assert "Consultant" not in lines, name  # the identity card's label, a role
        if not name.startswith("Facture"):
            assert any(_plain(line).startswith("Dossier suivi par : ") for line in lines), name
    cahier = _document(built, SAINT_AUBIN, "Cahier des charges")
    assert "Dossier suivi par : Inès Roussel" in [_plain(line) for line in cahier]


def test_a_civility_typed_agrees_the_consultants_role(tmp_path: Path) -> None:
    workbook = set_mission_field(
        SAINT_AUBIN, tmp_path / SAINT_AUBIN.name, "Consultant", "Mme Inès Roussel"
    )
    (kit,) = [p for p in _written(workbook, _workspace(tmp_path)) if p.name.startswith("Kit")]
    lines = _lines(kit)
    # « Qui fait quoi »: her name, then her role.
    assert ("Mme Inès Roussel", "Consultante") in pairwise(lines)
    assert consultant_label("M. Romain Lefébure") == "Consultant"
    assert consultant_label("Inès Roussel") == "Accompagnement de la démarche"


# ------------------------------------------------------------------ 3. the pilot's role
@pytest.mark.slow
@pytest.mark.parametrize(
    ("example", "title", "pilot"),
    [
        (SAINT_AUBIN, "Cahier des charges", "Claire Vasseur-Dumont"),
        (STOPPED, "Note de décision", "Martine Oudard"),
        (STRATEGIE, "Cahier des charges", "Corinne Lebastard"),
    ],
    ids=["saint-aubin", "val-de-brume", "trois-vallees"],
)
def test_the_pilot_is_given_their_role_once(
    built: dict[Path, list[Path]], example: Path, title: str, pilot: str
) -> None:
    lines = _document(built, example, title)
    (line,) = [x for x in lines if x.startswith(f"{pilot}, ") and " — " in x]
    role = line.split(" — ", 1)[1]
    assert role.startswith("Pilote administrative")
    assert role.count("Pilote") == 1, role


def test_roles_are_merged_case_accents_and_agreement_aside() -> None:
    assert merged_roles(
        "Pilote du projet", "Pilote administrative ; garante du budget.", "Pilote"
    ) == ("Pilote administrative ; garante du budget.")
    assert merged_roles("Élue référente", "élu référent ; porte la démarche.") == (
        "Élue référente ; porte la démarche."
    )
    assert merged_roles("Élu référent", "Élu référent de la démarche ; arbitre.") == (
        "Élu référent de la démarche ; arbitre."
    )
    # Nothing said twice; a new sentence is not glued on after « ; ».
    assert merged_roles("Élue référente", "Porte le plan ; veut éviter les rumeurs.") == (
        "Élue référente. Porte le plan ; veut éviter les rumeurs."
    )
    assert merged_roles("Pilote du projet ; garant du budget", "Garante du budget") == (
        "Pilote du projet ; garant du budget"
    )


# ------------------------------------------------------------------ 4. acceptance and fee
@pytest.mark.slow
def test_the_last_acceptance_sets_off_the_one_invoice_of_the_fee(
    built: dict[Path, list[Path]],
) -> None:
    cahier = [_plain(x) for x in _document(built, SAINT_AUBIN, "Cahier des charges")]
    assert "L'acceptation du dernier livrable déclenche la facturation des honoraires." in cahier
    fee = next(x for x in cahier if x.startswith("Les honoraires sont facturés"))
    assert "en une fois" in fee and "à l'acceptation du dernier livrable" in fee
    for name, lines in _all_documents(built).items():
        assert not any("permet la facture" in x for x in lines), name


def test_with_instalments_the_last_acceptance_sets_off_the_balance_invoice(
    tmp_path: Path,
) -> None:
    book = openpyxl.load_workbook(SAINT_AUBIN)
    sheet = book.create_sheet("Échéancier")
    sheet.append(["Libellé", "Part", "Date prévue", "Facture"])
    sheet.append(["Acompte à la commande", "30 %", "15/01/2026", "Proforma"])
    sheet.append(["Solde à la livraison", "70 %", "30/04/2026", "Proforma"])
    book.save(tmp_path / SAINT_AUBIN.name)
    written = _written(tmp_path / SAINT_AUBIN.name, _workspace(tmp_path))
    (cahier,) = [p for p in written if p.name.startswith("Cahier")]
    lines = [_plain(x) for x in _lines(cahier)]
    assert "L'acceptation du dernier livrable déclenche la facture de solde des honoraires." in (
        lines
    )


# ------------------------------------------------------------------ 5. the pistes' costs
@pytest.mark.slow
def test_the_pistes_report_calls_its_costs_estimates_and_the_fee_the_only_commitment(
    built: dict[Path, list[Path]],
) -> None:
    report = [_plain(x) for x in _document(built, EMERGENCE, "Rapport")]
    assert any(x.startswith("Coût estimé : 180 000 €") for x in report)
    intro = report[report.index("Honoraires, coûts et budget") + 1]
    assert intro.startswith(
        "Le seul engagement financier des Ateliers du Bourg (cabinet fictif, tests) dans ce "
        "document est celui de ses honoraires"
    )
    assert "des estimations indicatives" in intro
    assert not any("Le seul montant de ce document" in x for x in report)


# ------------------------------------------------------------------ 6. nested guillemets
@pytest.mark.slow
def test_quotations_do_not_nest_guillemets(built: dict[Path, list[Path]]) -> None:
    texts = _all_documents(built)
    texts["grille"] = _grid_texts(_grid(built))
    for name, lines in texts.items():
        for line in lines:
            assert not re.search("«[^»]*«", line), (name, line)
    cahier = [_plain(x) for x in _document(built, STRATEGIE, "Cahier des charges")]
    recommendation = next(x for x in cahier if x.startswith("Recommandation : le dispositif D4"))
    assert "D4 (« Permanences itinérantes “La Com'com' vient à vous” »)" in recommendation
    assert quoted("« Vivre ensemble »") == "« Vivre ensemble »"  # typed quoted: not again


# ------------------------------------------------------------------ 7. de + Les, à + Les
@pytest.mark.slow
def test_the_firms_article_is_contracted(built: dict[Path, list[Path]]) -> None:
    texts = [x for lines in _all_documents(built).values() for x in lines]
    texts += _grid_texts(_grid(built))
    assert not [x for x in texts if re.search(r"\b(de|à) Les Ateliers", x)]
    assert any("Honoraires des Ateliers du Bourg" in x for x in texts)
    assert any("confiée aux Ateliers du Bourg" in x for x in texts)
    assert (of("Le Mans"), to("Le Mans"), of("La Rochelle")) == (
        "du Mans",
        "au Mans",
        "de La Rochelle",
    )


# ------------------------------------------------------------------ 8. nested brackets
@pytest.mark.slow
def test_brackets_do_not_nest(built: dict[Path, list[Path]]) -> None:
    texts = _all_documents(built)
    texts["grille"] = _grid_texts(_grid(built))
    for name, lines in texts.items():
        for line in lines:
            assert not re.search(r"\([^()]*\(", line), (name, line)
    note = _document(built, STOPPED, "Note de décision")
    steering = next(x for x in note if x.startswith("Sylvie Carabin") and "Oudard" in x)
    assert steering.endswith("Romain Lefébure, Les Ateliers du Bourg (cabinet fictif, tests)")
    assert aside("Atelier A1", "Agents") == "Atelier A1 (Agents)"


# ------------------------------------------------------------------ 9. the rating grid
@pytest.mark.slow
def test_the_grid_speaks_of_tabs_asks_the_firm_for_a_missing_code_and_is_the_firms(
    built: dict[Path, list[Path]],
) -> None:
    book = _grid(built)
    assert book.properties.creator == FIRM
    texts = _grid_texts(book)
    assert not [t for t in texts if "feuille" in t.casefold()]
    assert any("ne modifiez pas les onglets" in t for t in texts)
    ratings = book["Notation ROI"]
    (device,) = [
        v for v in ratings.data_validations.dataValidation if v.promptTitle == "Dispositif"
    ]
    assert "ajoutez" not in device.error
    assert "choisissez un code du menu" in device.error
    assert device.error.endswith("demandez-le aux Ateliers du Bourg (cabinet fictif, tests).")
