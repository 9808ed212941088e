"""Reads of the activity feed, checked against the permission authority in bulk."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from core import registry
from core.accounts.models import User
from core.activity.models import Activity, Follow
from core.permissions import allowed_references, workspaces_readable_by
from core.workspaces.models import Membership, MembershipStatus, Workspace

PAGE_SIZE = 20


def followed_user_ids(user: User) -> QuerySet:
    return Follow.objects.filter(follower=user, user__isnull=False).values("user_id")


def is_following(user: User, target) -> bool:
    if not user.is_authenticated:
        return False
    if isinstance(target, Workspace):
        return Follow.objects.filter(follower=user, workspace=target).exists()
    return Follow.objects.filter(follower=user, user=target).exists()


def _place_ids(user: User) -> QuerySet | None:
    # The places one works at come from the directory when it is installed (the reverse
    # side of its many-to-many to users); the kernel does not import it.
    if hasattr(user, "places"):
        return user.places.values("pk")
    return None


def feed_scope(user: User) -> Q:
    """The items of one's feed: followed colleagues, followed and joined groups, one's
    places, and oneself."""
    mine = Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE).values(
        "workspace_id"
    )
    followed_groups = Follow.objects.filter(follower=user, workspace__isnull=False).values(
        "workspace_id"
    )
    scope = (
        Q(actor=user)
        | Q(actor_id__in=followed_user_ids(user))
        | Q(workspace_id__in=mine)
        | Q(workspace_id__in=followed_groups)
    )
    places = _place_ids(user)
    if places is not None:
        scope |= Q(place_id__in=places)
    return scope


def readable(user: User, qs: QuerySet[Activity]) -> QuerySet[Activity]:
    """Items outside groups, or in groups `user` may read (in SQL: a secret group's items
    are never fetched, so never counted)."""
    return qs.filter(Q(workspace__isnull=True) | Q(workspace__in=workspaces_readable_by(user)))


def keep_allowed(user: User, items: Iterable[Activity]) -> list[Activity]:
    """The items whose subject `user` may view: one query per kind of subject."""
    items = list(items)
    by_kind: dict[str, set[str]] = defaultdict(set)
    refs = []
    for item in items:
        kind = registry.feed_kinds.get(item.kind)
        if kind is None:
            continue  # a module no longer installed
        if kind.visible is not None:
            by_kind[item.kind].add(item.subject_id)
        else:
            refs.append((item.subject_type_id, item.subject_id))
    allowed = allowed_references(user, "view", refs) if refs else set()
    allowed_by_kind = {
        key: registry.feed_kinds.get(key).visible(user, ids) for key, ids in by_kind.items()
    }
    kept = [
        item
        for item in items
        if (item.subject_type_id, item.subject_id) in allowed
        or item.subject_id in allowed_by_kind.get(item.kind, ())
    ]
    for item in kept:
        item.verb = registry.feed_kinds.get(item.kind).verb
    return kept


@dataclass
class FeedPage:
    items: list[Activity]
    next_before: int | None  # older items: ?before=<this>
    newest: int  # the highest id read (for live updates: ?after=<this>)


def feed_page(
    user: User,
    *,
    kinds: Iterable[str] = (),
    workspace: Workspace | None = None,
    actor: User | None = None,
    before: int | None = None,
    after: int | None = None,
    limit: int = PAGE_SIZE,
    scope: Q | None = None,
) -> FeedPage:
    """One page of `user`'s feed, newest first, in a number of queries that does not grow
    with the page (one for the items, one per kind of subject for the permission check)."""
    qs = Activity.objects.filter(feed_scope(user) if scope is None else scope)
    kinds = [k for k in kinds if k]
    if kinds:
        qs = qs.filter(kind__in=kinds)
    if workspace is not None:
        qs = qs.filter(workspace=workspace)
    if actor is not None:
        qs = qs.filter(actor=actor)
    if before is not None:
        qs = qs.filter(pk__lt=before)
    if after is not None:
        qs = qs.filter(pk__gt=after)
    rows = list(
        readable(user, qs).select_related("actor", "workspace").order_by("-pk")[: limit + 1]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    items = keep_allowed(user, rows)
    return FeedPage(
        items=items,
        next_before=rows[-1].pk if more and rows else None,
        newest=rows[0].pk if rows else (after or 0),
    )


def group_activity(user: User, workspaces: Iterable[Workspace], limit: int = 8) -> list[Activity]:
    """The latest items of some groups, for the desktop."""
    ids = [w.pk for w in workspaces]
    if not ids:
        return []
    return feed_page(user, scope=Q(workspace_id__in=ids), limit=limit).items
