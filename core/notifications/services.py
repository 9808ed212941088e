from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone, translation

from core import registry
from core.accounts.models import User
from core.notifications import emails, selectors
from core.notifications.models import EmailFrequency, EmailPreference, Notification
from core.notifications.tasks import send_notification_email
from core.permissions import can
from core.realtime import broadcast_many_on_commit, broadcast_on_commit, user_group

# What a digest covers when it is the person's first one.
DIGEST_PERIODS = {EmailFrequency.DAILY: timedelta(days=1), EmailFrequency.WEEKLY: timedelta(days=7)}
# A digest looks back this much before the previous one: a notification stamped just before
# it but committed just after would otherwise fall between the two. `emailed_at` keeps the
# overlap from sending anything twice.
DIGEST_OVERLAP = timedelta(minutes=10)


@transaction.atomic
def notifications_create(
    *,
    recipients: Iterable[User],
    verb: str,
    actor: User | None = None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> list[Notification]:
    """Store one notification per recipient, then, after commit, tell their live sockets
    and e-mail those who want each notification at once.

    A fan-out (a group's members, a topic's followers) costs three queries, whatever the
    number of recipients; the e-mail preferences come with the sequence numbers.
    """
    if verb not in registry.notification_kinds:
        raise ValueError(f"Unknown notification kind {verb!r}: register it in core.registry")
    verb = str(verb)
    ids = sorted({user.pk for user in recipients})
    if not ids:
        return []
    # The UPDATE locks the recipients' rows until commit, which serialises numbering: the
    # sequence numbers of one recipient never repeat nor go backwards, whatever runs at once.
    # Rows are locked in id order, so two fan-outs cannot deadlock each other.
    User.objects.filter(pk__in=ids).update(notification_seq=F("notification_seq") + 1)
    seqs: dict[int, int] = {}
    emailed_now: set[int] = set()
    # The same query reads the e-mail preferences (a LEFT JOIN on a one-to-one: still one
    # row per recipient). No row means the default, immediate.
    rows = User.objects.filter(pk__in=ids).values_list(
        "pk", "notification_seq", "is_active", "email_preference__frequency"
    )
    for pk, seq, is_active, frequency in rows:
        seqs[pk] = seq
        if is_active and frequency in (None, EmailFrequency.IMMEDIATE):
            emailed_now.add(pk)
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
    if target is not None and notifications:
        notifications[0].target = target  # its sentence and address need no query
    _broadcast_created(notifications)
    for notification in notifications:
        # bulk_create returns primary keys on SQLite and PostgreSQL (RETURNING).
        if notification.recipient_id in emailed_now:
            _email_on_commit(notification.pk)
    return notifications


def _broadcast_created(notifications: list[Notification]) -> None:
    """After commit, send each recipient's sockets the notification itself (its sentence in
    every language of the site): the consumers forward it without reading it back.

    Who receives is decided here: the recipients' own groups. Whether each may still see
    it depends on its subject; a notification without one (or of a kind that needs no
    check) goes out as is, one with a subject is flagged `check` and each socket asks the
    permission authority about that subject before forwarding it (one query per recipient,
    batched per process with the sockets' session checks), so that the fan-out itself costs
    the same few queries whatever the number of recipients.
    """
    if not notifications:
        return
    first = notifications[0]
    texts = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts[code] = selectors.notification_text(first)
    kind = registry.notification_kinds.get(first.verb)
    check = bool(first.target_id) or (kind is not None and kind.visible is not None)
    common = {
        "verb": first.verb,
        "url": selectors.notification_url(first),
        "created_at": first.created_at.isoformat(),
        "read": False,
    }
    events = []
    for notification in notifications:
        # Serialized here, once per language: each socket forwards its language's text.
        event = {
            "type": "notification.created",
            "seq": notification.seq,
            "json": {
                code: json.dumps(
                    {"id": notification.pk, "seq": notification.seq, "text": text, **common}
                )
                for code, text in texts.items()
            },
        }
        if check:
            event["check"] = notification.pk
        events.append((user_group(notification.recipient_id), event))
    broadcast_many_on_commit(events)


def _email_on_commit(notification_id: int) -> None:
    """Schedule the e-mail of one notification once the transaction that stored it commits.

    `robust`: the notification is committed and stays on the site; a queue that cannot take
    the task is logged, not turned into an error for whoever caused the notification.
    """
    transaction.on_commit(
        lambda: send_notification_email.enqueue(notification_id=notification_id), robust=True
    )


def notification_create(
    *,
    recipient: User,
    verb: str,
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
            broadcast_on_commit(
                user_group(user.pk),
                {"type": "notification.read", "unread": selectors.unread_count(user)},
            )
    return count


# --- E-mail ---------------------------------------------------------------------------------------


def email_preference_set(*, user: User, frequency: str) -> EmailPreference:
    """Choose how often notifications are e-mailed; creates the preference the first time."""
    EmailPreference(user=user, frequency=frequency).full_clean(validate_unique=False)
    preference, _created = EmailPreference.objects.update_or_create(
        user=user, defaults={"frequency": frequency}
    )
    return preference


def email_unsubscribe(*, user: User) -> EmailPreference:
    """Stop every notification e-mail (the one-click link of each e-mail)."""
    return email_preference_set(user=user, frequency=EmailFrequency.NEVER)


def _frequency(user: User) -> str:
    try:
        return user.email_preference.frequency
    except EmailPreference.DoesNotExist:
        return EmailFrequency.IMMEDIATE


def notification_email_send(*, notification_id: int) -> str:
    """E-mail one notification to its recipient, at most once; says what it did.

    Checked now, not when it was scheduled: the account is still active, the recipient
    still wants immediate e-mails, has not read it on the site meanwhile, and may still
    see it (`can(recipient, "view", notification)`).
    """
    notification = (
        Notification.objects.select_related(
            "recipient", "recipient__email_preference", "actor", "target_type"
        )
        .filter(pk=notification_id)
        .first()
    )
    if notification is None:
        return "missing"
    recipient = notification.recipient
    if notification.emailed_at is not None:
        return "already sent"
    if not recipient.is_active:
        return "inactive account"
    if _frequency(recipient) != EmailFrequency.IMMEDIATE:
        return "not wanted"
    if notification.read_at is not None:
        return "already read"
    if not can(recipient, "view", notification):
        return "not visible"
    # Claim it first (one UPDATE decides between two runs of the same task), send, and give
    # the claim back if sending fails, so that a retry may send it.
    now = timezone.now()
    if not Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
        emailed_at=now
    ):
        return "already sent"
    try:
        emails.notification_message(notification).send()
    except Exception:
        Notification.objects.filter(pk=notification.pk, emailed_at=now).update(emailed_at=None)
        raise
    return "sent"


def notification_digest_send(*, user_id: int, frequency: str) -> str:
    """E-mail one person a digest of their unread, not yet e-mailed notifications that they
    may still see, since their previous digest; says what it did."""
    frequency = EmailFrequency(frequency)
    if frequency not in DIGEST_PERIODS:
        raise ValueError(f"No digest for {frequency!r}")
    now = timezone.now()
    with transaction.atomic():
        # The lock makes two digests of the same person (cron run twice) take turns; the
        # second finds everything already marked.
        preference = (
            EmailPreference.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(user_id=user_id, frequency=frequency, user__is_active=True)
            .first()
        )
        if preference is None:
            return "skipped"  # account closed, or the person chose otherwise meanwhile
        user = preference.user
        previous = preference.last_digest_at
        since = previous - DIGEST_OVERLAP if previous else now - DIGEST_PERIODS[frequency]
        notifications = selectors.visible(user, selectors.digest_candidates(user, since))
        ids = [n.pk for n in notifications]
        if ids:
            Notification.objects.filter(pk__in=ids).update(emailed_at=now)
        preference.last_digest_at = now
        preference.save(update_fields=["last_digest_at", "updated_at"])
    if not notifications:
        return "nothing to send"
    # Sent after commit, without holding the lock on a slow mail server; given back if it
    # fails, so that the next run sends these.
    try:
        emails.digest_message(user=user, notifications=notifications, frequency=frequency).send()
    except Exception:
        with transaction.atomic():
            Notification.objects.filter(pk__in=ids, emailed_at=now).update(emailed_at=None)
            EmailPreference.objects.filter(user_id=user_id, last_digest_at=now).update(
                last_digest_at=previous
            )
        raise
    return "sent"
