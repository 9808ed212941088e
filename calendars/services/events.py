"""Writes on events, their occurrences and the private feed addresses.

Each service asks the permission authority first. Workshop sessions are events too, but they
are changed with their workshop (`calendars.services.workshops`): refused here. Every change
a calendar client must see bumps the event's SEQUENCE, so subscribed clients update the event
instead of keeping a stale copy. Every change is logged (`EventChange`: who, when, what),
for the calendar's moderators.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from calendars.models import Calendar, Event, EventChange, EventException, FeedToken
from calendars.recurrence import PARIS, is_occurrence
from core.accounts.models import User
from core.activity.services import activity_record
from core.permissions import require

MAX_INTERVAL_WEEKS = 52


def schedule_errors(
    *,
    start: datetime | None,
    end: datetime | None,
    repeat_every_weeks: int | None,
    repeat_until: date | None,
    now: datetime | None = None,
) -> dict[str, str]:
    """What is wrong with a schedule, by field: shared by the form and the services.

    `now` is given for a new event (or a new start), which cannot lie in the past.
    """
    errors: dict[str, str] = {}
    if start is not None and end is not None and end <= start:
        errors["end"] = _("The end must come after the start.")
    if start is not None and now is not None and start < now:
        errors["start"] = _("An event cannot start in the past.")
    interval = repeat_every_weeks or 0
    if not 0 <= interval <= MAX_INTERVAL_WEEKS:
        errors["repeat_every_weeks"] = _(
            "Repeat every 0 to %(max)s weeks (0: the event does not repeat)."
        ) % {"max": MAX_INTERVAL_WEEKS}
    if repeat_until is not None:
        if interval == 0:
            errors["repeat_until"] = _(
                "An end date for the repetition needs an event that repeats."
            )
        elif start is not None and repeat_until < timezone.localdate(start):
            errors["repeat_until"] = _("The repetition must end on or after the first day.")
    return errors


def _check_schedule(event: Event, *, new_start: bool) -> None:
    errors = schedule_errors(
        start=event.start,
        end=event.end,
        repeat_every_weeks=event.repeat_every_weeks,
        repeat_until=event.repeat_until,
        now=timezone.now() if new_start else None,
    )
    if errors:
        raise ValidationError(errors)


def _refuse_session(event: Event) -> None:
    if event.workshop_id is not None:
        raise ValidationError(_("A workshop session is changed from its workshop's page."))


# What the log compares, in the order the form shows it.
LOGGED_FIELDS = (
    "title",
    "start",
    "end",
    "location",
    "online_url",
    "description",
    "repeat_every_weeks",
    "repeat_until",
)


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(PARIS).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def snapshot(event: Event) -> dict[str, str]:
    """The fields the log compares, as text."""
    return {name: _as_text(getattr(event, name)) for name in LOGGED_FIELDS}


def changes_since(before: dict[str, str], event: Event) -> dict[str, list[str]]:
    """`{field: [before, after]}` for the fields of `event` that differ from `before`."""
    after = snapshot(event)
    return {name: [before[name], after[name]] for name in after if before[name] != after[name]}


def log_change(
    *,
    actor: User,
    event: Event,
    action: str,
    changes: dict | None = None,
    occurrence: datetime | None = None,
    deleted: bool = False,
) -> EventChange:
    return EventChange.objects.create(
        calendar_id=event.calendar_id,
        event=None if deleted else event,
        event_title=event.title,
        actor=actor,
        action=action,
        occurrence=occurrence,
        changes=changes or {},
    )


def _bump_sequence(event: Event) -> None:
    Event.objects.filter(pk=event.pk).update(sequence=F("sequence") + 1)
    event.refresh_from_db(fields=["sequence"])


@transaction.atomic
def event_create(
    *,
    actor: User,
    calendar: Calendar,
    title: str,
    start: datetime,
    end: datetime,
    description: str = "",
    location: str = "",
    online_url: str = "",
    repeat_every_weeks: int = 0,
    repeat_until: date | None = None,
) -> Event:
    require(actor, "edit", calendar)
    event = Event(
        calendar=calendar,
        title=title,
        start=start,
        end=end,
        description=description,
        location=location,
        online_url=online_url,
        repeat_every_weeks=repeat_every_weeks,
        repeat_until=repeat_until if repeat_every_weeks else None,
        created_by=actor,
    )
    _check_schedule(event, new_start=True)
    event.full_clean()
    event.save()
    log_change(actor=actor, event=event, action=EventChange.Action.CREATED)
    activity_record(
        kind="calendars.event",
        actor=actor,
        subject=event,
        title=event.title,
        url=event.get_absolute_url(),
        workspace=calendar.workspace if calendar.workspace_id else None,
        place_id=calendar.place_id,
    )
    return event


@transaction.atomic
def event_update(
    *,
    actor: User,
    event: Event,
    title: str,
    start: datetime,
    end: datetime,
    description: str = "",
    location: str = "",
    online_url: str = "",
    repeat_every_weeks: int = 0,
    repeat_until: date | None = None,
) -> Event:
    require(actor, "edit", event)
    _refuse_session(event)
    before = snapshot(event)
    # A past event may still be corrected; only moving its start into the past is refused.
    new_start = start != event.start and start < timezone.now()
    event.title = title
    event.start = start
    event.end = end
    event.description = description
    event.location = location
    event.online_url = online_url
    event.repeat_every_weeks = repeat_every_weeks
    event.repeat_until = repeat_until if repeat_every_weeks else None
    _check_schedule(event, new_start=new_start)
    event.full_clean()
    event.save()
    # Exceptions of occurrences that the new rule no longer has would name nothing.
    stale = [e.pk for e in event.exceptions.all() if not is_occurrence(event, e.original_start)]
    if stale:
        EventException.objects.filter(pk__in=stale).delete()
    _bump_sequence(event)
    changes = changes_since(before, event)
    if changes:
        log_change(actor=actor, event=event, action=EventChange.Action.UPDATED, changes=changes)
    return event


@transaction.atomic
def event_delete(*, actor: User, event: Event) -> None:
    require(actor, "edit", event)
    _refuse_session(event)
    log_change(actor=actor, event=event, action=EventChange.Action.DELETED, deleted=True)
    event.delete()


def _check_occurrence(event: Event, original_start: datetime) -> None:
    if not event.repeats:
        raise ValidationError(_("Only an event that repeats has occurrences to change."))
    if not is_occurrence(event, original_start):
        raise ValidationError(_("This event has no occurrence at that time."))


@transaction.atomic
def occurrence_cancel(*, actor: User, event: Event, original_start: datetime) -> EventException:
    """Cancel one occurrence of a repeating event (the others stay)."""
    require(actor, "edit", event)
    _refuse_session(event)
    _check_occurrence(event, original_start)
    exception, _created = EventException.objects.update_or_create(
        event=event,
        original_start=original_start,
        defaults={"is_cancelled": True, "start": None, "end": None},
    )
    _bump_sequence(event)
    log_change(
        actor=actor,
        event=event,
        action=EventChange.Action.OCCURRENCE_CANCELLED,
        occurrence=original_start,
    )
    return exception


@transaction.atomic
def occurrence_move(
    *, actor: User, event: Event, original_start: datetime, start: datetime, end: datetime
) -> EventException:
    """Give one occurrence of a repeating event another time."""
    require(actor, "edit", event)
    _refuse_session(event)
    _check_occurrence(event, original_start)
    errors = schedule_errors(start=start, end=end, repeat_every_weeks=0, repeat_until=None)
    if errors:
        raise ValidationError(errors)
    exception = EventException.objects.filter(event=event, original_start=original_start).first()
    if exception is None:
        exception = EventException(event=event, original_start=original_start)
        before = {"start": original_start, "end": original_start + event.duration}
    else:
        before = {"start": exception.start, "end": exception.end}
    exception.is_cancelled = False
    exception.start = start
    exception.end = end
    exception.full_clean()
    exception.save()
    _bump_sequence(event)
    log_change(
        actor=actor,
        event=event,
        action=EventChange.Action.OCCURRENCE_MOVED,
        occurrence=original_start,
        changes={
            name: [_as_text(before[name]), _as_text(value)]
            for name, value in (("start", start), ("end", end))
        },
    )
    return exception


@transaction.atomic
def occurrence_restore(*, actor: User, event: Event, original_start: datetime) -> None:
    """Undo a cancellation or a move: the occurrence is back at its usual time."""
    require(actor, "edit", event)
    _refuse_session(event)
    deleted, _rows = EventException.objects.filter(
        event=event, original_start=original_start
    ).delete()
    if deleted:
        _bump_sequence(event)
        log_change(
            actor=actor,
            event=event,
            action=EventChange.Action.OCCURRENCE_RESTORED,
            occurrence=original_start,
        )


# --- Private feeds ------------------------------------------------------------------------------


@transaction.atomic
def feed_token_get_or_create(*, actor: User, calendar: Calendar) -> FeedToken:
    """The person's live feed address for this calendar, made if they have none."""
    require(actor, "subscribe", calendar)
    token = (
        FeedToken.objects.select_for_update()
        .filter(calendar=calendar, user=actor, revoked_at__isnull=True)
        .first()
    )
    if token is None:
        token = FeedToken(calendar=calendar, user=actor)
        token.full_clean()
        token.save()
    return token


@transaction.atomic
def feed_token_revoke(*, actor: User, token: FeedToken) -> None:
    """Kill a feed address: clients subscribed to it get nothing more."""
    if token.user_id != actor.pk:
        raise ValidationError(_("Only its owner can revoke a feed address."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


@transaction.atomic
def feed_token_regenerate(*, actor: User, calendar: Calendar) -> FeedToken:
    """A new address in place of the old one (which stops working), e.g. after a leak."""
    require(actor, "subscribe", calendar)
    for token in FeedToken.objects.filter(calendar=calendar, user=actor, revoked_at__isnull=True):
        feed_token_revoke(actor=actor, token=token)
    return feed_token_get_or_create(actor=actor, calendar=calendar)
