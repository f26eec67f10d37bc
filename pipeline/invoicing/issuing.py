"""What is checked before a number is taken: an invoice is dated today, by a real seller.

Both checks run before :meth:`Ledger.issue`, so a refused invoice spends no
number (the ledger's counter stays where it was).
"""

from __future__ import annotations

from datetime import date

from pipeline import model as m
from pipeline.config import CONFIG_NAME, Seller, demo_identity
from pipeline.errors import ConfigError, Problem, WorkbookError
from pipeline.formats import enumeration, short_date
from pipeline.workbook.mission_fields import MISSION


def check_issue_date(mission: m.Mission, today: date, source: str) -> None:
    """Refuse a « Date de facture » other than today: an invoice is dated the day it is issued."""
    day = mission.invoice_date
    if day is None or day == today:
        return
    when = "dans le futur" if day > today else "passée"
    raise WorkbookError(
        source,
        [
            Problem(
                f"la date de facture ({short_date(day)}) est {when} : la facture ne peut pas "
                f"être émise à cette date",
                sheet=MISSION.name,
                cell=mission.cells.get("invoice_date", ""),
                hint=f"Une facture est datée du jour où elle est émise, celui où son numéro est "
                f"attribué (aujourd'hui, le {short_date(today)}) : videz « Date de facture ». "
                f"La date ou la période de la prestation ne se saisit pas là : elle vient de "
                f"« Date de début » et de « Date de l'atelier » (avec l'« Étape »), et figure "
                f"sur la facture sous « Période de la prestation ». Rien n'a été émis.",
            )
        ],
    )


def check_real_seller(seller: Seller) -> None:
    """Refuse to issue while the seller is amoor.toml's fictitious demonstration firm."""
    keys = demo_identity(seller)
    if not keys:
        return
    raise ConfigError(
        f"Aucune facture n'est émise : le vendeur est encore l'entreprise fictive de "
        f"démonstration ({enumeration(keys)} de la section [vendeur] de {CONFIG_NAME} "
        f"gardent la valeur d'exemple). Un numéro émis ne s'efface jamais du registre des "
        f"factures. Ouvrez {CONFIG_NAME} dans un éditeur de texte et renseignez, dans la "
        f"section [vendeur], les vraies données de l'entreprise : raison_sociale, "
        f"forme_juridique, capital, adresse, code_postal, ville, siren, siret, rcs, "
        f"tva_intracommunautaire, iban, bic, email (et option_tva_debits si l'entreprise a "
        f"opté pour la TVA d'après les débits), puis passez « demonstration = false ». En "
        f"attendant, « Facture » = « {m.InvoiceMode.PROFORMA} » produit le brouillon."
    )
