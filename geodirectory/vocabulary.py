"""The closed vocabularies of the national schema (v1.0.2), with French labels.

Values are the schema's own strings: they are what is stored, imported and exported. The
labels are what people read (the schema's values are already French; labels only shorten
a few). `tests/geodirectory/test_vocabulary.py` checks every list against the patterns
of geodirectory/schema/schema-lieux-mediation-numerique-v1.0.2.json.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

SEPARATOR = "|"

SERVICES = [
    ("Aide aux démarches administratives", _("Help with administrative procedures")),
    ("Maîtrise des outils numériques du quotidien", _("Everyday digital tools")),
    ("Insertion professionnelle via le numérique", _("Finding work through digital tools")),
    ("Utilisation sécurisée du numérique", _("Using digital tools safely")),
    ("Parentalité et éducation avec le numérique", _("Parenting and education with digital tools")),
    ("Loisirs et créations numériques", _("Digital leisure and creation")),
    ("Compréhension du monde numérique", _("Understanding the digital world")),
    ("Accès internet et matériel informatique", _("Internet access and computers")),
    (
        "Acquisition de matériel informatique à prix solidaire",
        _("Buying a computer at a solidarity price"),
    ),
]

PUBLICS = [
    ("Jeunes", _("Young people")),
    ("Étudiants", _("Students")),
    ("Familles et/ou enfants", _("Families and children")),
    ("Seniors", _("Seniors")),
    ("Femmes", _("Women")),
]

SPECIFIC_SUPPORT = [
    ("Surdité", _("Deafness")),
    ("Handicaps moteurs", _("Motor disabilities")),
    ("Handicaps mentaux", _("Mental disabilities")),
    ("Illettrisme", _("Illiteracy")),
    ("Langues étrangères (anglais)", _("Foreign languages (English)")),
    ("Langues étrangères (autres)", _("Foreign languages (others)")),
    ("Déficience visuelle", _("Visual impairment")),
]

FEES = [
    ("Gratuit", _("Free")),
    ("Gratuit sous condition", _("Free under conditions")),
    ("Payant", _("Paid")),
]

NATIONAL_PROGRAMMES = [
    ("Aidants Connect", "Aidants Connect"),
    ("Bibliothèques numérique de référence", _("Reference digital libraries")),
    ("Certification PIX", _("PIX certification")),
    ("Conseillers numériques", _("Digital advisers (conseillers numériques)")),
    ("Emmaüs Connect", "Emmaüs Connect"),
    ("France Services", "France Services"),
    ("Grande école du numérique", "Grande école du numérique"),
    ("La Croix Rouge", _("French Red Cross")),
    ("Point d'accès numérique CAF", _("CAF digital access point")),
    ("Promeneurs du net", "Promeneurs du net"),
    ("Relais numérique (Emmaüs Connect)", _("Digital relay (Emmaüs Connect)")),
]

TRAININGS_LABELS = [
    ("Formé à « Mon Espace Santé »", _("Trained in “Mon Espace Santé”")),
    ("Formé à « DUPLEX » (illettrisme)", _("Trained in “DUPLEX” (illiteracy)")),
    ("Arnia/MedNum BFC (Bourgogne-Franche-Comté)", "Arnia/MedNum BFC (Bourgogne-Franche-Comté)"),
    (
        "Collectif ressources et acteurs réemploi (Normandie)",
        "Collectif ressources et acteurs réemploi (Normandie)",
    ),
    ("Étapes numériques(La Poste)", "Étapes numériques (La Poste)"),
    ("Fabriques de Territoire", "Fabriques de Territoire"),
    ("Les Éclaireurs du numérique (Drôme)", "Les Éclaireurs du numérique (Drôme)"),
    ("Mes Papiers (Métropole de Lyon)", "Mes Papiers (Métropole de Lyon)"),
    ("ORDI 3.0", "ORDI 3.0"),
    ("SUD LABS (PACA)", "SUD LABS (PACA)"),
]

ACCESS_MODES = [
    ("Se présenter", _("Walk in")),
    ("Téléphoner", _("Phone")),
    ("Contacter par mail", _("E-mail")),
    ("Prendre un RDV en ligne", _("Book an appointment online")),
    ("Ce lieu n'accueille pas de public", _("This place does not receive the public")),
    (
        "Envoyer un mail avec une fiche de prescription",
        _("Send an e-mail with a referral form"),
    ),
]

SUPPORT_MODES = [
    ("En autonomie", _("On one's own")),
    ("Accompagnement individuel", _("One-to-one support")),
    ("Dans un atelier collectif", _("In a group workshop")),
    ("À distance", _("Remotely")),
]

MOBILITY = [
    ("Itinérant", _("Mobile")),
    ("Fixe", _("Fixed")),
]

# The schema leaves `typologie` open, pointing to data.inclusion's structure types. These
# are the ones the network uses; other upper-case codes are accepted and shown as is.
TYPOLOGIES = [
    ("EPN", _("Public digital space (EPN)")),
    ("RFS", _("France Services")),
    ("TIERS_LIEUX", _("Third place")),
    ("FABLAB", _("Fablab")),
    ("BIB", _("Library")),
    ("ASSO", _("Association")),
    ("MUNI", _("Town hall")),
    ("CCAS", _("Municipal social action centre (CCAS)")),
    ("CIAS", _("Intermunicipal social action centre (CIAS)")),
    ("CS", _("Social centre")),
    ("MJC", _("Youth and culture centre (MJC)")),
    ("PIJ_BIJ", _("Youth information point")),
    ("ML", _("Local mission (Mission locale)")),
    ("CAF", _("Family allowance fund (CAF)")),
    ("MDS", _("Solidarity centre")),
    ("LA_POSTE", _("La Poste")),
    ("RESSOURCERIE", _("Reuse centre")),
    ("PE", _("France Travail")),
]
TYPOLOGY_CODE_PATTERN = r"^[A-Z0-9_]+$"

# Multi-valued schema fields with a closed vocabulary: (field name, vocabulary).
CLOSED_FIELDS = {
    "services": SERVICES,
    "publics_specifiquement_adresses": PUBLICS,
    "prise_en_charge_specifique": SPECIFIC_SUPPORT,
    "frais_a_charge": FEES,
    "dispositif_programmes_nationaux": NATIONAL_PROGRAMMES,
    "formations_labels": TRAININGS_LABELS,
    "modalites_acces": ACCESS_MODES,
    "modalites_accompagnement": SUPPORT_MODES,
    "itinerance": MOBILITY,
}


def split(value: str | None) -> list[str]:
    """The values of a multi-valued field ("a|b" → ["a", "b"]), blanks dropped."""
    if not value:
        return []
    return [v.strip() for v in value.split(SEPARATOR) if v.strip()]


def join(values) -> str:
    return SEPARATOR.join(v for v in values if v)


def label(vocabulary, value: str) -> str:
    return str(dict(vocabulary).get(value, value))
