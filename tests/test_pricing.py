"""Pricing: hand-computed invoices for each offer, and the invariants of the cents."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.analysis.pricing import HALVED_REASON, buyer_of, price_engagement
from pipeline.config import Config, Seller, load_config
from pipeline.errors import WorkbookError
from pipeline.invoicing.document import Buyer, Pricing, VatTotal, cents
from pipeline.model import Engagement, Mission, Offer, OptionLine, Stage
from pipeline.workbook.reader import read_engagement

ROOT = Path(__file__).resolve().parent.parent
CONFIG: Config = load_config(ROOT / "amoor.toml")
SELLER: Seller = CONFIG.seller
EXEMPT: Seller = replace(SELLER, vat_exempt=True)
D = Decimal


def engagement(
    offer: Offer = Offer.CONCERTATION,
    *,
    base: str | None = None,
    stage: Stage = Stage.ATELIER_REALISE,
    options: tuple[OptionLine, ...] = (),
) -> Engagement:
    mission = Mission(
        reference="2026-014",
        offer=offer,
        title="Réaménagement de la place du marché",
        collectivite="Commune de Saint-Exemple",
        stage=stage,
        base_price=None if base is None else D(base),
    )
    return Engagement(mission=mission, options=options)


def price(e: Engagement, seller: Seller = SELLER) -> Pricing:
    return price_engagement(e, CONFIG.catalogue[e.offer], seller, source="mission.xlsx")


def option(
    name: str, quantity: str = "1", unit_price: str | None = None, row: int = 2
) -> OptionLine:
    return OptionLine(name, D(quantity), None if unit_price is None else D(unit_price), row)


def summary(pricing: Pricing) -> list[tuple[str, str, str, str]]:
    return [
        (line.description, str(line.quantity), str(line.unit_price), str(line.total))
        for line in pricing.lines
    ]


def plain(text: str) -> str:
    """Babel groups thousands with a narrow no-break space; tests read plain spaces."""
    return re.sub(r"[\u00a0\u202f]", " ", text)


# -- one hand-computed invoice per offer ------------------------------------------


def test_concertation_at_the_catalogue_price() -> None:
    pricing = price(engagement())
    assert summary(pricing) == [
        ("Concertation citoyenne — Réaménagement de la place du marché", "1", "5000", "5000.00")
    ]
    assert pricing.vat_totals == (VatTotal(D(20), D("5000.00"), D("1000.00")),)
    assert (pricing.total_ht, pricing.total_vat, pricing.total_ttc) == (
        D("5000.00"),
        D("1000.00"),
        D("6000.00"),
    )
    assert pricing.vat_exempt is False
    assert pricing.warnings == ()
    assert pricing.notes == ()


def test_strategie_with_catalogue_options_typed_loosely() -> None:
    e = engagement(
        Offer.STRATEGIE,
        base="12000",
        options=(
            # « » and accents omitted, case changed: still the catalogue entry.
            option("ateliers ROI citoyen", "3"),
            option("Formation des elus et des agents a la posture  citoyenne", "2"),
        ),
    )
    pricing = price(e)
    assert summary(pricing)[1:] == [
        ("Ateliers « ROI citoyen »", "3", "1200", "3600.00"),
        ("Formation des élus et des agents à la posture citoyenne", "2", "1800", "3600.00"),
    ]
    assert (pricing.total_ht, pricing.total_vat, pricing.total_ttc) == (
        D("19200.00"),
        D("3840.00"),
        D("23040.00"),
    )


def test_emergence_with_a_workbook_price_and_a_free_text_option() -> None:
    e = engagement(
        Offer.EMERGENCE,
        options=(
            option("Tests", "1", "950"),  # the workbook's price wins over the catalogue's 1 200
            option("Atelier supplémentaire", "2.5", "333.33"),
        ),
    )
    pricing = price(e)
    assert summary(pricing)[1:] == [
        ("Tests", "1", "950", "950.00"),
        # 2,5 × 333,33 = 833,325 → 833,33 half-up (banker's rounding would say 833,32).
        ("Atelier supplémentaire", "2.5", "333.33", "833.33"),
    ]
    # 7 000 + 950 + 833,33 = 8 783,33; TVA 1 756,666 → 1 756,67.
    assert (pricing.total_ht, pricing.total_vat, pricing.total_ttc) == (
        D("8783.33"),
        D("1756.67"),
        D("10540.00"),
    )


def test_quantity_defaults_to_one() -> None:
    pricing = price(engagement(options=(OptionLine("Entretiens complémentaires"),)))
    assert summary(pricing)[1] == ("Entretiens complémentaires", "1", "800", "800.00")


# -- the stopped concertation -------------------------------------------------------


def test_stopped_concertation_halves_the_base_and_says_why_options_in_full() -> None:
    e = engagement(stage=Stage.ARRETEE, options=(option("Entretiens complémentaires"),))
    pricing = price(e)
    base = pricing.lines[0]
    assert (base.quantity, base.unit_price, base.total) == (D(1), D("2500.00"), D("2500.00"))
    assert base.detail == (
        "Démarche arrêtée avant l'atelier R.O.I. citoyen : prix de base réduit de moitié "
        "(prix de base 5\u202f000,00\u00a0€ HT)"
    )
    assert pricing.lines[1].total == D("800.00")
    assert (pricing.total_ht, pricing.total_vat, pricing.total_ttc) == (
        D("3300.00"),
        D("660.00"),
        D("3960.00"),
    )


def test_half_of_an_odd_base_is_rounded_half_up_to_the_cent() -> None:
    pricing = price(engagement(base="5000.01", stage=Stage.ARRETEE))
    assert pricing.lines[0].unit_price == D("2500.01")


def test_halving_applies_to_a_negotiated_base_too() -> None:
    pricing = price(engagement(base="6000", stage=Stage.ARRETEE))
    assert pricing.total_ht == D("3000.00")
    assert pricing.warnings == ()  # the catalogue comparison is on the price agreed


# -- VAT ---------------------------------------------------------------------------


def test_franchise_en_base_has_no_vat() -> None:
    pricing = price(engagement(options=(option("Animation de la démarche"),)), EXEMPT)
    assert pricing.vat_exempt is True
    assert {line.vat_rate for line in pricing.lines} == {D(0)}
    assert pricing.vat_totals == (VatTotal(D(0), D("7500.00"), D("0.00")),)
    assert (pricing.total_ht, pricing.total_vat, pricing.total_ttc) == (
        D("7500.00"),
        D("0.00"),
        D("7500.00"),
    )


def test_the_configured_rate_is_used() -> None:
    pricing = price(engagement(base="1000"), replace(SELLER, vat_rate=D("5.5")))
    assert pricing.lines[0].vat_rate == D("5.5")
    assert pricing.total_vat == D("55.00")


# -- warnings and errors ------------------------------------------------------------


def test_a_base_below_the_catalogue_is_allowed_with_a_warning() -> None:
    pricing = price(engagement(base="4000"))
    assert pricing.total_ht == D("4000.00")
    assert [plain(w) for w in pricing.warnings] == [
        "Le prix de base HT (4 000,00 €) est inférieur au prix « à partir de » du catalogue "
        "pour l'offre « Concertation citoyenne » (5 000,00 €) : vérifiez qu'il s'agit bien "
        "d'une remise consentie."
    ]


def test_a_base_above_the_catalogue_is_fine() -> None:
    assert price(engagement(base="5200")).warnings == ()


def test_an_option_neither_in_the_catalogue_nor_priced_is_a_workbook_problem() -> None:
    e = engagement(
        options=(
            option("Entretiens complémentaires"),
            option("Tests", row=3),  # an Émergence option, not a Concertation one
            option("Entretien complementaire", row=4),  # a typo
        )
    )
    with pytest.raises(WorkbookError) as caught:
        price(e)
    error = caught.value
    assert error.source == "mission.xlsx"
    assert [(p.sheet, p.row) for p in error.problems] == [("Options", 3), ("Options", 4)]
    assert [str(p) for p in error.problems] == [
        "Feuille « Options », ligne 3 : l'option « Tests » n'est pas au catalogue de "
        "l'offre « Concertation citoyenne » et n'a pas de prix. Indiquez un prix unitaire HT, "
        "ou choisissez une option du catalogue : « Enquête terrain auprès des habitants », "
        "« Entretiens complémentaires » et « Animation de la démarche ».",
        "Feuille « Options », ligne 4 : l'option « Entretien complementaire » n'est pas au "
        "catalogue de l'offre « Concertation citoyenne » et n'a pas de prix. Vouliez-vous dire "
        "« Entretiens complémentaires » ? Sinon, indiquez un prix unitaire HT.",
    ]


def test_an_option_of_quantity_zero_is_not_billed_and_the_consultant_is_told() -> None:
    pricing = price(engagement(options=(option("Entretiens complémentaires", "0", row=5),)))
    assert len(pricing.lines) == 1
    assert pricing.warnings == (
        "Feuille « Options », ligne 5 : l'option « Entretiens complémentaires » a une quantité "
        "nulle, elle n'est pas facturée.",
    )


def test_buyer_of_the_mission() -> None:
    mission = replace(
        engagement().mission,
        address="Hôtel de ville\n1 place de la Mairie",
        postal_code="99100",
        city="Saint-Exemple",
        siret="21990100000019",
        service_code="SERV-FIN",
        engagement_number="EJ-2026-77",
    )
    assert buyer_of(mission) == Buyer(
        name="Commune de Saint-Exemple",
        address="Hôtel de ville\n1 place de la Mairie",
        postal_code="99100",
        city="Saint-Exemple",
        siret="21990100000019",
        service_code="SERV-FIN",
        engagement_number="EJ-2026-77",
    )


# -- the example workbooks, priced by hand ----------------------------------------------

EXAMPLE_TOTALS = {
    # 5 000 + enquête 1 500 + FALC 1 200 (free text, priced)
    "concertation-saint-aubin-des-brumes.xlsx": ("7700.00", "1540.00", "9240.00"),
    # 5 000 / 2 + entretiens 800
    "concertation-val-de-brume-arretee.xlsx": ("3300.00", "660.00", "3960.00"),
    # 12 000 + 3 × 1 200 + 2 × 1 800 + 1 500
    "strategie-communaute-des-trois-vallees.xlsx": ("20700.00", "4140.00", "24840.00"),
    # 7 500 + 2 × 2 000 + 1 200
    "emergence-departement-des-hautes-combes.xlsx": ("12700.00", "2540.00", "15240.00"),
}


@pytest.mark.parametrize("name", sorted(EXAMPLE_TOTALS))
def test_example_workbooks(name: str) -> None:
    e = read_engagement(ROOT / "examples" / name)
    pricing = price(e)
    totals = (pricing.total_ht, pricing.total_vat, pricing.total_ttc)
    assert tuple(str(t) for t in totals) == EXAMPLE_TOTALS[name]
    assert pricing.warnings == ()


# -- invariants ------------------------------------------------------------------------

amounts = st.decimals(min_value=0, max_value=200_000, places=2)
quantities = st.decimals(min_value=0, max_value=500, places=2)
option_names = st.sampled_from(
    [
        "Enquête terrain auprès des habitants",
        "Entretiens complémentaires",
        "Animation de la démarche",
        "Texte libre",
    ]
)


@st.composite
def engagements(draw: st.DrawFn) -> Engagement:
    options = tuple(
        OptionLine(
            name,
            draw(quantities),
            draw(amounts) if name == "Texte libre" else draw(st.none() | amounts),
            row,
        )
        for row, name in enumerate(draw(st.lists(option_names, max_size=6)), start=2)
    )
    base = draw(st.none() | amounts)
    stage = draw(st.sampled_from(list(Stage)))
    return engagement(base=None if base is None else str(base), stage=stage, options=options)


sellers = st.builds(
    lambda exempt, rate: replace(SELLER, vat_exempt=exempt, vat_rate=rate),
    st.booleans(),
    st.sampled_from([D("20"), D("10"), D("5.5"), D("2.1")]),
)


@given(engagements(), sellers)
def test_totals_are_sums_of_lines_to_the_cent(e: Engagement, seller: Seller) -> None:
    pricing = price(e, seller)
    assert pricing.total_ht == sum(line.total for line in pricing.lines)
    assert pricing.total_ttc == pricing.total_ht + pricing.total_vat
    assert pricing.total_vat == sum(v.amount for v in pricing.vat_totals)
    (vat,) = pricing.vat_totals  # one rate per invoice
    rate = D(0) if seller.vat_exempt else seller.vat_rate
    assert vat.rate == rate
    assert vat.amount == cents(pricing.total_ht * rate / 100)
    every_amount = [
        *(line.total for line in pricing.lines),
        vat.base,
        vat.amount,
        pricing.total_ht,
        pricing.total_vat,
        pricing.total_ttc,
    ]
    assert all(amount.as_tuple().exponent == -2 for amount in every_amount)


@given(engagements())
def test_the_base_line_follows_the_rules(e: Engagement) -> None:
    pricing = price(e)
    catalogue = CONFIG.catalogue[e.offer].base
    agreed = catalogue if e.mission.base_price is None else e.mission.base_price
    halved = e.mission.stage is Stage.ARRETEE
    assert pricing.lines[0].total == cents(agreed / 2 if halved else agreed)
    assert pricing.lines[0].detail.startswith(HALVED_REASON) is halved
    assert bool(pricing.warnings and "inférieur" in pricing.warnings[0]) is (agreed < catalogue)
    billed = [o for o in e.options if o.quantity != 0]
    assert len(pricing.lines) == 1 + len(billed)
