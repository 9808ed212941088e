"""Writes of the activity feed: what modules record, and following."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from core import registry
from core.accounts.models import User
from core.activity.models import Activity, Follow
from core.permissions import can
from core.realtime import broadcast_on_commit, user_group
from core.workspaces.models import MembershipStatus, Visibility, Workspace, WorkspaceKind

# Above this many live recipients the feed is not pushed: they see it on their next visit.
LIVE_AUDIENCE_LIMIT = 2000


def activity_record(
    *,
    kind: str,
    actor: User | None,
    subject: Model,
    title: str,
    url: str,
    workspace: Workspace | None = None,
    place_id: int | None = None,
) -> Activity | None:
    """Record that `actor` did something on `subject`, for the feeds of whoever follows the
    actor, the group or the place; then tell their open pages, after commit.

    Nothing is recorded from a personal desktop: it is private to its owner.
    """
    if kind not in registry.feed_kinds:
        raise ValueError(f"Unknown feed kind {kind!r}: register it in core.registry.feed_kinds")
    if workspace is not None and workspace.kind == WorkspaceKind.PERSONAL:
        return None
    activity = Activity.objects.create(
        kind=kind,
        actor=actor,
        workspace=workspace,
        place_id=place_id,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=str(subject.pk),
        title=str(title)[:300],
        url=url[:500],
    )
    for user_id in live_audience(activity):
        broadcast_on_commit(user_group(user_id), {"type": "feed.item", "id": activity.pk})
    return activity


def live_audience(activity: Activity) -> set[int]:
    """Who is told at once: followers of the actor, of the group, the group's members and
    the place's team; for a group only those who may read it (a secret group's items reach
    no one outside it, not even as a signal). The feed itself asks the permission authority
    again about every item it shows."""
    ids: set[int] = set()
    if activity.actor_id:
        ids |= set(
            Follow.objects.filter(user_id=activity.actor_id).values_list("follower_id", flat=True)
        )
    workspace = activity.workspace
    members: set[int] = set()
    if workspace is not None:
        members = set(
            workspace.memberships.filter(status=MembershipStatus.ACTIVE).values_list(
                "user_id", flat=True
            )
        )
        ids |= members
        ids |= set(Follow.objects.filter(workspace=workspace).values_list("follower_id", flat=True))
    if activity.place_id is not None and hasattr(User, "places"):
        ids |= set(User.objects.filter(places__id=activity.place_id).values_list("pk", flat=True))
    if workspace is not None and (
        workspace.visibility == Visibility.SECRET or workspace.archived_at is not None
    ):
        ids &= members
    if len(ids) > LIVE_AUDIENCE_LIMIT:
        return set()
    return set(User.objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True))


def activity_forget(subject: Model) -> None:
    """Remove the feed items about `subject` (deleted)."""
    Activity.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=str(subject.pk)
    ).delete()


def follow_set(*, follower: User, target: Any, follow: bool = True) -> bool:
    """Follow (or stop following) a colleague or a group. Returns whether now following."""
    if isinstance(target, User):
        if target.pk == follower.pk:
            raise ValidationError(_("You cannot follow yourself."))
        if follow and not can(follower, "view", target):
            raise ValidationError(_("You cannot follow this person."))
        lookup = {"user": target}
    elif isinstance(target, Workspace):
        if follow and (target.kind != WorkspaceKind.GROUP or not can(follower, "read", target)):
            raise ValidationError(_("You cannot follow this group."))
        lookup = {"workspace": target}
    else:
        raise ValidationError(_("Only colleagues and groups can be followed."))
    with transaction.atomic():
        if follow:
            Follow.objects.get_or_create(follower=follower, **lookup)
        else:
            Follow.objects.filter(follower=follower, **lookup).delete()
    return follow
