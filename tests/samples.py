"""Samples shared by the tests: the invoice parties (fictitious, as in amoor.toml), and a
workbook with one Mission field changed."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.config import Seller

SELLER = Seller(
    name="amoor SAS",
    legal_form="SAS",
    capital="10 000 €",
    address="12 rue de l'Exemple",
    postal_code="75000",
    city="Paris",
    country="FR",
    siren="123456782",
    siret="12345678200010",
    rcs="Paris",
    vat_number="FR12123456782",
    iban="FR7630006000011234567890189",
    bic="AGRIFRPPXXX",
    email="facturation@example.org",
    vat_exempt=False,
    vat_rate=Decimal("20"),
    payment_days=30,
)


def set_mission_field(source: Path, target: Path, field: str, value: Any) -> Path:
    book = openpyxl.load_workbook(source)
    sheet = book["Mission"]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == field)
    sheet.cell(row, 2).value = value
    book.save(target)
    return target


def without_ratings(source: Path, target: Path) -> Path:
    """``source`` with its « Notation ROI » sheet emptied (headers kept): the workbook as it
    was before the Kit R.O.I. citoyen workshop."""
    book = openpyxl.load_workbook(source)
    sheet = book["Notation ROI"]
    sheet.delete_rows(2, sheet.max_row)
    book.save(target)
    return target


def amoor(*args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``amoor ARGS`` run as a consultant runs it: its own process, output captured."""
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def nothing_under_header(sheet: Worksheet) -> bool:
    """No value below a sheet's header row (cells drawn for filling by hand are empty)."""
    return all(cell.value is None for row in sheet.iter_rows(min_row=2) for cell in row)
