"""The guide of the Kit R.O.I. citoyen (Stratégie globale opérationnelle).

Its context comes from ``pipeline.render.roi_guide.guide_context``: the client's
dispositifs, criteria and weights, the scale, the workshop's timing, and a worked
example computed by the R.O.I. citoyen aggregation.
"""

from __future__ import annotations

from docx.document import Document as DocumentObject
from docx.shared import Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from pipeline.model import Grade
from templating.common import (
    CENTER,
    HIGHLIGHT_STYLE,
    Row,
    add_table,
    build_cover,
    bullet,
    figure,
    grid_table,
    heading,
    keep,
    para,
    roi_ranking_table,
    start_document,
    table_of_contents,
    tag,
)


def _kept_together(table: Table) -> None:
    """Every row stays with the next: a short table is never split across two pages.

    The paragraph after the table must not keep with the next one, or the chain
    would run on through the following tables.
    """
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


def _after_table(paragraph: Paragraph) -> Paragraph:
    """A paragraph right under a table, set off from it."""
    paragraph.paragraph_format.space_before = Pt(6)
    return paragraph


def _roomy(table: Table) -> None:
    """Body rows tall enough to tick a box with a pen."""
    for row in table.rows[1:]:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.space_before = Pt(4)
                paragraph.paragraph_format.space_after = Pt(4)


def build_section_kit(doc: DocumentObject) -> None:
    heading(doc, "Le kit R.O.I. citoyen", 1).paragraph_format.page_break_before = True
    para(
        doc,
        "Ce kit sert à conduire l’atelier R.O.I. citoyen de la mission {{ mission.quoted_title }} "
        "avec la collectivité {{ mission.quoted_collectivite }} : des participants de quatre "
        "publics notent les dispositifs de participation envisagés en se mettant à la place "
        "des habitants. À chaque fois, une seule question : les citoyens en retireront-ils "
        "assez, au regard de ce qu’on leur demande ?",
    )
    heading(doc, "Pourquoi un R.O.I. citoyen", 2)
    keep(para(doc, "Un dialogue citoyen ne dure que si trois conditions tiennent ensemble :"))
    bullet(
        doc,
        "les élus y gardent leur mandat : ils restent ceux qui décident, et peuvent rendre "
        "compte de ce qu’ils ont fait de la parole des habitants ;",
    )
    bullet(doc, "les services ne s’épuisent pas pour de maigres résultats ;")
    bullet(
        doc,
        "les citoyens « s’y retrouvent » : ce qu’ils donnent (du temps, des déplacements, des "
        "efforts) leur revient.",
    )
    para(
        doc,
        "C’est pourquoi le résultat se lit toujours dans son ensemble et par public : un "
        "dispositif que les habitants plébiscitent mais que les agents rejettent ne tiendra pas.",
    )
    heading(doc, "Ce que contient le kit", 2)
    bullet(
        doc,
        " : préparer et animer l’atelier, lire le résultat ; en annexe, la fiche de notation à "
        "imprimer pour chaque participant.",
        label="Ce guide",
    )
    bullet(
        doc,
        " : le classeur « {{ grid_file }} ». Il identifie la démarche et reprend ses "
        "dispositifs, ses critères et leurs poids ; son dernier onglet, vide, reçoit les notes "
        "pendant l’atelier.",
        label="La grille de notation",
    )
    heading(doc, "Les dispositifs à noter", 2)
    tag(doc, "if devices")
    keep(
        para(
            doc,
            "{{ devices_count }}, issus des ateliers de la stratégie, sont soumis à la "
            "notation. L’avis des ateliers est rappelé pour mémoire : le R.O.I. citoyen ne le "
            "remplace pas, il le complète du point de vue des habitants.",
        )
    )
    keep(para(doc, "Dispositifs soumis à la notation", "Caption"))
    devices = add_table(
        doc,
        [("Code", 1.5), ("Dispositif", 8.5), ("Niveau de participation", 3.5), ("Avis", 3.5)],
        [
            Row(
                ["{{ d.code }}", "{{ d.name }}", "{{ d.level }}", "{{ d.verdict }}"],
                loop="d in devices",
            )
        ],
    )
    _kept_together(devices)
    para(doc, "")
    tag(doc, "else")
    para(
        doc,
        "Aucun dispositif n’est encore décrit : votre consultant vous remettra le kit "
        "complété avant l’atelier.",
    )
    tag(doc, "endif")


def build_section_preparation(doc: DocumentObject) -> None:
    heading(doc, "Préparer l’atelier", 1)
    heading(doc, "Qui inviter : les quatre publics", 2)
    keep(
        para(
            doc,
            "Chaque participant note au nom de son public, mais toujours du point de vue d’un "
            "habitant. Visez trois à six personnes par public : assez pour qu’un avis isolé ne "
            "fasse pas la note, assez peu pour que chacun s’exprime.",
        )
    )
    keep(para(doc, "Les quatre publics de l’atelier", "Caption"))
    # Never split, and its last row kept with nothing: the next heading follows.
    add_table(
        doc,
        [("Public", 2.5), ("Qui", 7.0), ("Ce que ses notes éclairent", 7.5)],
        [Row(["{{ p.name }}", "{{ p.who }}", "{{ p.question }}"], loop="p in publics")],
        whole=True,
    )
    heading(doc, "Les rôles", 2)
    keep(para(doc, "Qui fait quoi pendant l’atelier", "Caption"))
    # Never split, and its last row kept with nothing: the next heading follows.
    add_table(
        doc,
        [("Rôle", 3.5), ("Qui", 5.5), ("Ce qu’il fait", 8.0)],
        [Row(["{{ r.role }}", "{{ r.who }}", "{{ r.task }}"], loop="r in roles")],
        whole=True,
    )
    heading(doc, "Le matériel", 2)
    for text in (
        "une fiche de notation imprimée par participant (en annexe), et quelques fiches de "
        "réserve ;",
        "la grille de notation ouverte sur un ordinateur, pour le secrétaire de séance ;",
        "un vidéoprojecteur pour présenter les dispositifs, les critères et l’échelle ;",
        "une dizaine de portraits d’habitants imprimés sur des cartes (voir « Se mettre à la "
        "place des citoyens ») ;",
        "une horloge visible de tous.",
    ):
        bullet(doc, text)


def build_section_timing(doc: DocumentObject) -> None:
    heading(doc, "Déroulé et minutage", 1)
    keep(
        para(
            doc,
            "Durée conseillée : {{ total_duration }}, pour {{ devices_count }} et "
            "{{ criteria_count }}. La notation compte une vingtaine de secondes par mention "
            "donnée ; la présentation et la mise en commun, quelques minutes par dispositif.",
        )
    )
    keep(para(doc, "Déroulé de l’atelier", "Caption"))
    timing = add_table(
        doc,
        [("Séquence", 4.0), ("Durée", 1.8), ("Ce qui se passe", 7.6), ("Qui", 3.6)],
        [
            Row(
                ["{{ t.step }}", "{{ t.duration }}", "{{ t.what }}", "{{ t.who }}"],
                loop="t in timing",
            ),
            Row(["Durée totale", "{{ total_duration }}", "", ""], total=True),
        ],
        align=[None, CENTER, None, None],
    )
    _kept_together(timing)
    para(doc, "")


def build_section_shoes(doc: DocumentObject) -> None:
    heading(doc, "Se mettre à la place des citoyens", 1)
    para(
        doc,
        "Le R.O.I. citoyen ne demande pas aux participants ce que le dispositif vaut pour eux, "
        "ni pour leur service : il leur demande de le regarder avec les yeux d’un habitant. "
        "Élus, agents et partenaires sont aussi des habitants ; encore faut-il les aider à "
        "quitter un moment leur rôle.",
    )
    keep(
        para(
            doc,
            "Proposez des portraits d’habitants variés et demandez à chacun d’en choisir un, "
            "qu’il gardera pendant toute la notation :",
        )
    )
    for text in (
        "une mère seule qui travaille en horaires décalés ;",
        "un retraité sans voiture, dans un hameau éloigné du bourg ;",
        "une lycéenne de 17 ans, qui ne lit ni le bulletin municipal ni les affiches ;",
        "un artisan installé depuis peu, qui ne connaît encore personne ;",
        "une personne malvoyante, ou qui se déplace en fauteuil ;",
        "un habitant qui maîtrise mal le français.",
    ):
        bullet(doc, text)
    keep(para(doc, "Avant de noter un dispositif, le portrait répond à trois questions :"))
    for text in (
        "Qu’est-ce que cela me demande : du temps, un déplacement, des démarches, un "
        "savoir-faire ?",
        "Qu’est-ce que j’en retire : être écouté, peser sur la décision, apprendre, rencontrer ?",
        "Saurai-je ce qu’on a fait de ma participation ?",
    ):
        bullet(doc, text)
    para(
        doc,
        "L’animateur rappelle le portrait chaque fois qu’un participant revient à son propre "
        "point de vue (« pour le service, ce serait compliqué… ») : ce point de vue a sa place "
        "lors de la mise en commun, pas dans la note.",
    )


def build_section_grid(doc: DocumentObject) -> None:
    heading(doc, "La grille de notation", 1)
    heading(doc, "Les critères", 2)
    keep(para(doc, "{{ criteria_origin }}"))
    keep(para(doc, "Critères de la grille et leurs poids", "Caption"))
    criteria = add_table(
        doc,
        [
            ("Code", 1.5),
            ("Critère", 3.8),
            ("Définition (point de vue du citoyen)", 10.3),
            ("Poids", 1.4),
        ],
        [
            Row(
                ["{{ c.code }}", "{{ c.name }}", "{{ c.definition }}", "{{ c.weight }}"],
                loop="c in criteria",
            )
        ],
        align=[None, None, None, CENTER],
    )
    _kept_together(criteria)
    _after_table(para(doc, "{{ weights_text }}"))
    heading(doc, "L’échelle", 2)
    keep(para(doc, "Une seule échelle pour tous les critères, de cinq mentions :"))
    keep(para(doc, "L’échelle du R.O.I. citoyen", "Caption"))
    _kept_together(
        add_table(
            doc,
            [("Mention", 2.8), ("Valeur", 1.6), ("Ce que dit le citoyen", 12.6)],
            [Row(["{{ g.label }}", "{{ g.value }}", "{{ g.meaning }}"], loop="g in scale")],
            align=[None, CENTER, None],
        )
    )
    _after_table(
        para(
            doc,
            "Une case laissée vide signifie « critère non noté » : mieux vaut ne pas noter que "
            "noter au hasard.",
        )
    )
    heading(doc, "Remplir la grille", 2)
    keep(
        para(
            doc,
            "Le dernier onglet du classeur « {{ grid_file }} », celui de la notation, reçoit une "
            "ligne par participant et par dispositif :",
        )
    )
    bullet(doc, " : son nom, ou un pseudonyme, toujours le même ;", label="Participant")
    bullet(doc, " : Élu, Agent, Citoyen ou Partenaire (menu déroulant) ;", label="Public")
    bullet(doc, " : le code du dispositif noté (menu déroulant) ;", label="Dispositif")
    bullet(
        doc,
        " : une colonne par critère, intitulée par son code, qui reçoit la mention (menu "
        "déroulant ; on peut aussi taper sa valeur, de 0 à 4) ;",
        label="Critères",
    )
    bullet(
        doc,
        " : ce que le participant a dit pour expliquer une note ; utile à la mise en commun.",
        label="Commentaire",
    )
    para(
        doc,
        "Les autres onglets identifient la démarche et ce qui est noté : ne les modifiez pas. "
        "Le classeur rempli et renvoyé, ses notes rejoignent celles de la démarche.",
    )


def build_section_reading(doc: DocumentObject) -> None:
    heading(doc, "Lire le résultat", 1)
    heading(doc, "La note globale d’un participant", 2)
    para(
        doc,
        "Pour un dispositif, les notes d’un participant sur les différents critères se "
        "résument en une note globale : la médiane de ses notes, pondérée par les poids des "
        "critères. On range ses notes de la plus basse à la plus haute ; sa note globale est la "
        "première mention à laquelle la moitié du poids total est atteinte. Une note extrême "
        "ne suffit pas à tirer la note globale vers le haut ou vers le bas.",
    )
    heading(doc, "La mention majoritaire et son signe", 2)
    para(
        doc,
        "La mention majoritaire d’un dispositif est la note globale que la moitié au moins des "
        "participants lui donnent ou dépassent : la médiane des notes globales (avec un nombre "
        "pair de participants, la plus basse des deux du milieu).",
    )
    para(
        doc,
        "Son signe départage deux dispositifs de même mention : « ⁺ » quand ceux qui le notent "
        "au-dessus de cette mention sont plus nombreux que ceux qui le notent en dessous, « ⁻ » "
        "sinon. « Bien⁺ » est un Bien solide, que plusieurs trouvent même Très bien ; « Bien⁻ », "
        "un Bien fragile, que plusieurs jugent moins bien.",
    )
    heading(doc, "Le classement", 2)
    keep(para(doc, "Les dispositifs sont classés par jugement majoritaire :"))
    for text in (
        "la meilleure mention majoritaire l’emporte ;",
        "à mention égale, un « ⁺ » l’emporte sur un « ⁻ » ;",
        "entre deux « ⁺ », celui qui a le plus d’avis au-dessus de sa mention ; entre deux "
        "« ⁻ », celui qui en a le moins en dessous ;",
        "si l’égalité persiste, on retire à chacun une note égale à sa mention et l’on "
        "recommence ; en dernier recours, la moyenne des notes départage.",
    ):
        bullet(doc, text)
    para(
        doc,
        "Contrairement à la moyenne, ce classement ne laisse pas quelques notes extrêmes "
        "décider : il tient compte de toute la répartition des avis.",
    )
    heading(doc, "L’équilibre entre les publics, le consensus, le veto", 2)
    bullet(
        doc,
        " : un dispositif est équilibré quand chaque public qui l’a noté lui donne au moins "
        "« Passable » (mention majoritaire du public). Sinon, il laisse de côté le public qui "
        "le juge moins bien.",
        label="Équilibré",
    )
    bullet(
        doc,
        " : on mesure l’écart entre les notes globales du quart le plus sévère et celles du "
        "quart le plus favorable des participants (l’écart interquartile). Jusqu’à un cran "
        "de l’échelle, le dispositif est consensuel ; à deux crans ou plus, il est clivant.",
        label="Consensuel ou clivant",
    )
    bullet(
        doc,
        " : quand un quart au moins des participants d’un même public le jugent « À rejeter », "
        "le résultat le signale, même si la mention d’ensemble est bonne : ce public risque de "
        "bloquer sa mise en œuvre.",
        label="Signal de veto",
    )
    heading(doc, "La recommandation", 2)
    para(
        doc,
        "Le dispositif recommandé est le mieux classé des dispositifs équilibrés. Si aucun ne "
        "l’est, le mieux classé est proposé, avec un avertissement qui nomme le public laissé "
        "de côté. La recommandation éclaire la décision sans la prendre : la collectivité "
        "choisit, et dit pourquoi.",
    )


def build_section_example(doc: DocumentObject) -> None:
    heading(doc, "Exemple commenté", 1)
    tag(doc, "if example")
    notice = para(
        doc,
        "Exemple fictif : les notes ci-dessous ont été inventées pour montrer comment se lit "
        "le résultat. Elles portent sur les premiers dispositifs de la mission et ne préjugent "
        "en rien de ce que dira l’atelier.",
        HIGHLIGHT_STYLE,
    )
    notice.paragraph_format.space_after = Pt(10)
    para(doc, "{{ example.roi.intro }}")
    heading(doc, "Les notes", 2)
    keep(
        para(
            doc,
            "Dans chaque tableau, une colonne par participant et une ligne par critère ; la "
            "dernière ligne donne la note globale de chacun. Valeurs : "
            "{{ example.scale_legend }}. Poids : {{ example.weights_legend }}.",
        )
    )
    tag(doc, "for d in example.devices")
    keep(para(doc, "Dispositif {{ d.code }} — {{ d.name }}", "Caption"))
    _kept_together(grid_table(doc, "example.people", "{{ h|multiline }}", "d.rows", [], "Critère"))
    para(doc, "")
    tag(doc, "endfor")
    para(doc, "{{ example.walkthrough }}")

    heading(doc, "Le résultat", 2)
    para(doc, "{{ example.roi.legend }}")
    figure(
        doc,
        "example.roi.figure",
        "Profil de mérite de l’exemple : part de chaque mention, dispositif par dispositif",
    )
    keep(para(doc, "Classement des dispositifs de l’exemple", "Caption"))
    roi_ranking_table(doc, "example.roi", "dispositif")
    keep(para(doc, "Mentions majoritaires de l’exemple, par public", "Caption"))
    grid_table(
        doc,
        "example.roi.publics",
        "{{ h }}",
        "example.roi.by_public",
        [("Ensemble", "r.overall")],
        "Dispositif",
    )
    keep(_after_table(para(doc, "Ce que l’on en lit :")))
    tag(doc, "for sentence in example.roi.sentences")
    bullet(doc, "{{ sentence }}")
    tag(doc, "endfor")
    tag(doc, "if example.roi.recommendation")
    para(doc, "{{ example.roi.recommendation }}", HIGHLIGHT_STYLE)
    tag(doc, "endif")
    tag(doc, "else")
    para(
        doc,
        "Aucun dispositif n’est encore décrit : l’exemple sera calculé sur les dispositifs de "
        "la mission dès qu’ils seront décrits.",
    )
    tag(doc, "endif")


def build_section_after(doc: DocumentObject) -> None:
    heading(doc, "Après l’atelier", 1)
    for label, text in (
        (
            "Saisir",
            " : le secrétaire de séance vérifie que chaque fiche est saisie (une ligne par "
            "participant et par dispositif), puis enregistre le classeur au format .xlsx.",
        ),
        (
            "Produire",
            " : le classeur rempli est remis au cabinet {{ firm.name }}, qui vérifie les "
            "notes, classe les dispositifs et met à jour le cahier des charges de la mission "
            "avec le résultat.",
        ),
        (
            "Lire à chaud",
            " : le consultant peut afficher le classement dès la saisie terminée, pour une "
            "première lecture des résultats en fin d’atelier.",
        ),
        (
            "Rendre compte",
            " : dans le mois qui suit, la collectivité dit aux participants ce qu’elle retient, "
            "ce qu’elle écarte, et pourquoi. C’est ce qui donne envie de participer la "
            "prochaine fois.",
        ),
    ):
        bullet(doc, text, label=label)


def build_annex(doc: DocumentObject) -> None:
    heading(doc, "Annexe : fiche de notation", 1).paragraph_format.page_break_before = True
    para(doc, "……………………………………………", label="Nom ou pseudonyme : ")
    para(doc, "☐ Élu    ☐ Agent    ☐ Citoyen    ☐ Partenaire", label="Public : ")
    para(doc, "……………………………………………", label="Portrait d’habitant choisi : ")
    para(
        doc,
        "Pour chaque dispositif, cochez une mention par critère, du point de vue de votre "
        "portrait d’habitant. Laissez vide un critère que vous ne savez pas noter.",
    )
    tag(doc, "if devices")
    tag(doc, "for d in devices")
    keep(para(doc, "{{ d.code }} — {{ d.name }}", "Caption"))
    labels = [Grade(value).label for value in reversed(Grade)]
    table = add_table(
        doc,
        [("Critère", 6.5), *((label, 2.1) for label in labels)],
        [Row(["{{ c.code }} — {{ c.name }}", *("" for _ in labels)], loop="c in criteria")],
        align=[None, *(CENTER for _ in labels)],
    )
    _kept_together(table)
    _roomy(table)
    para(doc, "")
    tag(doc, "endfor")
    tag(doc, "else")
    para(doc, "Les dispositifs à noter seront ajoutés dès qu’ils seront décrits.")
    tag(doc, "endif")


def build_roi_guide() -> DocumentObject:
    doc = start_document("stratégie globale; kit R.O.I. citoyen; guide d’animation")
    build_cover(doc)
    table_of_contents(doc)
    build_section_kit(doc)
    build_section_preparation(doc)
    build_section_timing(doc)
    build_section_shoes(doc)
    build_section_grid(doc)
    build_section_reading(doc)
    build_section_example(doc)
    build_section_after(doc)
    build_annex(doc)
    return doc
