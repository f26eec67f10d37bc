"""The Cahier des charges of a Concertation citoyenne (a Note de décision when stopped).

Its context comes from ``pipeline.render.cahier.cahier_context``.
"""

from __future__ import annotations

from docx.document import Document as DocumentObject
from docx.shared import Pt

from templating.common import (
    HIGHLIGHT_STYLE,
    RIGHT,
    Row,
    add_table,
    build_cover,
    build_roi_results,
    build_stakeholder_section,
    bullet,
    expected_deliverables,
    heading,
    keep,
    mission_card,
    para,
    start_document,
    table_of_contents,
    tag,
    text_blocks,
)
from templating.frame import (
    build_acceptance_and_indicators,
    build_section_calendar,
    build_section_commitments,
    build_section_fee,
    build_section_governance,
    end_document,
)


def build_decision_and_toc(doc: DocumentObject) -> None:
    tag(doc, "if stopped")
    label = para(doc, "Décision : concertation arrêtée avant l'atelier", HIGHLIGHT_STYLE)
    label.runs[0].bold = True
    decision = para(doc, "{{ stopped_text }}", HIGHLIGHT_STYLE)
    decision.paragraph_format.space_after = Pt(18)
    tag(doc, "endif")

    table_of_contents(doc)


def build_section_context(doc: DocumentObject, *, workshop_date: bool = True) -> None:
    """Section 1; ``workshop_date``: the identity card shows the R.O.I. citoyen workshop's
    date (a concertation's one workshop, not a strategy's three)."""
    heading(doc, "Contexte et objet", 1).paragraph_format.page_break_before = True
    heading(doc, "Objet", 2)
    para(doc, "{{ purpose }}")
    keep(para(doc, "Fiche d'identité de la mission", "Caption"))

    mission_card(
        doc,
        [
            ("Collectivité", "collectivite", False),
            ("Type de collectivité", "collectivite_type", True),
            ("Offre", "offer", False),
            ("Référence", "reference", False),
            ("Étape", "stage", False),
            ("Pilote", "pilot", True),
            ("{{ mission.elected_label }}", "elected_official", True),
            ("Dossier suivi par", "consultant", True),
            ("Date de début", "start_date", True),
            *([("Date de l'atelier", "workshop_date", True)] if workshop_date else []),
        ],
    )
    heading(doc, "Contexte", 2)
    tag(doc, "if mission.context")
    text_blocks(doc, "mission.context_blocks")
    tag(doc, "else")
    para(doc, "Le contexte sera précisé avec la collectivité lors du cadrage.")
    tag(doc, "endif")


def build_section_objectives(doc: DocumentObject) -> None:
    heading(
        doc,
        "Objectifs, niveau de participation, ce qui est soumis au débat et ce qui ne l'est pas",
        1,
    )
    heading(doc, "Objectifs", 2)
    tag(doc, "if mission.objectives")
    text_blocks(doc, "mission.objectives_blocks")
    tag(doc, "else")
    para(doc, "Les objectifs de la démarche restent à préciser avec la collectivité.")
    tag(doc, "endif")

    heading(doc, "Niveau de participation", 2)
    tag(doc, "if mission.participation_level")
    para(doc, "{{ mission.participation_level }}", label="Niveau retenu : ")
    tag(doc, "if mission.participation_level_text")
    para(doc, "{{ mission.participation_level_text|multiline }}")
    tag(doc, "endif")
    tag(doc, "else")
    para(doc, "Le niveau de participation n'est pas encore arrêté.")
    tag(doc, "endif")

    heading(doc, "Ce qui est soumis au débat et ce qui ne l'est pas", 2)
    tag(doc, "if mission.stakes")
    text_blocks(doc, "mission.stakes_blocks")
    tag(doc, "else")
    para(
        doc,
        "Le périmètre du débat (ce qui est soumis à la discussion et ce qui ne l'est "
        "pas) reste à préciser avec la collectivité.",
    )
    tag(doc, "endif")


def build_section_parameters(doc: DocumentObject) -> None:
    tag(doc, "if not stopped")
    heading(doc, "Paramètres de la concertation", 1)
    tag(doc, "if parameters")
    para(
        doc,
        "Les paramètres ci-dessous fixent les conditions concrètes de la concertation : "
        "lieux, communication, animation, contrat entre l'acteur public et les "
        "citoyens, calendrier.",
    )
    tag(doc, "for p in parameters")
    heading(doc, "{{ p.heading }}", 2)
    tag(doc, "for i in p['items']")
    bullet(
        doc,
        "{{ ' : ' if i.detail else '' }}{{ i.detail|multiline }}"
        "{{ ' (' ~ i.amount ~ ' HT)' if i.amount else '' }}",
        label="{{ i.label }}",
    )
    tag(doc, "endfor")
    tag(doc, "endfor")
    tag(doc, "else")
    para(doc, "Les paramètres de la concertation restent à définir.")
    tag(doc, "endif")
    tag(doc, "endif")


def build_section_scenarios(doc: DocumentObject) -> None:
    tag(doc, "if stopped")
    heading(doc, "Scénarios étudiés", 1)
    tag(doc, "else")
    heading(doc, "Scénarios étudiés et scénario retenu", 1)
    tag(doc, "endif")
    tag(doc, "if scenarios")
    keep(para(doc, "Les scénarios suivants ont été étudiés avec la collectivité."))
    keep(para(doc, "Synthèse des scénarios", "Caption"))
    add_table(
        doc,
        [
            ("Code", 1.3),
            ("Intitulé", 3.7),
            ("Techniques", 3.4),
            ("Publics ciblés", 3.3),
            ("Durée", 2.3),
            ("Coût estimé HT", 3.0),
        ],
        [
            Row(
                [
                    "{{ s.code }}",
                    "{{ s.title }}{{ ' (' ~ s.mark ~ ')' if s.mark and not stopped else '' }}",
                    "{{ s.techniques }}",
                    "{{ s.publics }}",
                    "{{ s.duration }}",
                    "{{ s.cost }}",
                ],
                loop="s in scenarios",
            )
        ],
        align=[None, None, None, None, None, RIGHT],
    )
    tag(doc, "for s in scenarios")
    heading(doc, "Scénario {{ s.code }} — {{ s.title }}", 2)
    tag(doc, "if s.description")
    text_blocks(doc, "s.description_blocks")
    tag(doc, "endif")
    tag(doc, "endfor")
    tag(doc, "else")
    para(doc, "Aucun scénario n'a encore été formalisé.")
    tag(doc, "endif")

    tag(doc, "if not stopped")
    heading(doc, "{{ chosen_scenario.label if chosen_scenario else 'Scénario retenu' }}", 2)
    tag(doc, "if chosen_scenario")
    para(doc, "{{ chosen_scenario.code }} — {{ chosen_scenario.title }}")
    tag(doc, "if chosen_scenario.origin")
    para(doc, "{{ chosen_scenario.origin }}")
    tag(doc, "endif")
    tag(doc, "if chosen_scenario.techniques")
    para(doc, "Techniques mobilisées :")
    tag(doc, "for t in chosen_scenario.techniques")
    bullet(doc, "{{ t }}")
    tag(doc, "endfor")
    tag(doc, "endif")
    tag(doc, "else")
    para(doc, "Aucun scénario n'est encore retenu.")
    tag(doc, "endif")
    tag(doc, "endif")


def build_section_roi(doc: DocumentObject) -> None:
    """Section « Résultats de l'atelier R.O.I. citoyen » (not in a decision note)."""
    tag(doc, "if not stopped")
    heading(doc, "Résultats de l'atelier R.O.I. citoyen", 1)
    tag(doc, "if roi.rated")
    build_roi_results(doc, "scénario", "scénarios")
    tag(doc, "else")
    para(doc, "{{ roi.empty_text }}")
    tag(doc, "endif")
    tag(doc, "endif")


def build_section_information_plan(doc: DocumentObject) -> None:
    """A decision note records what replaces the concertation: the information plan."""
    tag(doc, "if stopped and information_plan")
    heading(doc, "Plan d'information retenu", 1)
    keep(
        para(
            doc,
            "La collectivité informe les habitants selon le plan suivant, par temps fort.",
        )
    )
    keep(para(doc, "Plan d'information", "Caption"))
    add_table(
        doc,
        [
            ("Temps fort", 2.2),
            ("Date", 2.4),
            ("Cible", 2.8),
            ("Message", 4.6),
            ("Canal et support", 2.7),
            ("Responsable", 2.3),
        ],
        [
            Row(
                [
                    "{{ a.moment }}",
                    "{{ a.date }}",
                    "{{ a.target }}",
                    "{{ a.message|multiline }}",
                    "{{ a.channel }}",
                    "{{ a.owner }}",
                ],
                loop="a in information_plan",
            )
        ],
        cell_margin=0.1,
    )
    tag(doc, "endif")


def build_section_means(doc: DocumentObject) -> None:
    heading(doc, "Moyens humains, matériels et budgétaires", 1)
    tag(doc, "if means")
    keep(para(doc, "Les montants sont exprimés hors taxes (HT)."))
    tag(doc, "for m in means")
    heading(doc, "{{ m.heading }}", 2)
    add_table(
        doc,
        [("Libellé", 5.0), ("Détail", 8.5), ("Montant HT", 3.5)],
        [
            Row(
                ["{{ i.label }}", "{{ i.detail|multiline }}", "{{ i.amount }}"],
                loop="i in m['items']",
            ),
            Row(["Sous-total", "", "{{ m.total }}"], guard="m.total", total=True),
        ],
        align=[None, None, RIGHT],
    )
    tag(doc, "endfor")
    tag(doc, "else")
    para(doc, "Les moyens humains, matériels et budgétaires seront chiffrés lors du cadrage.")
    tag(doc, "endif")
    tag(doc, "if budget")
    heading(doc, "Récapitulatif des montants", 2)
    keep(para(doc, "Tous les montants de la démarche, par rubrique (HT)."))
    keep(para(doc, "Récapitulatif budgétaire", "Caption"))
    add_table(
        doc,
        [("Rubrique", 10.0), ("Montant HT", 4.0)],
        [
            Row(["{{ b.heading }}", "{{ b.total }}"], loop="b in budget"),
            Row(["Total général", "{{ budget_total }}"], total=True),
        ],
        align=[None, RIGHT],
    )
    tag(doc, "endif")


def build_section_deliverables(doc: DocumentObject) -> None:
    heading(doc, "Livrables attendus et évaluation", 1)
    expected_deliverables(doc)
    build_acceptance_and_indicators(doc)

    heading(doc, "Critères d'appréciation des participants", 2)
    tag(doc, "if evaluation")
    keep(para(doc, "Les participants apprécient la démarche au regard des critères suivants."))
    keep(para(doc, "Critères d'évaluation", "Caption"))
    add_table(
        doc,
        [("Code", 1.8), ("Critère", 4.2), ("Définition", 11.0)],
        [
            Row(
                ["{{ e.code }}", "{{ e.name }}", "{{ e.definition|multiline }}"],
                loop="e in evaluation",
            )
        ],
    )
    tag(doc, "elif evaluation_text")
    para(doc, "{{ evaluation_text }}")
    tag(doc, "else")
    para(doc, "Les critères d'évaluation restent à définir.")
    tag(doc, "endif")


def build_cahier_des_charges() -> DocumentObject:
    doc = start_document("concertation citoyenne; cahier des charges")
    build_cover(doc)
    build_decision_and_toc(doc)
    build_section_context(doc)
    build_section_objectives(doc)
    build_stakeholder_section(doc)
    build_section_parameters(doc)
    build_section_scenarios(doc)
    build_section_roi(doc)
    build_section_information_plan(doc)
    build_section_means(doc)
    build_section_fee(doc)
    build_section_governance(doc)
    build_section_calendar(doc)
    build_section_deliverables(doc)
    build_section_commitments(doc)
    end_document(doc)
    return doc
