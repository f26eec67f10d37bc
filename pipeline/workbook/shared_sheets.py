"""The table sheets several offers share: parties prenantes, options, échéancier,
communication and paramètres."""

from __future__ import annotations

from pipeline import model as m
from pipeline.workbook.kinds import Choice, Date, Integer, Money, Number
from pipeline.workbook.schema_types import Column, TableSheet
from pipeline.workbook.share import ShareKind

STAKEHOLDERS = TableSheet(
    name="Parties prenantes",
    attr="stakeholders",
    record=m.Stakeholder,
    help="Une ligne par partie prenante. Influence et intérêt de 1 (faible) à 5 (fort) : "
    "ils placent chacun sur la carte pouvoir / intérêt. « Rôle et attentes » est publié dans "
    "les documents remis à la collectivité ; ce qui ne doit pas l'être va dans « Notes internes », "
    "qui n'est jamais imprimé.",
    columns=(
        Column("Nom", "name", required=True, article="le ", width=30),
        Column("Catégorie", "category", Choice(m.Category), required=True, article="la ", width=16),
        Column(
            "Rôle et attentes",
            "role",
            article="le ",
            width=40,
            help="Publié : ce texte figure dans les documents remis à la collectivité. Ce que "
            "cette partie prenante fait dans le projet et ce qu'elle en attend. Votre analyse "
            "(position politique, risques) va dans « Notes internes ».",
        ),
        Column(
            "Influence",
            "influence",
            Integer(1, 5),
            required=True,
            article="l'",
            width=11,
            help="1 (aucune) à 5 (décisive) : pouvoir sur la décision.",
        ),
        Column(
            "Intérêt",
            "interest",
            Integer(1, 5),
            required=True,
            article="l'",
            width=11,
            help="1 (indifférent) à 5 (très concerné).",
        ),
        Column(
            "Niveau d'implication",
            "involvement",
            Choice(m.ParticipationLevel),
            article="le ",
            width=20,
        ),
        Column("Contact", "contact", article="le ", width=28),
        Column(
            "Notes internes",
            "internal_notes",
            article="les ",
            width=40,
            help="Facultatif, confidentiel : votre analyse franche (position politique, risques "
            "que la personne fait courir à la démarche). Jamais imprimé dans un document remis "
            "à la collectivité.",
        ),
    ),
)

OPTIONS = TableSheet(
    name="Options",
    attr="options",
    record=m.OptionLine,
    help="Options facturées en plus du prix de base. Prix vide : le prix du catalogue.",
    columns=(
        Column(
            "Option",
            "name",
            required=True,
            article="l'",
            width=50,
            help="Une option du catalogue ou un texte libre (avec un prix).",
        ),
        Column("Quantité", "quantity", Number(), article="la ", width=10, help="Vide : 1."),
        Column(
            "Prix unitaire HT",
            "unit_price",
            Money(),
            article="le ",
            width=16,
            help="Vide : le prix du catalogue.",
        ),
    ),
)

SCHEDULE = TableSheet(
    name="Échéancier",
    attr="schedule",
    record=m.ScheduleLine,
    help="La mission facturée en plusieurs fois (acompte à la commande, solde à "
    "la livraison…), une ligne par échéance, dans l'ordre. Chaque échéance a sa propre facture ; "
    "la dernière est le solde : elle reprend toute la mission et déduit les acomptes déjà "
    "facturés. Les parts totalisent le total HT de la mission. Quand cette feuille est remplie, "
    "le champ « Facture » de la feuille « Mission » est ignoré.",
    columns=(
        Column(
            "Libellé",
            "label",
            required=True,
            article="le ",
            width=36,
            help="Par exemple « Acompte à la commande », « Solde à la livraison ». Il figure "
            "sur la facture de l'échéance et l'identifie : ne le changez plus après l'émission.",
        ),
        Column(
            "Part",
            "part",
            ShareKind(),
            required=True,
            article="la ",
            width=14,
            help="Un pourcentage du total HT de la mission (« 30 % », ou une cellule au format "
            "pourcentage) ou un montant HT (« 3 000 »). Un nombre inférieur à 1 sans le format "
            "pourcentage est refusé : il est ambigu.",
        ),
        Column(
            "Date prévue",
            "planned",
            Date(),
            article="la ",
            width=14,
            help="Pour mémoire, le calendrier convenu : la facture est datée du jour où elle "
            "est émise.",
        ),
        Column(
            "Facture",
            "invoice_mode",
            Choice(m.InvoiceMode),
            article="la ",
            width=14,
            help="Comme le champ « Facture » de la feuille « Mission », pour cette échéance "
            "seule : Proforma (par défaut) : brouillon sans numéro. À émettre : numéro attribué "
            "une fois pour toutes.",
        ),
    ),
)

COMMUNICATION = TableSheet(
    name="Communication",
    attr="communication",
    record=m.CommunicationAction,
    help="Le plan de communication (facultatif) : sans cette feuille, le kit est construit "
    "à partir des parties prenantes, des paramètres et du scénario.",
    columns=(
        Column("Cible", "target", required=True, article="la ", width=22),
        Column("Message", "message", article="le ", width=40),
        Column("Canal", "channel", article="le ", width=18),
        Column("Support", "support", article="le ", width=18),
        Column("Temps fort", "moment", Choice(m.Moment), article="le ", width=14),
        Column("Date", "date", Date(), article="la ", width=12),
        Column("Responsable", "owner", article="le ", width=20),
    ),
)

PARAMETERS = TableSheet(
    name="Paramètres",
    attr="parameters",
    record=m.Parameter,
    help="Les paramètres de la mission, par rubrique (lieux, communication, animation, contrat, "
    "calendrier, moyens). Le cahier des charges les reprend sous le nom de leur rubrique "
    "(Moyens humains, Moyens matériels et Budget dans la section des moyens) et additionne "
    "tous les montants.",
    columns=(
        Column("Rubrique", "rubrique", Choice(m.Rubrique), required=True, article="la ", width=18),
        Column("Libellé", "label", required=True, article="le ", width=32),
        Column("Détail", "detail", article="le ", width=50),
        Column("Montant HT", "amount", Money(), article="le ", width=14),
    ),
)
