from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from core.accounts.models import User
from core.notifications.models import Notification, Verb
from core.realtime import broadcast_on_commit, user_group


@transaction.atomic
def notifications_create(
    *,
    recipients: Iterable[User],
    verb: Verb,
    actor: User | None = None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> list[Notification]:
    """Store one notification per recipient, then tell their live sockets after commit.

    A fan-out (a group's members, a topic's followers) costs three queries, whatever the
    number of recipients.
    """
    verb = Verb(verb)
    ids = sorted({user.pk for user in recipients})
    if not ids:
        return []
    # The UPDATE locks the recipients' rows until commit, which serialises numbering: the
    # sequence numbers of one recipient never repeat nor go backwards, whatever runs at once.
    # Rows are locked in id order, so two fan-outs cannot deadlock each other.
    User.objects.filter(pk__in=ids).update(notification_seq=F("notification_seq") + 1)
    seqs = dict(User.objects.filter(pk__in=ids).values_list("pk", "notification_seq"))
    target_fields = {}
    if target is not None:
        target_fields = {
            "target_type": ContentType.objects.get_for_model(target),
            "target_id": str(target.pk),
        }
    notifications = Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=pk,
                seq=seqs[pk],
                verb=verb,
                actor=actor,
                data=data or {},
                **target_fields,
            )
            for pk in ids
        ]
    )
    for pk in ids:
        broadcast_on_commit(user_group(pk), {"type": "notification.created", "seq": seqs[pk]})
    return notifications


def notification_create(
    *,
    recipient: User,
    verb: Verb,
    actor: User | None = None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> Notification:
    """Store a notification for one person (see `notifications_create`)."""
    return notifications_create(
        recipients=[recipient], verb=verb, actor=actor, target=target, data=data
    )[0]


def notifications_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (all of them when `ids` is None)."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    with transaction.atomic():
        count = qs.update(read_at=timezone.now())
        if count:
            # Other open tabs update their counter.
            broadcast_on_commit(user_group(user.pk), {"type": "notification.read"})
    return count
