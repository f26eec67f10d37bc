"""The ``[comptabilite]`` section of ``amoor.toml``: late interest and accounting export.

- ``taux_bce``: the ECB main refinancing rate, in percent, that the late
  interest adds 8 points to (art. R. 2192-31 du code de la commande publique:
  the rate in force on the first day of the half-year in which the interest
  started to run; the firm updates it on 1 January and 1 July).
- The accounts and journals of the FEC export (``amoor factures --fec``):
  sales 706, VAT collected 44571, the clients' collective account 411 with
  one auxiliary account per client (by SIRET, or derived from the SIREN),
  bank 512; journals VE (sales) and BQ (bank).

Read by :func:`read_accounting`, which collects its problems in the caller's
list, as the rest of the configuration does (workspace.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

SECTION = "comptabilite"
DEFAULT_ECB_RATE = Decimal("2.15")  # ECB main refinancing rate since 11 June 2025
LATE_POINTS = Decimal(8)  # art. R. 2192-31 CCP: the ECB rate plus eight points

_ACCOUNT = re.compile(r"[0-9]{3}[0-9A-Za-z]{0,17}")  # the first three are the PCG's digits
_JOURNAL = re.compile(r"[0-9A-Za-z]{1,8}")


@dataclass(frozen=True)
class Accounting:
    ecb_rate: Decimal = DEFAULT_ECB_RATE  # percent
    sales_account: str = "706000"
    vat_account: str = "445710"
    clients_account: str = "411000"
    bank_account: str = "512000"
    sales_journal: str = "VE"
    bank_journal: str = "BQ"
    # SIRET of a buyer -> its auxiliary account (CompAuxNum); others: client_account()
    client_accounts: dict[str, str] = field(default_factory=dict)

    @property
    def late_rate(self) -> Decimal:
        """The late-interest rate, in percent: ECB rate + 8 points."""
        return self.ecb_rate + LATE_POINTS

    def client_account(self, siret: str) -> str:
        """The buyer's auxiliary account: as configured, else « C » and its SIREN."""
        digits = "".join(siret.split())
        return self.client_accounts.get(digits) or f"C{digits[:9]}"


_KEYS = {
    "compte_ventes": "sales_account",
    "compte_tva_collectee": "vat_account",
    "compte_clients": "clients_account",
    "compte_banque": "bank_account",
}
_JOURNALS = {"journal_ventes": "sales_journal", "journal_banque": "bank_journal"}


def read_accounting(data: dict[str, Any], problems: list[str]) -> Accounting:
    """The section ``[comptabilite]`` (every key optional); problems appended in French."""
    table = data.get(SECTION, {})
    if not isinstance(table, dict):
        problems.append(f"[{SECTION}] : une section est attendue")
        return Accounting()
    values: dict[str, Any] = {}
    raw_rate = table.get("taux_bce", str(DEFAULT_ECB_RATE))
    try:
        rate = Decimal(str(raw_rate).replace(",", ".").replace("%", "").strip())
    except InvalidOperation:
        problems.append(f"[{SECTION}] taux_bce : un taux en pourcentage est attendu, « 2.15 »")
    else:
        if not Decimal(-1) <= rate <= Decimal(20):
            problems.append(f"[{SECTION}] taux_bce : un taux en pourcentage est attendu, « 2.15 »")
        values["ecb_rate"] = rate
    for key, attr in _KEYS.items():
        if key in table:
            value = str(table[key]).strip()
            if not _ACCOUNT.fullmatch(value):
                problems.append(
                    f"[{SECTION}] {key} : un numéro de compte commençant par trois chiffres du "
                    f"plan comptable est attendu (lu : « {value} »)"
                )
            values[attr] = value
    for key, attr in _JOURNALS.items():
        if key in table:
            value = str(table[key]).strip()
            if not _JOURNAL.fullmatch(value):
                problems.append(f"[{SECTION}] {key} : un code journal court est attendu (« VE »)")
            values[attr] = value
    clients = table.get("clients", {})
    accounts: dict[str, str] = {}
    if isinstance(clients, dict):
        for siret, account in clients.items():
            digits, value = "".join(str(siret).split()), str(account).strip()
            if not (digits.isdigit() and len(digits) == 14) or not value or "|" in value:
                problems.append(
                    f'[{SECTION}.clients] "{siret}" : un SIRET de 14 chiffres et un compte '
                    f'client sont attendus ("21440109300015" = "411SAINTAUBIN")'
                )
                continue
            accounts[digits] = value
    values["client_accounts"] = accounts
    return Accounting(**values)
