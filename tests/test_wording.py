"""The documents name things as the workbook does: a consultant who picked « Budget »
in a dropdown finds « Budget » in the cahier des charges, not another word."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import docx
import pytest

from pipeline import model as m
from pipeline.render.context import (
    MEANS_RUBRIQUES,
    SETTING_RUBRIQUES,
    budget,
    communication_plan,
    parameter_groups,
    stakeholders_context,
)
from pipeline.render.roi_context import PUBLIC_HEADERS
from pipeline.text import fold
from pipeline.workbook.offer_sheets import SCENARIOS
from pipeline.workbook.roi_sheets import CRITERIA
from pipeline.workbook.schema_types import TableSheet
from pipeline.workbook.shared_sheets import PARAMETERS, STAKEHOLDERS

TEMPLATE = Path(__file__).resolve().parents[1] / "templates_docx" / "cahier_des_charges.docx"


def _begins_with(text: str, start: str) -> bool:
    """« Contrat entre l'acteur public et les citoyens » begins with « Contrat »."""
    return fold(text).startswith(fold(start))


def test_every_rubrique_is_headed_by_its_workbook_name() -> None:
    headings = {**SETTING_RUBRIQUES, **MEANS_RUBRIQUES}
    assert set(headings) == set(m.Rubrique)
    assert not set(SETTING_RUBRIQUES) & set(MEANS_RUBRIQUES)
    for rubrique, heading in headings.items():
        assert _begins_with(heading, rubrique.value), (rubrique, heading)
    # Only where a document title must say more does it differ from the list value.
    assert {r for r, h in headings.items() if h != r.value} == {m.Rubrique.CONTRAT}
    assert headings[m.Rubrique.BUDGET] == "Budget"


def test_sections_and_summary_use_the_same_rubrique_names() -> None:
    parameters = [m.Parameter(r, f"Ligne {r.value}", amount=None) for r in m.Rubrique]
    priced = [m.Parameter(r, "Montant", amount=Decimal(100)) for r in m.Rubrique]
    sections = parameter_groups(parameters, SETTING_RUBRIQUES) + parameter_groups(
        parameters, MEANS_RUBRIQUES
    )
    summary = budget(priced)
    assert sorted(g["heading"] for g in sections) == sorted(r["heading"] for r in summary)
    for group in sections:
        assert _begins_with(group["heading"], group["rubrique"])


def test_quadrants_and_temps_forts_are_the_workbook_values() -> None:
    stakeholders = [
        m.Stakeholder(f"P{i}{j}", m.Category.HABITANTS, i, j) for i in (1, 5) for j in (1, 5)
    ]
    quadrants = [g["quadrant"] for g in stakeholders_context(stakeholders)["groups"]]
    assert sorted(quadrants) == sorted(q.value for q in m.Quadrant)
    actions = [
        m.CommunicationAction("Habitants", moment=t, date=date(2026, 4, 1)) for t in m.Moment
    ]
    assert [a["moment"] for a in communication_plan(actions)] == [t.value for t in m.Moment]


@pytest.mark.parametrize("public", list(m.Public), ids=lambda p: p.name)
def test_public_column_headers_contain_the_workbook_value(public: m.Public) -> None:
    # « Élus » heads the column of the participants whose « Public » is « Élu ».
    assert _begins_with(PUBLIC_HEADERS[public], public.value)


# Tables of the cahier des charges and the sheets their columns come from.
TABLES: dict[tuple[str, str], TableSheet] = {
    ("N°", "Nom"): STAKEHOLDERS,
    ("Code", "Intitulé"): SCENARIOS,
    ("Libellé", "Détail"): PARAMETERS,
    ("Rubrique", "Montant HT"): PARAMETERS,
    ("Code", "Critère"): CRITERIA,
}


def test_table_headers_of_the_cahier_are_the_workbook_headers() -> None:
    document = docx.Document(str(TEMPLATE))
    seen = set()
    for table in document.tables:
        headers = [c.text.strip() for c in table.rows[0].cells]
        sheet = TABLES.get((headers[0], headers[1])) if len(headers) > 1 else None
        if sheet is None:
            continue
        seen.add((headers[0], headers[1]))
        workbook = [c.header for c in sheet.columns]
        for header in headers:
            if header == "N°":  # the stakeholder's number on the map, not a workbook column
                continue
            # « Durée » heads « Durée (semaines) », shown as « 6 semaines ».
            assert any(_begins_with(w, header) for w in workbook), (
                header,
                workbook,
            )
    assert seen == set(TABLES)
