"""Background work of notifications (django-tasks; immediate by default, see TASKS).

Both tasks take ids only and read everything again when they run: with a worker, time
passes between the scheduling and the sending, and what the recipient may see, their
account and their choice of e-mails may have changed. The work itself is in services.
"""

from __future__ import annotations

from django_tasks import task


@task()
def send_notification_email(notification_id: int) -> str:
    """E-mail one notification to its recipient, if it may still be (sent at most once)."""
    # Imported here: services schedules this task.
    from core.notifications.services import notification_email_send

    return notification_email_send(notification_id=notification_id)


@task()
def send_notification_digest(user_id: int, frequency: str) -> str:
    """E-mail one person the daily or weekly digest of what they have not read."""
    from core.notifications.services import notification_digest_send

    return notification_digest_send(user_id=user_id, frequency=frequency)
