from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from core.accounts.models import User
from core.notifications.models import Notification, Verb
from core.realtime import broadcast_on_commit, user_group


@transaction.atomic
def notification_create(
    *,
    recipient: User,
    verb: Verb,
    actor: User | None = None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> Notification:
    """Store a notification, then tell the recipient's live sockets once the data commits."""
    # The UPDATE locks the recipient's row until commit, which serialises numbering: the
    # sequence numbers of one recipient never repeat nor go backwards, whatever runs at once.
    User.objects.filter(pk=recipient.pk).update(notification_seq=F("notification_seq") + 1)
    seq = User.objects.values_list("notification_seq", flat=True).get(pk=recipient.pk)
    notification = Notification(
        recipient=recipient,
        seq=seq,
        verb=verb,
        actor=actor,
        data=data or {},
    )
    if target is not None:
        notification.target_type = ContentType.objects.get_for_model(target)
        notification.target_id = str(target.pk)
    notification.full_clean()
    notification.save()
    broadcast_on_commit(user_group(recipient.pk), {"type": "notification.created", "seq": seq})
    return notification


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
