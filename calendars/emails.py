"""E-mails to workshop participants. They have no account: each e-mail carries the link to
their registration (see it, cancel it) or to the survey, keyed by the registration's token."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from calendars.models import Event, Registration
from core.notifications.emails import SUBJECT_PREFIX, absolute_url

SUBJECTS = {
    "confirmed": lambda w: _("Your seat is booked: %(title)s") % {"title": w.title},
    "waiting": lambda w: _("You are on the waiting list: %(title)s") % {"title": w.title},
    "promoted": lambda w: _("A seat freed up for you: %(title)s") % {"title": w.title},
    "cancelled": lambda w: _("Your registration is cancelled: %(title)s") % {"title": w.title},
    "session_moved": lambda w: _("A session has moved: %(title)s") % {"title": w.title},
    "session_cancelled": lambda w: _("A session is cancelled: %(title)s") % {"title": w.title},
    "workshop_cancelled": lambda w: _("Workshop cancelled: %(title)s") % {"title": w.title},
    "reminder": lambda w: _("Reminder: %(title)s") % {"title": w.title},
    "survey": lambda w: _("How was the workshop? %(title)s") % {"title": w.title},
}


def participant_message(
    registration: Registration,
    kind: str,
    *,
    session: Event | None = None,
    old_start: str | None = None,
    reason: str = "",
) -> EmailMessage:
    workshop = registration.workshop
    with translation.override(settings.LANGUAGE_CODE), timezone.override(settings.TIME_ZONE):
        context = {
            "registration": registration,
            "workshop": workshop,
            "place": workshop.place,
            "sessions": list(workshop.sessions.filter(is_cancelled=False).order_by("start")),
            "session": session,
            "old_start": timezone.datetime.fromisoformat(old_start) if old_start else None,
            "reason": reason,
            "registration_url": absolute_url(registration.get_absolute_url()),
            "survey_url": absolute_url(
                reverse("workshops:survey", kwargs={"token": registration.token})
            ),
            "workshop_url": absolute_url(workshop.get_absolute_url()),
            "list_url": absolute_url(reverse("workshops:list")),
        }
        subject = " ".join((SUBJECT_PREFIX + SUBJECTS[kind](workshop)).split())
        body = render_to_string(f"calendars/workshops/email/{kind}.txt", context)
    return EmailMessage(
        subject=subject,
        body=body,
        to=[registration.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
