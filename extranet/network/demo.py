"""The network's part of the demo: who follows whom, a few status posts with comments and
thanks, notes and bookmarks on the desktops. Idempotent: a second run adds nothing."""

from __future__ import annotations

from core.activity.models import Follow
from core.activity.services import follow_set
from extranet.network.models import StatusComment, StatusPost, StatusReaction

FOLLOWS = [
    ("montbeliard", "gourdon"),
    ("montbeliard", "saint_etienne"),
    ("montbeliard", "bras"),
    ("gourdon", "montbeliard"),
    ("saint_etienne", "montbeliard"),
    ("admin_pma", "montbeliard"),
    ("coordinator", "admin_lot"),
    ("coordinator", "admin_pma"),
]

STATUSES = [
    (
        "gourdon",
        "Premier atelier « smartphone pour les seniors » ce matin à Gourdon : 9 inscrits, "
        "tous revenus la semaine prochaine !",
        "",
        [("montbeliard", "Bravo ! Tu partages ton déroulé ?")],
    ),
    (
        "saint_etienne",
        "Nous cherchons des idées d'ateliers autour de l'IA générative pour le public "
        "éloigné du numérique. Qui a déjà testé ?",
        "",
        [("montbeliard", "On en parle au prochain café des animateurs ?")],
    ),
    (
        "bras",
        "Le repair café accueille désormais des ordinateurs : apportez vos vieux portables.",
        "https://www.laposte.fr/",
        [],
    ),
]


def load_network_social_demo(people: dict) -> int:
    added = 0
    for follower, followed in FOLLOWS:
        if follower not in people or followed not in people:
            continue
        if not Follow.objects.filter(follower=people[follower], user=people[followed]).exists():
            follow_set(follower=people[follower], target=people[followed])
            added += 1
    for author, text, link, comments in STATUSES:
        if (
            author not in people
            or StatusPost.objects.filter(author=people[author], text=text).exists()
        ):
            continue
        from extranet.network.services import status_create

        status = status_create(author=people[author], text=text, link=link)
        added += 1
        for who, comment in comments:
            if who in people:
                StatusComment.objects.create(status=status, author=people[who], text=comment)
                StatusReaction.objects.get_or_create(status=status, user=people[who])
    return added
