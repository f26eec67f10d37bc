"""Every broken workbook of ``tests/data/broken/`` gets its exact French message.

The corpus is written by ``tests/data/make_broken.py`` from one minimal valid
« Concertation citoyenne » workbook (``valid.xlsx``); each other file breaks one
rule of ``docs/workbooks.md`` (``several-problems.xlsx`` breaks four at once). A
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
            "La feuille « Scénarios » est introuvable. Une mission « Concertation citoyenne » "
            "contient obligatoirement les feuilles « Parties prenantes », « Paramètres », "
            "« Scénarios » et « Notation ROI » (« Critères ROI », « Options », « Échéancier », "
            "« Communication », « Gouvernance », « Risques » et « Indicateurs » sont "
            "facultatives). Ajoutez la feuille manquante (un classeur vierge créé avec « amoor "
            "workbook new » la contient).",
        ),
    ],
    "missing-column.xlsx": [
        (
            "Parties prenantes",
            "",
            "Feuille « Parties prenantes » : la colonne obligatoire « Influence » est "
            "introuvable. Ajoutez la colonne « Influence » à la ligne d'en-tête (ligne 1). "
            "Colonnes attendues : Nom | Catégorie | Rôle et attentes | Influence | Intérêt | "
            "Niveau d'implication | Contact | Notes internes (obligatoires : Nom, Catégorie, "
            "Influence, Intérêt).",
        ),
    ],
    "bad-list-value.xlsx": [
        (
            "Parties prenantes",
            "B3",
            "Feuille « Parties prenantes », cellule B3 : la catégorie doit être l'une des "
            "valeurs « Habitants », « Services », « Élus », « Prestataires », « Associations », "
            "« Acteurs économiques », « Institutions », « Autre » (lu : « Riverains »).",
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
            "Feuille « Mission », cellule B6 : la date de début doit être une date qui "
            "existe, au format JJ/MM/AAAA, par exemple 25/11/2026 (lu : « 31/02/2026 »).",
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
            "Feuille « Scénarios », cellule A4 : le code « S2 » est déjà utilisé à la cellule A3. "
            "Chaque code doit être unique dans sa feuille : renommez l'un des deux.",
        ),
    ],
    "formula-no-cache.xlsx": [
        (
            "Parties prenantes",
            "E2",
            "Feuille « Parties prenantes », cellule E2 : cette cellule (Intérêt) contient une "
            "formule dont le résultat n'a pas été enregistré (lu : « =2+2 »). Ouvrez le "
            "classeur dans Excel ou LibreOffice Calc, enregistrez-le (le résultat des formules "
            "est alors enregistré), puis déposez-le à nouveau.",
        ),
    ],
    "several-problems.xlsx": [
        (
            "Mission",
            "B4",
            "Feuille « Mission », cellule B4 : l'intitulé est obligatoire, la cellule est vide. "
            "Saisissez l'intitulé : par exemple « Réaménagement de la place du marché ».",
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
            "Feuille « Notation ROI », cellule B2 : le public doit être l'une des valeurs "
            "« Élu », « Agent », « Citoyen », « Partenaire » (lu : « Habitant »).",
        ),
        (
            "Notation ROI",
            "E3",
            "Feuille « Notation ROI », cellule E3 : la note du critère « ACC » doit être un "
            "nombre entier de 0 (À rejeter) à 4 (Très bien), ou l'une des mentions "
            "« À rejeter », « Insuffisant », « Passable », « Bien », « Très bien » "
            "(lu : « 7 »).",
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
        "l'outil ne lit pas. Ouvrez-le dans Excel ou LibreOffice Calc, puis Fichier > "
        "Enregistrer sous… > « Classeur Excel (.xlsx) », et déposez le fichier .xlsx."
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
        "synchronisation inachevée ?) : il ne peut pas être lu. Copiez-le à nouveau depuis "
        "l'original ; s'il ne s'ouvre pas non plus dans Excel ou LibreOffice Calc, repartez "
        "de la dernière version enregistrée."
    ),
    "encrypted.xlsx": (
        "Le classeur « encrypted.xlsx » est protégé par un mot de passe : il ne peut pas être "
        "lu. Dans Excel : Fichier > Informations > Protéger le classeur > Chiffrer avec mot de "
        "passe, effacez le mot de passe, enregistrez. Dans LibreOffice Calc : Fichier > "
        "Enregistrer sous…, décochez « Enregistrer avec mot de passe ». Puis déposez-le à "
        "nouveau."
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
    assert report.endswith("\nCorrigez le classeur, enregistrez-le, puis relancez son traitement.")


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
    check_xlsx(
        bomb.read_bytes(), bomb.name, max_uncompressed=1024 * 1024
    )  # the workbook alone is well under 1 Mo
    chunk = bytes(256 * 1024)
    with (
        zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/media/padding.bin", "w") as member,
    ):
        for _ in range(12):  # 3 Mo of zeros, a few kilobytes once compressed
            member.write(chunk)
    assert bomb.stat().st_size < 100 * 1024
    with pytest.raises(NotAWorkbookError) as caught:
        check_xlsx(bomb.read_bytes(), bomb.name, max_uncompressed=1024 * 1024)
    message = str(caught.value)
    assert "volumineux" in message
    assert message == (
        "Le classeur « bomb.xlsx » est anormalement volumineux une fois décompressé "
        "(3,0 Mo, limite 1,0 Mo) : il n'est pas lu, par sécurité. Retirez les images ou données "
        "superflues, ou repartez d'un classeur vierge (amoor workbook new)."
    )
