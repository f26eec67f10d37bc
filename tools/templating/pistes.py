"""The Rapport « Pistes créatives » of an Émergence de concepts.

Its context comes from ``pipeline.render.pistes.pistes_context``. Every section
whose sheet is empty says what is missing instead of showing an empty table.
"""

from __future__ import annotations

from docx.document import Document as DocumentObject
from docx.shared import Pt

from templating.cahier import build_section_context
from templating.common import (
    CENTER,
    HIGHLIGHT_STYLE,
    Row,
    add_table,
    build_cover,
    bullet,
    figure,
    heading,
    keep,
    para,
    start_document,
    table_of_contents,
    tag,
    text_blocks,
)
from templating.frame import (
    build_section_calendar,
    build_section_fee,
    build_section_validation,
    end_document,
)


def build_section_mission(doc: DocumentObject) -> None:
    """1 Contexte et objet: the cahier's opening, then objectives, stakes, stakeholders."""
    build_section_context(doc)
    heading(doc, "Objectifs", 2)
    tag(doc, "if mission.objectives")
    text_blocks(doc, "mission.objectives_blocks")
    tag(doc, "else")
    para(doc, "Les objectifs de la mission restent à préciser avec la collectivité.")
    tag(doc, "endif")

    heading(doc, "Enjeux : ce qui est ouvert, ce qui ne l’est pas", 2)
    tag(doc, "if mission.stakes")
    text_blocks(doc, "mission.stakes_blocks")
    tag(doc, "else")
    para(doc, "Le périmètre ouvert à l’exploration reste à préciser avec la collectivité.")
    tag(doc, "endif")

    heading(doc, "Parties prenantes", 2)
    tag(doc, "if stakeholders.groups")
    keep(para(doc, "{{ stakeholders.total }}", label="Parties prenantes recensées : "))
    keep(
        para(
            doc,
            "Leur place sur la carte pouvoir / intérêt a guidé le choix des personnes "
            "rencontrées et des cibles des tests.",
        )
    )
    # The map first, as in the Cahier's register (templating.common): under the table,
    # it would leave half a page empty whenever the table ended below the middle.
    figure(doc, "figures.stakeholder_map", "Carte pouvoir / intérêt des parties prenantes")
    keep(para(doc, "Parties prenantes par catégorie", "Caption"))
    add_table(
        doc,
        [("Catégorie", 6.0), ("Nombre", 2.5)],
        [Row(["{{ c.category }}", "{{ c.count }}"], loop="c in stakeholders.by_category")],
        align=[None, CENTER],
        whole=True,
    )
    tag(doc, "else")
    para(
        doc,
        "Aucune partie prenante n’est encore recensée : la cartographie des acteurs sera "
        "présentée ici.",
    )
    tag(doc, "endif")


def build_section_research(doc: DocumentObject) -> None:
    heading(doc, "Les recherches menées", 1)
    tag(doc, "if research.groups")
    keep(para(doc, "{{ research.count }}", label="Recherches menées : "))
    keep(
        para(
            doc,
            "Elles sont présentées par type, dans l’ordre de la méthode : pour chacune, sa "
            "source, le constat et l’enseignement qui en a été tiré.",
        )
    )
    keep(para(doc, "Recherches par type", "Caption"))
    add_table(
        doc,
        [("Type de recherche", 6.0), ("Nombre", 2.5)],
        [Row(["{{ t.type }}", "{{ t.count }}"], loop="t in research.by_type")],
        align=[None, CENTER],
        whole=True,
    )
    tag(doc, "if research.unused")
    para(doc, "{{ research.unused }}")
    tag(doc, "endif")
    tag(doc, "for g in research.groups")
    heading(doc, "{{ g.type }} ({{ g.count }})", 2)
    para(doc, "{{ g.explanation }}")
    tag(doc, "for r in g['items']")
    source = keep(para(doc, "{{ r.source }}"))
    source.runs[0].bold = True
    source.paragraph_format.space_before = Pt(6)
    text_blocks(doc, "r.finding_blocks")
    tag(doc, "if r.lesson")
    lesson = para(doc, "{{ r.lesson }}", HIGHLIGHT_STYLE, label="Enseignement : ")
    lesson.paragraph_format.space_after = Pt(8)
    tag(doc, "endif")
    tag(doc, "endfor")
    tag(doc, "endfor")
    tag(doc, "else")
    para(
        doc,
        "Aucune recherche n’est encore consignée (observations, analogies, entretiens…) : "
        "elles seront présentées ici.",
    )
    tag(doc, "endif")


def build_section_parameters(doc: DocumentObject) -> None:
    heading(doc, "Paramètres cruciaux et hypothèses", 1)
    tag(doc, "if parameters")
    keep(
        para(
            doc,
            "Les recherches ont fait apparaître les paramètres dont dépend le succès d’un "
            "concept. Chacun porte une hypothèse, que les tests de scénarios ont mise à "
            "l’épreuve.",
        )
    )
    keep(para(doc, "Paramètres cruciaux et hypothèses", "Caption"))
    add_table(
        doc,
        [("Code", 1.3), ("Paramètre", 4.0), ("Hypothèse", 8.0), ("Testé dans", 3.7)],
        [
            Row(
                [
                    "{{ p.code }}",
                    "{{ p.name }}",
                    "{{ p.hypothesis|multiline }}",
                    "{{ p.tested_in }}",
                ],
                loop="p in parameters",
            )
        ],
        cell_margin=0.1,
    )
    tag(doc, "else")
    para(
        doc,
        "Aucun paramètre crucial n’est encore formulé : les hypothèses à tester seront "
        "présentées ici.",
    )
    tag(doc, "endif")


def build_section_tests(doc: DocumentObject) -> None:
    heading(doc, "Les scénarios testés", 1)
    tag(doc, "if tests.tested")
    keep(para(doc, "{{ tests.intro }}"))
    keep(
        para(
            doc,
            "Un scénario convainc une cible quand les adhésions y sont plus nombreuses que "
            "les rejets ; les réserves ne comptent ni pour ni contre.",
        )
    )
    figure(
        doc,
        "tests.figure",
        "Réactions aux scénarios testés, par cible : part des adhésions, des réserves et "
        "des rejets",
    )
    keep(para(doc, "Synthèse : les cibles que chaque scénario convainc", "Caption"))
    add_table(
        doc,
        [("Scénario", 6.5), ("Élus", 3.5), ("Services", 3.5), ("Citoyens", 3.5)],
        [
            Row(
                ["{{ r.scenario }}", "{{ r.cells[0] }}", "{{ r.cells[1] }}", "{{ r.cells[2] }}"],
                loop="r in tests.synthesis",
            )
        ],
        align=[None, CENTER, CENTER, CENTER],
    )
    tag(doc, "for s in tests.scenarios")
    heading(doc, "{{ s.scenario }}", 2)
    tag(doc, "if s.parameters")
    keep(para(doc, label="Paramètres testés :"))
    tag(doc, "for p in s.parameters")
    bullet(doc, "{{ ' — ' ~ p.name if p.name else '' }}", label="{{ p.code }}")
    tag(doc, "endfor")
    tag(doc, "endif")
    keep(para(doc, "Réactions par cible — {{ s.scenario }}", "Caption"))
    add_table(
        doc,
        [
            ("Cible", 2.6),
            ("Réactions", 2.1),
            ("Adhésion", 2.9),
            ("Réserve", 2.9),
            ("Rejet", 2.9),
            ("Convainc", 2.1),
        ],
        [
            Row(
                [
                    "{{ t.target }}",
                    "{{ t.n }}",
                    "{{ t.shares[0] }}",
                    "{{ t.shares[1] }}",
                    "{{ t.shares[2] }}",
                    "{{ t.convinces }}",
                ],
                loop="t in s.targets",
            )
        ],
        align=[None, CENTER, CENTER, CENTER, CENTER, CENTER],
    )
    para(doc, "{{ s.sentence }}").paragraph_format.space_before = Pt(6)
    tag(doc, "if s.quotes")
    keep(para(doc, label="Paroles recueillies :"))
    tag(doc, "for q in s.quotes")
    bullet(doc, "{{ q.text }} ({{ q.who }})")
    tag(doc, "endfor")
    tag(doc, "endif")
    tag(doc, "endfor")
    tag(doc, "else")
    para(
        doc,
        "Aucun test de scénario n’est encore consigné : "
        "les réactions des élus, des services et des citoyens seront présentées ici une "
        "fois les tests menés.",
    )
    tag(doc, "endif")


def build_section_leads(doc: DocumentObject) -> None:
    heading(doc, "Les pistes créatives", 1)
    tag(doc, "if leads.groups")
    keep(para(doc, "{{ leads.count }}", label="Pistes formulées : "))
    keep(
        para(
            doc,
            "Les pistes sont présentées de la plus avancée à la moins mûre : d’abord celles "
            "qui sont prêtes à expérimenter, puis les concepts, enfin les idées.",
        )
    )
    keep(para(doc, "Les pistes et leur maturité", "Caption"))
    add_table(
        doc,
        [("Code", 1.5), ("Piste", 10.5), ("Maturité", 4.0)],
        [
            Row(
                ["{{ l.code }}", "{{ l.name }}", "{{ l.maturity }}"],
                loop="l in leads.summary",
            )
        ],
    )
    tag(doc, "for g in leads.groups")
    heading(doc, "{{ g.maturity }} ({{ g.count }})", 2)
    tag(doc, "if g.explanation")
    para(doc, "{{ g.explanation }}")
    tag(doc, "endif")
    tag(doc, "for l in g['items']")
    heading(doc, "{{ l.code }} — {{ l.name }}", 3)
    tag(doc, "if l.conditions_blocks")
    keep(para(doc, label="Conditions de réalisation :"))
    text_blocks(doc, "l.conditions_blocks")
    tag(doc, "else")
    para(doc, "à préciser.", label="Conditions de réalisation : ")
    tag(doc, "endif")
    para(doc, "{{ l.next_step }}", label="Prochaine étape : ")
    tag(doc, "endfor")
    tag(doc, "endfor")
    tag(doc, "else")
    para(
        doc,
        "Aucune piste n’est encore formalisée : les pistes, "
        "leurs conditions de réalisation et leur maturité seront présentées ici.",
    )
    tag(doc, "endif")


def build_section_next_steps(doc: DocumentObject) -> None:
    heading(doc, "Prochaines étapes", 1)
    heading(doc, "Pour chaque piste", 2)
    tag(doc, "if next_steps.leads")
    keep(para(doc, "La prochaine étape de chaque piste, de la plus avancée à la moins mûre."))
    keep(para(doc, "Prochaine étape par piste", "Caption"))
    add_table(
        doc,
        [("Piste", 6.3), ("Maturité", 3.2), ("Prochaine étape", 7.5)],
        [
            Row(
                ["{{ l.code }} — {{ l.name }}", "{{ l.maturity }}", "{{ l.next_step }}"],
                loop="l in next_steps.leads",
            )
        ],
        cell_margin=0.1,
    )
    tag(doc, "else")
    para(doc, "Les prochaines étapes seront fixées une fois les pistes formalisées.")
    tag(doc, "endif")

    heading(doc, "Paramètres encore à tester", 2)
    tag(doc, "if next_steps.to_test")
    keep(
        para(
            doc,
            "Ces hypothèses restent à confirmer avant d’engager les pistes qui en dépendent :",
        )
    )
    tag(doc, "for p in next_steps.to_test")
    bullet(doc, "{{ p.text }}", label="{{ p.code }} — {{ p.name }} : ")
    tag(doc, "endfor")
    tag(doc, "else")
    tag(doc, "if next_steps.all_tested")
    para(doc, "{{ next_steps.all_tested }}")
    tag(doc, "else")
    para(
        doc,
        "Aucun paramètre crucial n’est encore formulé : les hypothèses à tester seront "
        "arrêtées avec la collectivité.",
    )
    tag(doc, "endif")
    tag(doc, "endif")


def build_rapport_pistes() -> DocumentObject:
    doc = start_document("émergence de concepts; rapport pistes créatives")
    build_cover(doc)
    table_of_contents(doc)
    build_section_mission(doc)
    build_section_research(doc)
    build_section_parameters(doc)
    build_section_tests(doc)
    build_section_leads(doc)
    build_section_next_steps(doc)
    build_section_fee(doc)
    build_section_calendar(doc)
    build_section_validation(doc)
    end_document(doc)
    return doc
