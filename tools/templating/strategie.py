"""The Cahier des charges of a Stratégie globale opérationnelle.

Sections 1–3 and 7–8 are the concertation cahier's own builders (same layout,
same context keys); sections 4–6 are the strategy's: the three workshops, the
dispositifs examined with the opinions of each public, the lignes de force and
the solutions to prototype; section 9 lists the R.O.I. citoyen criteria with
their weights. Its context comes from ``pipeline.render.strategie.strategie_context``.
"""

from __future__ import annotations

from docx.document import Document as DocumentObject
from docx.shared import Pt

from pipeline import model as m
from templating.cahier import (
    build_section_context,
    build_section_means,
    build_section_objectives,
)
from templating.common import (
    CENTER,
    HIGHLIGHT_STYLE,
    Row,
    add_table,
    build_cover,
    build_roi_results,
    build_stakeholder_section,
    bullet,
    expected_deliverables,
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
    build_acceptance_and_indicators,
    build_section_calendar,
    build_section_commitments,
    build_section_fee,
    build_section_governance,
    end_document,
)


def build_section_workshops(doc: DocumentObject) -> None:
    heading(doc, "Les trois ateliers", 1)
    tag(doc, "if workshops['items']")
    keep(para(doc, "{{ workshops.intro }}"))
    keep(para(doc, "Les ateliers", "Caption"))
    add_table(
        doc,
        [
            ("Public", 2.6),
            ("Date", 3.0),
            ("Lieu", 5.6),
            ("Participants", 3.4),
            ("Avis recueillis", 2.4),
        ],
        [
            Row(
                [
                    "{{ w.public }}",
                    "{{ w.date }}",
                    "{{ w.place|multiline }}",
                    "{{ w.participants|multiline }}",
                    "{{ w.opinions }}",
                ],
                loop="w in workshops['items']",
            )
        ],
        align=[None, None, None, None, CENTER],
    )
    tag(doc, "for note in workshops.notes")
    para(doc, "{{ note }}", HIGHLIGHT_STYLE)
    tag(doc, "endfor")
    tag(doc, "else")
    para(doc, "{{ workshops.empty_text }}")
    tag(doc, "endif")


def _quotes(doc: DocumentObject, key: str, label: str) -> None:
    """The verbatims of one side, each with the publics that said it."""
    tag(doc, f"if d.{key}")
    keep(para(doc, "", label=label)).paragraph_format.space_before = Pt(8)
    tag(doc, f"for q in d.{key}")
    bullet(doc, "{{ q.text }} ({{ q.who }})")
    tag(doc, "endfor")
    tag(doc, "endif")


def build_section_devices(doc: DocumentObject) -> None:
    heading(doc, "Les dispositifs examinés", 1)
    tag(doc, "if devices['items']")
    para(doc, "{{ devices.intro }}")
    tag(doc, "if devices.rated")
    keep(para(doc, "{{ devices.legend }}"))
    keep(para(doc, "Synthèse des avis : score net par public et classement", "Caption"))
    publics = [
        (p.value, 2.4 if p is m.WorkshopPublic.PANEL_CITOYEN else 2.0) for p in m.WorkshopPublic
    ]
    add_table(
        doc,
        [("Dispositif", 7.7), *publics, ("Classement", 2.9)],
        [
            Row(
                [
                    "{{ d.title }}",
                    *(f"{{{{ d.scores[{i}] }}}}" for i in range(len(publics))),
                    "{% cellbg d.color %}{{ d.verdict or 'Sans avis' }}",
                ],
                loop="d in devices['items']",
            )
        ],
        align=[None, *([CENTER] * len(publics)), CENTER],
        cell_margin=0.1,
    )
    figure(
        doc,
        "figures.opinions",
        "Avis des ateliers par dispositif et par public (nombre d'avis de chaque sorte)",
    )
    tag(doc, "endif")

    tag(doc, "for d in devices['items']")
    heading(doc, "{{ d.title }}", 2)
    tag(doc, "if d.rated")
    verdict = para(doc, " — {{ d.reason }}", HIGHLIGHT_STYLE, label="{{ d.verdict }}")
    verdict.paragraph_format.space_after = Pt(8)
    tag(doc, "endif")
    tag(doc, "if d.techniques")
    para(doc, "{{ d.techniques }}", label="Techniques : ")
    tag(doc, "endif")
    tag(doc, "if d.level")
    para(doc, "{{ d.level }}", label="Niveau de participation : ")
    tag(doc, "endif")
    text_blocks(doc, "d.description_blocks")
    tag(doc, "if d.rated")
    keep(para(doc, "Avis recueillis — {{ d.code }}", "Caption"))
    add_table(
        doc,
        [
            ("Public", 3.6),
            ("J'aime", 2.2),
            ("Neutre", 2.2),
            ("Je n'aime pas", 2.6),
            ("Avis", 2.0),
            ("Score net", 2.4),
        ],
        [
            Row(
                [
                    "{{ p.public }}",
                    "{{ p.likes }}",
                    "{{ p.neutral }}",
                    "{{ p.dislikes }}",
                    "{{ p.n }}",
                    "{{ p.net }}",
                ],
                loop="p in d.publics",
            ),
            Row(
                [
                    "{{ d.overall.public }}",
                    "{{ d.overall.likes }}",
                    "{{ d.overall.neutral }}",
                    "{{ d.overall.dislikes }}",
                    "{{ d.overall.n }}",
                    "{{ d.overall.net }}",
                ],
                total=True,
            ),
        ],
        align=[None, CENTER, CENTER, CENTER, CENTER, CENTER],
    )
    _quotes(doc, "likes", "Ce qui plaît :")
    _quotes(doc, "dislikes", "Ce qui déplaît :")
    tag(doc, "else")
    para(doc, "{{ d.empty_text }}")
    tag(doc, "endif")
    tag(doc, "endfor")
    tag(doc, "else")
    para(doc, "{{ devices.empty_text }}")
    tag(doc, "endif")


def build_section_lines_of_force(doc: DocumentObject) -> None:
    heading(doc, "Lignes de force et solutions à prototyper", 1)
    tag(doc, "if lines.rated")
    para(
        doc,
        "Les lignes de force, ces dispositifs que soutient chacun des publics qui les ont "
        "examinés, deviennent les solutions à prototyper. Les dispositifs qui divisent les "
        "publics sont soumis à l'arbitrage des élus ; ceux qu'aucun public ne soutient sont "
        "écartés.",
    )
    heading(doc, "Solutions à prototyper", 2)
    tag(doc, "if lines.prototypes")
    tag(doc, "for s in lines.prototypes")
    heading(doc, "{{ s.title }}", 3)
    para(doc, "{{ s.support }}")
    tag(doc, "if s.watch")
    keep(
        para(
            doc,
            "Le prototype répond aux réserves exprimées en atelier :",
            label="Points de vigilance. ",
        )
    )
    tag(doc, "for q in s.watch")
    bullet(doc, "{{ q.text }} ({{ q.who }})")
    tag(doc, "endfor")
    tag(doc, "else")
    para(doc, "Aucune réserve n'a été exprimée en atelier.")
    tag(doc, "endif")
    tag(doc, "endfor")
    tag(doc, "else")
    para(doc, "{{ lines.no_prototype }}")
    tag(doc, "endif")

    tag(doc, "if lines.arbitrations")
    heading(doc, "Points soumis à l'arbitrage", 2)
    keep(
        para(
            doc,
            "Ces dispositifs sont à débattre : un public au moins les soutient, un autre non. "
            "Les élus arbitrent, au vu des avis ci-dessous, avant tout prototype.",
        )
    )
    tag(doc, "for a in lines.arbitrations")
    bullet(doc, " : {{ a.text }}", label="{{ a.title }}")
    tag(doc, "endfor")
    tag(doc, "endif")

    tag(doc, "if lines.discarded")
    heading(doc, "Dispositifs écartés", 2)
    keep(
        para(
            doc,
            "Aucun des publics consultés ne soutient ces dispositifs : ils ne sont pas retenus "
            "dans la stratégie.",
        )
    )
    tag(doc, "for e in lines.discarded")
    bullet(doc, " : {{ e.text }}", label="{{ e.title }}")
    tag(doc, "endfor")
    tag(doc, "endif")

    tag(doc, "if lines.unrated")
    heading(doc, "Dispositifs sans avis", 2)
    keep(
        para(
            doc,
            "Ces dispositifs n'ont pas encore été examinés en atelier ; ils seront classés au vu "
            "des avis des publics.",
        )
    )
    tag(doc, "for u in lines.unrated")
    bullet(doc, "{{ u }}")
    tag(doc, "endfor")
    tag(doc, "endif")
    tag(doc, "else")
    para(doc, "{{ lines.empty_text }}")
    tag(doc, "endif")


def build_section_deliverables(doc: DocumentObject) -> None:
    """Section 9: the expected deliverables, and the R.O.I. citoyen criteria with weights."""
    heading(doc, "Livrables attendus et évaluation", 1)
    expected_deliverables(doc)
    build_acceptance_and_indicators(doc)

    heading(doc, "Évaluation", 2)
    tag(doc, "if evaluation")
    keep(
        para(
            doc,
            "La stratégie et chacun de ses dispositifs seront évalués avec la grille du R.O.I. "
            "citoyen : les critères ci-dessous, du point de vue du citoyen, chacun avec son "
            "poids dans la note globale.",
        )
    )
    keep(para(doc, "Critères R.O.I. citoyen et leurs poids", "Caption"))
    add_table(
        doc,
        [("Code", 1.6), ("Critère", 3.8), ("Définition", 9.8), ("Poids", 1.8)],
        [
            Row(
                [
                    "{{ e.code }}",
                    "{{ e.name }}",
                    "{{ e.definition|multiline }}",
                    "{{ e.weight }}",
                ],
                loop="e in evaluation",
            )
        ],
        align=[None, None, None, CENTER],
    )
    tag(doc, "else")
    para(doc, "Les critères d'évaluation restent à définir.")
    tag(doc, "endif")


def build_section_roi(doc: DocumentObject) -> None:
    """Once the Kit R.O.I. citoyen grid is filled in a workshop: its results."""
    tag(doc, "if roi.rated")
    heading(doc, "Résultats du kit R.O.I. citoyen", 1)
    keep(
        para(
            doc,
            "Les dispositifs ont été notés avec la grille du kit R.O.I. citoyen, du point de "
            "vue des citoyens : les participants y répondent à la question « les citoyens "
            "s’y retrouveront-ils ? ».",
        )
    )
    build_roi_results(doc, "dispositif", "dispositifs")
    tag(doc, "endif")


def build_cahier_strategie() -> DocumentObject:
    doc = start_document("stratégie globale opérationnelle; cahier des charges")
    build_cover(doc)
    table_of_contents(doc)
    build_section_context(doc, workshop_date=False)
    build_section_objectives(doc)
    build_stakeholder_section(doc)
    build_section_workshops(doc)
    build_section_devices(doc)
    build_section_lines_of_force(doc)
    build_section_roi(doc)
    build_section_means(doc)
    build_section_fee(doc)
    build_section_governance(doc)
    build_section_calendar(doc)
    build_section_deliverables(doc)
    build_section_commitments(doc)
    end_document(doc)
    return doc
