"""Reads of notifications, always filtered through the permission authority."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.accounts.models import User
from core.notifications.models import Notification, Verb
from core.permissions import can
from core.workspaces.models import MembershipRole

# The sentence shown for each verb. %(actor)s is who acted, %(target)s what it concerns.
SENTENCES = {
    Verb.GROUP_INVITED: _("%(actor)s invited you to join the group %(target)s."),
    Verb.GROUP_REQUESTED: _("%(actor)s asked to join the group %(target)s."),
    Verb.GROUP_REQUEST_ACCEPTED: _("Your request to join the group %(target)s was accepted."),
    Verb.GROUP_REQUEST_REFUSED: _("Your request to join the group %(target)s was declined."),
    Verb.GROUP_INVITATION_ACCEPTED: _(
        "%(actor)s accepted your invitation to the group %(target)s."
    ),
    Verb.GROUP_ROLE_CHANGED: _("%(actor)s made you %(role)s of the group %(target)s."),
    Verb.GROUP_REMOVED: _("%(actor)s removed you from the group %(target)s."),
    Verb.GROUP_JOINED: _("%(actor)s joined the group %(target)s."),
    Verb.NETWORK_INVITATION_ACCEPTED: _("%(actor)s accepted your invitation to the network."),
}

# Unread notifications counted for the header badge; past this the badge shows "N+".
UNREAD_COUNT_LIMIT = 99


def notification_text(notification: Notification) -> str:
    data = notification.data or {}
    role = data.get("role")
    words = {
        "actor": str(notification.actor) if notification.actor else _("Someone"),
        "target": str(notification.target) if notification.target else data.get("target", ""),
        "role": MembershipRole(role).label.lower() if role in MembershipRole.values else "",
    }
    return str(SENTENCES[Verb(notification.verb)]) % words


def notification_url(notification: Notification) -> str:
    target = notification.target
    get_url = getattr(target, "get_absolute_url", None)
    return get_url() if get_url else ""


def notifications_for(user: User) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(recipient=user)
        .select_related("actor", "target_type")
        .prefetch_related("target")
    )


def visible(user: User, notifications: Iterable[Notification]) -> list[Notification]:
    """Keep what the user may still see (a notification about a group they left is not)."""
    return [n for n in notifications if can(user, "view", n)]


def unread_count(user: User) -> int:
    unread = notifications_for(user).filter(read_at__isnull=True)[: UNREAD_COUNT_LIMIT + 1]
    return len(visible(user, unread))


def notifications_after(user: User, seq: int, limit: int = 50) -> tuple[list[Notification], int]:
    """What a live client missed since `seq`, oldest first, and the last sequence examined."""
    batch = list(notifications_for(user).filter(seq__gt=seq).order_by("seq")[:limit])
    return visible(user, batch), (batch[-1].seq if batch else seq)


def notification_payload(notification: Notification) -> dict[str, Any]:
    """What the live stream sends for one notification (already permission-checked)."""
    return {
        "id": notification.pk,
        "seq": notification.seq,
        "verb": notification.verb,
        "text": notification_text(notification),
        "url": notification_url(notification),
        "created_at": notification.created_at.isoformat(),
        "read": notification.is_read,
    }
