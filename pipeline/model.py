"""The domain: one engagement ("mission") as read from its workbook.

Frozen dataclasses, ``Decimal`` money, ``date`` dates. List values are
``StrEnum`` members whose value is the canonical French spelling of
``docs/workbooks.md``: the schema, the reader, the blank workbooks and the
documents all take their wording from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import IntEnum, StrEnum


class Offer(StrEnum):
    CONCERTATION = "Concertation citoyenne"
    STRATEGIE = "Stratégie globale opérationnelle"
    EMERGENCE = "Émergence de concepts"


class CollectiviteType(StrEnum):
    COMMUNE = "Commune"
    EPCI = "EPCI"
    DEPARTEMENT = "Département"
    REGION = "Région"
    AUTRE = "Autre"


class Stage(StrEnum):
    CADRAGE = "Cadrage"
    ATELIER_REALISE = "Atelier réalisé"
    TERMINEE = "Terminée"
    ARRETEE = "Arrêtée avant l'atelier"


class ParticipationLevel(StrEnum):
    INFORMER = "Informer"
    CONSULTER = "Consulter"
    CONCERTER = "Concerter"
    CO_CONSTRUIRE = "Co-construire"
    CO_DECIDER = "Co-décider"


class InvoiceMode(StrEnum):
    NON = "Non"
    PROFORMA = "Proforma"
    A_EMETTRE = "À émettre"


class Category(StrEnum):
    HABITANTS = "Habitants"
    SERVICES = "Services"
    ELUS = "Élus"
    PRESTATAIRES = "Prestataires"
    ASSOCIATIONS = "Associations"
    # Local businesses; « Prestataires » are the démarche's own contractors.
    ACTEURS_ECONOMIQUES = "Acteurs économiques"
    INSTITUTIONS = "Institutions"
    AUTRE = "Autre"


class Quadrant(StrEnum):
    """Power/interest grid; "high" means a score of 3 or more."""

    ACTEURS_CLES = "Acteurs clés"
    A_SATISFAIRE = "À satisfaire"
    A_INFORMER = "À informer"
    A_SURVEILLER = "À surveiller"


HIGH_SCORE = 3


class Moment(StrEnum):
    ANNONCE = "Annonce"
    MOBILISATION = "Mobilisation"
    PENDANT = "Pendant"
    RESTITUTION = "Restitution"


class Likelihood(StrEnum):
    """Probabilité and Impact of a risk (« Risques »)."""

    FAIBLE = "Faible"
    MOYENNE = "Moyenne"
    FORTE = "Forte"


class Rubrique(StrEnum):
    LIEU = "Lieu"
    COMMUNICATION = "Communication"
    ANIMATION = "Animation"
    CONTRAT = "Contrat"
    CALENDRIER = "Calendrier"
    MOYENS_HUMAINS = "Moyens humains"
    MOYENS_MATERIELS = "Moyens matériels"
    BUDGET = "Budget"
    AUTRE = "Autre"


class Technique(StrEnum):
    CONCERTATION = "Concertation"
    EXPERTISE_USAGE = "Recherche d'expertise d'usage"
    CONSULTATION = "Consultation"
    INFORMATION = "Information"
    CO_CONSTRUCTION = "Co-construction"


class Public(StrEnum):
    """Who rated a scenario in the R.O.I. citoyen workshop."""

    ELU = "Élu"
    AGENT = "Agent"
    CITOYEN = "Citoyen"
    PARTENAIRE = "Partenaire"


class WorkshopPublic(StrEnum):
    AGENTS = "Agents"
    ELUS = "Élus"
    PANEL_CITOYEN = "Panel citoyen"


class Opinion(StrEnum):
    AIME = "J'aime"
    NEUTRE = "Neutre"
    AIME_PAS = "Je n'aime pas"


class ResearchType(StrEnum):
    OBSERVATION = "Observation"
    ANALOGIE = "Analogie"
    DISTANCIATION = "Distanciation"
    DESYNCHRONISATION = "Désynchronisation"
    USAGER_EXTREME = "Entretien usager extrême"
    EXPERT = "Entretien expert"
    ICONOCLASTE = "Entretien iconoclaste"


class Target(StrEnum):
    ELUS = "Élus"
    SERVICES = "Services"
    CITOYENS = "Citoyens"


class Reaction(StrEnum):
    ADHESION = "Adhésion"
    RESERVE = "Réserve"
    REJET = "Rejet"


class Maturity(StrEnum):
    IDEE = "Idée"
    CONCEPT = "Concept"
    PRET = "Prêt à expérimenter"


class Grade(IntEnum):
    """The R.O.I. citoyen scale, one for every grade."""

    A_REJETER = 0
    INSUFFISANT = 1
    PASSABLE = 2
    BIEN = 3
    TRES_BIEN = 4

    @property
    def label(self) -> str:
        return GRADE_LABELS[self]


GRADE_LABELS: dict[Grade, str] = {
    Grade.A_REJETER: "À rejeter",
    Grade.INSUFFISANT: "Insuffisant",
    Grade.PASSABLE: "Passable",
    Grade.BIEN: "Bien",
    Grade.TRES_BIEN: "Très bien",
}


@dataclass(frozen=True)
class Mission:
    """The « Mission » sheet."""

    reference: str
    offer: Offer
    title: str
    collectivite: str
    stage: Stage
    collectivite_type: CollectiviteType | None = None
    address: str = ""
    postal_code: str = ""
    city: str = ""
    siret: str = ""
    service_code: str = ""
    engagement_number: str = ""
    pilot: str = ""
    elected_official: str = ""
    consultant: str = ""
    start_date: date | None = None
    workshop_date: date | None = None
    context: str = ""
    objectives: str = ""
    stakes: str = ""
    participation_level: ParticipationLevel | None = None
    chosen_scenario: str = ""
    base_price: Decimal | None = None
    invoice_mode: InvoiceMode = InvoiceMode.PROFORMA
    invoice_date: date | None = None
    # Where each field was read (attribute -> « B17 »): a later check names its cell.
    cells: dict[str, str] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Stakeholder:
    name: str
    category: Category
    influence: int
    interest: int
    role: str = ""
    involvement: ParticipationLevel | None = None
    contact: str = ""
    # The consultant's candid analysis (« Notes internes »): read, never printed.
    internal_notes: str = ""

    @property
    def quadrant(self) -> Quadrant:
        high_influence = self.influence >= HIGH_SCORE
        high_interest = self.interest >= HIGH_SCORE
        if high_influence and high_interest:
            return Quadrant.ACTEURS_CLES
        if high_influence:
            return Quadrant.A_SATISFAIRE
        if high_interest:
            return Quadrant.A_INFORMER
        return Quadrant.A_SURVEILLER


@dataclass(frozen=True)
class OptionLine:
    """A line of the « Options » sheet; a blank price means the catalogue's."""

    name: str
    quantity: Decimal = Decimal(1)
    unit_price: Decimal | None = None
    source_row: int = field(default=0, compare=False)  # row in « Options », for messages


@dataclass(frozen=True)
class Share:
    """« Part » of an instalment: a percentage of the total HT, or an amount HT."""

    value: Decimal
    percent: bool


@dataclass(frozen=True)
class ScheduleLine:
    """A row of the « Échéancier » sheet: one instalment, invoiced on its own."""

    label: str
    part: Share
    planned: date | None = None
    invoice_mode: InvoiceMode = InvoiceMode.PROFORMA
    source_row: int = field(default=0, compare=False)  # row in « Échéancier », for messages
    # Where each value was read (attribute -> « B3 »): the pricing names its cells.
    cells: dict[str, str] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class GovernanceBody:
    """A row of « Gouvernance »: a body that steers or decides the démarche."""

    name: str
    members: str = ""
    frequency: str = ""
    role: str = ""


@dataclass(frozen=True)
class Risk:
    """A row of « Risques »: what may go wrong and how it is handled."""

    risk: str
    likelihood: Likelihood | None = None
    impact: Likelihood | None = None
    measure: str = ""


@dataclass(frozen=True)
class Indicator:
    """A row of « Indicateurs »: how the démarche is evaluated."""

    name: str
    target: str = ""
    measure: str = ""


@dataclass(frozen=True)
class CommunicationAction:
    target: str
    message: str = ""
    channel: str = ""
    support: str = ""
    moment: Moment | None = None
    date: date | None = None
    owner: str = ""


@dataclass(frozen=True)
class Parameter:
    rubrique: Rubrique
    label: str
    detail: str = ""
    amount: Decimal | None = None


@dataclass(frozen=True)
class Scenario:
    code: str
    title: str
    techniques: tuple[Technique, ...] = ()
    publics: str = ""
    description: str = ""
    duration_weeks: int | None = None
    estimated_cost: Decimal | None = None


@dataclass(frozen=True)
class Criterion:
    code: str
    name: str
    definition: str = ""
    weight: Decimal = Decimal(1)


DEFAULT_CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "EFF",
        "Effort raisonnable",
        "Temps, déplacements et prérequis proportionnés à ce qu'on en retire",
    ),
    Criterion("ACC", "Accessibilité", "Horaires, lieux, formats, langage, handicap, aller-vers"),
    Criterion(
        "CLA",
        "Clarté de l'enjeu",
        "Je sais ce qui est en débat, ce qui ne l'est pas, et qui décide",
    ),
    Criterion("INF", "Influence réelle", "Ma contribution peut changer la décision"),
    Criterion("RET", "Retour", "On me dira ce qui a été retenu ou écarté, et pourquoi"),
    Criterion("REC", "Reconnaissance", "Écoute, considération, expertise d'usage valorisée"),
    Criterion("CONV", "Convivialité", "Climat agréable, rencontres, plaisir à participer"),
    Criterion(
        "APP", "Apprentissage", "Je repars avec des connaissances ou des compétences nouvelles"
    ),
)


@dataclass(frozen=True)
class Rating:
    """One participant's grades for one scenario; a criterion left blank is absent.

    In a Stratégie globale, what is rated is a dispositif: ``scenario`` holds its code.
    """

    participant: str
    public: Public
    scenario: str
    grades: tuple[tuple[str, Grade], ...] = ()
    comment: str = ""

    def grade(self, criterion: str) -> Grade | None:
        return dict(self.grades).get(criterion)


@dataclass(frozen=True)
class Workshop:
    code: str
    public: WorkshopPublic
    date: date | None = None
    place: str = ""
    participants: str = ""


@dataclass(frozen=True)
class Device:
    """A participation device (« dispositif ») discussed in Stratégie globale."""

    code: str
    name: str
    techniques: tuple[Technique, ...] = ()
    participation_level: ParticipationLevel | None = None
    description: str = ""

    @property
    def title(self) -> str:
        """Its name, as the R.O.I. citoyen ranks it beside scenarios (their « Intitulé »)."""
        return self.name


@dataclass(frozen=True)
class DeviceOpinion:
    workshop: str
    participant: str
    device: str
    opinion: Opinion
    likes: str = ""
    dislikes: str = ""


@dataclass(frozen=True)
class Research:
    type: ResearchType
    source: str = ""
    finding: str = ""
    lesson: str = ""


@dataclass(frozen=True)
class CrucialParameter:
    code: str
    name: str
    hypothesis: str = ""


@dataclass(frozen=True)
class ConceptTest:
    scenario: str
    target: Target
    reaction: Reaction
    parameters: tuple[str, ...] = ()
    participant: str = ""
    verbatim: str = ""


@dataclass(frozen=True)
class Lead:
    """A creative lead (« piste »)."""

    code: str
    name: str
    conditions: str = ""
    maturity: Maturity | None = None
    next_step: str = ""


@dataclass(frozen=True)
class Engagement:
    """Everything one workbook says about one engagement, validated.

    ``warnings`` holds what the reader noticed but could work around (an
    unknown column, say); each prints as a located French sentence.
    """

    mission: Mission
    stakeholders: tuple[Stakeholder, ...] = ()
    options: tuple[OptionLine, ...] = ()
    communication: tuple[CommunicationAction, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    scenarios: tuple[Scenario, ...] = ()
    criteria: tuple[Criterion, ...] = DEFAULT_CRITERIA
    ratings: tuple[Rating, ...] = ()
    workshops: tuple[Workshop, ...] = ()
    devices: tuple[Device, ...] = ()
    opinions: tuple[DeviceOpinion, ...] = ()
    research: tuple[Research, ...] = ()
    crucial_parameters: tuple[CrucialParameter, ...] = ()
    tests: tuple[ConceptTest, ...] = ()
    leads: tuple[Lead, ...] = ()
    schedule: tuple[ScheduleLine, ...] = ()  # « Échéancier »: empty means one invoice
    governance: tuple[GovernanceBody, ...] = ()  # empty: the cahier proposes bodies
    risks: tuple[Risk, ...] = ()  # empty: the cahier proposes risks to edit
    indicators: tuple[Indicator, ...] = ()  # empty: the cahier proposes indicators to edit
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def offer(self) -> Offer:
        return self.mission.offer

    def scenario(self, code: str) -> Scenario | None:
        return next((s for s in self.scenarios if s.code == code), None)
