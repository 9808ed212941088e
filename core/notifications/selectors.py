"""Reads of notifications, always filtered through the permission authority."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core import registry
from core.accounts.models import User
from core.notifications.models import EmailFrequency, EmailPreference, Notification, Verb
from core.permissions import can
from core.registry import NotificationKind
from core.workspaces.models import MembershipRole

# The kernel's own kinds; modules register theirs from their apps.py (core.registry).
KERNEL_KINDS = [
    NotificationKind(
        Verb.GROUP_INVITED,
        Verb.GROUP_INVITED.label,
        _("%(actor)s invited you to join the group %(target)s."),
    ),
    NotificationKind(
        Verb.GROUP_REQUESTED,
        Verb.GROUP_REQUESTED.label,
        _("%(actor)s asked to join the group %(target)s."),
    ),
    NotificationKind(
        Verb.GROUP_REQUEST_ACCEPTED,
        Verb.GROUP_REQUEST_ACCEPTED.label,
        _("Your request to join the group %(target)s was accepted."),
    ),
    NotificationKind(
        Verb.GROUP_REQUEST_REFUSED,
        Verb.GROUP_REQUEST_REFUSED.label,
        _("Your request to join the group %(target)s was declined."),
    ),
    NotificationKind(
        Verb.GROUP_INVITATION_ACCEPTED,
        Verb.GROUP_INVITATION_ACCEPTED.label,
        _("%(actor)s accepted your invitation to the group %(target)s."),
    ),
    NotificationKind(
        Verb.GROUP_ROLE_CHANGED,
        Verb.GROUP_ROLE_CHANGED.label,
        _("%(actor)s made you %(role)s of the group %(target)s."),
    ),
    NotificationKind(
        Verb.GROUP_REMOVED,
        Verb.GROUP_REMOVED.label,
        _("%(actor)s removed you from the group %(target)s."),
    ),
    NotificationKind(
        Verb.GROUP_JOINED,
        Verb.GROUP_JOINED.label,
        _("%(actor)s joined the group %(target)s."),
    ),
    NotificationKind(
        Verb.NETWORK_INVITATION_ACCEPTED,
        Verb.NETWORK_INVITATION_ACCEPTED.label,
        _("%(actor)s accepted your invitation to the network."),
    ),
]

# Unread notifications counted for the header badge; past this the badge shows "N+".
UNREAD_COUNT_LIMIT = 99


class _Words(dict):
    """The words of a sentence: a word the notification lacks reads as empty, not a crash."""

    def __missing__(self, key: str) -> str:
        return ""


def notification_text(notification: Notification) -> str:
    kind = registry.notification_kinds.get(notification.verb)
    if kind is None:  # the module that made it is no longer installed
        return str(_("A notification of a module that is no longer available."))
    data = notification.data or {}
    role = data.get("role")
    words = _Words({k: v for k, v in data.items() if isinstance(v, str | int | float)})
    words.update(
        {
            "actor": str(notification.actor) if notification.actor else _("Someone"),
            # A name given at creation (a topic's title for a post) saves a query per line.
            "target": data.get("target")
            or (str(notification.target) if notification.target else ""),
            "role": MembershipRole(role).label.lower() if role in MembershipRole.values else "",
        }
    )
    return str(kind.sentence) % words


def notification_url(notification: Notification) -> str:
    """Where a notification leads: what its kind says, else its subject's page in the
    members' area if it has one (`get_extranet_url`), else its page."""
    kind = registry.notification_kinds.get(notification.verb)
    if kind is not None and kind.url is not None:
        return kind.url(notification)
    target = notification.target
    get_url = getattr(target, "get_extranet_url", None) or getattr(target, "get_absolute_url", None)
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


def stream_state(user: User, after: int, limit: int = 50) -> tuple[list[Notification], int, int]:
    """For the live stream, in one query: what came after sequence `after` (oldest first,
    at most `limit`), the last sequence examined, and the unread count."""
    rows = list(
        notifications_for(user)
        .filter(Q(seq__gt=after) | Q(read_at__isnull=True))
        .order_by("-seq")[: limit + UNREAD_COUNT_LIMIT + 1]
    )
    seen = visible(user, rows)
    new = sorted((n for n in seen if n.seq > after), key=lambda n: n.seq)[:limit]
    examined = [n.seq for n in rows if n.seq > after]
    scanned = new[-1].seq if len(new) == limit else max(examined, default=after)
    unread = sum(1 for n in seen if n.read_at is None)
    return new, scanned, unread


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


# --- E-mail ---------------------------------------------------------------------------------


def email_preference_of(user: User) -> EmailPreference:
    """The user's e-mail preference; an unsaved default (immediate) if they never chose.

    Rows are created on the first change (`services.email_preference_set`), not on reads.
    """
    preference = EmailPreference.objects.filter(user=user).first()
    return preference or EmailPreference(user=user, frequency=EmailFrequency.IMMEDIATE)


def digest_candidates(user: User, since: datetime) -> QuerySet[Notification]:
    """Unread notifications created after `since` that no e-mail has carried yet, oldest
    first, with what their sentences need (filter them through `visible` before use)."""
    return (
        notifications_for(user)
        .filter(read_at__isnull=True, emailed_at__isnull=True, created_at__gt=since)
        .order_by("seq")
    )
