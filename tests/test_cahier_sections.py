"""Issue 20, items 2–4: the cahier des charges a director general of services signs.

Each example's cahier (and Note de décision) is built for real and read back with
python-docx: its fee equals the invoice's (or proforma's) total HT, instalment by
instalment when there is an « Échéancier »; its calendar lists dated milestones; no
person is listed twice in its governance; the sections of a professional cahier are
there. One is read as LibreOffice prints it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from io import BytesIO
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.document import Document as DocumentObject

from pipeline import model as m
from pipeline.analysis.overview import analyse
from pipeline.build import CAHIER, build
from pipeline.render.commitments import PROPOSED, STOPPED_INDICATORS, STOPPED_RISKS
from pipeline.render.governance import PROPOSAL_TEXT, STOPPED_PROPOSAL_TEXT, governance_context
from pipeline.render.people import person_key
from pipeline.workbook.blank import blank_workbook
from pipeline.workbook.reader import read_engagement
from pipeline.workspace import Workspace
from tests.conftest import EXAMPLES, TODAY
from tests.libreoffice import docx_text_via_pdf, needs_libreoffice, squash
from tests.samples import set_mission_field

CAHIERS = [p for p in EXAMPLES if "emergence" not in p.name]
SAINT_AUBIN = next(p for p in EXAMPLES if "saint-aubin" in p.name)
STOPPED = next(p for p in EXAMPLES if "arretee" in p.name)
STRATEGIE = next(p for p in EXAMPLES if "strategie" in p.name)

SECTIONS = (
    "Honoraires, coûts et budget",
    "Échéancier de paiement",
    "Gouvernance et rôles",
    "Instances de pilotage",
    "Calendrier de la démarche et des livrables",
    "Livrables attendus et évaluation",
    "Réception des livrables",
    "Indicateurs et cibles",
    "Risques et mesures",
    "Cadre juridique",
    "Données personnelles (RGPD)",
    "Droit à l’image",
    "Charte de participation",
    "Accessibilité de la démarche",
    "Engagement de restitution",
    "Validation",
)
FRENCH_DATE = re.compile(
    r"^(1er|\d{1,2}) (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|"
    r"novembre|décembre) \d{4}$"
)


def _built(path: Path, workspace: Workspace) -> tuple[DocumentObject, list[Path]]:
    """The cahier (or Note de décision) of ``path`` and its invoice files, as written."""
    result = build(path, workspace, today=TODAY)
    assert result.commit is not None
    written = list(result.commit.written)
    cahier = next(p for p in written if p.name.startswith(("Cahier", "Note de décision")))
    invoices = [p for p in written if p.name.startswith("Facture")]
    return docx.Document(str(cahier)), invoices


def plain(text: str) -> str:
    """No-break spaces (French typography) read as spaces."""
    return unicodedata.normalize("NFKC", text)


def _rows(document: DocumentObject) -> list[list[str]]:
    return [[plain(c.text) for c in row.cells] for t in document.tables for row in t.rows]


def _total_ht(document: DocumentObject) -> str:
    """The amount of the (first) « Total HT » row: the invoice's, or the cahier's fee."""
    return next(r[-1] for r in _rows(document) if r[0].startswith("Total HT"))


def _headings(document: DocumentObject) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]


def _section(document: DocumentObject, title: str) -> list[str]:
    """The paragraphs of a level-1 section, up to the next one."""
    texts: list[str] = []
    inside = False
    for p in document.paragraphs:
        if p.style.name == "Heading 1":
            inside = p.text == title
        elif inside:
            texts.append(p.text)
    return texts


@pytest.mark.parametrize("path", CAHIERS, ids=lambda p: p.stem)
def test_the_cahier_states_the_fee_of_the_invoice(path: Path, workspace: Workspace) -> None:
    cahier, invoices = _built(path, workspace)
    (invoice,) = invoices  # the proforma, or the issued invoice of the stopped concertation
    fee = _total_ht(docx.Document(str(invoice)))
    assert _total_ht(cahier) == fee
    # The same fee in the summary that sets it beside the collectivité's own amounts.
    summary = next(r for r in _rows(cahier) if r[0].startswith("Honoraires"))
    assert summary[1] == fee


def test_a_decision_note_states_the_halved_fee(workspace: Workspace) -> None:
    note, (invoice,) = _built(STOPPED, workspace)
    text = "\n".join(p.text for p in note.paragraphs)
    assert "le prix de base est réduit de moitié" in text
    lines = [r for r in _rows(note) if "réduit de moitié" in r[0]]
    assert lines, "the base line carries the invoice's reason"
    assert _total_ht(note) == _total_ht(docx.Document(str(invoice)))


def _with_schedule(source: Path, target: Path) -> Path:
    book = openpyxl.load_workbook(source)
    sheet = book.create_sheet("Échéancier")
    sheet.append(["Libellé", "Part", "Date prévue", "Facture"])
    sheet.append(["Acompte à la commande", "30 %", "15/01/2026", "Proforma"])
    sheet.append(["Solde à la livraison", "70 %", "30/04/2026", "Proforma"])
    book.save(target)
    return target


def test_the_payment_schedule_is_the_invoices_one(workspace: Workspace, tmp_path: Path) -> None:
    cahier, invoices = _built(_with_schedule(SAINT_AUBIN, tmp_path / SAINT_AUBIN.name), workspace)
    schedule = {r[0]: r for r in _rows(cahier) if r[0].startswith(("Acompte", "Solde"))}
    assert schedule["Acompte à la commande"][1:] == ["30 %", "15 janvier 2026", "2 310,00 €"]
    assert schedule["Solde à la livraison"][1:] == ["70 %", "30 avril 2026", "5 390,00 €"]
    down_payment = next(p for p in invoices if "Acompte" in p.name)
    assert _total_ht(docx.Document(str(down_payment))) == "2 310,00 €"
    # The calendar dates the instalments too.
    calendar = [
        r for r in _rows(cahier) if r[1].startswith(("Facture d'échéance", "Facture d’échéance"))
    ]
    assert [r[0] for r in calendar] == ["15 janvier 2026", "30 avril 2026"]


@pytest.mark.parametrize("path", CAHIERS, ids=lambda p: p.stem)
def test_the_calendar_lists_dated_milestones_in_order(path: Path, workspace: Workspace) -> None:
    cahier, _ = _built(path, workspace)
    table = next(t for t in cahier.tables if t.rows[0].cells[1].text == "Étape ou livrable")
    rows = [[plain(c.text) for c in row.cells] for row in table.rows[1:]]
    assert len(rows) >= 3
    assert all(FRENCH_DATE.match(day) for day, _ in rows), rows
    assert any(label.startswith("Livrable : ") for _, label in rows)
    engagement = read_engagement(path)
    start = engagement.mission.start_date
    assert start is not None and rows[0] == [f"{start.day} janvier {start.year}", rows[0][1]]


@pytest.mark.slow
@pytest.mark.parametrize("path", CAHIERS, ids=lambda p: p.stem)
def test_no_person_is_listed_twice(path: Path, workspace: Workspace) -> None:
    cahier, _ = _built(path, workspace)
    people = [
        p.runs[0].text
        for p in cahier.paragraphs
        if p.style.name == "List Bullet" and p.text in _section(cahier, "Gouvernance et rôles")
    ]
    assert people
    keys = [person_key(name) for name in people]
    assert len(keys) == len(set(keys)), people


def test_the_pilot_is_one_person_however_typed() -> None:
    """The issue's case: « Hélène Vasseur, DGS » in « Mission », « Mme Hélène Vasseur,
    directrice générale des services » in the register, even among the élus."""
    engagement = read_engagement(SAINT_AUBIN)
    pilot = m.Stakeholder(
        "Mme Hélène Vasseur, directrice générale des services",
        m.Category.ELUS,
        4,
        4,
        role="Pilote administrative ; garante du calendrier.",
    )
    changed = replace(
        engagement,
        mission=replace(engagement.mission, pilot="Hélène Vasseur, DGS"),
        stakeholders=(*engagement.stakeholders, pilot),
    )
    groups = governance_context(changed, "Conseil")["groups"]
    named = [p for g in groups for p in g["people"] if "Vasseur" in p["name"]]
    assert named == [
        {
            "name": "Hélène Vasseur, DGS",
            # The pilot's function said once, in the register's words.
            "detail": "Pilote administrative ; garante du calendrier.",
        },
        # Claire Vasseur-Dumont, the example's own DGS, is another person.
        *[p for p in named if "Claire" in p["name"]],
    ]


def test_local_businesses_are_not_the_demarche_s_contractors(workspace: Workspace) -> None:
    cahier, _ = _built(SAINT_AUBIN, workspace)
    governance = "\n".join(_section(cahier, "Gouvernance et rôles"))
    assert "Cars de la Halle" not in governance
    register = [r for r in _rows(cahier) if r[0].startswith("Cars de la Halle") or "Cars" in r[1]]
    assert any("Acteurs économiques" in cell for r in register for cell in r)


@pytest.mark.parametrize("path", CAHIERS, ids=lambda p: p.stem)
def test_the_sections_of_a_professional_cahier_are_there(path: Path, workspace: Workspace) -> None:
    cahier, _ = _built(path, workspace)
    headings = _headings(cahier)
    missing = [s for s in SECTIONS if s not in headings]
    assert not missing
    restitution = " ".join(_section(cahier, "Engagement de restitution"))
    assert re.search(r"au plus tard le \d{1,2} \w+ \d{4}", restitution), restitution
    validation = next(t for t in cahier.tables if t.rows[0].cells[-1].text == "Signature")
    signatories = [row.cells[1].text for row in validation.rows[1:]]
    mission = read_engagement(path).mission
    assert signatories == [mission.elected_official, mission.pilot, mission.consultant]
    # A place to sign and date, left blank for the pen.
    assert all(row.cells[2].text == row.cells[3].text == "" for row in validation.rows[1:])


@pytest.mark.slow
def test_urban_planning_recalls_the_code_de_l_urbanisme(workspace: Workspace) -> None:
    square, _ = _built(SAINT_AUBIN, workspace)
    strategy, _ = _built(STRATEGIE, workspace)
    assert "Code de l’urbanisme" in _headings(square)
    assert "L. 103-2" in "\n".join(_section(square, "Cadre juridique"))
    assert "Code de l’urbanisme" not in _headings(strategy)  # a participation strategy


def _without_commitment_sheets(source: Path, target: Path, stage: str) -> Path:
    """``source`` at ``stage``, without « Gouvernance », « Risques », « Indicateurs »."""
    book = openpyxl.load_workbook(source)
    for name in ("Gouvernance", "Risques", "Indicateurs"):
        del book[name]
    book.save(target)
    return set_mission_field(target, target, "Étape", stage)


@pytest.mark.slow
def test_sheets_or_proposals_the_document_calls_proposals(
    workspace: Workspace, tmp_path: Path
) -> None:
    typed, _ = _built(SAINT_AUBIN, workspace)
    cadrage = _without_commitment_sheets(SAINT_AUBIN, tmp_path / SAINT_AUBIN.name, "Cadrage")
    proposed, _ = _built(cadrage, workspace)
    typed_text = plain("\n".join(p.text for p in typed.paragraphs))
    proposed_text = plain("\n".join(p.text for p in proposed.paragraphs)).replace("’", "'")
    assert "Proposition à adapter" not in typed_text
    assert proposed_text.count(PROPOSED) == 2  # indicators and risks, « lors du cadrage »
    assert PROPOSAL_TEXT in proposed_text
    bodies = [r[0] for r in _rows(proposed) if r[0].startswith("Comité")]
    assert bodies == ["Comité de pilotage", "Comité technique"]
    # Typed bodies and risks come from the workbook, as typed.
    assert any(r[0] == "Rappel de la réunion houleuse de 2023" for r in _rows(typed))
    members = next(r[1] for r in _rows(typed) if r[0] == "Comité technique")
    assert "police municipale" in members


def test_the_decision_note_is_worded_for_a_stopped_concertation(workspace: Workspace) -> None:
    """Val-de-Brume stopped after its cadrage, before the workshop: its Note de décision
    proposes nothing « lors du cadrage », and its plan is information only (no online
    contribution, no FALC version, no exchanges at varied hours, no participant)."""
    note, _ = _built(STOPPED, workspace)  # no « Gouvernance », « Risques », « Indicateurs »
    text = plain("\n".join(p.text for p in note.paragraphs)).replace("’", "'")
    rows = _rows(note)
    assert "lors du cadrage" not in text and "Proposition à adapter" not in text
    for said in (STOPPED_PROPOSAL_TEXT, STOPPED_INDICATORS, STOPPED_RISKS):
        assert said in text, said
    bodies = {r[0]: r[3] for r in rows if r[0].startswith("Comité")}
    assert list(bodies) == ["Comité de pilotage", "Comité technique"]
    assert "réunion d'information" in bodies["Comité technique"].replace("’", "'")
    assert not any("contributions" in role or "propositions" in role for role in bodies.values())
    tail = "\n".join(
        _section(note, "Accessibilité de la démarche") + _section(note, "Cadre juridique")
    )
    for concertation in ("en ligne", "FALC", "alternent les horaires", "participants"):
        assert concertation not in tail, concertation
    assert "réponses sont publiées" in tail
    indicators = [r for r in rows if r[0].startswith(("Restitution aux participants", "Bilan"))]
    assert [r[0] for r in indicators] == ["Bilan de l’information présenté aux habitants"]


def test_the_new_sheets_are_in_the_blank_workbooks_and_the_lisez_moi() -> None:
    for offer in (m.Offer.CONCERTATION, m.Offer.STRATEGIE):
        book = openpyxl.load_workbook(BytesIO(blank_workbook(offer)))
        for name, headers in (
            ("Gouvernance", ["Instance", "Membres", "Fréquence", "Rôle"]),
            ("Risques", ["Risque", "Probabilité", "Impact", "Mesure"]),
            ("Indicateurs", ["Indicateur", "Cible", "Mesure"]),
        ):
            sheet = book[name]
            found = next(
                [c.value for c in row if c.value]
                for row in sheet.iter_rows()
                if row[0].value == headers[0]
            )
            assert found == headers
            readme = "\n".join(
                str(c.value) for row in book["Lisez-moi"].iter_rows() for c in row if c.value
            )
            assert name in readme


def test_the_context_fee_comes_from_the_invoice_pricing(workspace: Workspace) -> None:
    engagement = read_engagement(SAINT_AUBIN)
    context = CAHIER.full_context(engagement, analyse(engagement), workspace.config, TODAY)
    summary = {row["label"]: plain(row["amount"]) for row in context["fee"]["summary"]}
    assert summary == {
        "Honoraires d'amoor conseil (fictif, tests)": "7 700,00 €",
        "Coût estimé du scénario S2": "14 800,00 €",
        "Budget de la démarche": "13 580,50 €",
        "Engagement total de la collectivité": "21 280,50 €",
    }


@pytest.mark.libreoffice
@needs_libreoffice
def test_libreoffice_prints_the_sections(
    workspace: Workspace, tmp_path: Path, lo_profile: Path
) -> None:
    result = build(SAINT_AUBIN, workspace, today=TODAY)
    assert result.commit is not None
    cahier = result.commit.written[0]
    printed = squash(docx_text_via_pdf(cahier, tmp_path / "pdf", lo_profile))
    for section in SECTIONS:
        assert squash(section) in printed, section
    assert squash("Total HT 7 700,00 €") in printed
    assert squash("11 avril 2026 Livrable : Bilan de la démarche remis et restitué") in printed


def test_the_pistes_report_states_its_fee_calendar_and_validation(
    workspace: Workspace, tmp_path: Path
) -> None:
    """Where they apply to an Émergence: the fee as its proforma states it, the dated
    calendar, the validation block (no governance bodies, risks or legal frame there)."""
    emergence = next(p for p in EXAMPLES if "emergence" in p.name)
    source = set_mission_field(emergence, tmp_path / emergence.name, "Facture", "Proforma")
    result = build(source, workspace, today=TODAY)
    assert result.commit is not None
    written = list(result.commit.written)
    report = docx.Document(str(next(p for p in written if p.name.startswith("Rapport"))))
    (proforma,) = [p for p in written if p.name.startswith("Facture")]
    assert _total_ht(report) == _total_ht(docx.Document(str(proforma)))
    headings = _headings(report)
    for title in ("Honoraires, coûts et budget", "Calendrier de la démarche et des livrables"):
        assert title in headings
    assert headings[-1] == "Validation"
    calendar = next(t for t in report.tables if t.rows[0].cells[1].text == "Étape ou livrable")
    assert all(FRENCH_DATE.match(plain(row.cells[0].text)) for row in calendar.rows[1:])
