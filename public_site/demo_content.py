"""The French texts, figures and files of the public site's demo (see `demo.py`).

Drawn from the real story of places like the network's: the 23 EPN of the Pays de
Montbéliard, the Lot's departmental platform and its 9 public-service points, the 16
*espaces de pratiques numériques* of Saint-Étienne, the fablab and repair café of
Bras-sur-Meuse. Only facts of that story are stated; nobody is quoted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from public_site.demo_files import csv_bytes, pdf_bytes
from public_site.models import DossierKind

NBSP = "\u00a0"  # keeps "2 500" and "35 €" on one line

HOME_TITLE = "Le réseau des espaces publics numériques"
HOME_SLUG = "accueil"
HOME_INTRO = (
    "Maillage relie les espaces publics numériques et celles et ceux qui les animent : "
    "trouvez le lieu le plus proche, ses horaires et ses ateliers ; animateurs et "
    "partenaires y partagent leurs solutions."
)

KEY_FIGURES = [
    ("23", "espaces publics numériques dans le Pays de Montbéliard"),
    (f"2{NBSP}500", "personnes formées en un an à Montbéliard"),
    ("12", "participants au plus par atelier"),
    ("9", "points d’accueil de services publics dans le Lot"),
    ("16", "espaces de pratiques numériques à Saint-Étienne"),
]


# --- Stream blocks, in Wagtail's raw JSON form -----------------------------------------------


def para(html: str) -> dict[str, Any]:
    return {"type": "paragraph", "value": f"<p>{html}</p>"}


def rich(html: str) -> dict[str, Any]:
    return {"type": "paragraph", "value": html}


def heading(text: str, level: str = "h2") -> dict[str, Any]:
    return {"type": "heading", "value": {"text": text, "level": level}}


def quote(text: str, attribution: str = "") -> dict[str, Any]:
    return {"type": "quote", "value": {"text": text, "attribution": attribution}}


def document_link(document_id: int, label: str) -> dict[str, Any]:
    return {"type": "document", "value": {"document": document_id, "label": label}}


# --- Content ------------------------------------------------------------------------------------

PROGRAMME_INTRO = (
    "Maillage accompagne les territoires qui ouvrent et font vivre des espaces publics "
    "numériques : des lieux ouverts à toutes et à tous, pour apprendre, se faire aider, "
    "fabriquer et partager."
)
PROGRAMME_BODY = [
    para(
        "Un espace public numérique (EPN) est un lieu où l’on apprend à se servir d’un "
        "ordinateur, d’une tablette ou d’un smartphone, où l’on se fait aider pour ses "
        "démarches en ligne et où l’on découvre ce que le numérique permet de créer. "
        "Maillage relie ces lieux et les personnes qui les animent."
    ),
    heading("Apprendre en petit groupe"),
    para(
        f"Dans le Pays de Montbéliard, 23 EPN ont formé 2{NBSP}500 personnes en un an. Les "
        "ateliers réunissent 12 personnes au plus, pour que chacun avance à son rythme. "
        "Beaucoup sont organisés en cycles de cinq séances de deux heures, pour "
        f"35{NBSP}€ le cycle."
    ),
    heading("S’appuyer sur un réseau départemental"),
    para(
        "Dans le Lot, une plateforme départementale rassemble les espaces publics numériques "
        "du territoire et permet de trouver le lieu le plus proche. Neuf points d’accueil de "
        "services publics y accompagnent les habitants dans leurs démarches en ligne."
    ),
    heading("Des espaces de pratiques numériques en ville"),
    para(
        "À Saint-Étienne, 16 espaces de pratiques numériques accueillent les habitants pour "
        "des ateliers d’initiation, des temps de pratique libre et de l’accompagnement "
        "individuel."
    ),
    heading("Fabriquer, réparer, partager"),
    para(
        "À Bras-sur-Meuse, le fablab ouvre ses machines aux habitants et un repair café aide "
        "chacun à réparer ses objets plutôt que de les jeter. Trois ateliers y sont proposés "
        f"chaque semaine, à 8{NBSP}€ la séance, avec une adhésion annuelle de 30{NBSP}€."
    ),
    heading("Ce que le réseau apporte aux lieux"),
    rich(
        "<ul>"
        "<li>une carte publique des lieux, de leurs horaires et de leurs ateliers ;</li>"
        "<li>un espace membres où les animateurs échangent solutions, fichiers et "
        "calendriers ;</li>"
        "<li>des groupes de travail pour préparer ensemble ateliers, études et "
        "événements ;</li>"
        "<li>une charte commune, qui engage les lieux membres.</li>"
        "</ul>"
    ),
]

CHARTER_INTRO = (
    "Les lieux qui rejoignent Maillage partagent une même façon d’accueillir et "
    "d’accompagner. Cette charte en fixe les principes."
)
CHARTER_PRINCIPLES = [
    (
        "1. Accueillir tout le monde",
        "Chaque lieu accueille toute personne qui se présente, quels que soient son âge, sa "
        "situation ou son niveau, et rend ses locaux et ses supports aussi accessibles que "
        "possible.",
    ),
    (
        "2. Rendre autonome",
        "L’animateur accompagne sans faire à la place : chacun doit pouvoir, ensuite, refaire "
        "seul ce qu’il a appris.",
    ),
    (
        "3. Protéger les personnes et leurs données",
        "Les informations personnelles confiées lors d’une démarche restent confidentielles. "
        "Les postes sont nettoyés après chaque usage et les participants apprennent à "
        "protéger leurs comptes.",
    ),
    (
        "4. Afficher des conditions claires",
        "Les horaires et les conditions d’accès, gratuites ou payantes, sont affichés sur place "
        "et publiés sur la carte du réseau, pour que personne ne renonce faute de savoir.",
    ),
    (
        "5. Partager entre lieux",
        "Les lieux mettent en commun leurs supports d’ateliers, leurs solutions techniques et "
        "leurs retours d’expérience dans l’espace membres.",
    ),
    (
        "6. S’ouvrir à son territoire",
        "Chaque lieu travaille avec les services publics, les associations et les acteurs "
        "locaux, et oriente les personnes vers eux quand ils sont mieux placés pour répondre.",
    ),
]


def charter_body(document_id: int) -> list[dict[str, Any]]:
    """The charter's principles, then its motto and a link to its PDF (`document_id`)."""
    body: list[dict[str, Any]] = []
    for title, text in CHARTER_PRINCIPLES:
        body += [heading(title), para(text)]
    return [
        *body,
        quote("Accompagner sans faire à la place.", "Charte du réseau Maillage"),
        document_link(document_id, "Télécharger la charte"),
    ]


@dataclass
class News:
    slug: str
    title: str
    days_ago: int
    intro: str
    tags: list[str]
    body: list[dict[str, Any]]


NEWS = [
    News(
        "montbeliard-2500-personnes-formees",
        f"Montbéliard : 2{NBSP}500 personnes formées en un an dans les 23 EPN",
        5,
        f"En un an, les 23 espaces publics numériques du Pays de Montbéliard ont formé "
        f"2{NBSP}500 personnes, en ateliers de 12 participants au plus.",
        ["ateliers", "territoires"],
        [
            para(
                "Ordinateur, tablette, smartphone, messagerie, démarches en ligne : les 23 EPN "
                "du Pays de Montbéliard proposent toute l’année des ateliers pour débuter ou "
                f"progresser. En un an, 2{NBSP}500 personnes y ont été formées."
            ),
            heading("Des groupes à taille humaine"),
            para(
                "Les ateliers réunissent 12 personnes au plus. Ce format laisse à l’animateur "
                "le temps de répondre aux questions de chacun, et aux participants celui de "
                "pratiquer pendant la séance."
            ),
            para(
                "Pour trouver l’EPN le plus proche, ses horaires et ses prochains ateliers, "
                "utilisez la recherche de lieux du site."
            ),
        ],
    ),
    News(
        "cycles-de-cinq-ateliers",
        "Cinq séances de deux heures pour prendre en main le numérique",
        19,
        "À Montbéliard, les ateliers sont organisés en cycles de cinq séances de deux heures, "
        f"pour 35{NBSP}€ le cycle.",
        ["ateliers", "inclusion numérique"],
        [
            para(
                "Plutôt qu’une séance isolée, les EPN du Pays de Montbéliard proposent des "
                "cycles : cinq rendez-vous de deux heures, avec le même groupe et le même "
                "animateur. D’une séance à l’autre, chacun reprend ce qu’il a vu et gagne en "
                "assurance."
            ),
            heading("Un tarif connu d’avance"),
            para(
                f"Le cycle complet coûte 35{NBSP}€. Comme tous les ateliers du réseau "
                "montbéliardais, il réunit 12 personnes au plus."
            ),
        ],
    ),
    News(
        "lot-plateforme-departementale",
        "Dans le Lot, une plateforme départementale relie les espaces publics numériques",
        33,
        "Le Lot s’est doté d’une plateforme départementale qui rassemble ses espaces publics "
        "numériques et ses 9 points d’accueil de services publics.",
        ["territoires", "inclusion numérique"],
        [
            para(
                "Dans un département rural, savoir où se faire aider compte autant que l’aide "
                "elle-même. La plateforme départementale du Lot recense les espaces publics "
                "numériques du territoire et permet à chacun de trouver le lieu le plus proche."
            ),
            heading("Neuf points d’accueil de services publics"),
            para(
                "Neuf points d’accueil de services publics complètent ce maillage : on peut y "
                "être accompagné pour ses démarches administratives en ligne."
            ),
        ],
    ),
    News(
        "demarches-en-ligne-se-faire-accompagner",
        "Démarches en ligne : se faire accompagner près de chez soi",
        47,
        "Créer un compte, prendre rendez-vous, envoyer un justificatif : les lieux du réseau "
        "accompagnent les démarches en ligne, sans faire à la place des personnes.",
        ["inclusion numérique"],
        [
            para(
                "De plus en plus de démarches se font en ligne. Dans les espaces publics "
                "numériques du réseau, un médiateur numérique aide à les accomplir : créer une "
                "adresse de messagerie, retrouver un mot de passe, numériser un justificatif, "
                "remplir un formulaire."
            ),
            para(
                "Dans le Lot, 9 points d’accueil de services publics assurent cet "
                "accompagnement, aux côtés des espaces publics numériques du département."
            ),
            heading("Accompagner sans faire à la place"),
            para(
                "Comme le prévoit la charte du réseau, le médiateur explique chaque étape pour "
                "que la personne puisse, la fois suivante, avancer seule. Les informations "
                "personnelles confiées restent confidentielles."
            ),
        ],
    ),
    News(
        "saint-etienne-16-espaces",
        "Saint-Étienne : 16 espaces de pratiques numériques ouverts aux habitants",
        61,
        "À Saint-Étienne, 16 espaces de pratiques numériques accueillent les habitants pour "
        "apprendre, pratiquer et se faire aider.",
        ["territoires", "ateliers"],
        [
            para(
                "Les 16 espaces de pratiques numériques de Saint-Étienne proposent des ateliers "
                "d’initiation, des temps de pratique libre et de l’accompagnement individuel. "
                "Débutants et utilisateurs confirmés y sont accueillis."
            ),
            para(
                "Leurs animateurs partagent avec le reste du réseau leurs supports d’ateliers, "
                "notamment sur les logiciels libres et l’accessibilité."
            ),
        ],
    ),
    News(
        "bras-sur-meuse-fablab",
        "Bras-sur-Meuse : un fablab ouvert à tous les habitants",
        75,
        "Le fablab de Bras-sur-Meuse propose trois ateliers par semaine, à "
        f"8{NBSP}€ la séance, avec une adhésion annuelle de 30{NBSP}€.",
        ["fablab", "ateliers"],
        [
            para(
                "Imprimante 3D et autres machines : le fablab de Bras-sur-Meuse met ses "
                "équipements à la disposition des habitants et les accompagne dans leurs "
                "projets."
            ),
            heading("Trois ateliers par semaine"),
            para(
                f"Trois ateliers ont lieu chaque semaine. La séance coûte 8{NBSP}€ et "
                f"l’adhésion annuelle 30{NBSP}€. Les débutants sont les bienvenus : on y "
                "apprend à utiliser les machines en fabriquant un premier objet."
            ),
        ],
    ),
    News(
        "bras-sur-meuse-repair-cafe",
        "Le repair café de Bras-sur-Meuse donne une seconde vie aux objets",
        89,
        "À côté de son fablab, Bras-sur-Meuse anime un repair café : on y apprend à réparer "
        "ses objets plutôt que de les jeter.",
        ["fablab", "territoires"],
        [
            para(
                "Petit électroménager, lampe, ordinateur qui ne démarre plus : au repair café, "
                "les habitants apportent leurs objets en panne et apprennent à les réparer, "
                "accompagnés par l’équipe du fablab."
            ),
            para(
                "Réparer, c’est aussi comprendre comment fonctionnent les objets : le repair "
                "café prolonge l’esprit du fablab, où l’on apprend en faisant."
            ),
        ],
    ),
    News(
        "espace-membres-animateurs",
        "Animateurs : un espace en ligne pour partager ses solutions",
        103,
        "Forum, fichiers partagés, calendriers, groupes de travail : l’espace membres de "
        "Maillage permet aux animateurs des lieux du réseau de travailler ensemble.",
        ["inclusion numérique", "territoires"],
        [
            para(
                "Une imprimante qui refuse de fonctionner, un atelier à préparer, un support à "
                "mettre à jour : un animateur est rarement le premier à se poser la question. "
                "Dans le forum de l’espace membres, un lieu qui rencontre un problème peut "
                "demander aux autres comment ils l’ont résolu."
            ),
            para(
                "Les groupes de travail réunissent les animateurs autour d’un sujet : "
                "préparation d’un cycle d’ateliers, accessibilité, fablab…"
            ),
        ],
    ),
]

PRESS_INTRO = (
    "Les espaces publics numériques du réseau dans la presse régionale. Contenu de "
    "démonstration : les résumés ci-dessous sont des exemples, et chaque lien mène à la page "
    "d’accueil du journal."
)
# (days ago, outlet, home page of the outlet, title, neutral summary)
PRESS = [
    (
        10,
        "L’Est Républicain",
        "https://www.estrepublicain.fr/",
        f"Pays de Montbéliard : les espaces publics numériques ont formé 2{NBSP}500 personnes "
        "en un an",
        "L’article revient sur le bilan annuel des 23 EPN de l’agglomération et sur le format "
        "de leurs ateliers, limités à 12 participants.",
    ),
    (
        26,
        "La Dépêche du Midi",
        "https://www.ladepeche.fr/",
        "Lot : une plateforme pour trouver l’espace public numérique le plus proche",
        "Présentation de la plateforme départementale qui recense les espaces publics "
        "numériques du Lot et de ses 9 points d’accueil de services publics.",
    ),
    (
        41,
        "Le Progrès",
        "https://www.leprogres.fr/",
        "Saint-Étienne : 16 espaces de pratiques numériques pour les habitants",
        "Le journal présente les espaces de pratiques numériques stéphanois et les ateliers "
        "qu’ils proposent aux habitants.",
    ),
    (
        72,
        "L’Est Républicain",
        "https://www.estrepublicain.fr/",
        "Bras-sur-Meuse : fablab et repair café au service des habitants",
        "Reportage sur le fablab du village, ses trois ateliers hebdomadaires et son repair café.",
    ),
    (
        96,
        "La Dépêche du Midi",
        "https://www.ladepeche.fr/",
        "Démarches en ligne : où se faire accompagner dans le Lot",
        "Un point sur les lieux où les habitants peuvent être aidés dans leurs démarches "
        "administratives en ligne.",
    ),
    (
        131,
        "L’Est Éclair",
        "https://www.lest-eclair.fr/",
        "Inclusion numérique : les espaces publics numériques se mettent en réseau",
        "L’article décrit comment des réseaux d’espaces publics numériques mettent en commun "
        "leurs ressources et leurs méthodes.",
    ),
]

FIGURES_HEADER = ["territoire", "indicateur", "valeur", "unité"]
FIGURES_ROWS: list[list[str | int]] = [
    ["Pays de Montbéliard", "espaces publics numériques", 23, "lieux"],
    ["Pays de Montbéliard", "personnes formées en un an", 2500, "personnes"],
    ["Pays de Montbéliard", "participants par atelier (au plus)", 12, "personnes"],
    ["Pays de Montbéliard", "séances par cycle d’ateliers", 5, "séances de 2 heures"],
    ["Pays de Montbéliard", "tarif d’un cycle", 35, "euros"],
    ["Lot", "points d’accueil de services publics", 9, "lieux"],
    ["Saint-Étienne", "espaces de pratiques numériques", 16, "lieux"],
    ["Bras-sur-Meuse", "ateliers du fablab par semaine", 3, "ateliers"],
    ["Bras-sur-Meuse", "tarif d’une séance", 8, "euros"],
    ["Bras-sur-Meuse", "adhésion annuelle", 30, "euros"],
]


@dataclass
class DemoFile:
    title: str
    filename: str
    description: str
    make: Callable[[], bytes]  # called only when the dossier is created


@dataclass
class Dossier:
    slug: str
    title: str
    kind: str
    days_ago: int
    intro: str
    body: list[dict[str, Any]]
    files: list[DemoFile] = field(default_factory=list)


def _figures_pdf() -> bytes:
    return pdf_bytes(
        "Les chiffres clés du réseau",
        [
            (
                "Quatre territoires, quatre façons de faire",
                [
                    f"Pays de Montbéliard : 23 espaces publics numériques ; 2{NBSP}500 "
                    "personnes formées en un an ; ateliers de 12 personnes au plus, en cycles "
                    f"de cinq séances de deux heures pour 35{NBSP}€.",
                    "Lot : une plateforme départementale des espaces publics numériques et 9 "
                    "points d’accueil de services publics.",
                    "Saint-Étienne : 16 espaces de pratiques numériques.",
                    f"Bras-sur-Meuse : un fablab et un repair café ; trois ateliers par "
                    f"semaine à 8{NBSP}€ la séance, adhésion annuelle de 30{NBSP}€.",
                ],
            ),
            (
                "Ce que l’on en retient",
                [
                    "Des groupes réduits et des cycles de plusieurs séances laissent le temps "
                    "de pratiquer.",
                    "Des tarifs modestes et affichés à l’avance lèvent un frein à l’inscription.",
                    "Un réseau départemental rend les lieux visibles et permet de s’orienter "
                    "les uns les autres.",
                ],
            ),
        ],
    )


def _presentation_pdf() -> bytes:
    return pdf_bytes(
        "Présentation du réseau Maillage",
        [
            (
                "Maillage, le réseau des espaces publics numériques",
                [
                    "Des lieux ouverts à tous pour apprendre, se faire aider, fabriquer et "
                    "partager ; et les personnes qui les animent."
                ],
            ),
            (
                "Un EPN, qu’est-ce que c’est ?",
                [
                    "Un lieu où l’on apprend à se servir d’un ordinateur, d’une tablette ou "
                    "d’un smartphone.",
                    "Un lieu où l’on se fait aider pour ses démarches en ligne.",
                    "Un lieu où l’on découvre ce que le numérique permet de créer.",
                ],
            ),
            (
                "Quatre territoires du réseau",
                [
                    f"Pays de Montbéliard : 23 EPN, 2{NBSP}500 personnes formées en un an.",
                    "Lot : une plateforme départementale et 9 points d’accueil de services "
                    "publics.",
                    "Saint-Étienne : 16 espaces de pratiques numériques.",
                    "Bras-sur-Meuse : un fablab et un repair café.",
                ],
            ),
            (
                "Ce que le réseau apporte",
                [
                    "Une carte publique des lieux, de leurs horaires et de leurs ateliers.",
                    "Un espace membres : forum, fichiers, calendriers, groupes de travail.",
                    "Une charte commune.",
                ],
            ),
        ],
    )


def _press_kit_pdf() -> bytes:
    return pdf_bytes(
        "Dossier de presse – Maillage",
        [
            (
                "Le réseau en bref",
                [
                    "Maillage relie des espaces publics numériques et les animateurs qui les "
                    "font vivre. Sur le site public, chacun trouve le lieu le plus proche, ses "
                    "horaires et ses ateliers.",
                ],
            ),
            (
                "Chiffres clés",
                [
                    f"23 EPN et 2{NBSP}500 personnes formées en un an dans le Pays de Montbéliard.",
                    "9 points d’accueil de services publics dans le Lot.",
                    "16 espaces de pratiques numériques à Saint-Étienne.",
                    f"3 ateliers par semaine au fablab de Bras-sur-Meuse, à 8{NBSP}€ la séance.",
                ],
            ),
            (
                "Contact presse",
                ["Coordination du réseau Maillage : coordination@maillage.localhost"],
            ),
        ],
    )


def charter_pdf() -> bytes:
    return pdf_bytes(
        "La charte du réseau Maillage",
        [("La charte du réseau", [CHARTER_INTRO])]
        + [(heading, [text]) for heading, text in CHARTER_PRINCIPLES],
    )


DOSSIERS = [
    Dossier(
        "chiffres-cles-du-reseau",
        "Les chiffres clés du réseau",
        DossierKind.STUDY,
        40,
        "Une synthèse des chiffres publiés par quatre territoires du réseau : lieux, personnes "
        "formées, formats d’ateliers et tarifs.",
        [
            para(
                "Quatre territoires, quatre façons d’organiser l’accompagnement au numérique. "
                "Cette synthèse rassemble leurs chiffres pour les comparer et en tirer quelques "
                "enseignements."
            ),
            heading("Ce que l’on en retient"),
            para(
                "Des groupes réduits, des cycles de plusieurs séances et des tarifs modestes "
                "affichés à l’avance favorisent l’assiduité ; un réseau départemental rend les "
                "lieux visibles et leur permet de s’orienter les uns les autres."
            ),
        ],
        [
            DemoFile(
                "Synthèse : les chiffres clés du réseau",
                "chiffres-cles-du-reseau.pdf",
                "La synthèse en deux pages.",
                _figures_pdf,
            ),
            DemoFile(
                "Tableau des chiffres clés",
                "chiffres-cles-du-reseau.csv",
                "Les chiffres par territoire, à ouvrir dans un tableur.",
                lambda: csv_bytes(FIGURES_HEADER, FIGURES_ROWS),
            ),
        ],
    ),
    Dossier(
        "presentation-du-reseau",
        "Présentation du réseau Maillage",
        DossierKind.PRESENTATION,
        80,
        "Le support de présentation du réseau, pour les élus, les partenaires et les lieux "
        "qui souhaitent le rejoindre.",
        [
            para(
                "Ce support présente en quelques pages ce qu’est un espace public numérique, "
                "quatre territoires du réseau et ce que Maillage apporte aux lieux membres."
            )
        ],
        [
            DemoFile(
                "Présentation du réseau Maillage",
                "presentation-du-reseau-maillage.pdf",
                "Le support de présentation, en quatre pages.",
                _presentation_pdf,
            )
        ],
    ),
    Dossier(
        "dossier-de-presse",
        "Dossier de presse",
        DossierKind.PRESS_KIT,
        15,
        "Le réseau en bref, ses chiffres clés et le contact presse.",
        [
            para(
                "Journalistes : vous trouverez ici le dossier de presse du réseau. Pour toute "
                "demande, contactez la coordination du réseau."
            )
        ],
        [
            DemoFile(
                "Dossier de presse du réseau Maillage",
                "dossier-de-presse-maillage.pdf",
                "Présentation du réseau, chiffres clés et contact.",
                _press_kit_pdf,
            ),
            DemoFile(
                "Chiffres clés du réseau",
                "chiffres-cles-presse.csv",
                "Les chiffres clés, à ouvrir dans un tableur.",
                lambda: csv_bytes(FIGURES_HEADER, FIGURES_ROWS),
            ),
        ],
    ),
]
