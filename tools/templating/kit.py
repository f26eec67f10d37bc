"""The Kit de communication (Outil de communication for Stratégie globale).

Its context comes from ``pipeline.render.communication.communication_context``.
Everything a communication officer rewrites (the key message, the messages of
the plan, the calendar) is plain text in named styles, never an image.
"""

from __future__ import annotations

from docx.document import Document as DocumentObject
from docx.enum.text import WD_LINE_SPACING
from docx.shared import Pt

from templating.common import (
    CENTER,
    HIGHLIGHT_STYLE,
    RIGHT,
    Row,
    add_table,
    build_cover,
    bullet,
    heading,
    keep,
    mission_card,
    para,
    start_document,
    table_of_contents,
    tag,
    text_blocks,
)


def build_notice_and_toc(doc: DocumentObject) -> None:
    tag(doc, "if stopped")
    label = para(
        doc, "Concertation arrêtée avant l'atelier : un plan d'information", HIGHLIGHT_STYLE
    )
    label.runs[0].bold = True
    notice = para(doc, "{{ stopped_text }}", HIGHLIGHT_STYLE)
    notice.paragraph_format.space_after = Pt(18)
    tag(doc, "endif")
    table_of_contents(doc)


def build_section_presentation(doc: DocumentObject) -> None:
    heading(doc, "Présentation", 1).paragraph_format.page_break_before = True
    para(doc, "{{ intro }}")
    para(doc, "{{ source_note }}")
    tag(doc, "if stage_note")
    para(doc, "{{ stage_note }}", HIGHLIGHT_STYLE).paragraph_format.space_after = Pt(12)
    tag(doc, "endif")
    keep(para(doc, "La démarche en bref", "Caption"))

    mission_card(
        doc,
        [
            ("Collectivité", "collectivite", False),
            ("Démarche", "title", False),
            ("Offre", "offer", False),
            ("Référence", "reference", False),
            ("Étape", "stage", False),
            ("Niveau de participation", "participation_level", True),
            ("{{ mission.elected_label }}", "elected_official", True),
            ("Pilote", "pilot", True),
            ("Dossier suivi par", "consultant", True),
        ],
    )
    heading(doc, "Mode d'emploi", 2)
    for text in (
        "Les messages, les invitations et le calendrier sont du texte à reprendre tel quel ou "
        "à adapter dans les supports (affiche, lettre, article, publication).",
        "Partie interne : à partager avec les élus et les services avant toute annonce publique.",
        "Partie externe : ce qu'on dit aux habitants, dans cet ordre : le message clé, ce qui "
        "est soumis au débat, {{ external.how_heading|lower }}, quand et où, ce qu'ils "
        "recevront en retour.",
    ):
        bullet(doc, text)


def _targets(doc: DocumentObject, key: str, missing: str) -> None:
    """Stakeholders of some categories: the treatment of each quadrant, then the names.

    The treatments (a line or two each, four at most) keep with the table they
    announce: the heading and its bullets stayed alone at the foot of a page, their
    table on the next."""
    tag(doc, f"if {key}")
    tag(doc, f"for t in {key}")
    heading(doc, "{{ t.category }} ({{ t.count }})", 3)
    tag(doc, "for q in t.treatments")
    keep(bullet(doc, " ({{ q.count }}) : {{ q.text }}", label="{{ q.quadrant }}"))
    tag(doc, "endfor")
    keep(para(doc, "{{ t.category }} : qui toucher", "Caption"))
    add_table(
        doc,
        [("Nom", 3.9), ("Position", 2.2), ("Rôle et attentes", 5.4), ("Contact", 5.5)],
        [
            Row(
                [
                    "{{ s.name }}",
                    "{{ s.quadrant }}",
                    "{{ s.role|multiline }}",
                    "{{ s.contact|multiline }}",
                ],
                loop="s in t['items']",
            )
        ],
        cell_margin=0.1,
    )
    tag(doc, "endfor")
    tag(doc, "else")
    para(doc, missing)
    tag(doc, "endif")


def _entries(doc: DocumentObject, key: str) -> None:
    """Entries (title, text, paragraphs) as bold-led paragraphs."""
    tag(doc, f"for i in {key}")
    line = "{{ ' — ' if i.text else '' }}{{ i.text }}"
    tag(doc, "if i.blocks")
    keep(para(doc, line, label="{{ i.title }}"))  # the title stays with its paragraphs
    text_blocks(doc, "i.blocks")
    tag(doc, "else")
    para(doc, line, label="{{ i.title }}")
    tag(doc, "endif")
    tag(doc, "endfor")


def build_section_internal(doc: DocumentObject) -> None:
    heading(doc, "Communication interne : élus et services", 1)
    heading(doc, "Pourquoi cette démarche", 2)
    para(doc, "{{ internal.why }}")
    tag(doc, "if internal.why_blocks")
    keep(para(doc, "La démarche poursuit les objectifs suivants :"))
    text_blocks(doc, "internal.why_blocks")
    tag(doc, "else")
    para(doc, "{{ internal.why_missing }}")
    tag(doc, "endif")

    heading(doc, "Qui fait quoi", 2)
    keep(para(doc, "Rôles et actions de communication", "Caption"))
    add_table(
        doc,
        [("Qui", 4.6), ("Rôle", 3.4), ("Ce qu'il ou elle fait", 9.0)],
        [
            Row(
                ["{{ r.who }}", "{{ r.role }}", "{{ r.tasks|multiline }}"],
                loop="r in internal.roles",
            ),
        ],
        cell_margin=0.1,
    )

    heading(doc, "Élus, services et prestataires à mobiliser", 2)
    keep(
        para(
            doc,
            "Chacun est traité selon sa place dans la grille pouvoir / intérêt du registre des "
            "parties prenantes.",
        )
    )
    _targets(
        doc,
        "internal.targets",
        "Aucun élu, service ou prestataire n'est encore recensé parmi les parties prenantes : "
        "la liste des relais internes reste à établir.",
    )

    heading(doc, "Calendrier interne", 2)
    keep(para(doc, "Ce que font les élus et les services à chaque temps fort", "Caption"))
    add_table(
        doc,
        [("Temps fort", 2.6), ("Quand", 4.6), ("Élus et services", 9.8)],
        [
            Row(
                ["{{ c.moment }}", "{{ c.when }}", "{{ c.duty }}"],
                loop="c in internal.calendar",
            )
        ],
        label_column=True,
        cell_margin=0.1,
    )


def build_section_external(doc: DocumentObject) -> None:
    heading(doc, "Communication externe : les habitants", 1)
    heading(doc, "Le message clé", 2)
    message = para(doc, "{{ external.key_message }}", HIGHLIGHT_STYLE)
    message.runs[0].bold = True
    message.runs[0].font.size = Pt(13)
    message.paragraph_format.space_after = Pt(8)
    para(doc, "{{ external.key_message_note }}")

    heading(doc, "Ce qui est soumis au débat et ce qui ne l'est pas", 2)
    tag(doc, "if mission.participation_level")
    para(
        doc,
        "{{ mission.participation_level }}{{ ' — ' if mission.participation_level_text else '' }}"
        "{{ mission.participation_level_text }}",
        label="Niveau de participation : ",
    )
    tag(doc, "endif")
    tag(doc, "if mission.stakes_blocks")
    text_blocks(doc, "mission.stakes_blocks")
    tag(doc, "else")
    para(doc, "{{ external.stakes_missing }}")
    tag(doc, "endif")

    heading(doc, "{{ external.how_heading }}", 2)
    tag(doc, "if external.how")
    tag(doc, "for g in external.how")
    heading(doc, "{{ g.heading }}", 3)
    tag(doc, "if g.intro")
    para(doc, "{{ g.intro }}")
    tag(doc, "endif")
    _entries(doc, "g['items']")
    tag(doc, "endfor")
    tag(doc, "else")
    para(doc, "{{ external.how_missing }}")
    tag(doc, "endif")

    heading(doc, "Quand et où", 2)
    keep(para(doc, "Les temps forts de la démarche :"))
    tag(doc, "for w in external.when")
    bullet(doc, " : {{ w.when }}", label="{{ w.moment }}")
    tag(doc, "endfor")
    tag(doc, "if external.calendar_parameters")
    keep(para(doc, "Le calendrier de la démarche :"))
    _entries(doc, "external.calendar_parameters")
    tag(doc, "endif")
    tag(doc, "if external.places")
    keep(para(doc, "Les lieux :"))
    _entries(doc, "external.places")
    tag(doc, "endif")

    heading(doc, "Ce que les habitants recevront en retour", 2)
    para(doc, "{{ external.returns_intro }}")
    _entries(doc, "external.returns")

    heading(doc, "Les publics à toucher", 2)
    keep(
        para(
            doc,
            "Les habitants, les associations, les institutions et les autres parties "
            "prenantes, traités selon leur place dans la grille pouvoir / intérêt.",
        )
    )
    _targets(
        doc,
        "external.targets",
        "Aucun habitant, association ou institution n'est encore recensé parmi les parties "
        "prenantes : les publics à toucher restent à identifier.",
    )
    heading(doc, "Les cibles du plan de communication", 3)
    tag(doc, "for t in external.plan_targets")
    bullet(doc, " : {{ t.moments }}", label="{{ t.target }}")
    tag(doc, "endfor")


def build_section_channels(doc: DocumentObject) -> None:
    heading(doc, "Canaux et supports", 1)
    tag(doc, "if channels")
    keep(para(doc, "Chaque canal, son support, les cibles qu'il touche et ses temps forts."))
    keep(para(doc, "Canaux et supports du plan", "Caption"))
    add_table(
        doc,
        [("Canal", 3.9), ("Support", 4.6), ("Cibles", 5.0), ("Temps forts", 3.5)],
        [
            Row(
                ["{{ c.channel }}", "{{ c.support }}", "{{ c.targets }}", "{{ c.moments }}"],
                loop="c in channels",
            )
        ],
        cell_margin=0.1,
    )
    tag(doc, "else")
    para(doc, "Aucun canal ni support n'est encore indiqué dans le plan : à compléter.")
    tag(doc, "endif")
    tag(doc, "for p in channel_parameters")
    heading(doc, "Les moyens de communication prévus", 2)
    keep(para(doc, "Les moyens de communication prévus pour la démarche (montants HT)."))
    add_table(
        doc,
        [("Libellé", 5.5), ("Détail", 8.5), ("Montant HT", 3.0)],
        [
            Row(
                ["{{ i.label }}", "{{ i.detail|multiline }}", "{{ i.amount or '—' }}"],
                loop="i in p['items']",
            ),
            Row(["Sous-total", "", "{{ p.total }}"], guard="p.total", total=True),
        ],
        align=[None, None, RIGHT],
    )
    tag(doc, "endfor")


def build_section_calendar(doc: DocumentObject) -> None:
    heading(doc, "Calendrier par temps fort", 1)
    keep(para(doc, "{{ calendar_note }}"))
    tag(doc, "for c in calendar")
    heading(doc, "{{ c.moment }}", 2)
    tag(doc, "if c.when")
    keep(para(doc, "{{ c.when }}", label="Quand : "))
    tag(doc, "endif")
    tag(doc, "if c.done_text")
    para(doc, "{{ c.done_text }}")
    tag(doc, "else")
    tag(doc, "if c.actions and c.dated")
    _actions_table(doc, dated=True)
    tag(doc, "elif c.actions")
    _actions_table(doc, dated=False)
    tag(doc, "if c.agreed_text")
    para(doc, "{{ c.agreed_text }}")
    tag(doc, "endif")
    tag(doc, "else")
    para(doc, "{{ c.empty_text }}")
    tag(doc, "endif")
    tag(doc, "endif")
    tag(doc, "endfor")
    # A document body must end with a paragraph, not a table: a tiny one, so that a table
    # filling the last page does not push it onto a blank page of its own.
    end = doc.add_paragraph().paragraph_format
    end.space_before = end.space_after = Pt(0)
    end.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    end.line_spacing = Pt(1)


def _actions_table(doc: DocumentObject, dated: bool) -> None:
    """A temps fort's actions; the date column only when the workbook dates them (the
    timing is then said above the table, in words)."""
    columns = [("Cible", 3.1), ("Message", 5.3), ("Canal et support", 3.5), ("Responsable", 2.8)]
    cells = ["{{ a.target }}", "{{ a.message|multiline }}", "{{ a.channel }}", "{{ a.owner }}"]
    if not dated:  # the date's width goes to the message
        columns[1] = ("Message", 7.6)
    add_table(
        doc,
        [("Date", 2.3), *columns] if dated else columns,
        [Row(["{{ a.date }}", *cells] if dated else cells, loop="a in c.actions")],
        align=[CENTER, None, None, None, None] if dated else None,
        cell_margin=0.1,
    )


def build_kit_communication() -> DocumentObject:
    doc = start_document("communication; kit de communication; outil de communication")
    build_cover(doc)
    build_notice_and_toc(doc)
    build_section_presentation(doc)
    build_section_internal(doc)
    build_section_external(doc)
    build_section_channels(doc)
    build_section_calendar(doc)
    return doc
