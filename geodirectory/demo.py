"""The directory's demo content: the 687 real places of the national map, and the demo
network's own places with their facilitators. Idempotent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from core.accounts.models import User
from geodirectory.interchange import import_rows, read_file
from geodirectory.models import Place, PlaceRevision
from geodirectory.services import place_save

REAL_PLACES = Path(__file__).resolve().parent / "data" / "cartographie-nationale-687-lieux.json"


@dataclass
class DemoPlace:
    id_schema: str
    nom: str
    adresse: str
    code_postal: str
    commune: str
    code_insee: str
    latitude: float
    longitude: float
    facilitator: str  # key in load_demo's PEOPLE
    typologie: str
    horaires: str
    presentation_resume: str
    services: str
    frais_a_charge: str
    extra: dict


NETWORK_PLACES = [
    DemoPlace(
        "maillage-pma-petite-hollande",
        "EPN de la Petite-Hollande",
        "Place du Marché",
        "25200",
        "Montbéliard",
        "25388",
        47.5032,
        6.8142,
        "montbeliard",
        "EPN",
        "Tu-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00; PH off",
        "Un des 23 espaces publics numériques du Pays de Montbéliard : ateliers par cycles "
        "de cinq séances de deux heures, en groupes de douze au plus.",
        "Maîtrise des outils numériques du quotidien|Aide aux démarches administratives|"
        "Accès internet et matériel informatique|Utilisation sécurisée du numérique",
        "Payant|Gratuit sous condition",
        {
            "modalites_acces": "Se présenter|Téléphoner",
            "modalites_accompagnement": "Dans un atelier collectif|Accompagnement individuel",
            "publics_specifiquement_adresses": "Seniors|Familles et/ou enfants",
            "computers": 12,
            "training_seats": 12,
            "workshop_fee": Decimal("35"),
            "pricing_notes": "35 € le cycle de cinq ateliers de deux heures ; gratuit pour les "
            "demandeurs d'emploi.",
            "telephone": "+33381990000",
        },
    ),
    DemoPlace(
        "maillage-pma-centre",
        "Espace numérique du centre-ville",
        "Rue Georges Clemenceau",
        "25200",
        "Montbéliard",
        "25388",
        47.5102,
        6.7981,
        "montbeliard",
        "EPN|BIB",
        "Mo-Fr 10:00-12:30,13:30-18:00; Sa 10:00-17:00; PH off",
        "Accès libre, accompagnement individuel et ateliers d'initiation, au coeur de la "
        "médiathèque.",
        "Accès internet et matériel informatique|Maîtrise des outils numériques du quotidien|"
        "Loisirs et créations numériques",
        "Gratuit",
        {
            "modalites_acces": "Se présenter",
            "modalites_accompagnement": "En autonomie|Accompagnement individuel",
            "computers": 8,
            "kiosks": 1,
            "prise_en_charge_specifique": "Déficience visuelle",
        },
    ),
    DemoPlace(
        "maillage-lot-gourdon",
        "Point d'accès numérique de Gourdon",
        "Boulevard des Martyrs",
        "46300",
        "Gourdon",
        "46127",
        44.7370,
        1.3824,
        "gourdon",
        "RFS|EPN",
        "Mo-Fr 08:30-12:00,13:30-17:00; PH off",
        "Un des 9 points d'accès aux services publics de la plateforme départementale du Lot : "
        "aide aux démarches en ligne et prise en main des outils.",
        "Aide aux démarches administratives|Maîtrise des outils numériques du quotidien|"
        "Accès internet et matériel informatique",
        "Gratuit",
        {
            "modalites_acces": "Se présenter|Téléphoner|Prendre un RDV en ligne",
            "modalites_accompagnement": "Accompagnement individuel|À distance",
            "dispositif_programmes_nationaux": "France Services|Conseillers numériques",
            "kiosks": 2,
            "computers": 4,
        },
    ),
    DemoPlace(
        "maillage-se-tarentaize",
        "Espace de pratiques numériques de Tarentaize",
        "Rue de la Ville",
        "42000",
        "Saint-Étienne",
        "42218",
        45.4393,
        4.3901,
        "saint_etienne",
        "EPN|CS",
        "Mo 14:00-18:00; Tu-Fr 09:00-12:00,14:00-18:00",
        "Un des 16 espaces de pratiques numériques de Saint-Étienne : logiciels libres, "
        "réemploi, ateliers pour tous les âges.",
        "Maîtrise des outils numériques du quotidien|Compréhension du monde numérique|"
        "Loisirs et créations numériques|Parentalité et éducation avec le numérique",
        "Gratuit",
        {
            "modalites_acces": "Se présenter|Contacter par mail",
            "modalites_accompagnement": "Dans un atelier collectif|En autonomie",
            "prise_en_charge_specifique": "Langues étrangères (autres)|Illettrisme",
            "computers": 10,
            "training_seats": 10,
        },
    ),
    DemoPlace(
        "maillage-meuse-bras",
        "Fablab et repair café de Bras-sur-Meuse",
        "Rue de la Mairie",
        "55100",
        "Bras-sur-Meuse",
        "55073",
        49.2103,
        5.3760,
        "bras",
        "FABLAB|TIERS_LIEUX|ASSO",
        "Tu 14:00-18:00; Th 17:00-21:00; Sa 09:00-12:00; Aug off",
        "Fablab, repair café et trois ateliers numériques par semaine : on répare, on "
        "apprend, on fabrique ensemble.",
        "Loisirs et créations numériques|Acquisition de matériel informatique à prix solidaire|"
        "Maîtrise des outils numériques du quotidien",
        "Payant",
        {
            "modalites_acces": "Se présenter",
            "modalites_accompagnement": "Dans un atelier collectif",
            "itinerance": "Fixe",
            "membership_fee": Decimal("30"),
            "workshop_fee": Decimal("8"),
            "pricing_notes": "Adhésion annuelle de 30 € ; 8 € l'atelier.",
            "equipment_notes": "Imprimante 3D, découpeuse laser, postes de soudure, "
            "ordinateurs reconditionnés.",
            "computers": 6,
        },
    ),
]


def load_places_demo(people: dict[str, User]) -> tuple[int, int]:
    """Import the real places (unchanged ones are skipped), then the network's places."""
    report = import_rows(read_file(REAL_PLACES))
    for demo in NETWORK_PLACES:
        place = Place.objects.filter(id_schema=demo.id_schema).first() or Place(
            id_schema=demo.id_schema
        )
        for name in (
            "nom",
            "adresse",
            "code_postal",
            "commune",
            "code_insee",
            "latitude",
            "longitude",
            "typologie",
            "horaires",
            "presentation_resume",
            "services",
            "frais_a_charge",
        ):
            setattr(place, name, getattr(demo, name))
        for name, value in demo.extra.items():
            setattr(place, name, value)
        place.pivot = place.pivot or "00000000000000"
        place.source = "Maillage"
        place.date_maj = date(2026, 11, 2)
        place_save(
            place=place,
            actor=None,
            origin=PlaceRevision.Origin.IMPORT,
            facilitators=[people[demo.facilitator]],
            check_permission=False,
        )
    return report.created, len(NETWORK_PLACES)
