"""The workbook contract of ``workbooks.md``, declared once.

Sheet names, headers, kinds, required fields, allowed values and help texts
live here and nowhere else: the reader validates against them and
``amoor workbook new`` builds blank workbooks (dropdowns, input messages,
formats) from them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from pipeline import model as m
from pipeline.workbook.kinds import (
    CODE,
    Choice,
    CodeList,
    Date,
    Digits,
    GradeKind,
    Integer,
    Kind,
    Money,
    MultiChoice,
    Number,
    Siret,
    Text,
)
from pipeline.workbook.share import ShareKind

TEXT = Text()
GRADE = GradeKind()
ALL_OFFERS = frozenset(m.Offer)
CONCERTATION_ONLY = frozenset({m.Offer.CONCERTATION})


@dataclass(frozen=True)
class Column:
    """A column of a table sheet, or a field (row) of the « Mission » sheet.

    ``attr`` names the field of the domain dataclass it fills; ``article``
    ("l'", "la ", "le ") lets messages say « l'influence doit être… ».
    ``offers``: the offers whose workbooks have it (a blank of another offer
    leaves it out, the reader ignores it with a warning); ``value_offers``:
    list values that exist for some offers only; ``refers_to``: the sheet
    whose codes it names (a dropdown of that sheet's codes, a checked reference).
    """

    header: str
    attr: str
    kind: Kind = TEXT
    required: bool = False
    help: str = ""
    article: str = "la colonne "
    width: int = 18
    for_invoice: bool = False  # « Mission » field required when « Facture » = « À émettre »
    noun: str = ""  # the subject of messages, when article + header does not say it
    offers: frozenset[m.Offer] = ALL_OFFERS
    value_offers: tuple[tuple[StrEnum, frozenset[m.Offer]], ...] = ()
    refers_to: str = ""

    def offers_of(self, value: object) -> frozenset[m.Offer]:
        """The offers for which ``value`` may be typed in this column."""
        return next((offers for v, offers in self.value_offers if v == value), self.offers)

    def for_offer(self, offer: m.Offer) -> Column:
        """The column as a workbook of ``offer`` has it: without other offers' list values."""
        excluded = frozenset(v for v, offers in self.value_offers if offer not in offers)
        if not excluded:
            return self
        assert isinstance(self.kind, Choice), "value_offers restricts a list"
        return replace(self, kind=replace(self.kind, excluded=self.kind.excluded | excluded))

    @property
    def help_text(self) -> str:
        """What the input message of a blank workbook says about this column."""
        parts = []
        if self.refers_to:
            codes = "Des codes" if isinstance(self.kind, CodeList) else "Un code"
            several = ", séparés par « ; »" if isinstance(self.kind, CodeList) else ""
            parts.append(
                f"{codes} de la feuille « {self.refers_to} »{several} : le menu propose ceux "
                f"qui y sont saisis."
            )
        if self.help:
            parts.append(self.help)
        if self.for_invoice:
            parts.append(f"Obligatoire pour émettre la facture (« {m.InvoiceMode.A_EMETTRE} »).")
        if not self.kind.free_text and not self.refers_to:
            parts.append(f"Attendu : {self.kind.expected}.")
        if self.required:
            parts.append("Obligatoire.")
        return " ".join(parts) or "Texte libre."

    @property
    def subject(self) -> str:
        """The column as the subject of a French sentence."""
        if self.noun:
            return self.noun
        head = self.header
        if len(head) > 1 and head[1].islower():
            head = head[0].lower() + head[1:]
        return f"{self.article}{head}" if self.article else f"« {self.header} »"


def grade_column(criterion: m.Criterion) -> Column:
    """The « Notation ROI » column of one criterion, headed by its code."""
    return Column(
        criterion.code,
        "grades",
        GRADE,
        noun=f"la note du critère « {criterion.code} »",
        width=8,
        help=f"{criterion.name} : {criterion.definition}".strip(" :") + ".",
    )


@dataclass(frozen=True)
class TableSheet:
    """A sheet holding one record per row, under a header row."""

    name: str
    attr: str  # the Engagement field it fills
    record: type
    columns: tuple[Column, ...]
    help: str
    criteria_columns: bool = False  # « Notation ROI »: one column per criterion code

    def columns_for(self, offer: m.Offer) -> tuple[Column, ...]:
        """The columns a workbook of ``offer`` has, as it has them."""
        return tuple(c.for_offer(offer) for c in self.columns if offer in c.offers)


@dataclass(frozen=True)
class FieldSheet:
    """The « Mission » sheet: one field per row, ``Champ`` | ``Valeur``."""

    name: str
    key_header: str
    value_header: str
    help_header: str  # an optional third column that blank workbooks fill with help
    fields: tuple[Column, ...]
    help: str

    def field(self, attr: str) -> Column:
        return next(f for f in self.fields if f.attr == attr)

    def fields_for(self, offer: m.Offer) -> tuple[Column, ...]:
        """The fields a workbook of ``offer`` has, as it has them."""
        return tuple(f.for_offer(offer) for f in self.fields if offer in f.offers)


MISSION = FieldSheet(
    name="Mission",
    key_header="Champ",
    value_header="Valeur",
    help_header="Aide",
    help="L'identité de la mission : une ligne par champ, la valeur dans la colonne « Valeur ».",
    fields=(
        Column(
            "Référence",
            "reference",
            CODE,
            required=True,
            article="la ",
            help="Clé de la mission, par exemple 2026-014. Même référence = même mission.",
        ),
        Column(
            "Offre",
            "offer",
            Choice(m.Offer),
            required=True,
            article="l'",
            help="L'offre vendue : elle décide des feuilles à remplir et des livrables.",
        ),
        Column(
            "Intitulé",
            "title",
            required=True,
            article="l'",
            help="Par exemple « Réaménagement de la place du marché ».",
        ),
        Column(
            "Collectivité",
            "collectivite",
            required=True,
            article="la ",
            help="Le client, tel qu'il doit apparaître sur les documents.",
        ),
        Column(
            "Type de collectivité", "collectivite_type", Choice(m.CollectiviteType), article="le "
        ),
        Column(
            "Adresse",
            "address",
            article="l'",
            for_invoice=True,
            help="Adresse de facturation. Alt+Entrée pour aller à la ligne.",
        ),
        Column(
            "Code postal",
            "postal_code",
            Digits(),
            article="le ",
            for_invoice=True,
        ),
        Column("Ville", "city", article="la ", for_invoice=True),
        Column(
            "SIRET",
            "siret",
            Siret(),
            article="le ",
            for_invoice=True,
            help="14 chiffres : la structure de l'acheteur public dans Chorus Pro.",
        ),
        Column(
            "Code service",
            "service_code",
            article="le ",
            help="Code service Chorus Pro, s'il a été communiqué.",
        ),
        Column(
            "Numéro d'engagement",
            "engagement_number",
            Text(max_length=50),
            article="le ",
            help="Bon de commande ou engagement juridique (50 caractères au plus).",
        ),
        Column("Pilote", "pilot", article="le ", help="Qui pilote le projet à la collectivité."),
        Column("Élu référent", "elected_official", article="l'"),
        Column("Consultant", "consultant", article="le "),
        Column("Date de début", "start_date", Date(), article="la "),
        Column(
            "Date de l'atelier",
            "workshop_date",
            Date(),
            article="la ",
            help="Date de l'atelier R.O.I. citoyen (concertation, ou kit R.O.I. citoyen d'une "
            "stratégie).",
            offers=frozenset({m.Offer.CONCERTATION, m.Offer.STRATEGIE}),
        ),
        Column(
            "Étape",
            "stage",
            Choice(m.Stage),
            required=True,
            article="l'",
            help="Où en est la mission.",
            value_offers=((m.Stage.ARRETEE, CONCERTATION_ONLY),),
        ),
        Column(
            "Contexte", "context", article="le ", help="Texte libre, plusieurs lignes possibles."
        ),
        Column("Objectifs", "objectives", article="les ", help="Texte libre."),
        Column(
            "Enjeux",
            "stakes",
            article="les ",
            help="Ce qui est soumis au débat, et ce qui ne l'est pas.",
        ),
        Column(
            "Niveau de participation",
            "participation_level",
            Choice(m.ParticipationLevel),
            article="le ",
        ),
        Column(
            "Scénario retenu",
            "chosen_scenario",
            CODE,
            article="le ",
            help="Vide : l'atelier R.O.I. citoyen propose un scénario.",
            offers=CONCERTATION_ONLY,
            refers_to="Scénarios",
        ),
        Column(
            "Prix de base HT",
            "base_price",
            Money(),
            article="le ",
            help="Vide : le prix catalogue de l'offre (« à partir de »).",
        ),
        Column(
            "Facture",
            "invoice_mode",
            Choice(m.InvoiceMode),
            article="la ",
            help="Proforma (par défaut) : brouillon sans numéro. À émettre : numéro attribué "
            "une fois pour toutes. Ignoré quand la feuille « Échéancier » est remplie.",
        ),
        Column(
            "Date de facture",
            "invoice_date",
            Date(),
            article="la ",
            help="Vide : le jour où le numéro est attribué. Une facture est datée du jour où "
            "elle est émise : une date passée est refusée (la période de la prestation vient de "
            "« Date de début » et « Date de l'atelier »).",
        ),
    ),
)


STAKEHOLDERS = TableSheet(
    name="Parties prenantes",
    attr="stakeholders",
    record=m.Stakeholder,
    help="Une ligne par partie prenante. Influence et intérêt de 1 (faible) à 5 (fort) : "
    "ils placent chacun sur la carte pouvoir / intérêt.",
    columns=(
        Column("Nom", "name", required=True, article="le ", width=30),
        Column("Catégorie", "category", Choice(m.Category), required=True, article="la ", width=16),
        Column(
            "Rôle et attentes",
            "role",
            article="le ",
            width=40,
            help="Ce que cette partie prenante fait dans le projet et ce qu'elle en attend.",
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

SCENARIOS = TableSheet(
    name="Scénarios",
    attr="scenarios",
    record=m.Scenario,
    help="Les scénarios de concertation étudiés, notés ensuite en atelier R.O.I. citoyen.",
    columns=(
        Column("Code", "code", CODE, required=True, article="le ", width=8, help="Par exemple S1."),
        Column("Intitulé", "title", required=True, article="l'", width=30),
        Column(
            "Techniques",
            "techniques",
            MultiChoice(m.Technique),
            article="les ",
            width=30,
            help="Une ou plusieurs, séparées par « ; » : "
            + "; ".join(t.value for t in m.Technique),
        ),
        Column("Publics ciblés", "publics", article="les ", width=24),
        Column("Description", "description", article="la ", width=50),
        Column("Durée (semaines)", "duration_weeks", Integer(0), article="la ", width=10),
        Column("Coût estimé HT", "estimated_cost", Money(), article="le ", width=14),
    ),
)

CRITERIA = TableSheet(
    name="Critères ROI",
    attr="criteria",
    record=m.Criterion,
    help="Critères de la grille R.O.I. citoyen (facultatif) : sans cette feuille, les huit "
    "critères par défaut, de poids 1.",
    columns=(
        Column("Code", "code", CODE, required=True, article="le ", width=8),
        Column("Critère", "name", required=True, article="le ", width=26),
        Column("Définition", "definition", article="la ", width=60),
        Column("Poids", "weight", Number(), article="le ", width=8, help="Vide : 1."),
    ),
)


def _ratings_sheet(candidate: Column, help: str) -> TableSheet:
    """« Notation ROI »: who rated which candidate (``candidate``, filling
    ``Rating.scenario``), then one column per criterion code, then a comment."""
    return TableSheet(
        name="Notation ROI",
        attr="ratings",
        record=m.Rating,
        criteria_columns=True,
        help=help,
        columns=(
            Column("Participant", "participant", required=True, article="le ", width=24),
            Column("Public", "public", Choice(m.Public), required=True, article="le ", width=12),
            candidate,
            Column("Commentaire", "comment", article="le ", width=40),
        ),
    )


_GRADES_HELP = (
    "une colonne par code de critère, notée d'une mention de « À rejeter » (0) à « Très bien » "
    "(4). Une note vide : critère non noté."
)

RATINGS = _ratings_sheet(
    Column(
        "Scénario",
        "scenario",
        CODE,
        required=True,
        article="le ",
        width=10,
        refers_to="Scénarios",
    ),
    "Une ligne par participant et par scénario ; " + _GRADES_HELP,
)

# Stratégie globale: the R.O.I. citoyen kit rates the dispositifs, one per row.
DEVICE_RATINGS = _ratings_sheet(
    Column(
        "Dispositif",
        "scenario",
        CODE,
        required=True,
        article="le ",
        width=12,
        refers_to="Dispositifs",
    ),
    "La notation R.O.I. citoyen des dispositifs (kit R.O.I. citoyen) : une ligne par "
    "participant et par dispositif ; " + _GRADES_HELP,
)

WORKSHOPS = TableSheet(
    name="Ateliers",
    attr="workshops",
    record=m.Workshop,
    help="Les trois ateliers de la stratégie : agents, élus, panel citoyen.",
    columns=(
        Column("Code", "code", CODE, required=True, article="le ", width=8, help="Par exemple A1."),
        Column("Public", "public", Choice(m.WorkshopPublic), required=True, article="le "),
        Column("Date", "date", Date(), article="la ", width=12),
        Column("Lieu", "place", article="le ", width=30),
        Column("Participants", "participants", article="les ", width=30),
    ),
)

DEVICES = TableSheet(
    name="Dispositifs",
    attr="devices",
    record=m.Device,
    help="Les dispositifs de participation soumis à l'avis des ateliers.",
    columns=(
        Column("Code", "code", CODE, required=True, article="le ", width=8, help="Par exemple D1."),
        Column("Dispositif", "name", required=True, article="le ", width=30),
        Column(
            "Techniques",
            "techniques",
            MultiChoice(m.Technique),
            article="les ",
            width=30,
            help="Une ou plusieurs, séparées par « ; ».",
        ),
        Column(
            "Niveau de participation",
            "participation_level",
            Choice(m.ParticipationLevel),
            article="le ",
            width=20,
        ),
        Column("Description", "description", article="la ", width=50),
    ),
)

OPINIONS = TableSheet(
    name="Avis",
    attr="opinions",
    record=m.DeviceOpinion,
    help="L'avis de chaque participant d'atelier sur chaque dispositif.",
    columns=(
        Column(
            "Atelier",
            "workshop",
            CODE,
            required=True,
            article="l'",
            width=10,
            refers_to="Ateliers",
        ),
        Column("Participant", "participant", required=True, article="le ", width=24),
        Column(
            "Dispositif",
            "device",
            CODE,
            required=True,
            article="le ",
            width=10,
            refers_to="Dispositifs",
        ),
        Column("Avis", "opinion", Choice(m.Opinion), required=True, article="l'", width=14),
        Column("Ce qui plaît", "likes", article="la colonne ", width=40),
        Column("Ce qui déplaît", "dislikes", article="la colonne ", width=40),
    ),
)

RESEARCH = TableSheet(
    name="Recherches",
    attr="research",
    record=m.Research,
    help="Les recherches menées : observations, analogies, entretiens…",
    columns=(
        Column("Type", "type", Choice(m.ResearchType), required=True, article="le ", width=24),
        Column("Source", "source", article="la ", width=30),
        Column("Constat", "finding", article="le ", width=50),
        Column("Enseignement", "lesson", article="l'", width=50),
    ),
)

CRUCIAL_PARAMETERS = TableSheet(
    name="Paramètres cruciaux",
    attr="crucial_parameters",
    record=m.CrucialParameter,
    help="Les paramètres cruciaux et les hypothèses testées sur de petits scénarios.",
    columns=(
        Column("Code", "code", CODE, required=True, article="le ", width=8, help="Par exemple P1."),
        Column("Paramètre", "name", required=True, article="le ", width=30),
        Column("Hypothèse", "hypothesis", article="l'", width=60),
    ),
)

TESTS = TableSheet(
    name="Tests",
    attr="tests",
    record=m.ConceptTest,
    help="Les réactions aux scénarios testés, par cible.",
    columns=(
        Column("Scénario", "scenario", required=True, article="le ", width=24),
        Column(
            "Paramètres testés",
            "parameters",
            CodeList(),
            article="les ",
            width=18,
            refers_to="Paramètres cruciaux",
        ),
        Column("Cible", "target", Choice(m.Target), required=True, article="la ", width=12),
        Column("Participant", "participant", article="le ", width=24),
        Column("Réaction", "reaction", Choice(m.Reaction), required=True, article="la ", width=12),
        Column("Verbatim", "verbatim", article="le ", width=50),
    ),
)

LEADS = TableSheet(
    name="Pistes",
    attr="leads",
    record=m.Lead,
    help="Les pistes créatives et leur maturité.",
    columns=(
        Column("Code", "code", CODE, required=True, article="le ", width=8),
        Column("Piste", "name", required=True, article="la ", width=30),
        Column("Conditions de réalisation", "conditions", article="les ", width=50),
        Column("Maturité", "maturity", Choice(m.Maturity), article="la ", width=18),
        Column("Prochaine étape", "next_step", article="la ", width=40),
    ),
)


@dataclass(frozen=True)
class SheetUse:
    sheet: TableSheet
    required: bool


# Order matters: a sheet comes after the sheets its codes refer to.
OFFER_SHEETS: dict[m.Offer, tuple[SheetUse, ...]] = {
    m.Offer.CONCERTATION: (
        SheetUse(STAKEHOLDERS, True),
        SheetUse(PARAMETERS, True),
        SheetUse(SCENARIOS, True),
        SheetUse(CRITERIA, False),
        SheetUse(RATINGS, True),
        SheetUse(OPTIONS, False),
        SheetUse(SCHEDULE, False),
        SheetUse(COMMUNICATION, False),
    ),
    m.Offer.STRATEGIE: (
        SheetUse(STAKEHOLDERS, True),
        SheetUse(WORKSHOPS, True),
        SheetUse(DEVICES, True),
        SheetUse(OPINIONS, True),
        SheetUse(PARAMETERS, False),  # the means of the strategy (cahier, section 7)
        SheetUse(CRITERIA, False),
        SheetUse(DEVICE_RATINGS, False),
        SheetUse(OPTIONS, False),
        SheetUse(SCHEDULE, False),
        SheetUse(COMMUNICATION, False),
    ),
    m.Offer.EMERGENCE: (
        SheetUse(STAKEHOLDERS, True),
        SheetUse(RESEARCH, True),
        SheetUse(CRUCIAL_PARAMETERS, True),
        SheetUse(TESTS, True),
        SheetUse(LEADS, True),
        SheetUse(OPTIONS, False),
        SheetUse(SCHEDULE, False),
        SheetUse(COMMUNICATION, False),
    ),
}

README_SHEET = "Lisez-moi"
CODE_ATTR = "code"  # the column of a sheet's codes, which ``refers_to`` names


def references(offer: m.Offer) -> tuple[tuple[TableSheet, Column], ...]:
    """The columns of an offer's table sheets that name codes of another sheet."""
    return tuple(
        (use.sheet, column)
        for use in OFFER_SHEETS[offer]
        for column in use.sheet.columns_for(offer)
        if column.refers_to
    )


def sheet_named(offer: m.Offer, name: str) -> TableSheet | None:
    """The table sheet of ``offer`` called ``name`` (the target of a ``refers_to``)."""
    return next((u.sheet for u in OFFER_SHEETS[offer] if u.sheet.name == name), None)


def ratings_sheet(offer: m.Offer) -> TableSheet | None:
    """The offer's « Notation ROI » sheet (its candidates: scenarios or dispositifs)."""
    return next((u.sheet for u in OFFER_SHEETS[offer] if u.sheet.criteria_columns), None)
