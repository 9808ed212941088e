"""iCalendar feeds (RFC 5545), built with the `icalendar` library.

One VEVENT per event, times with TZID Europe/Paris (and its VTIMEZONE) so that a repeating
event keeps its local hour in every client; RRULE for repetition, EXDATE for its cancelled
occurrences and an overriding VEVENT with RECURRENCE-ID for each moved one. UID and SEQUENCE
come from the event, so clients update what they already have.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import icalendar
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from calendars.models import Event, EventException
from calendars.recurrence import PARIS, end_of_repeat, is_occurrence
from core.notifications.emails import absolute_url

PRODID = "-//Maillage//Agenda//FR"
# A feed carries the last year and everything to come: clients keep what they already have.
FEED_HISTORY = timedelta(days=365)
CONTENT_TYPE = "text/calendar; charset=utf-8"


def feed_events(events: QuerySet[Event], now: datetime | None = None) -> QuerySet[Event]:
    """The events a feed carries, with what it needs in three queries."""
    since = (now or timezone.now()) - FEED_HISTORY
    recent = Q(end__gt=since) | Q(
        Q(repeat_every_weeks__gt=0)
        & (Q(repeat_until__isnull=True) | Q(repeat_until__gte=since.date()))
    )
    return (
        events.filter(recent)
        .select_related("calendar__place", "calendar__workspace", "workshop")
        .prefetch_related(Prefetch("exceptions", queryset=EventException.objects.order_by("pk")))
        .order_by("start", "pk")
    )


def event_url(event: Event) -> str:
    """Where the event is read on the site: a session on its workshop's public page."""
    if event.workshop_id is not None:
        return absolute_url(event.workshop.get_absolute_url())
    return absolute_url(event.get_absolute_url())


def _description(event: Event) -> str:
    parts = [event.description] if event.description else []
    if event.online_url:
        parts.append(event.online_url)
    return "\n\n".join(parts)


def _vevent(event: Event, stamp: datetime, **times) -> icalendar.Event:
    cancelled = event.is_cancelled or bool(event.workshop_id and event.workshop.is_cancelled)
    vevent = icalendar.Event.new(
        uid=str(event.uid),
        sequence=event.sequence,
        stamp=stamp,
        summary=event.title,
        description=_description(event) or None,
        location=event.location or None,
        url=event_url(event),
        status="CANCELLED" if cancelled else "CONFIRMED",
        **times,
    )
    return vevent


def _components(event: Event, stamp: datetime) -> list[icalendar.Event]:
    main = _vevent(
        event,
        stamp,
        start=event.start.astimezone(PARIS),
        end=event.end.astimezone(PARIS),
    )
    if not event.repeats:
        return [main]
    rule: dict = {"freq": "weekly", "interval": event.repeat_every_weeks}
    until = end_of_repeat(event)
    if until is not None:
        # With a DTSTART in a time zone, UNTIL is given in UTC (RFC 5545, 3.3.10).
        rule["until"] = until.astimezone(UTC).replace(microsecond=0)
    main.add("rrule", rule)
    exceptions = [e for e in event.exceptions.all() if is_occurrence(event, e.original_start)]
    cancelled = [e.original_start.astimezone(PARIS) for e in exceptions if e.is_cancelled]
    if cancelled:
        main.add("exdate", cancelled)
    components = [main]
    for exception in exceptions:
        if exception.is_cancelled:
            continue
        components.append(
            _vevent(
                event,
                stamp,
                recurrence_id=exception.original_start.astimezone(PARIS),
                start=exception.start.astimezone(PARIS),
                end=exception.end.astimezone(PARIS),
            )
        )
    return components


def build_feed(*, name: str, events: QuerySet[Event] | list[Event]) -> bytes:
    """The VCALENDAR of `events` (already bounded and checked by the caller)."""
    stamp = timezone.now().astimezone(UTC).replace(microsecond=0)
    feed = icalendar.Calendar.new(prodid=PRODID, name=name)
    years: list[int] = []
    for event in events:
        for component in _components(event, stamp):
            feed.add_component(component)
        years.append(event.start.astimezone(PARIS).year)
    # The VTIMEZONE covers the feed's years (and a few after, for open-ended repetitions),
    # rather than icalendar's default of 1970–2038.
    first = min(years, default=stamp.year)
    last = max([*years, stamp.year]) + 5
    feed.add_missing_timezones(first_date=date(first, 1, 1), last_date=date(last, 12, 31))
    return feed.to_ical()
