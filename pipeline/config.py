"""The configuration of a workspace: ``amoor.toml`` read and validated, every problem
listed with its section and key, in French.

The seller (the identity on invoices), the catalogue of prices, the accounting
settings (``[comptabilite]``, config_accounting.py) and the documents' settings
(``[documents]``, the firm's logo). ``load_config`` is the only reader of the file;
``set_seller`` rewrites the seller's keys in place, comments kept (the demonstration
workspace and the tests: a firm edits its file by hand).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from pipeline.config_accounting import Accounting, read_accounting
from pipeline.errors import ConfigError
from pipeline.identifiers import luhn_ok
from pipeline.installation import bundled
from pipeline.model import Offer
from pipeline.png import png_size
from pipeline.text import fold

CONFIG_NAME = "amoor.toml"


@dataclass(frozen=True)
class Seller:
    name: str
    legal_form: str
    capital: str
    address: str
    postal_code: str
    city: str
    country: str
    siren: str
    siret: str
    rcs: str
    vat_number: str
    iban: str
    bic: str
    email: str
    vat_exempt: bool  # « franchise en base » (art. 293 B du CGI)
    vat_rate: Decimal
    payment_days: int
    # « Option pour le paiement de la TVA d'après les débits » (CGI, ann. III, art. 77):
    # printed on every invoice, and BT-8 = 5 in the Factur-X XML.
    vat_on_debits: bool = False


@dataclass(frozen=True)
class OfferPrices:
    base: Decimal
    options: dict[str, Decimal]


@dataclass(frozen=True)
class Config:
    demo: bool
    seller: Seller
    catalogue: dict[Offer, OfferPrices]
    number_format: str
    accounting: Accounting = field(
        default_factory=Accounting
    )  # [comptabilite] (config_accounting.py)
    # [documents] numeros_de_page: LibreOffice lays each document out for the page
    # numbers of its table of contents (pipeline/layout.py).
    page_numbers: bool = True
    # [vendeur] logo: the firm's logo (PNG bytes) in place of amoor's (render/logo.py).
    logo: bytes | None = None


def load_config(path: Path) -> Config:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"Fichier de configuration introuvable : {path}.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"Le fichier de configuration {path.name} est mal formé : {exc}. Corrigez-le "
            f'(les textes sont entre guillemets droits "…").'
        ) from exc
    return _Parser(path.name, data, path.parent).config()


# The keys of [vendeur] that identify the firm: while one still holds the value of the
# bundled amoor.toml (the fictitious demonstration firm), nothing is issued.
IDENTITY_KEYS = {
    "siren": "siren",
    "siret": "siret",
    "vat_number": "tva_intracommunautaire",
    "iban": "iban",
}


@cache
def _demo_seller() -> Seller:
    return load_config(bundled(CONFIG_NAME)).seller


def demo_identity(seller: Seller) -> list[str]:
    """The [vendeur] keys of ``seller`` still holding the demonstration firm's value ([]: none).

    The bundled amoor.toml (what « amoor init » copies) describes a fictitious
    firm: an invoice issued under it would spend a number of the workspace's
    permanent ledger on a document that can never be sent.
    """
    demo = _demo_seller()
    return [
        key for attr, key in IDENTITY_KEYS.items() if getattr(seller, attr) == getattr(demo, attr)
    ]


def set_seller(config_path: Path, values: dict[str, str | bool]) -> None:
    """Rewrite keys of the [vendeur] section of an amoor.toml in place, comments kept.

    For the demonstration workspace and the tests: a firm edits its file by hand.
    A key not yet in the section is added at its end.
    """
    lines = config_path.read_text(encoding="utf-8").splitlines()
    start = lines.index("[vendeur]")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("[")), len(lines))
    todo = dict(values)
    for i in range(start + 1, end):
        key = lines[i].split("=", 1)[0].strip()
        if "=" in lines[i] and not lines[i].lstrip().startswith("#") and key in todo:
            lines[i] = f"{key} = {_toml_value(todo.pop(key))}"
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    lines[end:end] = [f"{key} = {_toml_value(value)}" for key, value in todo.items()]
    config_path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _toml_value(value: str | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


_NUMBER_ALLOWED = re.compile(r"[A-Za-z0-9+\-_/]+")


class _Parser:
    """Reads amoor.toml, collecting every problem with its key."""

    def __init__(self, name: str, data: dict[str, Any], folder: Path) -> None:
        self.name = name
        self.data = data
        self.folder = folder
        self.problems: list[str] = []

    def _get(self, table: dict[str, Any], section: str, key: str) -> Any:
        if key not in table:
            self.problems.append(f"[{section}] {key} : valeur manquante")
            return ""
        return table[key]

    def _text(self, table: dict[str, Any], section: str, key: str) -> str:
        value = self._get(table, section, key)
        if not isinstance(value, str | int):
            self.problems.append(f"[{section}] {key} : un texte entre guillemets est attendu")
            return ""
        return str(value).strip()

    def _logo(self, seller_table: dict[str, Any]) -> bytes | None:
        """The PNG named by [vendeur] logo (beside amoor.toml unless a full path)."""
        name = seller_table.get("logo", "")
        if not name:
            return None
        path = self.folder / str(name)
        try:
            data = path.read_bytes()
        except OSError as error:
            self.problems.append(
                f"[vendeur] logo : le fichier « {path} » ne peut pas être lu "
                f"({error.strerror or error}) ; indiquez le chemin d'une image PNG"
            )
            return None
        if png_size(data) is None:
            self.problems.append(
                f"[vendeur] logo : « {path} » n'est pas une image PNG ; enregistrez le logo "
                f"au format PNG"
            )
            return None
        return data

    def _flag(self, table: dict[str, Any], section: str, key: str) -> bool:
        value = table.get(key, False)
        if not isinstance(value, bool):
            self.problems.append(f"[{section}] {key} : true ou false attendu (sans guillemets)")
            return False
        return value

    def _decimal(self, value: Any, where: str) -> Decimal:
        try:
            amount = Decimal(str(value).replace(" ", "").replace(",", "."))
        except InvalidOperation:
            self.problems.append(f"{where} : un montant est attendu (lu : {value!r})")
            return Decimal(0)
        if amount < 0:
            self.problems.append(f"{where} : un montant positif est attendu")
        return amount

    def config(self) -> Config:
        seller_table = self.data.get("vendeur", {})
        section = "vendeur"
        text = {
            key: self._text(seller_table, section, key)
            for key in (
                "raison_sociale",
                "forme_juridique",
                "capital",
                "adresse",
                "code_postal",
                "ville",
                "siren",
                "siret",
                "rcs",
                "tva_intracommunautaire",
                "iban",
                "bic",
                "email",
                "regime_tva",
            )
        }
        if text["siren"] and not (
            text["siren"].isdigit() and len(text["siren"]) == 9 and luhn_ok(text["siren"])
        ):
            self.problems.append("[vendeur] siren : 9 chiffres valides attendus")
        if text["siret"] and not (
            text["siret"].isdigit()
            and len(text["siret"]) == 14
            and luhn_ok(text["siret"])
            and text["siret"].startswith(text["siren"])
        ):
            self.problems.append(
                "[vendeur] siret : 14 chiffres valides attendus, commençant par le SIREN"
            )
        if not text["tva_intracommunautaire"]:
            # The Factur-X rules ask for it even under franchise en base (BR-S-02, BR-E-02).
            self.problems.append(
                "[vendeur] tva_intracommunautaire : obligatoire, il figure sur chaque facture"
            )
        regime = text["regime_tva"]
        if regime not in ("normal", "franchise"):
            self.problems.append("[vendeur] regime_tva : « normal » ou « franchise » attendu")
        days = seller_table.get("delai_paiement_jours", 30)
        if not isinstance(days, int) or not 0 < days <= 30:
            # 30 days at most for the State and collectivités (code de la commande publique).
            self.problems.append(
                "[vendeur] delai_paiement_jours : un entier de 1 à 30 attendu (30 jours au plus "
                "pour un acheteur public)"
            )
            days = 30
        seller = Seller(
            name=text["raison_sociale"],
            legal_form=text["forme_juridique"],
            capital=text["capital"],
            address=text["adresse"],
            postal_code=text["code_postal"],
            city=text["ville"],
            country=str(seller_table.get("pays", "FR")),
            siren=text["siren"],
            siret=text["siret"],
            rcs=text["rcs"],
            vat_number=text["tva_intracommunautaire"],
            iban=text["iban"].replace(" ", ""),
            bic=text["bic"],
            email=text["email"],
            vat_exempt=regime == "franchise",
            vat_rate=self._decimal(seller_table.get("taux_tva", "20"), "[vendeur] taux_tva"),
            payment_days=days,
            vat_on_debits=self._flag(seller_table, section, "option_tva_debits"),
        )
        number_format = str(self.data.get("facturation", {}).get("format_numero", ""))
        self._check_number_format(number_format)
        config = Config(
            demo=bool(self.data.get("demonstration", False)),
            seller=seller,
            catalogue=self._catalogue(),
            number_format=number_format,
            accounting=read_accounting(self.data, self.problems),
            logo=self._logo(seller_table),
            page_numbers=self._flag(
                {"numeros_de_page": True} | self.data.get("documents", {}),
                "documents",
                "numeros_de_page",
            ),
        )
        if self.problems:
            lines = "\n".join(f"  - {p}" for p in self.problems)
            raise ConfigError(f"Le fichier de configuration {self.name} est à corriger :\n{lines}")
        return config

    def _check_number_format(self, pattern: str) -> None:
        where = "[facturation] format_numero"
        if "{numero" not in pattern:
            self.problems.append(f"{where} : doit contenir {{numero}} (par exemple {{numero:04d}})")
            return
        try:
            sample = pattern.format(annee=2026, numero=123456)
        except (KeyError, ValueError, IndexError):
            self.problems.append(f"{where} : seuls {{annee}} et {{numero}} sont permis")
            return
        if len(sample) > 35 or not _NUMBER_ALLOWED.fullmatch(sample):
            self.problems.append(
                f"{where} : le numéro produit (« {sample} ») doit compter 35 caractères au plus, "
                f"lettres, chiffres et + - _ / seulement"
            )

    def _catalogue(self) -> dict[Offer, OfferPrices]:
        table = self.data.get("catalogue", {})
        by_key = {fold(offer.value): offer for offer in Offer}
        catalogue: dict[Offer, OfferPrices] = {}
        for name, entry in table.items():
            offer = by_key.get(fold(name))
            if offer is None or not isinstance(entry, dict):
                self.problems.append(f'[catalogue."{name}"] : offre inconnue')
                continue
            where = f'[catalogue."{name}"]'
            base = self._decimal(entry.get("prix_base", ""), f"{where} prix_base")
            options = {
                str(option): self._decimal(price, f"{where} options « {option} »")
                for option, price in entry.get("options", {}).items()
            }
            catalogue[offer] = OfferPrices(base, options)
        for offer in Offer:
            if offer not in catalogue:
                self.problems.append(f'[catalogue."{offer.value}"] : section manquante (prix_base)')
        return catalogue
