"""The workspace: folders, configuration (seller, catalogue), templates.

A workspace is a folder holding ``amoor.toml``, ``inbox/``, ``outbox/`` and
``templates_docx/``. The repository root is one (the demo's); ``amoor init``
makes new ones. A template found in the workspace's ``templates_docx/``
overrides the bundled one of the same name. A new workspace's
``templates_docx/`` holds only a README: the bundled templates are used, and
the improvements of each new amoor reach the workspace, until the firm copies
one there to restyle it (``amoor templates copier``).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import Any

from filelock import FileLock

from pipeline.atomic import atomic_write
from pipeline.errors import ConfigError, WorkspaceError
from pipeline.invoicing.settings import Accounting, read_accounting
from pipeline.model import Offer
from pipeline.render.logo import png_size, with_firm_logo
from pipeline.workbook.kinds import fold, luhn_ok

CONFIG_NAME = "amoor.toml"
TEMPLATES = "templates_docx"
_PACKAGE = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    """A file shipped with amoor: inside the wheel, or at the source checkout's root."""
    for base in (_PACKAGE / "_bundled", _PACKAGE.parent):
        candidate = base / name
        if candidate.exists():
            return candidate
    raise WorkspaceError(f"Fichier d'installation introuvable : {name}. Réinstallez amoor.")


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
    accounting: Accounting = field(default_factory=Accounting)  # [comptabilite] (settings.py)
    # [documents] numeros_de_page: LibreOffice lays each document out for the page
    # numbers of its table of contents (pipeline/layout.py).
    page_numbers: bool = True
    # [vendeur] logo: the firm's logo (PNG bytes) in place of amoor's (render/logo.py).
    logo: bytes | None = None


@dataclass(frozen=True)
class Workspace:
    root: Path

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def outbox(self) -> Path:
        return self.root / "outbox"

    @property
    def templates(self) -> Path:
        return self.root / TEMPLATES

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def state(self) -> Path:
        """Where the pipeline keeps its own state (ledger, queue)."""
        return self.root / ".amoor"

    @property
    def charts(self) -> Path:
        """The charts drawn, by the hash of their inputs (render/chart_cache.py)."""
        return self.state / "charts"

    @property
    def bases(self) -> Path:
        """What amoor last wrote for each deliverable, by digest (tracked/bases.py)."""
        return self.state / "bases"

    @property
    def libreoffice_slots(self) -> Path:
        """LibreOffice profiles, one per running process, kept between runs (office_processes)."""
        return self.state / "libreoffice"

    def engagement_lock(self, reference: str, timeout: float = 600) -> FileLock:
        """Held while one process numbers and writes an engagement's pieces.

        Two builds of one engagement take turns; the start-up recovery skips an
        engagement whose lock is held (its process is writing it right now).
        The operating system releases it when the process ends, even killed.
        """
        folder = self.state / "locks"
        folder.mkdir(parents=True, exist_ok=True)
        return FileLock(folder / f"{reference.casefold()}.lock", timeout=timeout)

    @classmethod
    def open(cls, root: Path) -> Workspace:
        root = root.resolve()
        if not (root / CONFIG_NAME).is_file():
            raise WorkspaceError(
                f"« {root} » n'est pas un espace de travail amoor : le fichier {CONFIG_NAME} "
                f"est introuvable. Placez-vous dans un espace de travail, indiquez-le avec "
                f"--workspace DOSSIER, ou créez-en un avec « amoor init DOSSIER »."
            )
        workspace = cls(root)
        for folder in (workspace.inbox, workspace.outbox):
            folder.mkdir(exist_ok=True)
        return workspace

    @cached_property
    def config(self) -> Config:
        return load_config(self.config_path)

    def template(self, name: str) -> Path:
        own = self.templates / name
        return own if own.is_file() else bundled(TEMPLATES) / name

    def rendering_template(self, name: str) -> Path:
        """The template documents are rendered with: :meth:`template`, its amoor logo
        made the firm's (render/logo.py), kept in ``.amoor/modeles/`` when it differs."""
        template = self.template(name)
        stat = template.stat()
        config = self.config
        return _firm_template(
            template, stat.st_mtime_ns, stat.st_size, config.seller.name, config.logo, self.state
        )

    @property
    def ships_templates(self) -> bool:
        """The workspace's templates are amoor's own (the demo: the repository root)."""
        return self.templates.resolve() == bundled(TEMPLATES).resolve()


TEMPLATES_README = """Modèles Word de cet espace de travail
=====================================

Copiez ici un modèle pour le personnaliser.

Tant que ce dossier ne contient pas de modèle, amoor utilise ceux qu'il fournit,
et chaque nouvelle version d'amoor apporte leurs améliorations.

Pour changer la mise en page d'un document (logo, couleurs, polices, textes) :
  1. copiez le modèle ici :  amoor templates copier cahier_des_charges
  2. modifiez la copie dans Word, sans toucher aux balises {{ … }} et {% … %} ;
  3. vérifiez-la :           amoor templates check

Un modèle placé ici remplace, pour cet espace de travail seulement, le modèle
fourni de même nom. Pour revenir au modèle fourni, supprimez votre copie.
"""


def shipped_templates() -> list[Path]:
    """The Word templates bundled with amoor."""
    return sorted(bundled(TEMPLATES).glob("*.docx"))


def copy_template(workspace: Workspace, name: str, *, force: bool = False) -> Path:
    """Copy a bundled template into the workspace's ``templates_docx/``, to edit it in Word.

    ``name`` is the file name, with or without ``.docx``, or the document's name
    as a person types it (« Cahier des charges »).
    """
    shipped = shipped_templates()
    key = fold(name.removesuffix(".docx"))
    matches = [t for t in shipped if fold(t.stem) == key]
    if not matches:
        choices = ", ".join(t.stem for t in shipped)
        raise WorkspaceError(f"Modèle inconnu : « {name} ». Modèles fournis : {choices}.")
    source = matches[0]
    if workspace.ships_templates:
        raise WorkspaceError(
            f"Cet espace de travail est le dossier d'amoor lui-même : ses modèles sont les "
            f"modèles fournis ({source}). Créez un espace de travail avec « amoor init "
            f"DOSSIER » pour y personnaliser un modèle."
        )
    target = workspace.templates / source.name
    if target.exists() and not force:
        raise WorkspaceError(
            f"« {target} » existe déjà : c'est le modèle personnalisé de cet espace de travail. "
            f"Ajoutez --force pour le remplacer par le modèle fourni."
        )
    try:
        workspace.templates.mkdir(exist_ok=True)
        shutil.copyfile(source, target)
    except OSError as error:
        raise WorkspaceError(
            f"Impossible de copier le modèle dans « {workspace.templates} » : "
            f"{error.strerror or error}. Si le fichier est ouvert dans Word, fermez-le."
        ) from error
    return target


def init_workspace(root: Path) -> Workspace:
    """Create a workspace with the default layout and configuration.

    Its ``templates_docx/`` starts empty but for a README: the bundled templates
    are used until one is copied there (``copy_template``).
    """
    if (root / CONFIG_NAME).exists():
        raise WorkspaceError(
            f"« {root} » est déjà un espace de travail amoor ({CONFIG_NAME} existe) : "
            f"rien n'a été modifié."
        )
    try:
        root.mkdir(parents=True, exist_ok=True)
        (root / TEMPLATES).mkdir(exist_ok=True)
        readme = root / TEMPLATES / "README.txt"
        if not readme.exists():
            readme.write_text(TEMPLATES_README, encoding="utf-8")
        shutil.copyfile(bundled(CONFIG_NAME), root / CONFIG_NAME)
    except OSError as error:
        raise WorkspaceError(
            f"Impossible de créer l'espace de travail « {root} » : {error.strerror or error}. "
            f"Choisissez un dossier où vous pouvez écrire (pas un fichier existant)."
        ) from error
    return Workspace.open(root)


@lru_cache(maxsize=64)
def _firm_template(
    template: Path, mtime_ns: int, size: int, firm: str, logo: bytes | None, state: Path
) -> Path:
    """``template`` with the firm's logo (render/logo.py), written once into
    ``state/modeles/`` when it differs; the cache key holds what it depends on."""
    del mtime_ns, size  # in the key: a template edited in place is read again
    data = template.read_bytes()
    derived = with_firm_logo(data, firm, logo)
    if derived is data:
        return template
    target = state / "modeles" / f"{hashlib.sha256(derived).hexdigest()[:16]}-{template.name}"
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, derived)
    return target


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
