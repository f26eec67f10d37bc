"""Every broken workbook of ``tests/data/broken/`` gets its exact French message.

The corpus is written by ``tests/data/make_broken.py`` from one minimal valid
« Concertation citoyenne » workbook (``valid.xlsx``); each other file breaks one
rule of ``workbooks.md`` (``several-problems.xlsx`` breaks four at once). A
consultant only sees these messages, so they are compared word for word.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import openpyxl.xml
import pytest

from pipeline.errors import NotAWorkbookError, WorkbookError
from pipeline.workbook.reader import read_engagement
from pipeline.workbook.sniff import check_xlsx

BROKEN = Path(__file__).resolve().parent / "data" / "broken"
VALID = BROKEN / "valid.xlsx"

# File -> every Problem of its WorkbookError, in order: (sheet, cell, str(problem)).
# An empty cell means the problem concerns a whole sheet; an empty sheet, the workbook.
PROBLEMS: dict[str, list[tuple[str, str, str]]] = {
    "missing-sheet.xlsx": [
        (
            "",
            "",
            "la feuille « Scénarios » est introuvable. Une mission « Concertation citoyenne » "
            "contient les feuilles « Parties prenantes », « Paramètres », « Scénarios », "
            "« Critères ROI », « Notation ROI », « Options », « Communication ». Ajoutez la "
            "feuille manquante (un classeur vierge créé avec « amoor workbook new » la "
            "contient).",
        ),
    ],
    "missing-column.xlsx": [
        (
            "Parties prenantes",
            "",
            "Feuille « Parties prenantes » : la colonne obligatoire « Influence » est "
            "introuvable. La ligne d'en-tête (ici la ligne 1) doit contenir : Nom | Catégorie "
            "| Rôle et attentes | Influence | Intérêt | Niveau d'implication | Contact.",
        ),
    ],
    "bad-list-value.xlsx": [
        (
            "Parties prenantes",
            "B3",
            "Feuille « Parties prenantes », cellule B3 : la catégorie doit être une des "
            "valeurs « Habitants », « Services », « Élus », « Prestataires », « Associations », "
            "« Institutions », « Autre » (lu : « Riverains »).",
        ),
    ],
    "bad-integer.xlsx": [
        (
            "Parties prenantes",
            "D3",
            "Feuille « Parties prenantes », cellule D3 : l'influence doit être un entier de 1 "
            "à 5 (lu : « fort »).",
        ),
    ],
    "bad-date.xlsx": [
        (
            "Mission",
            "B6",
            "Feuille « Mission », cellule B6 : la date de début doit être une date (par "
            "exemple 25/11/2026) (lu : « 31/02/2026 »).",
        ),
    ],
    "unknown-scenario.xlsx": [
        (
            "Notation ROI",
            "C3",
            "Feuille « Notation ROI », cellule C3 : le code « S9 » n'existe pas dans la "
            "feuille « Scénarios » (codes connus : S1, S2). Corrigez le code ou ajoutez-le "
            "dans « Scénarios ».",
        ),
    ],
    "duplicate-code.xlsx": [
        (
            "Scénarios",
            "A4",
            "Feuille « Scénarios », cellule A4 : le code « S2 » est déjà utilisé en A3. "
            "Chaque code doit être unique dans sa feuille : renommez l'un des deux.",
        ),
    ],
    "formula-no-cache.xlsx": [
        (
            "Parties prenantes",
            "E2",
            "Feuille « Parties prenantes », cellule E2 : la cellule contient une formule dont "
            "la valeur n'a pas été calculée (Intérêt). Ouvrez le classeur dans Excel ou "
            "LibreOffice Calc, enregistrez-le (le calcul des formules est alors mémorisé), "
            "puis déposez-le à nouveau.",
        ),
    ],
    "several-problems.xlsx": [
        (
            "Mission",
            "B4",
            "Feuille « Mission », cellule B4 : l'intitulé est obligatoire, la cellule est vide.",
        ),
        (
            "Parties prenantes",
            "D3",
            "Feuille « Parties prenantes », cellule D3 : l'influence doit être un entier de 1 "
            "à 5 (lu : « fort »).",
        ),
        (
            "Notation ROI",
            "B2",
            "Feuille « Notation ROI », cellule B2 : le public doit être une des valeurs "
            "« Élu », « Agent », « Citoyen », « Partenaire » (lu : « Habitant »).",
        ),
        (
            "Notation ROI",
            "E3",
            "Feuille « Notation ROI », cellule E3 : la note du critère « ACC » doit être une "
            "note de 0 à 4 ou une mention : À rejeter (0), Insuffisant (1), Passable (2), "
            "Bien (3), Très bien (4) (lu : « 7 »).",
        ),
    ],
}

EXPECTED: dict[str, list[str]] = {
    name: [message for _, _, message in problems] for name, problems in PROBLEMS.items()
}

_SAVE_AS = "Enregistrez-le au format « Classeur Excel (.xlsx) » puis déposez-le à nouveau."

NOT_A_WORKBOOK: dict[str, str] = {
    "xls-renamed.xlsx": (
        "Le fichier « xls-renamed.xlsx » est un classeur Excel 97-2003 (.xls), format que "
        "l'outil ne lit pas. Ouvrez-le puis Fichier > Enregistrer sous… > « Classeur Excel "
        "(.xlsx) », et déposez le fichier .xlsx."
    ),
    "ods-renamed.xlsx": (
        "Le fichier « ods-renamed.xlsx » est un classeur OpenDocument (.ods), pas un classeur "
        "Excel. Dans LibreOffice Calc : Fichier > Enregistrer sous… > type « Excel 2007-365 "
        "(.xlsx) », puis déposez le fichier .xlsx."
    ),
    "csv-renamed.xlsx": (
        "Le fichier « csv-renamed.xlsx » est un fichier texte (CSV ?), pas un classeur Excel. "
        "Ouvrez-le dans Excel ou LibreOffice Calc, recopiez les données dans un classeur "
        "vierge (amoor workbook new), puis déposez ce classeur .xlsx."
    ),
    "truncated.xlsx": (
        "Le classeur « truncated.xlsx » est incomplet ou endommagé (copie interrompue, "
        "synchronisation inachevée ?). Ouvrez-le dans Excel ou LibreOffice Calc pour "
        "vérifier, enregistrez-le puis déposez-le à nouveau."
    ),
    "encrypted.xlsx": (
        "Le classeur « encrypted.xlsx » est protégé par un mot de passe : il ne peut pas être "
        "lu. Dans Excel : Fichier > Informations > Protéger le classeur > Chiffrer avec mot de "
        "passe, effacez le mot de passe, enregistrez, puis déposez-le à nouveau."
    ),
}


def test_corpus_is_complete() -> None:
    on_disk = {p.name for p in BROKEN.glob("*.xlsx")}
    assert on_disk == {VALID.name, *EXPECTED, *NOT_A_WORKBOOK}


def test_valid_workbook_reads_without_problems() -> None:
    engagement = read_engagement(VALID)
    assert engagement.warnings == ()
    assert engagement.mission.reference == "2026-900"
    assert engagement.mission.title == "Réaménagement de la place du marché"
    assert len(engagement.stakeholders) == 3
    assert len(engagement.parameters) == 2
    assert [s.code for s in engagement.scenarios] == ["S1", "S2"]
    assert len(engagement.ratings) == 4


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_workbook_messages(name: str) -> None:
    with pytest.raises(WorkbookError) as caught:
        read_engagement(BROKEN / name)
    assert [str(p) for p in caught.value.problems] == EXPECTED[name]
    assert caught.value.source == name


@pytest.mark.parametrize("name", sorted(PROBLEMS))
def test_each_problem_names_its_place(name: str) -> None:
    """A located problem says « Feuille « X », cellule Y : » first, as the consultant sees it."""
    with pytest.raises(WorkbookError) as caught:
        read_engagement(BROKEN / name)
    problems = caught.value.problems
    assert [(p.sheet, p.cell) for p in problems] == [(s, c) for s, c, _ in PROBLEMS[name]]
    for problem in problems:
        if problem.sheet and problem.cell:
            prefix = f"Feuille « {problem.sheet} », cellule {problem.cell} : "
            assert str(problem).startswith(prefix)
        elif problem.sheet:
            assert str(problem).startswith(f"Feuille « {problem.sheet} » : ")


def test_several_problems_are_reported_together() -> None:
    with pytest.raises(WorkbookError) as caught:
        read_engagement(BROKEN / "several-problems.xlsx")
    sheets = {p.sheet for p in caught.value.problems}
    assert sheets == {"Mission", "Parties prenantes", "Notation ROI"}
    report = str(caught.value)
    assert report.startswith(
        "Le classeur « several-problems.xlsx » contient 4 problèmes à corriger :\n"
    )
    assert report.endswith("\nCorrigez le classeur puis déposez-le à nouveau.")


@pytest.mark.parametrize("name", sorted(NOT_A_WORKBOOK))
def test_not_a_workbook_messages(name: str) -> None:
    with pytest.raises(NotAWorkbookError) as caught:
        read_engagement(BROKEN / name)
    assert str(caught.value) == NOT_A_WORKBOOK[name]


def test_openpyxl_parses_with_defusedxml() -> None:
    import defusedxml

    assert defusedxml.__version__
    assert openpyxl.xml.DEFUSEDXML is True


def test_zip_bomb_is_refused_before_decompression(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    shutil.copyfile(VALID, bomb)
    check_xlsx(bomb, max_uncompressed=1024 * 1024)  # the workbook alone is well under 1 Mo
    chunk = bytes(256 * 1024)
    with (
        zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/media/padding.bin", "w") as member,
    ):
        for _ in range(12):  # 3 Mo of zeros, a few kilobytes once compressed
            member.write(chunk)
    assert bomb.stat().st_size < 100 * 1024
    with pytest.raises(NotAWorkbookError) as caught:
        check_xlsx(bomb, max_uncompressed=1024 * 1024)
    message = str(caught.value)
    assert "volumineux" in message
    assert message == (
        "Le classeur « bomb.xlsx » est anormalement volumineux une fois décompressé "
        "(3 Mo, limite 1 Mo) : il n'est pas lu, par sécurité. Retirez les images ou données "
        "superflues, ou repartez d'un classeur vierge (amoor workbook new)."
    )
