"""The workbook contract of ``docs/workbooks.md``, declared once.

Sheet names, headers, kinds, required fields, allowed values and help texts
live here and nowhere else: the reader validates against them and
``amoor workbook new`` builds blank workbooks (dropdowns, input messages,
formats) from them.

The declarations are split by sheet (``mission_fields``, ``shared_sheets``,
``roi_sheets``, ``offer_sheets``) over the building blocks of ``schema_types``;
this module gathers them by offer (``OFFER_SHEETS``). A declaration is
imported from the module that declares it (``MISSION`` from ``mission_fields``,
``Column`` from ``schema_types``), never through this one.
"""

from __future__ import annotations

from pipeline import model as m
from pipeline.workbook.frame_sheets import GOVERNANCE, INDICATORS, RISKS
from pipeline.workbook.offer_sheets import (
    CRUCIAL_PARAMETERS,
    DEVICES,
    LEADS,
    OPINIONS,
    RESEARCH,
    SCENARIOS,
    TESTS,
    WORKSHOPS,
)
from pipeline.workbook.roi_sheets import CRITERIA, DEVICE_RATINGS, RATINGS
from pipeline.workbook.schema_types import Column, SheetUse, TableSheet
from pipeline.workbook.shared_sheets import (
    COMMUNICATION,
    OPTIONS,
    PARAMETERS,
    SCHEDULE,
    STAKEHOLDERS,
)

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
        SheetUse(GOVERNANCE, False),
        SheetUse(RISKS, False),
        SheetUse(INDICATORS, False),
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
        SheetUse(GOVERNANCE, False),
        SheetUse(RISKS, False),
        SheetUse(INDICATORS, False),
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
