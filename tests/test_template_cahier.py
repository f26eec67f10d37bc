"""The « Cahier des charges » Word template renders with the context contract.

The template is built by ``tools/make_templates.py``; these tests render it with a
full sample context through docxtpl, the way the pipeline does (StrictUndefined,
autoescape, ``multiline`` filter), and read the result back with python-docx, then
(when LibreOffice and poppler are installed) as a PDF.
"""

from __future__ import annotations

import copy
import re
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn

from pipeline.errors import RenderError
from pipeline.render.context import blocks
from pipeline.render.docx import render_docx
from tests.libreoffice import docx_text_via_pdf, needs_libreoffice, squash

REPO_ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = REPO_ROOT / "templates_docx" / "cahier_des_charges.docx"

STAKEHOLDER_NAMES = [
    "Mairie de Saint-Étienne-du-Rouvray",
    "Comité de quartier Sud",
    "Union des commerçants & artisans",
    "Services techniques",
    "Collectif « Vélo < voiture »",
]
SECTION_HEADINGS = [
    "Contexte et objet",
    "Objectifs, niveau de participation, ce qui est soumis au débat et ce qui ne l’est pas",
    "Parties prenantes",
    "Moyens humains, matériels et budgétaires",
    "Honoraires, coûts et budget",
    "Gouvernance et rôles",
    "Calendrier de la démarche et des livrables",
    "Livrables attendus et évaluation",
    "Risques et mesures",
    "Cadre juridique",
    "Accessibilité de la démarche",
    "Engagement de restitution",
    "Validation",
]
STOPPED_TEXT = (
    "Le 12 mars 2026, la commune a décidé d'arrêter la concertation avant l'atelier : "
    "un plan d'information des habitants répond mieux au besoin."
)


def stakeholder(
    name: str,
    category: str,
    role: str,
    influence: str,
    interest: str,
    involvement: str,
    contact: str,
) -> dict[str, str]:
    return {
        "name": name,
        "category": category,
        "role": role,
        "influence": influence,
        "interest": interest,
        "involvement": involvement,
        "contact": contact,
    }


def sample_context(*, stopped: bool) -> dict[str, Any]:
    """A full context following the contract, with French text, accents, « & » and « < »."""
    context = _sample(stopped=stopped)
    register = context["stakeholders"]
    rows = [s for group in register["groups"] for s in group["items"]]
    for rank, row in enumerate(rows, start=1):
        row["number"] = str(rank)
    register["contacts"] = [
        {"number": r["number"], "name": r["name"], "contact": r["contact"]}
        for r in rows
        if r["contact"]
    ]
    mission = context["mission"]
    for key in ("context", "objectives", "stakes"):
        mission[f"{key}_blocks"] = blocks(mission[key])
    for scenario in context["scenarios"]:
        scenario["description_blocks"] = blocks(scenario["description"])
    return context


def _sample(*, stopped: bool) -> dict[str, Any]:
    return {
        "firm": {"name": "amoor"},
        "doc": {
            "title": "Note de décision" if stopped else "Cahier des charges",
            "generated_on": "25 novembre 2026",
        },
        "mission": {
            "reference": "2026-014",
            "title": "Réaménagement de la place du marché & de ses abords",
            "offer": "Concertation citoyenne",
            "collectivite": "Commune de Saint-Étienne-du-Rouvray",
            "collectivite_type": "Commune",
            "pilot": "Mme Hélène Lefèvre, directrice de l'aménagement",
            "elected_official": "M. Loïc Durand, adjoint à l'urbanisme",
            "elected_label": "Élu référent",
            "consultant": "Cécile Martin",
            "start_date": "5 janvier 2026",
            "workshop_date": "" if stopped else "14 mars 2026",
            "stage": "Arrêtée avant l'atelier" if stopped else "Cadrage",
            "context": "La place du marché accueille le marché deux fois par semaine.\n"
            "Les riverains signalent des conflits d'usage (piétons < voitures).",
            "objectives": "Recueillir les usages actuels.\nPartager un diagnostic.\n"
            "Choisir un parti d'aménagement.",
            "stakes": "Soumis au débat : usages, mobilier, végétalisation.\n"
            "Hors débat : le budget global & le calendrier des travaux.",
            "participation_level": "Concerter",
            "participation_level_text": "Les habitants sont associés à l'élaboration du "
            "projet ; la commune garde la décision finale.",
        },
        "purpose": "Le présent cahier des charges précise le cadre de la mission.",
        "stopped": stopped,
        "stopped_text": STOPPED_TEXT if stopped else "",
        "information_plan": [
            {
                "moment": "Annonce",
                "date": "2 février 2026",
                "target": "Habitants",
                "message": "Le projet & son calendrier",
                "channel": "Courrier · Affiche",
                "owner": "Mairie",
            }
        ],
        "budget": [
            {"heading": "Moyens humains", "total": "6 800,00 €"},
            {"heading": "Moyens matériels", "total": "5 500,00 €"},
        ],
        "budget_total": "12 300,00 €",
        "stakeholders": {
            "total": "5",
            "groups": [
                {
                    "quadrant": "Acteurs clés",
                    "explanation": "Forte influence et fort intérêt : à associer étroitement.",
                    "count": "3",
                    "items": [
                        stakeholder(
                            STAKEHOLDER_NAMES[0],
                            "Élus",
                            "Porte le projet.\nArbitre in fine.",
                            "5",
                            "5",
                            "Co-décider",
                            "accueil@mairie.example\n02 35 00 00 00",
                        ),
                        stakeholder(
                            STAKEHOLDER_NAMES[1],
                            "Habitants",
                            "Relaie la parole des riverains.",
                            "3",
                            "5",
                            "Concerter",
                            "comite.sud@example.org",
                        ),
                        stakeholder(
                            STAKEHOLDER_NAMES[2],
                            "Associations",
                            "Craint une baisse de fréquentation.",
                            "4",
                            "4",
                            "Concerter",
                            "",
                        ),
                    ],
                },
                {
                    "quadrant": "À surveiller",
                    "explanation": "Faible influence et faible intérêt : à tenir informés.",
                    "count": "2",
                    "items": [
                        stakeholder(
                            STAKEHOLDER_NAMES[3],
                            "Services",
                            "Entretien de la place.",
                            "2",
                            "2",
                            "Informer",
                            "",
                        ),
                        stakeholder(
                            STAKEHOLDER_NAMES[4],
                            "Habitants",
                            "Milite pour les mobilités douces.",
                            "1",
                            "2",
                            "Consulter",
                            "contact@velo.example",
                        ),
                    ],
                },
            ],
            "by_category": [
                {"category": "Élus", "count": "1"},
                {"category": "Habitants", "count": "2"},
                {"category": "Associations", "count": "1"},
                {"category": "Services", "count": "1"},
            ],
        },
        "parameters": [
            {
                "rubrique": "Lieu",
                "heading": "Lieu",
                "items": [
                    {
                        "label": "Salle des fêtes",
                        "detail": "Accessible PMR\n200 places",
                        "amount": "",
                    },
                    {"label": "Marché", "detail": "Stand mobile le samedi", "amount": "350,00 €"},
                ],
            },
            {
                "rubrique": "Calendrier",
                "heading": "Calendrier",
                "items": [
                    {"label": "Atelier R.O.I. citoyen", "detail": "14 mars 2026", "amount": ""},
                ],
            },
        ],
        "scenarios": [
            {
                "code": "S1",
                "title": "Réunion publique & registre",
                "techniques": "Information",
                "publics": "Tous publics",
                "description": "Une réunion publique.\nUn registre.",
                "duration": "4 semaines",
                "cost": "3 000,00 €",
                "mark": "",
            },
            {
                "code": "S2",
                "title": "Ateliers de quartier",
                "techniques": "Concertation ; Co-construction",
                "publics": "Riverains, commerçants",
                "description": "Trois ateliers de quartier.",
                "duration": "8 semaines",
                "cost": "9 500,00 €",
                "mark": "" if stopped else "scénario retenu",
            },
        ],
        "chosen_scenario": None
        if stopped
        else {
            "code": "S2",
            "title": "Ateliers de quartier",
            "label": "Scénario retenu",
            "techniques": ["Concertation", "Co-construction"],
            "description": "Trois ateliers de quartier.",
            "origin": "Le scénario a été retenu par le comité de pilotage du 2 février 2026.",
        },
        "roi": {
            "rated": False,
            "empty_text": "L'atelier R.O.I. citoyen n'a pas encore de notes.",
            "notes": [],
        },
        "figures": {"stakeholder_map": None},
        "means": [
            {
                "rubrique": "Moyens humains",
                "heading": "Moyens humains",
                "items": [
                    {
                        "label": "Animation",
                        "detail": "2 animateurs × 3 ateliers",
                        "amount": "4 800,00 €",
                    },
                    {"label": "Coordination", "detail": "", "amount": "2 000,00 €"},
                ],
                "total": "6 800,00 €",
            },
            {
                "rubrique": "Budget",
                "heading": "Budget",
                "items": [
                    {
                        "label": "Impression",
                        "detail": "Affiches < A2 & flyers",
                        "amount": "5 500,00 €",
                    },
                ],
                "total": "5 500,00 €",
            },
        ],
        "governance": {
            "bodies": [
                {
                    "name": "Comité de pilotage",
                    "members": "Maire, DGS & amoor",
                    "frequency": "mensuelle",
                    "role": "décide des arbitrages",
                }
            ],
            "proposed": False,
            "bodies_text": "La démarche est pilotée par les instances suivantes.",
            "groups": [
                {
                    "role": "Élus",
                    "people": [
                        {
                            "name": "M. Loïc Durand",
                            "detail": "Adjoint à l'urbanisme\nPréside le comité",
                        }
                    ],
                },
                {
                    "role": "Prestataires de la démarche",
                    "people": [{"name": "amoor", "detail": ""}],
                },
            ],
        },
        "fee": {
            "intro": "Ce document mentionne plusieurs montants.",
            "heading": "Honoraires d'amoor",
            "summary": [
                {"label": "Honoraires d'amoor", "amount": "5 000,00 €", "text": "La mission."},
                {"label": "Budget de la démarche", "amount": "12 300,00 €", "text": "Les moyens."},
            ],
            "lines": [
                {
                    "description": "Concertation citoyenne — Place < marché",
                    "detail": "",
                    "quantity": "1",
                    "unit_price": "5 000,00 €",
                    "total": "5 000,00 €",
                }
            ],
            "total_ht": "5 000,00 €",
            "vat_label": "TVA 20 %",
            "vat": "1 000,00 €",
            "total_ttc": "6 000,00 €",
            "halved": stopped,
            "schedule": [
                {
                    "label": "Acompte",
                    "part": "30 %",
                    "planned": "15 janvier 2026",
                    "amount": "1 500,00 €",
                }
            ],
            "schedule_text": "Les honoraires sont facturés en 2 échéances.",
        },
        "calendar": {
            "milestones": [
                {"date": "12 janvier 2026", "label": "Lancement", "deliverable": False},
                {"date": "11 avril 2026", "label": "Bilan & restitution", "deliverable": True},
            ],
            "undated": ["Permanences : à convenir"],
        },
        "acceptance": ["Chaque livrable est remis au comité."],
        "indicators": [{"name": "Participants", "target": "60", "measure": "émargement"}],
        "indicators_proposed": "",
        "risks": [
            {
                "risk": "Faible participation",
                "likelihood": "Moyenne",
                "impact": "Forte",
                "measure": "Aller-vers",
            }
        ],
        "risks_proposed": "Proposition à adapter.",
        "legal": [{"title": "Données personnelles (RGPD)", "text": "La collectivité traite."}],
        "accessibility": ["Lieux accessibles."],
        "restitution": "La commune rend compte au plus tard le 11 avril 2026.",
        "validation": [{"party": "Commune", "name": "M. Loïc Durand"}],
        "deliverables": [
            {"name": "Cahier des charges", "description": "Le présent document."},
            {"name": "Bilan de la concertation", "description": ""},
        ],
        "evaluation_text": "",
        "evaluation": [
            {
                "code": "EFF",
                "name": "Effort raisonnable",
                "definition": "Temps, déplacements et prérequis proportionnés",
            },
            {
                "code": "INF",
                "name": "Influence réelle",
                "definition": "Ma contribution peut changer la décision",
            },
        ],
    }


def render(context: dict[str, Any], target: Path) -> Path:
    target.write_bytes(render_docx(TEMPLATE, context))
    return target


def paragraph_text(p: Any) -> str:
    """Text of a w:p element; line breaks as "\n", tabs as "\t"."""
    special = {qn("w:br"): "\n", qn("w:tab"): "\t"}
    return "".join(
        special.get(node.tag, node.text or "")
        for node in p.iter(qn("w:t"), qn("w:br"), qn("w:tab"))
    )


def docx_text(path: Path) -> str:
    """All the text of a .docx: body (paragraphs and tables), headers and footers."""
    document = docx.Document(str(path))
    chunks = [paragraph_text(p) for p in document.element.body.iter(qn("w:p"))]
    for section in document.sections:
        for part in (section.header, section.footer):
            chunks.extend(paragraph_text(p) for p in part._element.iter(qn("w:p")))
    return "\n".join(chunks)


def normalise(text: str) -> str:
    """One space between words (and NFKC: no ligature, no special space); ’ as '
    (typography is checked in test_typography)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text).replace("\u2019", "'"))


@pytest.fixture(scope="module", autouse=True)
def _template_exists() -> None:
    assert TEMPLATE.is_file(), "run tools/make_templates.py to build the template"


@pytest.mark.parametrize("stopped", [False, True], ids=["cahier", "arretee"])
def test_render_contains_the_context(tmp_path: Path, stopped: bool) -> None:
    context = sample_context(stopped=stopped)
    out = render(context, tmp_path / "cahier.docx")
    text = docx_text(out)
    flat = normalise(text)

    assert "{{" not in text and "{%" not in text and "}}" not in text
    assert context["mission"]["collectivite"] in flat
    for name in STAKEHOLDER_NAMES:
        assert name in flat
    assert "Union des commerçants & artisans" in flat
    assert "« Vélo < voiture »" in flat
    assert "&amp;" not in text and "&lt;" not in text
    # Multi-line text becomes Word line breaks inside one paragraph.
    assert "La place du marché accueille le marché deux fois par semaine.\nLes riverains" in text
    # Header and footer.
    assert "amoor\t\tCommune de Saint-Étienne-du-Rouvray" in text
    assert "2026-014 — page " in text

    document = docx.Document(str(out))
    # Document properties are rendered too, as plain text (no « &amp; »).
    title = f"{context['doc']['title']} — {context['mission']['title']}"
    assert document.core_properties.title == title
    assert document.core_properties.language == "fr-FR"
    styled = {(p.text, p.style.name) for p in document.paragraphs}
    for title in SECTION_HEADINGS:
        assert (title, "Heading 1") in styled, title
    assert ("Acteurs clés (3)", "Heading 2") in styled
    assert ("À surveiller (2)", "Heading 2") in styled
    assert "Total général 12 300,00 €" in flat

    if stopped:
        assert STOPPED_TEXT in flat
        assert ("Plan d’information retenu", "Heading 1") in styled
        assert "Le projet & son calendrier" in flat
        assert "Paramètres de la concertation" not in flat
        assert "Scénario retenu" not in flat
        assert ("Scénarios étudiés", "Heading 1") in styled
    else:
        assert ("Paramètres de la concertation", "Heading 1") in styled
        assert ("Scénarios étudiés et scénario retenu", "Heading 1") in styled
        assert ("Scénario retenu", "Heading 2") in styled
        assert "S2 — Ateliers de quartier" in flat
        assert "Concertation arrêtée" not in flat
        assert "Salle des fêtes : Accessible PMR" in flat


def test_empty_optional_values_leave_no_orphan(tmp_path: Path) -> None:
    context = copy.deepcopy(sample_context(stopped=False))
    for key in ("pilot", "elected_official", "collectivite_type", "context"):
        context["mission"][key] = ""
    context["chosen_scenario"] = None
    context.update(parameters=[], means=[], budget=[], budget_total="", evaluation=[])
    out = render(context, tmp_path / "vide.docx")
    flat = normalise(docx_text(out))
    assert "Pilote" not in flat
    assert "Élu référent" not in flat
    assert "Type de collectivité" not in flat
    assert "Total général" not in flat
    assert "Aucun scénario n'est encore retenu." in flat
    document = docx.Document(str(out))
    # Tables left: identity card, categories, 2 registers, contacts, scenarios (no means,
    # no criteria), then the amounts, the fee, its schedule, the bodies, the calendar, the
    # indicators, the risks and the validation block.
    assert len(document.tables) == 14


def test_template_is_a_word_document() -> None:
    with zipfile.ZipFile(TEMPLATE) as package:
        settings = package.read("word/settings.xml").decode()
        styles = package.read("word/styles.xml").decode()
        body = package.read("word/document.xml").decode()
        footers = "".join(
            package.read(n).decode() for n in package.namelist() if n.startswith("word/footer")
        )
    assert '<w:updateFields w:val="true"/>' in settings
    assert 'w:val="fr-FR"' in styles
    assert r'TOC \o "1-2" \h \z \u' in body
    assert "Mettre à jour les champs" not in body  # each render fills the table (contents.py)
    assert "PAGE" in footers and "NUMPAGES" in footers
    section = docx.Document(str(TEMPLATE)).sections[0]
    assert round(section.page_width.cm, 1) == 21.0
    assert round(section.page_height.cm, 1) == 29.7
    assert round(section.left_margin.cm, 1) == 2.0


@pytest.mark.libreoffice
@needs_libreoffice
def test_render_to_pdf(tmp_path: Path, lo_profile: Path) -> None:
    context = sample_context(stopped=False)
    out = render(context, tmp_path / "cahier.docx")
    text = docx_text_via_pdf(out, tmp_path, lo_profile)
    flat = squash(text)
    assert squash(context["mission"]["collectivite"]) in flat
    for name in STAKEHOLDER_NAMES:
        assert squash(name) in flat, name
    assert "&amp;" not in text and "&lt;" not in text
    assert squash("Union des commerçants & artisans") in flat
    assert squash("Collectif « Vélo < voiture »") in flat
    for title in SECTION_HEADINGS:
        assert squash(title) in flat, title


def test_a_missing_value_is_an_error_at_build_time_never_a_blank(tmp_path: Path) -> None:
    context = sample_context(stopped=False)
    del context["mission"]["pilot"]
    with pytest.raises(RenderError, match="donnée inconnue") as caught:
        render(context, tmp_path / "cahier.docx")
    assert "pilot" in str(caught.value)
    assert not (tmp_path / "cahier.docx").exists()


def test_xml_illegal_characters_from_cells_are_removed(tmp_path: Path) -> None:
    context = sample_context(stopped=False)
    context["mission"]["context"] = "Texte collé\x0b depuis un PDF\x01 :\nsuite"
    context["mission"]["context_blocks"] = blocks(context["mission"]["context"])
    out = render(context, tmp_path / "cahier.docx")
    text = normalise(docx_text(out))
    assert "Texte collé depuis un PDF : suite" in text
