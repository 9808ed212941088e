"""Reads of notifications, always filtered through the permission authority."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet, prefetch_related_objects
from django.utils.translation import gettext_lazy as _

from core import registry
from core.accounts.models import User
from core.notifications.models import EmailFrequency, EmailPreference, Notification, Verb
from core.permissions import filter_visible_notifications
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
# The newest unread notifications examined for that count (what one may no longer see is
# skipped, never counted; past this many unread, the badge says "99+" long before).
UNREAD_SCAN = 1000
# How many of them are examined at a time: one page is enough to fill the badge.
UNREAD_COUNT_PAGE = UNREAD_COUNT_LIMIT + 1
# At most this many notifications per answer of the live stream: a client far behind asks
# again, page after page.
RESUME_PAGE_SIZE = 100


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
    """Keep what the user may still see (a notification about a group they left is not),
    in order: the subjects are checked in bulk, one query per kind of subject."""
    return filter_visible_notifications(user, notifications)


def unread_count(user: User) -> int:
    """The unread notifications `user` may still see, up to UNREAD_COUNT_LIMIT + 1 (shown
    as "99+"). Shown on every page of the members' area, so the subjects are never loaded,
    and the newest unread are examined a page at a time, stopping as soon as the badge is
    full: a couple of queries for someone with a handful or with thousands."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True).order_by("-seq")
    counted = scanned = 0
    before = None
    while scanned < UNREAD_SCAN and counted <= UNREAD_COUNT_LIMIT:
        page = unread if before is None else unread.filter(seq__lt=before)
        rows = list(
            page.only("pk", "seq", "recipient_id", "verb", "target_type_id", "target_id")[
                :UNREAD_COUNT_PAGE
            ]
        )
        counted += len(visible(user, rows))
        scanned += len(rows)
        if len(rows) < UNREAD_COUNT_PAGE:
            break
        before = rows[-1].seq
    return min(counted, UNREAD_COUNT_LIMIT + 1)


@dataclass(frozen=True)
class StreamPage:
    """One answer of the live stream."""

    notifications: list[Notification]  # those the user may see, oldest first
    last_seq: int  # the last sequence examined: the next page starts after it
    more: bool  # whether notifications follow `last_seq`
    unread: int


def stream_page(user: User, after: int, limit: int = RESUME_PAGE_SIZE) -> StreamPage:
    """The notifications after sequence `after`, oldest first, at most `limit` examined,
    with the unread count: a resume, or what a live event announced. The same few queries
    whatever the number; the client asks for the next page while `more` is true."""
    rows = list(
        Notification.objects.filter(recipient=user, seq__gt=after)
        .select_related("actor")
        .order_by("seq")[: limit + 1]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    shown = visible(user, rows)
    # Only the subjects the user may see are loaded (one query per kind), for the texts.
    prefetch_related_objects(shown, "target")
    return StreamPage(
        notifications=shown,
        last_seq=rows[-1].seq if rows else after,
        more=more,
        unread=unread_count(user),
    )


def still_visible(user_ids: dict[int, User], notification_ids: set[int]) -> set[int]:
    """Which of these notifications their recipients (given, by id) may still see: what a
    live socket asks before forwarding a notification about a subject. One query for the
    notifications, then one per recipient (`visible`)."""
    if not notification_ids:
        return set()
    by_recipient: dict[int, list[Notification]] = {}
    for n in Notification.objects.filter(pk__in=notification_ids).only(
        "pk", "recipient_id", "verb", "target_type_id", "target_id"
    ):
        by_recipient.setdefault(n.recipient_id, []).append(n)
    shown: set[int] = set()
    for recipient_id, rows in by_recipient.items():
        user = user_ids.get(recipient_id)
        if user is not None:
            shown.update(n.pk for n in visible(user, rows))
    return shown


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
