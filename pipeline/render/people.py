"""Whether two names typed in a workbook name the same person, in linear time.

The « Mission » sheet names the élu référent, the pilot and the consultant, often
briefly (« Jean-Baptiste Morvan »); a stakeholder row or a communication action may
name them more fully (« M. Jean-Baptiste Morvan, adjoint à l'urbanisme ») or more
briefly. Other names are the same person when they are typed alike. Names are
compared folded (``text.fold``: no case, accents, spaces or hyphens). A mission name
is also the same person as a row naming them alike before the first comma, whatever
the title after it and the civility before it (« Hélène Vasseur, DGS » and « Mme Hélène
Vasseur, directrice générale des services »).
"""

from __future__ import annotations

import re
from typing import Generic, TypeVar

from pipeline.text import fold

T = TypeVar("T")

_CIVILITY = re.compile(r"^\s*(?:m\.|mme|mlle|mr|dr|me|pr)\s+", re.IGNORECASE)


def person_key(name: str) -> str:
    """The person a name designates: before its first comma or dash, without civility."""
    bare = _CIVILITY.sub("", re.split(r",| [—–-] |\(", name, maxsplit=1)[0])
    return fold(bare)


class PeopleIndex(Generic[T]):
    """The people listed so far, each with a value (a row of a table, say).

    A *principal* (one of the mission's few names) is found by any name that contains
    its folded name or is contained in it; any other person by a name folded alike,
    through a dictionary. Finding a name costs its length times the number of
    principals, whatever the number of people listed. A name that folds to nothing
    (« - ») is nobody: never found, never listed.
    """

    def __init__(self) -> None:
        self._principals: list[tuple[str, str, T]] = []
        self._others: dict[str, T] = {}

    def add_principal(self, name: str, value: T) -> None:
        key = fold(name)
        if key:
            self._principals.append((key, person_key(name), value))

    def add(self, name: str, value: T) -> None:
        key = fold(name)
        if key:
            self._others.setdefault(key, value)

    def find(self, name: str) -> T | None:
        key = fold(name)
        if not key:
            return None
        person = person_key(name)
        for principal, principal_person, value in self._principals:
            if principal in key or key in principal or (person and person == principal_person):
                return value
        return self._others.get(key)
