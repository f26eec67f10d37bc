"""The sections of a professional cahier des charges, shared by the concertation's (and
its Note de décision) and the strategy's: the fee beside the collectivité's costs, the
governance bodies and people, the dated calendar, the acceptance of deliverables,
indicators, risks, legal frame, accessibility, the restitution commitment and the
validation block.

Their context comes from ``pipeline.render.fee`` (« fee »), ``pipeline.render.governance``
(« governance ») and ``pipeline.render.commitments`` (the other keys).
"""

from __future__ import annotations

from docx.document import Document as DocumentObject
from docx.shared import Cm, Pt
from docx.table import Table

from templating.common import (
    HIGHLIGHT_STYLE,
    RIGHT,
    Row,
    add_table,
    bullet,
    heading,
    keep,
    para,
    tag,
)


def build_section_fee(doc: DocumentObject) -> None:
    """The three amounts and whose they are, then the fee's lines and schedule."""
    heading(doc, "Honoraires, coûts et budget", 1)
    keep(para(doc, "{{ fee.intro }}"))
    keep(para(doc, "Les montants de la démarche", "Caption"))
    add_table(
        doc,
        [("Montant", 4.6), ("HT", 3.0), ("Ce qu'il recouvre", 9.4)],
        [
            Row(
                ["{{ s.label }}", "{{ s.amount }}", "{{ s.text }}"],
                loop="s in fee.summary",
            )
        ],
        align=[None, RIGHT, None],
        label_column=True,
    )
    heading(doc, "{{ fee.heading }}", 2)
    keep(para(doc, "Les honoraires, ligne à ligne, tels que la facture les établit."))
    keep(para(doc, "Détail des honoraires", "Caption"))
    lines = add_table(
        doc,
        [("Prestation", 8.4), ("Quantité", 2.0), ("Prix unitaire HT", 3.3), ("Montant HT", 3.3)],
        [
            Row(
                [
                    "{{ l.description }}{{ ' — ' ~ l.detail if l.detail else '' }}",
                    "{{ l.quantity }}",
                    "{{ l.unit_price }}",
                    "{{ l.total }}",
                ],
                loop="l in fee.lines",
            ),
            Row(["Total HT", "", "", "{{ fee.total_ht }}"], total=True),
            Row(["{{ fee.vat_label }}", "", "", "{{ fee.vat }}"], total=True),
            Row(["Total TTC", "", "", "{{ fee.total_ttc }}"], total=True),
        ],
        align=[None, RIGHT, RIGHT, RIGHT],
    )
    keep_together(lines)
    tag(doc, "if fee.halved")
    halved = para(
        doc,
        "La démarche ayant été arrêtée avant l'atelier, le prix de base est réduit de moitié ; "
        "les options réalisées sont facturées en entier.",
    )
    halved.paragraph_format.space_before = Pt(8)
    tag(doc, "endif")
    heading(doc, "Échéancier de paiement", 2)
    tag(doc, "if fee.schedule")
    keep(para(doc, "{{ fee.schedule_text }}"))
    keep(para(doc, "Échéancier des honoraires", "Caption"))
    add_table(
        doc,
        [("Échéance", 7.0), ("Part", 2.4), ("Date prévue", 4.0), ("Montant HT", 3.6)],
        [
            Row(
                ["{{ e.label }}", "{{ e.part }}", "{{ e.planned }}", "{{ e.amount }}"],
                loop="e in fee.schedule",
            )
        ],
        align=[None, RIGHT, None, RIGHT],
    )
    tag(doc, "else")
    para(doc, "{{ fee.schedule_text }}")
    tag(doc, "endif")


def build_section_governance(doc: DocumentObject) -> None:
    """The bodies (typed, or proposed and said so), then the people, each once."""
    heading(doc, "Gouvernance et rôles", 1)
    heading(doc, "Instances de pilotage", 2)
    keep(para(doc, "{{ governance.bodies_text }}"))
    keep(para(doc, "Instances de la démarche", "Caption"))
    add_table(
        doc,
        [("Instance", 3.4), ("Membres", 5.6), ("Fréquence", 2.8), ("Rôle", 5.2)],
        [
            Row(
                ["{{ b.name }}", "{{ b.members }}", "{{ b.frequency }}", "{{ b.role }}"],
                loop="b in governance.bodies",
            )
        ],
        label_column=True,
    )
    tag(doc, "for r in governance.groups")
    heading(doc, "{{ r.role }}", 2)
    tag(doc, "for person in r.people")
    bullet(
        doc,
        "{{ ' — ' if person.detail else '' }}{{ person.detail|multiline }}",
        label="{{ person.name }}",
    )
    tag(doc, "endfor")
    tag(doc, "endfor")


def build_section_calendar(doc: DocumentObject) -> None:
    heading(doc, "Calendrier de la démarche et des livrables", 1)
    tag(doc, "if calendar.milestones")
    keep(
        para(
            doc,
            "Les étapes datées de la démarche, et les livrables remis à la collectivité "
            "(« Livrable »).",
        )
    )
    keep(para(doc, "Calendrier", "Caption"))
    add_table(
        doc,
        [("Date", 3.8), ("Étape ou livrable", 13.2)],
        [
            Row(
                [
                    "{{ c.date }}",
                    "{{ 'Livrable : ' if c.deliverable else '' }}{{ c.label }}",
                ],
                loop="c in calendar.milestones",
            )
        ],
    )
    tag(doc, "else")
    para(
        doc,
        "Le calendrier est arrêté par le comité de pilotage lors de sa première réunion, "
        "puis annexé au présent cahier.",
    )
    tag(doc, "endif")
    tag(doc, "if calendar.undated")
    lead = keep(para(doc, "Étapes annoncées sans date précise :"))
    lead.paragraph_format.space_before = Pt(8)
    tag(doc, "for u in calendar.undated")
    bullet(doc, "{{ u }}")
    tag(doc, "endfor")
    tag(doc, "endif")


def build_acceptance_and_indicators(doc: DocumentObject) -> None:
    """Inside « Livrables attendus et évaluation »: acceptance, then indicators."""
    heading(doc, "Réception des livrables", 2)
    tag(doc, "for a in acceptance")
    bullet(doc, "{{ a }}")
    tag(doc, "endfor")
    heading(doc, "Indicateurs et cibles", 2)
    tag(doc, "if indicators_proposed")
    para(doc, "{{ indicators_proposed }}", HIGHLIGHT_STYLE)
    tag(doc, "endif")
    keep(para(doc, "Indicateurs d'évaluation", "Caption"))
    add_table(
        doc,
        [("Indicateur", 6.6), ("Cible", 4.4), ("Mesure", 6.0)],
        [
            Row(
                ["{{ i.name }}", "{{ i.target }}", "{{ i.measure }}"],
                loop="i in indicators",
            )
        ],
    )


def build_section_commitments(doc: DocumentObject) -> None:
    """Risks, legal frame, accessibility, restitution, validation."""
    heading(doc, "Risques et mesures", 1)
    tag(doc, "if risks_proposed")
    para(doc, "{{ risks_proposed }}", HIGHLIGHT_STYLE)
    tag(doc, "endif")
    keep(para(doc, "Risques de la démarche", "Caption"))
    add_table(
        doc,
        [("Risque", 5.6), ("Probabilité", 2.6), ("Impact", 2.4), ("Mesure", 6.4)],
        [
            Row(
                ["{{ r.risk }}", "{{ r.likelihood }}", "{{ r.impact }}", "{{ r.measure }}"],
                loop="r in risks",
            )
        ],
    )

    heading(doc, "Cadre juridique", 1)
    tag(doc, "for l in legal")
    heading(doc, "{{ l.title }}", 2)
    para(doc, "{{ l.text }}")
    tag(doc, "endfor")

    heading(doc, "Accessibilité de la démarche", 1)
    tag(doc, "for a in accessibility")
    bullet(doc, "{{ a }}")
    tag(doc, "endfor")

    heading(doc, "Engagement de restitution", 1)
    para(doc, "{{ restitution }}", HIGHLIGHT_STYLE)

    build_section_validation(doc)


def build_section_validation(doc: DocumentObject) -> None:
    """Who validates the document, with room to date and sign."""
    heading(doc, "Validation", 1)
    keep(
        para(
            doc,
            "Le présent document est validé par les signataires ci-dessous, qui en approuvent "
            "le contenu.",
        )
    )
    table = add_table(
        doc,
        [("Pour", 4.4), ("Nom et qualité", 5.8), ("Date", 2.6), ("Signature", 4.2)],
        [Row(["{{ v.party }}", "{{ v.name }}", "", ""], loop="v in validation")],
    )
    for row in table.rows:  # room to sign: the data row, not the loop's tag rows
        if "v.party" in row.cells[0].text:
            row.height = Cm(1.8)
    keep_together(table)


def keep_together(table: Table) -> None:
    """A short table on one page: each row keeps with the next (its last one apart), so
    a total or a signature line never starts a page alone."""
    rows = table.rows
    for row in rows[: len(rows) - 1]:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


def end_document(doc: DocumentObject) -> None:
    """A body ends with a paragraph, not a table: an empty one, too small to make a page
    of its own after a full one."""
    last = doc.add_paragraph()
    last.paragraph_format.space_before = Pt(0)
    last.paragraph_format.space_after = Pt(0)
    last.paragraph_format.line_spacing = Pt(1)
    last.add_run("").font.size = Pt(1)
