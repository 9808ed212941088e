"""The forum's demo content: the network's categories and realistic French threads, some
solved. Idempotent: topics are recognised by title."""

from __future__ import annotations

from django.db import transaction

from core.accounts.models import User
from core.workspaces.models import Workspace
from forum.models import Category, Topic
from forum.services import category_create, post_create, solution_set, topic_create

NETWORK_CATEGORIES = [
    ("Matériel et réseaux", "Imprimantes, postes publics, wifi, tablettes : pannes et solutions."),
    ("Logiciels libres", "Linux, LibreOffice, navigateurs : installer, configurer, former."),
    ("Démarches en ligne", "ANTS, impots.gouv, CAF, Ameli : ce qui change et comment aider."),
    ("Animation d'ateliers", "Déroulés, supports, évaluation : partager ce qui marche."),
    ("Financements", "Appels à projets, conventions, Pass numérique, conseillers numériques."),
]

# (category, title, asker, question, answers [(author, text)], index of the solution or None, tags)
THREADS = [
    (
        "Matériel et réseaux",
        "Imprimante Brother introuvable sous Ubuntu 24.04",
        "gourdon",
        "Bonjour à tous,\n\nDepuis la mise à jour de nos postes publics en **Ubuntu 24.04**, "
        "l'imprimante Brother HL-L2350DW n'est plus détectée. Le pilote du fabricant "
        "s'installe mais l'impression reste « en attente ».\n\nQuelqu'un a déjà résolu ça ?",
        [
            (
                "saint_etienne",
                "Oui, on a eu exactement ça à Tarentaize ! Le pilote propriétaire entre en "
                "conflit avec *IPP Everywhere*. Supprimez l'imprimante, puis :\n\n"
                "```bash\nsudo apt install printer-driver-brlaser\n"
                "sudo systemctl restart cups\n```\n\n"
                "et ajoutez-la de nouveau en choisissant le pilote **brlaser**.",
            ),
            (
                "montbeliard",
                "Même souci chez nous, la solution de Nadia marche aussi sur la HL-L2310D.",
            ),
            ("gourdon", "Merci, c'est réglé ! Je garde la commande dans notre fiche d'entretien."),
        ],
        0,
        ["linux", "imprimante", "ubuntu"],
    ),
    (
        "Démarches en ligne",
        "Prise de rendez-vous ANTS : le captcha bloque les usagers malvoyants",
        "montbeliard",
        "Plusieurs usagers malvoyants n'arrivent pas à passer le captcha de la prise de "
        "rendez-vous pour les cartes d'identité. Vous avez une parade ?",
        [
            (
                "admin_lot",
                "Le captcha audio existe (icône haut-parleur) mais il est peu connu. "
                "Dans les points d'accès du Lot, on le montre systématiquement. Sinon la "
                "mairie peut prendre le rendez-vous par téléphone.",
            ),
        ],
        0,
        ["accessibilité", "ants"],
    ),
    (
        "Animation d'ateliers",
        "Vos supports pour un cycle « premiers pas sur tablette » ?",
        "bras",
        "On lance un cycle de cinq séances de deux heures pour les seniors, à 12 "
        "personnes maximum. Vous partagez vos déroulés ?",
        [
            (
                "montbeliard",
                "À Montbéliard on suit ce plan :\n\n1. allumer, déverrouiller, les gestes\n"
                "2. les applications et le Play Store\n3. photos et partage\n"
                "4. messagerie et visio\n5. sécurité et arnaques\n\n"
                "Avec une évaluation de satisfaction à la fin de la cinquième séance.",
            ),
        ],
        None,
        ["ateliers", "tablette", "seniors"],
    ),
    (
        "Logiciels libres",
        "Quel navigateur pour les postes en libre accès ?",
        "saint_etienne",
        "On hésite entre Firefox avec une session invitée et Chromium en mode kiosque. "
        "Vos retours ?",
        [],
        None,
        ["navigateur", "postes-publics"],
    ),
]


@transaction.atomic
def load_forum_demo(people: dict[str, User], network: Workspace) -> int:
    """Create what is missing; return the number of topics created."""
    coordinator = people["coordinator"]
    categories = {c.name: c for c in Category.objects.filter(workspace=network)}
    for name, description in NETWORK_CATEGORIES:
        if name not in categories:
            categories[name] = category_create(
                actor=coordinator, workspace=network, name=name, description=description
            )
    created = 0
    for category_name, title, asker, question, answers, solution, tags in THREADS:
        if Topic.objects.filter(title=title).exists():
            continue
        topic = topic_create(
            actor=people[asker],
            category=categories[category_name],
            title=title,
            body=question,
            tags=tags,
        )
        posts = [
            post_create(actor=people[author], topic=topic, body=text) for author, text in answers
        ]
        if solution is not None:
            solution_set(actor=people[asker], topic=topic, post=posts[solution])
        created += 1
    return created
