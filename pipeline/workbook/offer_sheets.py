"""The table sheets of one offer only: the scenarios of a concertation, the workshops,
dispositifs and opinions of a stratégie globale, the research, crucial parameters,
tests and leads of an émergence."""

from __future__ import annotations

from pipeline import model as m
from pipeline.formats import semicolons
from pipeline.workbook.kinds import CODE, Choice, CodeList, Date, Integer, Money, MultiChoice
from pipeline.workbook.schema_types import Column, TableSheet

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
            + semicolons(t.value for t in m.Technique),
        ),
        Column("Publics ciblés", "publics", article="les ", width=24),
        Column("Description", "description", article="la ", width=50),
        Column("Durée (semaines)", "duration_weeks", Integer(0), article="la ", width=10),
        Column("Coût estimé HT", "estimated_cost", Money(), article="le ", width=14),
    ),
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
