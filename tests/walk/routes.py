"""Every named route of the project's URLconf, with its arguments filled from the demo data.

A route's arguments are found by convention, not listed per page: each argument is looked
up in `ARGUMENTS` by the last literal segment of the path before it and its name
(`espace/forum/sujets/<int:pk>/` → `("sujets", "pk")` → a topic). A new page whose path
reuses a known pair (`espace/forum/sujets/<int:pk>/imprimer/`) is walked without anyone
adding it; a new pair stops the walk with a message saying which line to add here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.walk.data import Demo

# Routes that are not pages of the public site or of the members' area, and why.
EXCLUDED_PREFIXES = {
    # Wagtail's own editing interface: the coordinator's tool, whose budget is Wagtail's.
    "admin/": "the Wagtail admin",
}
EXCLUDED_NAMES = {
    # Wagtail serves the public site's pages through this catch-all: they are walked
    # from the page tree instead (every live page).
    "wagtail_serve": "Wagtail pages (walked from the page tree)",
}

# Routes that show something meaningful only with a query (a search without terms is an
# empty form): walked with this query string. Optional: a route not listed here is walked
# without one.
QUERIES = {
    "search": "q=num%C3%A9rique",
    "forum:search": "q=imprimante",
    "forum:similar": "q=imprimante",
    "forum:mentions": "q=so",
    "territories:search": "q=Montb",
    "geodirectory:directory": "q=Montb%C3%A9liard",
    "geodirectory:nearby": "lat=47.51&lon=6.80&limit=10",
    "geodirectory:geojson": "bbox=6.5,47.3,7.0,47.7",
}

Argument = Callable[[Demo], Any]

# (last literal segment before the argument, argument name) → its value in the demo data.
# Positional groups of regular expressions are named by their index ("0", "1").
ARGUMENTS: dict[tuple[str, str], Argument] = {
    # kernel: accounts, groups, notifications, network administration
    ("invitation", "token"): lambda d: d.invitation_token,
    # the language switch (a redirect that sets the language cookie)
    ("i18n", "code"): lambda d: "en",
    ("personnes", "pk"): lambda d: d.colleague.pk,
    ("comptes", "pk"): lambda d: d.colleague.pk,
    ("adhesions", "pk"): lambda d: d.membership_request.pk,
    ("groupes", "slug"): lambda d: d.group.slug,
    ("espaces", "slug"): lambda d: d.group.slug,
    ("notifications", "pk"): lambda d: d.notification.pk,
    ("desabonnement", "token"): lambda d: d.unsubscribe_token,
    ("invitations", "pk"): lambda d: d.invitation.pk,
    ("administrateurs", "pk"): lambda d: d.territory_role.pk,
    # allauth: e-mail confirmation and password reset links
    ("confirm-email", "key"): lambda d: d.email_confirmation_key,
    ("key", "uidb36"): lambda d: d.password_reset[0],
    ("key", "key"): lambda d: d.password_reset[1],
    # forum
    ("categories", "pk"): lambda d: d.category.pk,
    ("sujets", "pk"): lambda d: d.topic.pk,
    ("messages", "pk"): lambda d: d.post.pk,
    ("signalements", "pk"): lambda d: d.report.pk,
    ("etiquettes", "slug"): lambda d: d.tag.slug,
    ("pieces-jointes", "pk"): lambda d: d.attachment.pk,
    ("pieces-jointes", "name"): lambda d: d.attachment.name,
    # calendars and workshops
    ("calendriers", "pk"): lambda d: d.calendar.pk,
    ("evenements", "pk"): lambda d: d.event.pk,
    ("occurrences", "key"): lambda d: d.occurrence_key,
    ("ateliers", "pk"): lambda d: d.workshop.pk,
    ("ateliers", "slug"): lambda d: d.workshop.slug,
    ("inscriptions", "pk"): lambda d: d.registration.pk,
    ("seances", "pk"): lambda d: d.session.pk,
    ("inscription", "token"): lambda d: d.registration.token,
    ("avis", "token"): lambda d: d.survey_registration.token,
    ("flux", "token"): lambda d: d.feed_token.token,
    # directory of places
    ("lieux", "pk"): lambda d: d.place.pk,
    ("lieux", "place_pk"): lambda d: d.place.pk,
    ("lieux", "slug"): lambda d: d.place.slug,
    ("photos", "photo_pk"): lambda d: d.photo.pk,
    # shared files and their public links
    ("fichiers", "slug"): lambda d: d.group.slug,
    ("fichiers", "pk"): lambda d: d.file.pk,
    ("fichiers", "kind"): lambda d: "fichier",
    ("telecharger", "name"): lambda d: d.file.name,
    ("versions", "number"): lambda d: d.file.current.number,
    ("dossiers", "pk"): lambda d: d.folder.pk,
    ("liens", "pk"): lambda d: d.share_link.pk,
    ("partage", "token"): lambda d: d.share_link.token,
    ("dossiers", "folder_pk"): lambda d: d.subfolder.pk,
    ("fichiers", "file_pk"): lambda d: d.file.pk,
    # chat
    ("discussions", "pk"): lambda d: d.chat_room.pk,
    ("messages", "seq"): lambda d: d.chat_message.seq,
    ("fichiers-joints", "pk"): lambda d: d.chat_attachment.pk,
    ("avec", "user_pk"): lambda d: d.coordinator.pk,
    # desktop and network of colleagues
    ("widgets", "key"): lambda d: "groups.activity",
    ("favoris", "pk"): lambda d: d.bookmark.pk,
    ("statuts", "pk"): lambda d: d.status.pk,
    ("commentaires", "pk"): lambda d: d.status_comment.pk,
    # co-edited documents
    ("documents", "slug"): lambda d: d.group.slug,
    ("documents", "pk"): lambda d: d.co_document.pk,
    ("versions", "version"): lambda d: d.co_version.pk,
    ("exporter", "fmt"): lambda d: "md",
    # Wagtail: documents and private pages
    ("documents", "0"): lambda d: d.document.pk,
    ("documents", "1"): lambda d: d.document.filename,
    ("authenticate_with_password", "restriction_id"): lambda d: d.collection_restriction.pk,
    ("authenticate_with_password", "page_view_restriction_id"): lambda d: d.page_restriction.pk,
    ("authenticate_with_password", "page_id"): lambda d: d.page_restriction.page_id,
}

_PLACEHOLDER = re.compile(r"<(?:\w+:)?(?P<path>\w+)>|\(\?P<(?P<named>\w+)>|\((?!\?)")


class UnknownArgument(LookupError):
    pass


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str  # the whole path, prefixes included, as written in the URLconfs
    arguments: tuple[tuple[str, str], ...]  # (segment, name) in order of appearance

    @property
    def positional(self) -> bool:
        return any(name.isdigit() for _segment, name in self.arguments)


def _arguments(pattern: str) -> tuple[tuple[str, str], ...]:
    found = []
    position = 0
    for match in _PLACEHOLDER.finditer(pattern):
        name = match.group("path") or match.group("named")
        if name is None:
            name = str(position)
            position += 1
        before = pattern[: match.start()]
        literals = [
            s.strip("^$") for s in before.split("/") if s.strip("^$") and not _PLACEHOLDER.search(s)
        ]
        found.append((literals[-1] if literals else "", name))
    return tuple(found)


def _walk(patterns, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, prefix + str(entry.pattern)


def routes(urlconf: str | None = None) -> list[Route]:
    """The named routes to walk, each once (the first pattern of a name wins, as in reverse)."""
    seen: dict[str, Route] = {}
    for name, pattern in _walk(get_resolver(urlconf).url_patterns):
        if name in seen or name in EXCLUDED_NAMES:
            continue
        if pattern.lstrip("^").startswith(tuple(EXCLUDED_PREFIXES)):
            continue
        seen[name] = Route(name, pattern, _arguments(pattern))
    return list(seen.values())


def url_for(route: Route, demo: Demo, urlconf: str | None = None) -> str:
    """The route's address with its arguments taken from the demo data."""
    values = {}
    for segment, name in route.arguments:
        try:
            argument = ARGUMENTS[(segment, name)]
        except KeyError:
            raise UnknownArgument(
                f"The page walk cannot fill the argument {name!r} of the route "
                f"{route.name!r} ({route.pattern}): add ({segment!r}, {name!r}) to ARGUMENTS "
                f"in tests/walk/routes.py, with a function that takes it from the demo data "
                f"(tests/walk/data.py), so that this page is walked and its queries budgeted."
            ) from None
        values[name] = argument(demo)
    if route.positional:
        url = reverse(
            route.name, urlconf=urlconf, args=[values[str(i)] for i in range(len(values))]
        )
    else:
        url = reverse(route.name, urlconf=urlconf, kwargs=values)
    query = QUERIES.get(route.name)
    return f"{url}?{query}" if query else url
