"""The « Mission » sheet declared: its fields (one a row, Champ | Valeur), in order."""

from __future__ import annotations

from pipeline import model as m
from pipeline.workbook.kinds import CODE, Choice, Date, Digits, Money, Siret, Text
from pipeline.workbook.schema_types import CONCERTATION_ONLY, Column, FieldSheet

MISSION = FieldSheet(
    name="Mission",
    key_header="Champ",
    value_header="Valeur",
    help_header="Aide",
    help="L'identité de la mission : une ligne par champ, la valeur dans la colonne « Valeur ».",
    fields=(
        Column(
            "Référence",
            "reference",
            CODE,
            required=True,
            article="la ",
            help="Clé de la mission, par exemple 2026-014. Même référence = même mission.",
        ),
        Column(
            "Offre",
            "offer",
            Choice(m.Offer),
            required=True,
            article="l'",
            help="L'offre vendue : elle décide des feuilles à remplir et des livrables.",
        ),
        Column(
            "Intitulé",
            "title",
            required=True,
            article="l'",
            help="Par exemple « Réaménagement de la place du marché ».",
        ),
        Column(
            "Collectivité",
            "collectivite",
            required=True,
            article="la ",
            help="Le client, tel qu'il doit apparaître sur les documents.",
        ),
        Column(
            "Type de collectivité", "collectivite_type", Choice(m.CollectiviteType), article="le "
        ),
        Column(
            "Adresse",
            "address",
            article="l'",
            for_invoice=True,
            help="Adresse de facturation. Alt+Entrée pour aller à la ligne.",
        ),
        Column(
            "Code postal",
            "postal_code",
            Digits(),
            article="le ",
            for_invoice=True,
        ),
        Column("Ville", "city", article="la ", for_invoice=True),
        Column(
            "SIRET",
            "siret",
            Siret(),
            article="le ",
            for_invoice=True,
            help="14 chiffres : la structure de l'acheteur public dans Chorus Pro.",
        ),
        Column(
            "Code service",
            "service_code",
            article="le ",
            help="Code service Chorus Pro, s'il a été communiqué.",
        ),
        Column(
            "Numéro d'engagement",
            "engagement_number",
            Text(max_length=50),
            article="le ",
            help="Bon de commande ou engagement juridique (50 caractères au plus).",
        ),
        Column("Pilote", "pilot", article="le ", help="Qui pilote le projet à la collectivité."),
        Column("Élu référent", "elected_official", article="l'"),
        Column("Consultant", "consultant", article="le "),
        Column("Date de début", "start_date", Date(), article="la "),
        Column(
            "Date de l'atelier",
            "workshop_date",
            Date(),
            article="la ",
            help="Date de l'atelier R.O.I. citoyen (concertation, ou kit R.O.I. citoyen d'une "
            "stratégie).",
            offers=frozenset({m.Offer.CONCERTATION, m.Offer.STRATEGIE}),
        ),
        Column(
            "Étape",
            "stage",
            Choice(m.Stage),
            required=True,
            article="l'",
            help="Où en est la mission.",
            value_offers=((m.Stage.ARRETEE, CONCERTATION_ONLY),),
        ),
        Column(
            "Contexte", "context", article="le ", help="Texte libre, plusieurs lignes possibles."
        ),
        Column("Objectifs", "objectives", article="les ", help="Texte libre."),
        Column(
            "Enjeux",
            "stakes",
            article="les ",
            help="Ce qui est soumis au débat, et ce qui ne l'est pas.",
        ),
        Column(
            "Niveau de participation",
            "participation_level",
            Choice(m.ParticipationLevel),
            article="le ",
        ),
        Column(
            "Scénario retenu",
            "chosen_scenario",
            CODE,
            article="le ",
            help="Vide : l'atelier R.O.I. citoyen propose un scénario.",
            offers=CONCERTATION_ONLY,
            refers_to="Scénarios",
        ),
        Column(
            "Prix de base HT",
            "base_price",
            Money(),
            article="le ",
            help="Vide : le prix catalogue de l'offre (« à partir de »).",
        ),
        Column(
            "Facture",
            "invoice_mode",
            Choice(m.InvoiceMode),
            article="la ",
            help="Proforma (par défaut) : brouillon sans numéro. À émettre : numéro attribué "
            "une fois pour toutes. Ignoré quand la feuille « Échéancier » est remplie.",
        ),
        Column(
            "Date de facture",
            "invoice_date",
            Date(),
            article="la ",
            help="Vide : le jour où le numéro est attribué. Une facture est datée du jour où "
            "elle est émise : une date passée est refusée (la période de la prestation vient de "
            "« Date de début » et « Date de l'atelier »).",
        ),
    ),
)
