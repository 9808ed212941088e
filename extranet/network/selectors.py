"""Reads of the network of colleagues: profiles' parts, status posts, who can help."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.urls import NoReverseMatch, reverse

from core.accounts.models import User
from core.permissions import users_visible_to, workspaces_readable_by
from core.workspaces.models import MembershipStatus, Workspace, WorkspaceKind
from extranet.network.models import StatusComment, StatusReaction
from extranet.network.permissions import statuses_visible_to

EARTH_RADIUS_KM = 6371.0
HELP_RESULTS = 30
MAX_KM = 500


def groups_in_common(viewer: User, person: User) -> QuerySet[Workspace]:
    """Groups both belong to, that `viewer` may read (a secret one only if a member)."""
    if viewer.pk == person.pk:
        return Workspace.objects.none()
    active = {"memberships__status": MembershipStatus.ACTIVE}
    return (
        workspaces_readable_by(viewer)
        .filter(kind=WorkspaceKind.GROUP, memberships__user=viewer, **active)
        .filter(pk__in=Workspace.objects.filter(memberships__user=person, **active).values("pk"))
        .order_by("name")
        .distinct()
    )


def statuses(viewer: User, *, author: User | None = None, pks=None, limit: int = 10) -> list:
    """Status posts with their counts, comments and whether `viewer` reacted: four queries
    whatever their number."""
    qs = statuses_visible_to(viewer)
    if author is not None:
        qs = qs.filter(author=author)
    if pks is not None:
        qs = qs.filter(pk__in=pks)
    qs = (
        qs.select_related("author__home_territory", "picture")
        .annotate(
            reaction_count=Count("reactions", distinct=True),
            reacted=Exists(StatusReaction.objects.filter(status=OuterRef("pk"), user=viewer)),
        )
        .prefetch_related(
            Prefetch(
                "comments",
                queryset=StatusComment.objects.select_related("author").order_by("pk"),
                to_attr="comment_list",
            )
        )
        .order_by("-pk")
    )
    found = list(qs[:limit])
    if author is not None:
        # One author object for all: what the permission checks cache on it is shared.
        for status in found:
            status.author = author
    return found


def message_url(person: User) -> str | None:
    """Where to start a direct message with `person`, if a chat module is installed (it
    names its view "chat:direct", taking the person's id); the network never imports it."""
    try:
        return reverse("chat:direct", args=[person.pk])
    except NoReverseMatch:
        return None


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@dataclass
class Helper:
    person: User
    km: float | None
    place: str


def my_place_points(user: User) -> list[tuple[float, float]]:
    # Places come from the directory (the reverse side of its link to users), when installed.
    if not hasattr(user, "places"):
        return []
    return [
        (lat, lon)
        for lat, lon in user.places.filter(
            latitude__isnull=False, longitude__isnull=False
        ).values_list("latitude", "longitude")
    ]


def who_can_help(user: User, *, skill: str = "", km: int = 50) -> tuple[list[Helper], bool]:
    """Colleagues with `skill` working at a place within `km` of one of `user`'s places,
    nearest first. Without a place of one's own, colleagues with the skill, by name.
    Returns (helpers, located) where `located` says whether distances apply. Three queries."""
    people = users_visible_to(user).filter(is_active=True).exclude(pk=user.pk)
    if skill:
        people = people.filter(skills__name__iexact=skill)
    mine = my_place_points(user)
    if not mine:
        found = people.select_related("home_territory").order_by("display_name")[:HELP_RESULTS]
        return [Helper(p, None, "") for p in found], False
    lat_span = km / 111.0
    best: dict[int, tuple[float, str]] = {}
    for lat0, lon0 in mine:
        lon_span = km / (111.0 * max(math.cos(math.radians(lat0)), 0.01))
        rows = people.filter(
            places__latitude__range=(lat0 - lat_span, lat0 + lat_span),
            places__longitude__range=(lon0 - lon_span, lon0 + lon_span),
        ).values_list("pk", "places__latitude", "places__longitude", "places__nom")
        for pk, lat, lon, name in rows:
            distance = _km(lat0, lon0, lat, lon)
            if distance <= km and (pk not in best or distance < best[pk][0]):
                best[pk] = (distance, name)
    nearest = sorted(best.items(), key=lambda kv: (kv[1][0], kv[0]))[:HELP_RESULTS]
    persons = User.objects.select_related("home_territory").in_bulk([pk for pk, _ in nearest])
    return [Helper(persons[pk], round(d, 1), name) for pk, (d, name) in nearest], True
