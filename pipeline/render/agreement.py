"""Function labels that agree with the person: « Élue référente » for a woman.

A workbook names a person as it pleases: « Mme Hélène Vasseur », « Hélène Sautereau,
vice-présidente à la participation citoyenne », « M. Gérard Poullain », or a bare
name. Whether the person is a woman is read from the civility (« Mme », « Madame »,
« Mlle » / « M. », « Monsieur ») or, failing one, from the title typed after the
name: its first word's ending (« directrice », « adjointe », « conseillère »,
« déléguée », « vice-présidente » / « directeur », « adjoint »…). A name that says
neither (« Claire Martin, maire ») keeps the label as the workbook's help gives it.

:func:`agreement_key` compares two wordings of a function whatever their agreement:
« Élue référente » and « élu référent » say the same thing.
"""

from __future__ import annotations

import re
from enum import Enum

from pipeline.text import fold

_CIVILITY = re.compile(r"^\s*(madame|mademoiselle|mme|mlle|monsieur|m)\b\.?", re.IGNORECASE)
_WOMAN_CIVILITIES = {"madame", "mademoiselle", "mme", "mlle"}
# Endings of a French function noun, feminine first: « présidente » before « président ».
_FEMININE = ("trice", "ère", "ée", "ente", "ante", "ointe", "euse", "esse", "ienne", "effe", "ue")
_MASCULINE = ("teur", "eur", "ier", "er", "é", "ent", "ant", "oint", "ien", "ef", "u")


class Gender(Enum):
    WOMAN = "woman"
    MAN = "man"


def gender(person: str) -> Gender | None:
    """The person's gender as their civility or their title says it, or None."""
    civility = _CIVILITY.match(person)
    if civility:
        return Gender.WOMAN if civility.group(1).casefold() in _WOMAN_CIVILITIES else Gender.MAN
    _, comma, title = person.partition(",")
    if not comma:
        return None
    words = title.split()
    if not words:
        return None
    noun = words[0].casefold().rsplit("-", 1)[-1]  # « vice-présidente » → « présidente »
    if noun.endswith(_FEMININE):
        return Gender.WOMAN
    if noun.endswith(_MASCULINE):
        return Gender.MAN
    return None


def agreed(person: str, masculine: str, feminine: str) -> str:
    """``feminine`` for a woman, ``masculine`` otherwise (the label as usually written)."""
    return feminine if gender(person) is Gender.WOMAN else masculine


def elected_label(person: str) -> str:
    """« Élu référent » or « Élue référente »."""
    return agreed(person, "Élu référent", "Élue référente")


def facilitator_label(person: str) -> str:
    """« Animateur » or « Animatrice »."""
    return agreed(person, "Animateur", "Animatrice")


def consultant_label(person: str) -> str:
    """« Consultante » or « Consultant » when the name says which (a civility, a title);
    else the function, « Accompagnement de la démarche », which reads right whoever does it
    (a bare « Consultant » before « Inès Roussel » reads as a mistake)."""
    found = gender(person)
    if found is None:
        return "Accompagnement de la démarche"
    return "Consultante" if found is Gender.WOMAN else "Consultant"


# Feminine endings, and what the masculine says instead (unaccented, lower case).
_TO_MASCULINE = (("trice", "teur"), ("euse", "eur"), ("ive", "if"), ("enne", "en"), ("elle", "el"))
_WORDS = re.compile(r"[^\W_]+")


def agreement_key(text: str) -> str:
    """The words of ``text`` folded (case, accents), each without its feminine or plural
    ending: one key for « Élue référente », « élus référents » and « Élu référent ».
    Words are kept apart by one space, so that keys compare word by word."""
    words = []
    for word in _WORDS.findall(text):
        key = fold(word)
        if len(key) > 3 and key.endswith("s"):
            key = key[:-1]
        for feminine, masculine in _TO_MASCULINE:
            if key.endswith(feminine):
                key = key[: -len(feminine)] + masculine
                break
        else:
            key = key.rstrip("e") if len(key) > 2 else key
        words.append(key)
    return " ".join(words)
