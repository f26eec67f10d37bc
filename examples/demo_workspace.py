"""Make a throwaway workspace for ``make demo``: ``amoor init``, then a configured seller.

The bundled amoor.toml describes the demonstration firm, which may not issue an
invoice (its numbers would stay in a real ledger forever). The demo issues the
Val-de-Brume invoice all the same, in a workspace of its own whose [vendeur] is
a firm that looks configured but is just as fictitious (« demonstration = true »
stays: every document says so).

Usage: ``python examples/demo_workspace.py DIR``
"""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline.config import set_seller
from pipeline.workspace import init_workspace

# Fictitious: Luhn-valid identifiers of no company (SIREN 999 888 779), a sample IBAN.
DEMO_FIRM: dict[str, str | bool] = {
    "raison_sociale": "Brume & Associés (entreprise fictive de démonstration)",
    "adresse": "3 rue des Essais",
    "code_postal": "69000",
    "ville": "Lyon",
    "siren": "999888779",
    "siret": "99988877910008",
    "rcs": "Lyon",
    "tva_intracommunautaire": "FR34999888779",
    "iban": "FR7630001007941234567890185",
    "bic": "BDFEFRPPCCT",
    "email": "facturation@brume-associes.example.org",
}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[-1])
        return 2
    workspace = init_workspace(Path(argv[0]))
    set_seller(workspace.config_path, DEMO_FIRM)
    print(workspace.root)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
