"""Synthetic engagement workbooks of any size, written as real ``.xlsx`` files by openpyxl.

Shaped like the workbooks consultants fill (``docs/workbooks.md``): every sheet of the
offer, its list values, codes that refer to one another. Two uses:

- :func:`scaled_workbook`: N stakeholders × M participants (each participant rates,
  gives an opinion on or reacts to every scenario, dispositif or tested concept), the
  other sheets growing with them: how a step's cost grows with the size of a workbook;
- :func:`long_text_workbook`: every free-text cell (stakeholder names, scenario titles,
  criteria, comments…) one word of ``length`` characters without a space: no step may
  be quadratic in the length of a text.

:func:`write_workbook` takes a :class:`Shape` for anything in between (the benchmark's
realistic engagements). Deterministic: one seeded ``random.Random`` per workbook, no
clock, fixed document properties.

Only the mission's « Intitulé », « Collectivité » and « Ville » stay short in a
long-text workbook: they name files and folders and fill the documents' core
properties, whose limits are reported with their cell rather than built.
"""

from __future__ import annotations

import random
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import openpyxl
from openpyxl import Workbook

from pipeline import model as m

OFFERS = tuple(m.Offer)
FIXED_TIME = datetime(2026, 1, 5)
START = date(2026, 1, 12)

MISSION_HEADERS = ("Champ", "Valeur")
HEADERS: dict[str, tuple[str, ...]] = {
    "Parties prenantes": (
        "Nom",
        "Catégorie",
        "Rôle et attentes",
        "Influence",
        "Intérêt",
        "Niveau d'implication",
        "Contact",
    ),
    "Options": ("Option", "Quantité", "Prix unitaire HT"),
    "Communication": (
        "Cible",
        "Message",
        "Canal",
        "Support",
        "Temps fort",
        "Date",
        "Responsable",
    ),
    "Paramètres": ("Rubrique", "Libellé", "Détail", "Montant HT"),
    "Scénarios": (
        "Code",
        "Intitulé",
        "Techniques",
        "Publics ciblés",
        "Description",
        "Durée (semaines)",
        "Coût estimé HT",
    ),
    "Critères ROI": ("Code", "Critère", "Définition", "Poids"),
    "Ateliers": ("Code", "Public", "Date", "Lieu", "Participants"),
    "Dispositifs": ("Code", "Dispositif", "Techniques", "Niveau de participation", "Description"),
    "Avis": ("Atelier", "Participant", "Dispositif", "Avis", "Ce qui plaît", "Ce qui déplaît"),
    "Recherches": ("Type", "Source", "Constat", "Enseignement"),
    "Paramètres cruciaux": ("Code", "Paramètre", "Hypothèse"),
    "Tests": ("Scénario", "Paramètres testés", "Cible", "Participant", "Réaction", "Verbatim"),
    "Pistes": ("Code", "Piste", "Conditions de réalisation", "Maturité", "Prochaine étape"),
}
CRITERIA = ("EFF", "ACC", "CLA", "INF", "RET", "REC", "CONV", "APP")

FIRST_NAMES = (
    "Jean", "Marie", "Luc", "Anne", "Paul", "Claire", "Louis", "Sophie", "Michel", "Hélène",
    "Pierre", "Nathalie", "Alain", "Isabelle", "Yves", "Camille", "Hugo", "Léa", "Karim",
    "Fatima", "Gaëlle", "Mathis", "Chloé", "Rémi", "Inès", "Bruno", "Agnès", "Olivier",
)  # fmt: skip
LAST_NAMES = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert",
    "Bonnet", "François", "Martinez", "Le Goff", "Kerbrat", "Nguyen", "Haddad", "Da Silva",
    "Quéré", "Fontaine", "Chevalier", "Robin", "Masson", "Sanchez", "Gauthier", "Perrin",
)  # fmt: skip
ROLES: dict[m.Category, tuple[str, ...]] = {
    m.Category.ELUS: ("adjoint au maire", "conseillère municipale", "maire délégué"),
    m.Category.SERVICES: ("directrice des services techniques", "chargé de mission", "agent"),
    m.Category.PRESTATAIRES: ("cabinet d'urbanisme", "paysagiste", "bureau d'études"),
    m.Category.HABITANTS: ("riverain", "commerçante", "parent d'élève"),
    m.Category.ASSOCIATIONS: ("présidente d'association", "animateur de quartier", "bénévole"),
    m.Category.ACTEURS_ECONOMIQUES: ("boulangère", "gérant du camping", "transporteur"),
    m.Category.INSTITUTIONS: ("chargée de mission au Département", "architecte des bâtiments"),
    m.Category.AUTRE: ("journaliste local", "correspondante de presse"),
}
EXPECTATIONS = (
    "Veut être associé aux choix d'aménagement et informé des dates.",
    "Attentive au stationnement & aux livraisons ; craint 18 mois de travaux.",
    "Demande des ateliers le soir (après 18 h) et une restitution écrite.",
    "Suit le budget de près : « pas un euro de plus que prévu ».",
)
CHANNELS = (
    ("Boîtes aux lettres", "Flyer A5"),
    ("Journal municipal", "Double page"),
    ("Site internet", "Article et formulaire"),
    ("Réseaux sociaux", "Publication et rappel"),
    ("Affichage", "Affiche A3"),
)


@dataclass(frozen=True)
class Shape:
    """What a synthetic workbook holds.

    ``candidates``: the scenarios (Concertation), dispositifs (Stratégie) or tested
    scenarios (Émergence); every participant rates, or reacts to, each of them.
    ``text_length``: when set, every free-text cell (but the mission's Intitulé,
    Collectivité and Ville) is one word of that many characters, starting with a tag
    that says which cell it is (see :func:`long_word`).
    """

    offer: m.Offer
    stakeholders: int = 60
    participants: int = 20
    candidates: int = 3
    actions: int = 10  # rows of « Communication »; 0 leaves the sheet out
    options: int = 2
    text_length: int | None = None
    seed: int = 0
    reference: str = "BENCH-001"


def long_word(tag: str, length: int) -> str:
    """``tag`` then letters up to ``length`` characters, no space, no hyphen: a text
    that nothing can wrap at a space, recognisable by its tag."""
    filler = "Loremipsumdolorsitametconsecteturadipiscingelit"
    count = max(0, length - len(tag))
    return tag + (filler * (count // len(filler) + 1))[:count]


def scaled_workbook(
    path: Path, offer: m.Offer, stakeholders: int, participants: int, *, seed: int = 0
) -> Path:
    """``stakeholders`` stakeholders and ``participants`` participants (each rating, or
    reacting to, four candidates); communication actions grow with the stakeholders."""
    shape = Shape(
        offer,
        stakeholders=stakeholders,
        participants=participants,
        candidates=4,
        actions=max(4, stakeholders // 5),
        options=3,
        seed=seed,
    )
    return write_workbook(path, shape)


def long_text_workbook(path: Path, offer: m.Offer, length: int = 100_000) -> Path:
    """A small engagement (a stakeholder per category, two participants, two candidates)
    whose every free-text cell is one ``length``-character word: see :func:`long_word`
    and :data:`LONG_TAGS` for the tags."""
    shape = Shape(
        offer,
        stakeholders=len(m.Category),
        participants=2,
        candidates=2,
        actions=2,
        options=1,
        text_length=length,
    )
    return write_workbook(path, shape)


# Tags of the long texts a reader finds in the documents (the first stakeholder's name,
# the first scenario's title…), per offer: the prefix a test looks for.
LONG_TAGS: dict[m.Offer, tuple[str, ...]] = {
    m.Offer.CONCERTATION: ("NOMA", "INTITULEA", "CRITEREA", "CONTEXTE"),
    m.Offer.STRATEGIE: ("NOMA", "DISPOSITIFA", "CRITEREA", "CONTEXTE"),
    m.Offer.EMERGENCE: ("NOMA", "SCENARIOA", "PISTEA", "CONTEXTE"),
}


def write_workbook(path: Path, shape: Shape) -> Path:
    """Write the workbook ``shape`` describes at ``path``; return ``path``."""
    writer = _Writer(shape)
    writer.book().save(path)
    if writer.long:
        _put_long_texts(path, writer.long)
    return path


EXCEL_CELL = 32_767  # characters openpyxl keeps of a cell it writes (Excel's limit)


def _put_long_texts(path: Path, texts: dict[str, str]) -> None:
    """Replace each placeholder of the sheets (inline strings) with its text.

    openpyxl cuts what it writes in a cell at 32 767 characters, Excel's limit; a
    file written by another program, or edited by hand, may hold more, and openpyxl
    reads it whole. So the long texts go into the file after openpyxl has written it.
    """
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    pattern = re.compile("|".join(re.escape(p) for p in texts))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in entries:
            if info.filename.startswith("xl/worksheets/") or info.filename.endswith("Strings.xml"):
                xml = data.decode("utf-8")
                data = pattern.sub(lambda p: escape(texts[p.group()]), xml).encode("utf-8")
            target.writestr(info, data)


def _letters(index: int) -> str:
    """A, B, …, Z, BA, BB…: a tag suffix without digits (digits could start a figure)."""
    text = ""
    while True:
        index, rest = divmod(index, 26)
        text = chr(ord("A") + rest) + text
        if index == 0:
            return text


@dataclass
class _Writer:
    shape: Shape
    rng: random.Random = field(init=False)
    people: list[str] = field(init=False)  # the participants' names
    long: dict[str, str] = field(default_factory=dict)  # placeholder -> text (see text())

    def __post_init__(self) -> None:
        self.rng = random.Random(self.shape.seed)
        self.people = [
            self.text(f"PARTICIPANT{_letters(i)}", self.person(i))
            for i in range(self.shape.participants)
        ]

    # -- texts -------------------------------------------------------------------

    def text(self, tag: str, realistic: str) -> str:
        length = self.shape.text_length
        if length is None:
            return realistic
        if length <= EXCEL_CELL:
            return long_word(tag, length)
        placeholder = f"@@{tag}@@"  # the text itself is put in after writing
        self.long[placeholder] = long_word(tag, length)
        return placeholder

    def person(self, index: int) -> str:
        first = FIRST_NAMES[index % len(FIRST_NAMES)]
        last = LAST_NAMES[(index // len(FIRST_NAMES)) % len(LAST_NAMES)]
        return f"{first} {last}" + (f" {index // 1000 + 1}" if index >= 1000 else "")

    # -- the workbook --------------------------------------------------------------

    def book(self) -> Workbook:
        book = Workbook(write_only=True)
        book.properties.creator = "amoor (banc d'essai)"
        book.properties.created = FIXED_TIME
        book.properties.modified = FIXED_TIME
        self.sheet(book, "Mission", MISSION_HEADERS, self.mission())
        self.table(book, "Parties prenantes", self.stakeholders())
        offer = self.shape.offer
        if offer is m.Offer.CONCERTATION:
            self.table(book, "Paramètres", self.parameters())
            self.table(book, "Scénarios", self.scenarios())
            self.table(book, "Critères ROI", self.criteria())
            self.rating_sheet(book, "Scénario", self.codes("S"))
        elif offer is m.Offer.STRATEGIE:
            self.table(book, "Ateliers", self.workshops())
            self.table(book, "Dispositifs", self.devices())
            self.table(book, "Avis", self.opinions())
            self.table(book, "Paramètres", self.parameters())
            self.table(book, "Critères ROI", self.criteria())
            self.rating_sheet(book, "Dispositif", self.codes("D"))
        else:
            self.table(book, "Recherches", self.research())
            self.table(book, "Paramètres cruciaux", self.crucial_parameters())
            self.table(book, "Tests", self.tests())
            self.table(book, "Pistes", self.leads())
        self.table(book, "Options", self.options())
        if self.shape.actions:
            self.table(book, "Communication", self.actions())
        return book

    @staticmethod
    def sheet(
        book: Workbook, name: str, headers: Sequence[str], rows: Iterator[Sequence[Any]]
    ) -> None:
        sheet = book.create_sheet(name)
        sheet.append(list(headers))
        for row in rows:
            assert len(row) == len(headers), (name, row)
            sheet.append(list(row))

    def table(self, book: Workbook, name: str, rows: Iterator[Sequence[Any]]) -> None:
        self.sheet(book, name, HEADERS[name], rows)

    def codes(self, letter: str) -> list[str]:
        return [f"{letter}{i}" for i in range(1, self.shape.candidates + 1)]

    def mission(self) -> Iterator[tuple[str, Any]]:
        shape, text = self.shape, self.text
        workshop = shape.offer is not m.Offer.EMERGENCE
        yield from (
            ("Référence", shape.reference),
            ("Offre", shape.offer.value),
            ("Intitulé", "Réaménagement de la place du Marché et de ses abords"),
            ("Collectivité", "Commune de Saint-Essai-sur-Banc"),
            ("Type de collectivité", m.CollectiviteType.COMMUNE.value),
            ("Adresse", text("ADRESSE", "1 place de la Mairie")),
            ("Code postal", "35000"),
            ("Ville", "Saint-Essai-sur-Banc"),
            ("Pilote", text("PILOTE", "Claire Durand")),
            # The élu référent is the first stakeholder, whose row names him more fully.
            ("Élu référent", text("ELU", self.person(0))),
            ("Consultant", text("CONSULTANT", "Hugo Lambert")),
            ("Date de début", START),
            # The workshop date is a Concertation's and a Stratégie's (Ateliers hold theirs).
            ("Date de l'atelier", START + timedelta(weeks=6) if workshop else None),
            ("Étape", m.Stage.ATELIER_REALISE.value),
            ("Contexte", text("CONTEXTE", "La place est un parking.\n• Trois marchés par an.")),
            ("Objectifs", text("OBJECTIFS", "Rendre la place aux piétons ; garder le marché.")),
            ("Enjeux", text("ENJEUX", "Le stationnement est en débat, le budget ne l'est pas.")),
            ("Niveau de participation", m.ParticipationLevel.CONCERTER.value),
            ("Facture", m.InvoiceMode.PROFORMA.value),
        )

    def stakeholders(self) -> Iterator[tuple[Any, ...]]:
        # The élus first: the first stakeholder is the élu référent, named more fully.
        categories = [m.Category.ELUS, *(c for c in m.Category if c is not m.Category.ELUS)]
        levels = list(m.ParticipationLevel)
        for i in range(self.shape.stakeholders):
            category = categories[i % len(categories)]
            role = ROLES[category][(i // len(categories)) % len(ROLES[category])]
            name = f"{'M.' if i % 2 == 0 else 'Mme'} {self.person(i)}, {role} (n° {i + 1})"
            tag = _letters(i)
            yield (
                self.text(f"NOM{tag}", name),
                category.value,
                self.text(f"ROLE{tag}", EXPECTATIONS[i % len(EXPECTATIONS)]),
                self.rng.randint(1, 5),
                self.rng.randint(1, 5),
                levels[i % len(levels)].value,
                self.text(f"CONTACT{tag}", f"contact{i + 1}@example.org"),
            )

    def parameters(self) -> Iterator[tuple[Any, ...]]:
        for i, rubrique in enumerate(m.Rubrique):
            tag = _letters(i)
            yield (
                rubrique.value,
                self.text(f"LIBELLE{tag}", f"{rubrique.value} : dispositif {i + 1}"),
                self.text(f"DETAIL{tag}", "Sous la halle couverte, 80 places assises."),
                None if i % 3 else 1200 + 100 * i,
            )

    def scenarios(self) -> Iterator[tuple[Any, ...]]:
        techniques = list(m.Technique)
        for i, code in enumerate(self.codes("S")):
            tag = _letters(i)
            yield (
                code,
                self.text(f"INTITULE{tag}", f"Ateliers de quartier et balades urbaines n° {i + 1}"),
                f"{techniques[i % 5].value}; {techniques[(i + 2) % 5].value}",
                self.text(f"PUBLICS{tag}", "Riverains, commerçants, parents d'élèves"),
                self.text(f"DESCRIPTION{tag}", "Deux balades, trois ateliers, une restitution."),
                4 + 2 * i,
                5000 + 1500 * i,
            )

    def criteria(self) -> Iterator[tuple[Any, ...]]:
        names = ("Effort", "Accessibilité", "Clarté", "Influence", "Retour", "Reconnaissance")
        for i, code in enumerate(CRITERIA):
            tag = _letters(i)
            yield (
                code,
                self.text(f"CRITERE{tag}", names[i % len(names)] + f" ({code})"),
                self.text(f"DEFINITION{tag}", "Ce que le participant en attend, en une phrase."),
                1,
            )

    def rating_sheet(self, book: Workbook, column: str, codes: Sequence[str]) -> None:
        headers = ("Participant", "Public", column, *CRITERIA, "Commentaire")
        self.sheet(book, "Notation ROI", headers, self.ratings(codes))

    def ratings(self, codes: Sequence[str]) -> Iterator[tuple[Any, ...]]:
        publics = list(m.Public)
        for i, person in enumerate(self.people):
            for j, code in enumerate(codes):
                grades = [self.rng.randint(0, 4) for _ in CRITERIA]
                comment = self.text(f"COMMENTAIRE{_letters(i)}{_letters(j)}", "")
                yield (person, publics[i % len(publics)].value, code, *grades, comment or None)

    def workshops(self) -> Iterator[tuple[Any, ...]]:
        for i, public in enumerate(m.WorkshopPublic):
            tag = _letters(i)
            yield (
                f"A{i + 1}",
                public.value,
                START + timedelta(weeks=2 + i),
                self.text(f"LIEU{tag}", "Salle des fêtes, 12 rue du Four"),
                self.text(f"PRESENTS{tag}", f"{4 + i} personnes"),
            )

    def devices(self) -> Iterator[tuple[Any, ...]]:
        techniques = list(m.Technique)
        levels = list(m.ParticipationLevel)
        for i, code in enumerate(self.codes("D")):
            tag = _letters(i)
            yield (
                code,
                self.text(f"DISPOSITIF{tag}", f"Budget participatif de quartier n° {i + 1}"),
                techniques[i % 5].value,
                levels[i % 5].value,
                self.text(f"DESCRIPTIONDISPOSITIF{tag}", "Une enveloppe votée par les habitants."),
            )

    def opinions(self) -> Iterator[tuple[Any, ...]]:
        opinions = list(m.Opinion)
        for i, person in enumerate(self.people):
            for j, code in enumerate(self.codes("D")):
                tag = f"{_letters(i)}{_letters(j)}"
                yield (
                    f"A{i % 3 + 1}",
                    person,
                    code,
                    opinions[self.rng.randrange(3)].value,
                    self.text(f"PLAIT{tag}", "Les habitants décident eux-mêmes."),
                    self.text(f"DEPLAIT{tag}", "Encore une charge pour les services."),
                )

    def research(self) -> Iterator[tuple[Any, ...]]:
        for i, kind in enumerate(m.ResearchType):
            tag = _letters(i)
            yield (
                kind.value,
                self.text(f"SOURCE{tag}", "Trois matinées à l'accueil"),
                self.text(f"CONSTAT{tag}", "Les usagers attendent debout."),
                self.text(f"ENSEIGNEMENT{tag}", "Le premier contact est une orientation."),
            )

    def crucial_parameters(self) -> Iterator[tuple[Any, ...]]:
        for i in range(4):
            tag = _letters(i)
            yield (
                f"P{i + 1}",
                self.text(f"PARAMETRE{tag}", f"Le lieu vient à l'usager ({i + 1})"),
                self.text(f"HYPOTHESE{tag}", "Si l'accueil se déplace, il touche plus de monde."),
            )

    def tests(self) -> Iterator[tuple[Any, ...]]:
        targets = list(m.Target)
        reactions = list(m.Reaction)
        scenarios = [
            self.text(f"SCENARIO{_letters(j)}", f"Comptoir des solidarités n° {j + 1}")
            for j in range(self.shape.candidates)
        ]
        for i, person in enumerate(self.people):
            for j, scenario in enumerate(scenarios):
                yield (
                    scenario,
                    f"P{j % 4 + 1}; P{(j + 1) % 4 + 1}",
                    targets[i % 3].value,
                    person,
                    reactions[self.rng.randrange(3)].value,
                    self.text(f"VERBATIM{_letters(i)}{_letters(j)}", "Qui paie le loyer ?"),
                )

    def leads(self) -> Iterator[tuple[Any, ...]]:
        for i, maturity in enumerate([*m.Maturity, m.Maturity.IDEE]):
            tag = _letters(i)
            yield (
                f"PI{i + 1}",
                self.text(f"PISTE{tag}", f"Comptoir des solidarités dans la commune {i + 1}"),
                self.text(f"CONDITIONS{tag}", "Une convention avec les communes."),
                maturity.value,
                self.text(f"ETAPE{tag}", "Expérimentation de six mois."),
            )

    def options(self) -> Iterator[tuple[Any, ...]]:
        for i in range(self.shape.options):
            yield (self.text(f"OPTION{_letters(i)}", f"Traduction des supports ({i + 1})"), 1, 900)

    def actions(self) -> Iterator[tuple[Any, ...]]:
        moments = list(m.Moment)
        # Owners: the élu référent (named as in the stakeholders), the pilot, participants.
        owners = [self.text("ELU", self.person(0)), self.text("PILOTE", "Claire Durand")]
        owners += self.people[: max(1, self.shape.actions // 4)]
        for i in range(self.shape.actions):
            tag = _letters(i)
            channel, support = CHANNELS[i % len(CHANNELS)]
            yield (
                self.text(f"CIBLE{tag}", "Tous les habitants" if i % 2 else "Commerçants"),
                self.text(f"MESSAGE{tag}", "La place du Marché va changer : venez en parler."),
                self.text(f"CANAL{tag}", channel),
                self.text(f"SUPPORT{tag}", support),
                moments[i % len(moments)].value,
                START + timedelta(days=7 * (i % 12)),
                owners[i % len(owners)],
            )


def with_references(source: Path, folder: Path, references: Sequence[str]) -> list[Path]:
    """Copies of the workbook ``source`` in ``folder``, « Mission NNN.xlsx », each with
    the Référence of ``references`` in turn: other engagements, other bytes."""
    book = openpyxl.load_workbook(source)
    sheet = book["Mission"]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "Référence")
    paths = []
    for number, reference in enumerate(references):
        sheet.cell(row, 2).value = reference
        paths.append(folder / f"Mission {number:03d}.xlsx")
        book.save(paths[-1])
    return paths


def page_numbers(config: Path, on: bool) -> None:
    """Set ``[documents] numeros_de_page`` of a workspace's amoor.toml: off, the
    documents are not laid out by LibreOffice, the work the docxtpl baseline does."""
    text = config.read_text(encoding="utf-8")
    for value in ("true", "false"):
        text = text.replace(f"numeros_de_page = {value}", f"numeros_de_page = {str(on).lower()}")
    config.write_text(text, encoding="utf-8")
