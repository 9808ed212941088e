"""Background work of workshops (django-tasks; immediate by default, see TASKS).

Tasks take ids and read everything again when they run: with a worker, the registration may
have been cancelled or the session moved in between.
"""

from __future__ import annotations

from django_tasks import task

from calendars.models import Event, Registration, RegistrationStatus

# What each e-mail needs to still be true when it is sent.
STILL_TRUE = {
    "confirmed": {RegistrationStatus.CONFIRMED},
    "promoted": {RegistrationStatus.CONFIRMED},
    "waiting": {RegistrationStatus.WAITING},
    "reminder": {RegistrationStatus.CONFIRMED},
    "survey": {RegistrationStatus.CONFIRMED},
    "cancelled": {RegistrationStatus.CANCELLED},
}


@task()
def send_participant_email(
    registration_id: int,
    kind: str,
    session_id: int | None = None,
    old_start: str | None = None,
    reason: str = "",
) -> str:
    from calendars.emails import participant_message

    registration = (
        Registration.objects.select_related("workshop__place").filter(pk=registration_id).first()
    )
    if registration is None or not registration.email:
        return "skipped"
    wanted = STILL_TRUE.get(kind)
    if wanted is not None and registration.status not in wanted:
        return "skipped"
    if kind not in STILL_TRUE and not registration.is_active:
        return "skipped"
    session = Event.objects.filter(pk=session_id).first() if session_id else None
    if kind == "reminder" and (session is None or session.is_cancelled):
        return "skipped"
    participant_message(
        registration, kind, session=session, old_start=old_start, reason=reason
    ).send()
    return "sent"


@task()
def send_due_reminders_and_surveys() -> str:
    from calendars.services.workshops import reminders_send_due, surveys_send_due

    return f"reminders={reminders_send_due()} surveys={surveys_send_due()}"
