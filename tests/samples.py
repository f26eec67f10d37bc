"""Sample invoice parties shared by the invoicing tests (fictitious, as in amoor.toml)."""

from __future__ import annotations

from decimal import Decimal

from pipeline.workspace import Seller

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
