"""Who governs a démarche: its bodies, and the people of its élus, services and contractors.

A director looks for two things: the bodies that decide (a comité de pilotage, a
comité technique: who, how often, what they decide), typed in the « Gouvernance »
sheet or else proposed from the Pilote, the Élu référent and the Services, and
said to be a proposal (worded for the mission's stage: to validate at the cadrage
while it runs; for a stopped concertation, bodies that follow its information plan);
and each person named once. Pure.
"""

from __future__ import annotations

import re

from pipeline import model as m
from pipeline.formats import aside, semicolons
from pipeline.render.agreement import agreement_key, elected_label
from pipeline.render.docx import Context
from pipeline.render.people import PeopleIndex

ELECTED = "Élus"
SERVICES = "Services"
CONTRACTORS = "Prestataires de la démarche"
CATEGORIES = {
    m.Category.ELUS: ELECTED,
    m.Category.SERVICES: SERVICES,
    m.Category.PRESTATAIRES: CONTRACTORS,
}

PROPOSAL_TEXT = (
    "Les instances ci-dessous sont proposées pour piloter la démarche : leur composition, "
    "leur rythme et leur rôle sont à valider par la collectivité lors du cadrage."
)
# Past the cadrage, the collectivité still validates them, at no cadrage.
LATER_PROPOSAL_TEXT = (
    "Les instances ci-dessous sont proposées pour piloter la démarche : leur composition, "
    "leur rythme et leur rôle sont à valider par la collectivité."
)
STOPPED_PROPOSAL_TEXT = (
    "Le plan d'information qui remplace la concertation est suivi par les instances "
    "ci-dessous ; la collectivité peut en adapter la composition et le rythme."
)
BODIES_TEXT = "La démarche est pilotée par les instances suivantes."
# (comité de pilotage, comité technique): what each decides, for a démarche and for the
# information plan of a stopped concertation (no contribution, no proposal to study).
ROLES = (
    "Valide le calendrier, les supports et les livrables ; arbitre ; décide de la suite "
    "donnée aux contributions et en rend compte aux élus.",
    "Prépare les temps d'échange, vérifie la faisabilité des propositions, instruit les "
    "décisions du comité de pilotage.",
)
STOPPED_ROLES = (
    "Valide les supports et le calendrier de l'information ; arrête les réponses aux "
    "questions reçues et le bilan de l'information, et en rend compte aux élus.",
    "Prépare la réunion d'information et les permanences, rassemble les questions reçues et "
    "leurs réponses, instruit les décisions du comité de pilotage.",
)


def governance_context(engagement: m.Engagement, firm_name: str) -> Context:
    """The bodies (typed or proposed) and the people, grouped, each person once."""
    typed = engagement.governance
    return {
        "bodies": [_body(b) for b in typed] if typed else _proposed(engagement, firm_name),
        "proposed": not typed,
        "bodies_text": BODIES_TEXT if typed else proposal_text(engagement.mission.stage),
        "groups": people(engagement, firm_name),
    }


def proposal_text(stage: m.Stage) -> str:
    """What the proposed bodies are, said for the mission's stage."""
    if stage is m.Stage.ARRETEE:
        return STOPPED_PROPOSAL_TEXT
    return PROPOSAL_TEXT if stage is m.Stage.CADRAGE else LATER_PROPOSAL_TEXT


def people(engagement: m.Engagement, firm_name: str) -> list[Context]:
    """The élu référent, the pilot and the consultant named in « Mission », then the
    stakeholders of the élus, services and contractors.

    A stakeholder row naming a mission person (more fully, or by the same name before
    the comma: « Mme Hélène Vasseur, directrice générale des services » for « Hélène
    Vasseur, DGS ») is that person, listed once with the row's role; rows naming the
    same person alike are listed once, whatever their category. One index for all the
    groups: linear in the register.
    """
    mission = engagement.mission
    groups: dict[str, list[Context]] = {ELECTED: [], SERVICES: [], CONTRACTORS: []}
    index: PeopleIndex[Context] = PeopleIndex()
    principals = (
        (mission.elected_official, ELECTED, elected_label(mission.elected_official), ""),
        (mission.pilot, SERVICES, "Pilote du projet", "Pilote"),
        (mission.consultant, CONTRACTORS, f"{firm_name}, accompagnement de la démarche", ""),
    )
    for name, group, label, function in principals:
        if name and index.find(name) is None:
            row = {"name": name, "detail": label, "function": function}
            groups[group].append(row)
            index.add_principal(name, row)
    for s in engagement.stakeholders:
        if s.category not in CATEGORIES:
            continue
        role = s.role.replace("\n", " ")
        found = index.find(s.name)
        if found is None:
            row = {"name": s.name, "detail": role}
            groups[CATEGORIES[s.category]].append(row)
            index.add(s.name, row)
        elif role:
            found["detail"] = merged_roles(found["detail"], role, found.get("function", ""))
    return [
        {"role": role, "people": [_shown(p) for p in members]}
        for role, members in groups.items()
        if members
    ]


def _shown(person: Context) -> Context:
    return {"name": person["name"], "detail": person["detail"]}


_PARTS = re.compile(r"\s*;\s*")


def merged_roles(said: str, role: str, function: str = "") -> str:
    """What a person does, each thing said once: ``said`` (the document's words so far)
    completed by ``role`` (a register row's), part by part (the parts of a role are
    separated by « ; »).

    A part of ``role`` already said, case, accents and agreement aside, is dropped; one
    that says more than a part of ``said`` (« Élu référent de la démarche » for « Élu
    référent ») replaces it; and so does one that begins with the person's ``function``
    (« Pilote administrative » for « Pilote du projet »: the pilot is named once, in the
    register's own words). A part beginning with a capital after another one opens a new
    sentence (« Élue référente. Porte le plan… »), never « ; Porte »."""
    parts = [p for p in _PARTS.split(said.strip().rstrip(".")) if p]
    head = f" {agreement_key(function)} " if function else ""
    for part in (p for p in _PARTS.split(role.strip().rstrip(".")) if p):
        key = f" {agreement_key(part)} "
        for i, known in enumerate(parts):
            known_key = f" {agreement_key(known)} "
            if key in known_key:
                break
            if known_key in key or (i == 0 and head and key.startswith(head)):
                parts[i] = part
                break
        else:
            parts.append(part)
    text = parts[0] if parts else ""
    for part in parts[1:]:
        text += (". " if part[:1].isupper() else " ; ") + part
    return text + "." if role.rstrip().endswith(".") or said.rstrip().endswith(".") else text


def _body(body: m.GovernanceBody) -> Context:
    return {
        "name": body.name,
        "members": body.members,
        "frequency": body.frequency,
        "role": body.role,
    }


def _proposed(engagement: m.Engagement, firm_name: str) -> list[Context]:
    """A comité de pilotage (the élu référent, the pilot, the firm) and a comité technique
    (the pilot, the services, the firm), from what « Mission » and the register say."""
    mission = engagement.mission
    firm = aside(mission.consultant, firm_name)
    steering = [x for x in (mission.elected_official, mission.pilot) if x]
    services = [s.name for s in engagement.stakeholders if s.category is m.Category.SERVICES]
    index: PeopleIndex[str] = PeopleIndex()
    if mission.pilot:
        index.add_principal(mission.pilot, mission.pilot)
    technical = [mission.pilot] if mission.pilot else []
    technical += [name for name in services if index.find(name) is None]
    steering_role, technical_role = STOPPED_ROLES if mission.stage is m.Stage.ARRETEE else ROLES
    return [
        {
            "name": "Comité de pilotage",
            "members": semicolons([*steering, firm]),
            "frequency": "Mensuelle, et avant chaque temps fort",
            "role": steering_role,
        },
        {
            "name": "Comité technique",
            "members": semicolons([*technical, firm]),
            "frequency": "Toutes les deux semaines",
            "role": technical_role,
        },
    ]
