"""Notification e-mails: the one-click unsubscribe token and the messages themselves.

E-mail is one more way to read the stored notifications: the sentence and the link come
from `core.notifications.selectors`, as on the site, and what is e-mailed was checked
against the permission authority by the caller (see `services.notification_email_send`
and `services.notification_digest_send`).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from core.accounts.models import User
from core.notifications import selectors
from core.notifications.models import EmailFrequency, Notification

SUBJECT_PREFIX = "[Maillage] "
# A dedicated salt: a signature made for anything else never passes as an unsubscribe token.
UNSUBSCRIBE_SALT = "core.notifications.unsubscribe"
# A digest lists this many notifications at most, then points to the site for the rest.
DIGEST_MAX_ITEMS = 50


# --- Unsubscribe token -------------------------------------------------------------------------


def unsubscribe_token(user: User) -> str:
    """A tamper-proof token naming the account, for the link in every e-mail.

    It does not expire: a years-old e-mail must still let its reader stop the next ones.
    It only ever allows turning e-mails off, so a leaked token costs little.
    """
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(user.pk))


def unsubscribe_user(token: str) -> User | None:
    """The account a token was made for; None if it was altered or the account is gone."""
    try:
        value = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    if not value.isdigit():
        return None
    return User.objects.filter(pk=int(value)).first()


# --- Links ---------------------------------------------------------------------------------------


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def unsubscribe_url(user: User) -> str:
    return absolute_url(reverse("notifications:unsubscribe", args=[unsubscribe_token(user)]))


def notification_absolute_url(notification: Notification) -> str:
    """Where the notification leads on the site; the notification list if nowhere."""
    return absolute_url(selectors.notification_url(notification) or reverse("notifications:list"))


# --- Messages ------------------------------------------------------------------------------------


def _one_line(text: str) -> str:
    # A header cannot hold a line break (a display name could bring one).
    return " ".join(str(text).split())


def _message(*, user: User, subject: str, template: str, context: dict) -> EmailMultiAlternatives:
    """A message with both bodies, the unsubscribe links and the RFC 8058 headers."""
    unsubscribe = unsubscribe_url(user)
    subject = _one_line(SUBJECT_PREFIX + subject)
    context = {
        **context,
        "subject": subject,
        "name": user,
        "site_url": settings.SITE_URL,
        "list_url": absolute_url(reverse("notifications:list")),
        "preferences_url": absolute_url(reverse("notifications:preferences")),
        "unsubscribe_url": unsubscribe,
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"notifications/email/{template}.txt", context),
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            # RFC 3834: no out-of-office replies to a robot.
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(
        render_to_string(f"notifications/email/{template}.html", context), "text/html"
    )
    return message


def notification_message(notification: Notification) -> EmailMultiAlternatives:
    """The e-mail announcing one notification to its recipient."""
    # Accounts have no stored language: the network's, French.
    with translation.override(settings.LANGUAGE_CODE):
        text = selectors.notification_text(notification)
        return _message(
            user=notification.recipient,
            subject=text.rstrip("."),
            template="notification",
            context={
                "notification": notification,
                "text": text,
                "url": notification_absolute_url(notification),
            },
        )


def digest_message(
    *, user: User, notifications: Sequence[Notification], frequency: str
) -> EmailMultiAlternatives:
    """One e-mail listing `notifications` (oldest first), for a daily or weekly digest."""
    total = len(notifications)
    with translation.override(settings.LANGUAGE_CODE):
        if frequency == EmailFrequency.WEEKLY:
            subject = ngettext(
                "Your weekly summary: %(count)s new notification",
                "Your weekly summary: %(count)s new notifications",
                total,
            )
        else:
            subject = ngettext(
                "Your daily summary: %(count)s new notification",
                "Your daily summary: %(count)s new notifications",
                total,
            )
        shown = notifications[-DIGEST_MAX_ITEMS:]
        items = [
            {
                "text": selectors.notification_text(n),
                "url": notification_absolute_url(n),
                "created_at": n.created_at,
            }
            for n in shown
        ]
        return _message(
            user=user,
            subject=subject % {"count": total},
            template="digest",
            context={
                "items": items,
                "more": total - len(shown),
                "weekly": frequency == EmailFrequency.WEEKLY,
            },
        )
