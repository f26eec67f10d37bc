"""What an engagement costs: from the workbook and the catalogue to invoice lines.

Pure: no file, no clock. The rules are those of docs/invoicing.md (« Lines and amounts »):

- the base line is the offer at the workbook's « Prix de base HT », or the
  catalogue's "à partir de" price when the cell is blank; a price below the
  catalogue's is allowed but the consultant is warned;
- a Concertation citoyenne stopped before the workshop is billed half the base
  price, and the invoice says why; options actually performed are billed in full;
- an option is priced by the workbook, or else by the offer's catalogue (names
  matched ignoring case, accents, spaces and punctuation); an option with
  neither is a workbook problem;
- every line bears the seller's VAT rate, or 0 under « franchise en base ».

Rounding (half-up per line, VAT on the total of each rate) lives in
:mod:`pipeline.invoicing.document`, so the Word invoice, the Factur-X XML and
the ledger all compute the same cents.
"""

from __future__ import annotations

import difflib
import re
from decimal import Decimal

from pipeline.config import OfferPrices, Seller
from pipeline.errors import Problem, WorkbookError
from pipeline.formats import enumeration, money
from pipeline.invoicing.document import Buyer, Line, Pricing, cents
from pipeline.model import Engagement, Mission, Offer, OptionLine, Stage
from pipeline.text import fold
from pipeline.workbook.shared_sheets import OPTIONS

OPTIONS_SHEET = OPTIONS.name
HALVED_REASON = "Démarche arrêtée avant l'atelier R.O.I. citoyen : prix de base réduit de moitié"


def price_engagement(
    engagement: Engagement, prices: OfferPrices, seller: Seller, *, source: str = ""
) -> Pricing:
    """The invoice lines of an engagement, or a ``WorkbookError`` naming every bad option.

    ``source`` names the workbook in the error (its file name); it defaults to
    the engagement's reference.
    """
    mission = engagement.mission
    rate = Decimal(0) if seller.vat_exempt else seller.vat_rate
    base_line, warnings = _base_line(mission, prices, rate)
    option_lines, problems, option_warnings = _option_lines(
        engagement.options, mission.offer, prices, rate
    )
    if problems:
        raise WorkbookError(source or f"mission {mission.reference}", problems)
    return Pricing(
        lines=(base_line, *option_lines),
        vat_exempt=seller.vat_exempt,
        warnings=(*warnings, *option_warnings),
    )


def buyer_of(mission: Mission) -> Buyer:
    """The public buyer as the « Mission » sheet names it."""
    return Buyer(
        name=mission.collectivite,
        address=mission.address,
        postal_code=mission.postal_code,
        city=mission.city,
        siret=mission.siret,
        service_code=mission.service_code,
        engagement_number=mission.engagement_number,
    )


def _base_line(mission: Mission, prices: OfferPrices, rate: Decimal) -> tuple[Line, list[str]]:
    warnings: list[str] = []
    base = prices.base if mission.base_price is None else mission.base_price
    if base < prices.base:
        warnings.append(
            f"Le prix de base HT ({money(base)}) est inférieur au prix « à partir de » "
            f"du catalogue pour l'offre « {mission.offer} » ({money(prices.base)}) : "
            f"vérifiez qu'il s'agit bien d'une remise consentie."
        )
    description = f"{mission.offer} — {mission.title}"
    if mission.stage is Stage.ARRETEE:
        # A unit price on an invoice has cents; the half of 5 000,01 € is 2 500,01 €.
        detail = f"{HALVED_REASON} (prix de base {money(base)} HT)"
        return Line(description, Decimal(1), cents(base / 2), rate, detail=detail), warnings
    return Line(description, Decimal(1), base, rate), warnings


def _option_key(name: str) -> str:
    """Matching key: ``fold`` also drops punctuation, so « ROI citoyen » = ROI citoyen."""
    return re.sub(r"\W+", "", fold(name))


def _option_lines(
    options: tuple[OptionLine, ...], offer: Offer, prices: OfferPrices, rate: Decimal
) -> tuple[list[Line], list[Problem], list[str]]:
    catalogue = {_option_key(name): (name, price) for name, price in prices.options.items()}
    lines: list[Line] = []
    problems: list[Problem] = []
    warnings: list[str] = []
    for option in options:
        name, catalogue_price = catalogue.get(_option_key(option.name), (option.name, None))
        unit_price = option.unit_price if option.unit_price is not None else catalogue_price
        if unit_price is None:
            problems.append(_unpriced(option, offer, prices))
            continue
        if option.quantity == 0:
            warnings.append(
                f"Feuille « {OPTIONS_SHEET} », ligne {option.source_row} : l'option « {name} » "
                f"a une quantité nulle, elle n'est pas facturée."
            )
            continue
        lines.append(Line(name, option.quantity, unit_price, rate))
    return lines, problems, warnings


def unpriced_options(
    options: tuple[OptionLine, ...], offer: Offer, prices: OfferPrices
) -> list[Problem]:
    """A problem for each option priced neither by the workbook nor by the catalogue:
    checked while the workbook is read, so that they come with its other problems."""
    catalogue = {_option_key(name) for name in prices.options}
    return [
        _unpriced(option, offer, prices)
        for option in options
        if option.unit_price is None and _option_key(option.name) not in catalogue
    ]


def _unpriced(option: OptionLine, offer: Offer, prices: OfferPrices) -> Problem:
    # The model knows the row, not the column of « Prix unitaire HT » (columns are
    # found by header), so the row is named in the message rather than a cell.
    known = list(prices.options)  # in the configuration's order
    close = difflib.get_close_matches(
        _option_key(option.name), [_option_key(k) for k in known], n=1, cutoff=0.75
    )
    guess = next((k for k in known if close and _option_key(k) == close[0]), None)
    if guess:
        hint = f"Vouliez-vous dire « {guess} » ? Sinon, indiquez un prix unitaire HT."
    elif known:
        hint = (
            f"Indiquez un prix unitaire HT, ou choisissez une option du catalogue : "
            f"{enumeration(f'« {k} »' for k in known)}."
        )
    else:
        hint = "Indiquez un prix unitaire HT."
    return Problem(
        f"l'option « {option.name} » n'est pas au catalogue de l'offre « {offer} » et n'a "
        f"pas de prix",
        sheet=OPTIONS_SHEET,
        row=option.source_row or None,
        hint=hint,
    )
