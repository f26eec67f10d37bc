"""Stratégie globale: what each workshop public thinks of each participation device.

Per dispositif and public, the counts of « J'aime », « Neutre » and « Je n'aime
pas » and the net score (J'aime − Je n'aime pas) / n, kept as an exact
``Fraction`` because the verdict turns on its sign. ``docs/roi-citoyen.md``
(« Stratégie globale: opinions on participation devices ») defines three verdicts; its
specification left one case open, > 0 in one public and = 0 in another (no public
against): it is not a line of force (not every public is for) nor discarded (someone
is for), so it is « À débattre ». The rule is then total:

* every public that gave an opinion is for (net > 0): « Ligne de force »;
* no public is for (net ≤ 0 everywhere): « Écarté »;
* otherwise, some public is for and some is not: « À débattre ».

A device nobody gave an opinion on has no verdict (None).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

from pipeline.model import Device, DeviceOpinion, Opinion, Workshop, WorkshopPublic


class Verdict(StrEnum):
    LIGNE_DE_FORCE = "Ligne de force"
    A_DEBATTRE = "À débattre"
    ECARTE = "Écarté"


@dataclass(frozen=True)
class OpinionCounts:
    likes: int = 0
    neutral: int = 0
    dislikes: int = 0

    @classmethod
    def of(cls, opinions: Iterable[Opinion]) -> OpinionCounts:
        items = list(opinions)
        return cls(
            likes=items.count(Opinion.AIME),
            neutral=items.count(Opinion.NEUTRE),
            dislikes=items.count(Opinion.AIME_PAS),
        )

    @property
    def n(self) -> int:
        return self.likes + self.neutral + self.dislikes

    @property
    def net(self) -> Fraction | None:
        """(J'aime − Je n'aime pas) / n, from −1 to 1; None when nobody gave an opinion."""
        return Fraction(self.likes - self.dislikes, self.n) if self.n else None


@dataclass(frozen=True)
class Verbatim:
    """A quoted « Ce qui plaît » or « Ce qui déplaît », with who said it."""

    text: str
    public: WorkshopPublic
    participant: str
    workshop: str


@dataclass(frozen=True)
class DeviceResult:
    """One dispositif: counts overall and per public (publics that gave an opinion,
    in ``WorkshopPublic`` order), its verdict, and its verbatims in sheet order."""

    code: str
    name: str
    overall: OpinionCounts
    by_public: Mapping[WorkshopPublic, OpinionCounts] = field(hash=False)
    verdict: Verdict | None
    likes: tuple[Verbatim, ...]
    dislikes: tuple[Verbatim, ...]


def classify_device(nets: Iterable[Fraction]) -> Verdict | None:
    """The verdict from the net scores of the publics that gave an opinion."""
    values = list(nets)
    if not values:
        return None
    if all(v > 0 for v in values):
        return Verdict.LIGNE_DE_FORCE
    if all(v <= 0 for v in values):
        return Verdict.ECARTE
    return Verdict.A_DEBATTRE


def analyse_opinions(
    devices: Iterable[Device],
    workshops: Iterable[Workshop],
    opinions: Iterable[DeviceOpinion],
) -> tuple[DeviceResult, ...]:
    """One result per device, in the devices' order.

    Opinions name workshops and devices by code; the reader has checked those
    references, so an unknown one is a programming error (ValueError).
    """
    devices = tuple(devices)
    publics = {w.code: w.public for w in workshops}
    items = tuple(opinions)
    _check_references(items, publics, {d.code for d in devices})
    return tuple(
        _summarise_device(d, [o for o in items if o.device == d.code], publics) for d in devices
    )


def _check_references(
    opinions: Sequence[DeviceOpinion], publics: Mapping[str, WorkshopPublic], devices: set[str]
) -> None:
    for o in opinions:
        if o.workshop not in publics:
            raise ValueError(f"opinion of {o.participant!r} names unknown workshop {o.workshop!r}")
        if o.device not in devices:
            raise ValueError(f"opinion of {o.participant!r} names unknown device {o.device!r}")


def _summarise_device(
    device: Device, opinions: Sequence[DeviceOpinion], publics: Mapping[str, WorkshopPublic]
) -> DeviceResult:
    by_public = {
        p: OpinionCounts.of(o.opinion for o in opinions if publics[o.workshop] is p)
        for p in WorkshopPublic
    }
    by_public = {p: c for p, c in by_public.items() if c.n}
    return DeviceResult(
        code=device.code,
        name=device.name,
        overall=OpinionCounts.of(o.opinion for o in opinions),
        by_public=by_public,
        verdict=classify_device(c.net for c in by_public.values() if c.net is not None),
        likes=_verbatims(opinions, publics, lambda o: o.likes),
        dislikes=_verbatims(opinions, publics, lambda o: o.dislikes),
    )


def _verbatims(
    opinions: Iterable[DeviceOpinion],
    publics: Mapping[str, WorkshopPublic],
    text: Callable[[DeviceOpinion], str],
) -> tuple[Verbatim, ...]:
    return tuple(
        Verbatim(said, publics[o.workshop], o.participant, o.workshop)
        for o in opinions
        if (said := text(o).strip())
    )
