"""What a professional cahier des charges commits to, beyond the démarche itself.

How the deliverables are accepted, how the démarche is evaluated (« Indicateurs », or
proposed indicators the document calls proposals), its risks (« Risques », or
proposed ones), the legal frame (RGPD, the code de l'urbanisme when the project is
an urban-planning one, the participation charter), accessibility, the dated
commitment to report back to the participants, and the validation block.

Each is worded for the mission's stage: a proposal is validated « lors du cadrage »
only while the cadrage is under way; a concertation stopped before its workshop has
a Note de décision about an information plan, with no contribution, no registration,
no participant to report back to: its texts say so. Pure.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from pipeline import model as m
from pipeline.formats import long_date, quoted
from pipeline.render.calendar import calendar_context, restitution_date
from pipeline.render.docx import Context

PROPOSED = (
    "Proposition à adapter : la collectivité complète ou modifie cette liste lors du "
    "cadrage, et le comité de pilotage la valide."
)
LATER_PROPOSED = (
    "Proposition à adapter : la collectivité complète ou modifie cette liste, et le comité "
    "de pilotage la valide."
)
STOPPED_INDICATORS = (
    "Le plan d'information est évalué selon les indicateurs ci-dessous ; le comité de "
    "pilotage peut les compléter."
)
STOPPED_RISKS = "Le comité de pilotage suit les risques du plan d'information et leurs mesures."

# Words of a project that changes the living environment: the code de l'urbanisme's
# concertation (L. 103-2) may apply, and the cahier recalls it. Matched as words, on
# the text without accents (« mise en place » is not a « place »).
URBAN = re.compile(
    r"\b(?:re)?amenagements?\b|\burbanism\w*|\bplu[i]?\b|\bvoirie\b|\bzac\b"
    r"|\brenouvellement urbain\b|\bespaces? publics?\b"
)


def _unaccented(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def commitments_context(engagement: m.Engagement, firm_name: str) -> Context:
    mission = engagement.mission
    stopped = mission.stage is m.Stage.ARRETEE
    restitution = restitution_date(engagement)
    return {
        "calendar": calendar_context(engagement),
        "acceptance": _acceptance(firm_name, bool(engagement.schedule)),
        "indicators": [
            {"name": i.name, "target": i.target, "measure": i.measure}
            for i in engagement.indicators
        ]
        or _default_indicators(engagement, restitution),
        "indicators_proposed": ""
        if engagement.indicators
        else (STOPPED_INDICATORS if stopped else _proposed(mission.stage)),
        "risks": [
            {
                "risk": r.risk,
                "likelihood": r.likelihood.value if r.likelihood else "",
                "impact": r.impact.value if r.impact else "",
                "measure": r.measure,
            }
            for r in engagement.risks
        ]
        or _default_risks(stopped),
        "risks_proposed": ""
        if engagement.risks
        else (STOPPED_RISKS if stopped else _proposed(mission.stage)),
        "legal": _legal(engagement, firm_name, stopped),
        "accessibility": _accessibility(engagement, stopped),
        "restitution": _restitution(mission, restitution, stopped),
        "validation": validation_rows(mission, firm_name),
    }


def _proposed(stage: m.Stage) -> str:
    return PROPOSED if stage is m.Stage.CADRAGE else LATER_PROPOSED


def _acceptance(firm_name: str, instalments: bool) -> list[str]:
    """How a deliverable is accepted, and what its acceptance sets off: with an
    « Échéancier », the balance invoice (the acomptes fall on their own dates); without,
    the one invoice of the fee, as the fee section says."""
    invoiced = (
        "la facture de solde des honoraires" if instalments else "la facturation des honoraires"
    )
    return [
        f"Chaque livrable est remis par {firm_name} au pilote du projet, en Word modifiable "
        "et en PDF.",
        "La collectivité dispose de quinze jours pour faire part de ses observations, par "
        "écrit ; une version corrigée lui est remise sous huit jours.",
        "Le livrable est accepté par un accord écrit du pilote (un courriel suffit) ou du "
        "comité de pilotage ; sans observation dans le délai, il est réputé accepté.",
        f"L'acceptation du dernier livrable déclenche {invoiced}.",
    ]


def _default_indicators(engagement: m.Engagement, restitution: date | None) -> list[Context]:
    by = f"au plus tard le {long_date(restitution)}" if restitution else "sous deux mois"
    back = {
        "name": "Restitution aux participants",
        "target": f"Faite {by}",
        "measure": "Date de la restitution publique et de l'envoi du compte rendu",
    }
    if engagement.mission.stage is m.Stage.ARRETEE:
        # No participant to report back to: the information's own record, published.
        back = {
            "name": "Bilan de l'information présenté aux habitants",
            "target": f"Présenté {by}",
            "measure": "Date de publication du bilan",
        }
        return [
            {
                "name": "Foyers destinataires de l'information",
                "target": "Tous les foyers concernés",
                "measure": "Plan de diffusion",
            },
            {
                "name": "Questions reçues et réponses publiées",
                "target": "Réponse à chaque question sous quinze jours",
                "measure": "Registre des questions",
            },
            back,
        ]
    rows = [
        {
            "name": "Participants aux temps d'échange",
            "target": "Au moins 50 personnes",
            "measure": "Listes d'émargement",
        },
        {
            "name": "Diversité des participants",
            "target": "Chaque public visé représenté",
            "measure": "Émargement (âge, quartier, statut)",
        },
        {
            "name": "Contributions ayant reçu une réponse motivée",
            "target": "Toutes",
            "measure": "Bilan de la démarche",
        },
        back,
    ]
    if engagement.criteria:
        rows.append(
            {
                "name": "Appréciation R.O.I. citoyen de fin de démarche",
                "target": "Médiane « Bien » ou mieux sur chaque critère",
                "measure": "Grille R.O.I. citoyen remplie par les participants",
            }
        )
    return rows


def _default_risks(stopped: bool) -> list[Context]:
    if stopped:
        return [
            {
                "risk": "L'arrêt de la concertation est mal compris des habitants",
                "likelihood": "Moyenne",
                "impact": "Forte",
                "measure": "Expliquer la décision et ses motifs dès la première information.",
            },
            {
                "risk": "Les questions des habitants restent sans réponse",
                "likelihood": "Moyenne",
                "impact": "Moyenne",
                "measure": "Un interlocuteur unique, des réponses publiées sous quinze jours.",
            },
        ]
    return [
        {
            "risk": "Participation faible ou peu diverse",
            "likelihood": "Moyenne",
            "impact": "Forte",
            "measure": "Mobilisation ciblée par public, horaires variés, aller-vers.",
        },
        {
            "risk": "Démarche perçue comme jouée d'avance",
            "likelihood": "Moyenne",
            "impact": "Forte",
            "measure": "Dire dès l'annonce ce qui est soumis au débat et ce qui ne l'est pas.",
        },
        {
            "risk": "Débats monopolisés ou conflictuels",
            "likelihood": "Faible",
            "impact": "Moyenne",
            "measure": "Animation neutre, règles du jeu affichées, travail en petits groupes.",
        },
        {
            "risk": "Attentes déçues faute de retour",
            "likelihood": "Moyenne",
            "impact": "Forte",
            "measure": "Restitution datée : ce qui est retenu ou écarté, et pourquoi.",
        },
    ]


def _legal(engagement: m.Engagement, firm_name: str, stopped: bool) -> list[Context]:
    mission = engagement.mission
    # A stopped concertation informs: people ask questions, nobody registers or contributes.
    whose, what, purpose, end = (
        (
            "habitants qui posent une question",
            "noms, coordonnées, questions",
            "à la seule réponse aux questions et au bilan de l'information",
            "le bilan",
        )
        if stopped
        else (
            "participants",
            "noms, coordonnées, émargements, contributions",
            "à la seule organisation de la démarche et à sa restitution",
            "la restitution",
        )
    )
    collected = "qui recueille des coordonnées" if stopped else "d'inscription"
    meeting = "réunion d'information et à chaque permanence" if stopped else "temps d'échange"
    frame = [
        {
            "title": "Données personnelles (RGPD)",
            "text": f"La collectivité est responsable du traitement des données des {whose} "
            f"({what}) ; {firm_name} les traite pour son compte, comme sous-traitant (article "
            f"28 du RGPD). Elles servent {purpose}, sont conservées un an après {end} puis "
            "détruites ; chacun peut y accéder, les faire "
            "rectifier ou effacer auprès du délégué à la protection des données de la "
            f"collectivité. Une mention d'information figure sur chaque support {collected}.",
        },
        {
            "title": "Droit à l'image",
            "text": "Photographies et vidéos ne sont prises qu'avec l'accord écrit des "
            "personnes reconnaissables (des parents pour les mineurs) ; un espace sans prise "
            f"de vue est prévu et signalé à chaque {meeting}.",
        },
    ]
    if URBAN.search(_unaccented(f"{mission.title}\n{mission.context}\n{mission.stakes}")):
        frame.append(
            {
                "title": "Code de l'urbanisme",
                "text": "Lorsque le projet entre dans le champ de l'article L. 103-2 du code de "
                "l'urbanisme (document d'urbanisme, ZAC, projet d'aménagement modifiant de "
                "façon substantielle le cadre de vie), la concertation associe le public "
                "pendant toute la durée de l'élaboration du projet ; ses objectifs et ses "
                "modalités sont fixés par délibération (article L. 103-3), et son bilan est "
                "arrêté par l'organe délibérant (article L. 103-6). Les modalités du présent "
                "cahier sont à reprendre dans cette délibération.",
            }
        )
    contract = [p for p in engagement.parameters if p.rubrique is m.Rubrique.CONTRAT]
    shown = (
        "affiché à la réunion d'information et aux permanences, et publié avec les réponses "
        "aux questions reçues"
        if stopped
        else "affiché à chaque temps d'échange et remis aux participants"
    )
    charter = (
        f"Le contrat entre l'acteur public et les citoyens ({quoted(contract[0].label)}) vaut "
        f"charte de participation : il est {shown}."
        if contract
        else "Une charte de participation, arrêtée par le comité de pilotage, dit ce qui est "
        "soumis au débat et ce qui ne l'est pas, qui décide et quand ; elle est affichée à "
        "chaque temps d'échange et remise aux participants."
    )
    frame.append({"title": "Charte de participation", "text": charter})
    return frame


def _accessibility(engagement: m.Engagement, stopped: bool) -> list[str]:
    places = [p.label for p in engagement.parameters if p.rubrique is m.Rubrique.LIEU]
    meeting = "temps d'information" if stopped else "temps d'échange"
    where = (
        f"Les lieux retenus ({', '.join(places)}) sont vérifiés accessibles aux personnes à "
        f"mobilité réduite avant chaque {meeting}."
        if places
        else "Les lieux sont accessibles aux personnes à mobilité réduite."
    )
    if stopped:  # an information plan: questions asked, answers published
        return [
            where,
            "Qui ne peut se rendre à la réunion d'information ou aux permanences pose ses "
            "questions par écrit ou par téléphone ; les réponses sont publiées.",
            "Les supports d'information sont écrits en langage clair, en gros caractères sur "
            "demande.",
            "Une boucle magnétique ou un interprète en langue des signes est prévu à la "
            "réunion d'information, sur demande faite à l'avance.",
        ]
    return [
        where,
        "Les temps d'échange alternent les horaires (soirée, samedi) ; une contribution "
        "écrite ou en ligne est possible pour qui ne peut se déplacer.",
        "Les supports sont écrits en langage clair, en gros caractères sur demande, et les "
        "principaux en facile à lire et à comprendre (FALC).",
        "Une boucle magnétique ou un interprète en langue des signes est prévu sur demande "
        "faite à l'inscription.",
    ]


def _restitution(mission: m.Mission, when: date | None, stopped: bool) -> str:
    by = f"au plus tard le {long_date(when)}" if when else "dans les deux mois"
    if stopped:
        return (
            f"La collectivité {quoted(mission.collectivite)} s'engage à présenter aux habitants, "
            f"{by}, le bilan de l'information : ce qui a été diffusé, les questions reçues "
            "et les réponses apportées."
        )
    return (
        f"La collectivité {quoted(mission.collectivite)} s'engage à rendre compte aux "
        f"participants, {by}, de ce qui a été retenu ou écarté de leurs contributions, et "
        "pourquoi : par une restitution publique et un compte rendu écrit adressé à chaque "
        "participant qui a laissé ses coordonnées."
    )


def validation_rows(mission: m.Mission, firm_name: str) -> list[Context]:
    """Who signs: the élu référent and the pilot for the collectivité, the consultant."""
    rows = []
    if mission.elected_official:
        rows.append({"party": mission.collectivite, "name": mission.elected_official})
    if mission.pilot:
        rows.append({"party": mission.collectivite, "name": mission.pilot})
    if not rows:
        rows.append({"party": mission.collectivite, "name": "Le représentant de la collectivité"})
    rows.append({"party": firm_name, "name": mission.consultant or "Le consultant"})
    return rows
