"""What a workbook is checked against beyond itself when it is built: the build date
and the firm's catalogue.

A stage its dates contradict (« Atelier réalisé » with a workshop still to come) and
an option priced neither by the workbook nor by the catalogue are problems of the
workbook: they are found while it is read, and reported with all the others, not on
a second build once the first round is fixed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from pipeline import model as m
from pipeline.analysis.pricing import unpriced_options
from pipeline.config import OfferPrices
from pipeline.errors import Problem
from pipeline.formats import short_date
from pipeline.workbook.findings import Findings
from pipeline.workbook.mission_fields import MISSION
from pipeline.workbook.shared_sheets import OPTIONS
from pipeline.workbook.table_sheets import Row, build_record

# The stages that say the workshop has taken place.
_WORKSHOP_HELD = (m.Stage.ATELIER_REALISE, m.Stage.TERMINEE)


@dataclass(frozen=True)
class Circumstances:
    """The day of the build and the catalogue of the workspace's configuration."""

    today: date
    catalogue: Mapping[m.Offer, OfferPrices]


def check_circumstances(
    findings: Findings,
    circumstances: Circumstances,
    offer: m.Offer,
    values: Mapping[str, Any],
    cells: Mapping[str, str],
    tables: Mapping[str, list[Row]],
) -> None:
    check_stage_dates(findings, circumstances.today, values, cells)
    prices = circumstances.catalogue.get(offer)
    rows = tables.get(OPTIONS.name) or []
    if prices is not None:
        options = tuple(build_record(OPTIONS, row) for row in rows if row.ok)
        findings.problems.extend(unpriced_options(options, offer, prices))


def check_stage_dates(
    findings: Findings, today: date, values: Mapping[str, Any], cells: Mapping[str, str]
) -> None:
    """A workshop said held but dated after ``today``; a workshop dated before the start."""
    stage, workshop = values.get("stage"), values.get("workshop_date")
    start = values.get("start_date")
    sheet = MISSION.name
    stage_field, date_field = MISSION.field("stage"), MISSION.field("workshop_date")
    if stage in _WORKSHOP_HELD and isinstance(workshop, date) and workshop > today:
        findings.problems.append(
            Problem(
                f"l'étape « {stage} » dit l'atelier tenu, mais sa date (cellule "
                f"{cells.get('workshop_date', '')}, « {date_field.header} ») est le "
                f"{short_date(workshop)}, postérieure à aujourd'hui ({short_date(today)})",
                sheet=sheet,
                cell=cells.get("stage", ""),
                hint=f"Si l'atelier reste à venir, choisissez « {m.Stage.CADRAGE} » dans "
                f"« {stage_field.header} » ; s'il a eu lieu, corrigez « {date_field.header} » "
                f"avec le jour où il s'est tenu.",
            )
        )
    if isinstance(workshop, date) and isinstance(start, date) and workshop < start:
        start_field = MISSION.field("start_date")
        findings.problems.append(
            Problem(
                f"« {date_field.header} » ({short_date(workshop)}) précède « "
                f"{start_field.header} » (cellule {cells.get('start_date', '')}, "
                f"{short_date(start)})",
                sheet=sheet,
                cell=cells.get("workshop_date", ""),
                hint=f"Corrigez l'une des deux dates : l'atelier a lieu pendant la mission, "
                f"après sa « {start_field.header} ».",
            )
        )
