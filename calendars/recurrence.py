"""Events expanded into the occurrences a person sees in a window of time.

An event repeats every `repeat_every_weeks` weeks until `repeat_until` (a date of the Paris
calendar, inclusive), on the wall clock of Europe/Paris: a weekly 14:00 stays at 14:00 local
time across daylight-saving changes, so its UTC hour changes twice a year. The rule is
therefore run by `dateutil.rrule` on naive local datetimes, then each start is put back on
the Paris clock.

A local time that does not exist (02:30 on the spring-forward night) is read with the offset
in force before the gap, as RFC 5545 (3.3.10) says: that occurrence starts at 03:30 summer
time. An ambiguous one (02:30 on the fall-back night) is the first of the two.

`EventException` rows cancel one occurrence or move it; a moved occurrence shows in the
window where it now lies, wherever it was meant to be. Expansion is always bounded by the
window, so repeating events without an end date cost no more than the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import WEEKLY, rrule
from django.db.models import Prefetch, Q, QuerySet

from calendars.models import Calendar, Event, EventException
from calendars.permissions import workshops_visible_to

PARIS = ZoneInfo("Europe/Paris")
# How far before a window an occurrence may start and still reach into it. Events longer
# than this (a 60-day "event") would only be missed by the database pre-filter.
LONGEST_EVENT = timedelta(days=60)


@dataclass(frozen=True)
class Occurrence:
    event: Event
    start: datetime  # aware, on the Paris clock
    end: datetime
    original_start: datetime  # its identity (iCal RECURRENCE-ID), aware
    is_moved: bool = False
    is_cancelled: bool = False

    @property
    def key(self) -> str:
        """The occurrence's identity in URLs: its original start in UTC, as in iCal."""
        return occurrence_key(self.original_start)

    @property
    def calendar(self) -> Calendar:
        return self.event.calendar


def occurrence_key(original_start: datetime) -> str:
    return original_start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def parse_occurrence_key(key: str) -> datetime | None:
    try:
        return datetime.strptime(key, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def on_paris_clock(naive: datetime) -> datetime:
    """A naive Paris wall-clock time as an aware datetime; see the module's note on gaps."""
    # zoneinfo reads a time in the gap with the offset before it (fold=0); the round trip
    # through UTC gives the wall-clock time that really exists (02:30 → 03:30 CEST).
    return naive.replace(tzinfo=PARIS).astimezone(UTC).astimezone(PARIS)


def _naive_local(moment: datetime) -> datetime:
    return moment.astimezone(PARIS).replace(tzinfo=None)


def end_of_repeat(event: Event) -> datetime | None:
    """The last instant an occurrence may start at (end of `repeat_until`, Paris), aware."""
    if event.repeat_until is None:
        return None
    return on_paris_clock(datetime.combine(event.repeat_until, time.max))


def _rule(event: Event) -> rrule:
    until = None
    if event.repeat_until is not None:
        until = datetime.combine(event.repeat_until, time.max)
    return rrule(
        WEEKLY,
        interval=event.repeat_every_weeks,
        dtstart=_naive_local(event.start),
        until=until,
    )


def original_starts(event: Event, start: datetime, end: datetime) -> list[datetime]:
    """Starts the event's rule gives between `start` (inclusive) and `end` (exclusive)."""
    if not event.repeats:
        return [event.start.astimezone(PARIS)] if start <= event.start < end else []
    # An hour of slack either side, for the offset change; exact filtering follows.
    after = _naive_local(start) - timedelta(hours=1)
    before = _naive_local(end) + timedelta(hours=1)
    starts = (on_paris_clock(naive) for naive in _rule(event).between(after, before, inc=True))
    return [s for s in starts if start <= s < end]


def is_occurrence(event: Event, moment: datetime) -> bool:
    """Whether the event's rule (or its single date) has an occurrence starting at `moment`."""
    return bool(original_starts(event, moment, moment + timedelta(microseconds=1)))


def _event_end(start: datetime, duration: timedelta) -> datetime:
    # Elapsed time, not wall-clock time: a 2-hour event lasts 2 hours on the night of a change.
    return (start.astimezone(UTC) + duration).astimezone(PARIS)


def expand_event(
    event: Event,
    start: datetime,
    end: datetime,
    *,
    exceptions: Iterable[EventException] | None = None,
    include_cancelled: bool = True,
) -> list[Occurrence]:
    """The event's occurrences that overlap [start, end), moved ones where they now lie."""
    if exceptions is None:
        exceptions = event.exceptions.all()
    duration = event.duration
    cancelled = event.is_cancelled or bool(event.workshop_id and event.workshop.is_cancelled)
    by_original: dict[datetime, EventException] = {}
    if event.repeats:
        by_original = {e.original_start.astimezone(UTC): e for e in exceptions}
    found: list[Occurrence] = []
    for original in original_starts(event, start - duration, end):
        exception = by_original.get(original.astimezone(UTC))
        if exception is not None and not exception.is_cancelled:
            continue  # moved: placed below, where it now lies
        occurrence_end = _event_end(original, duration)
        if occurrence_end <= start:
            continue
        is_cancelled = cancelled or exception is not None
        if is_cancelled and not include_cancelled:
            continue
        found.append(Occurrence(event, original, occurrence_end, original, False, is_cancelled))
    for exception in by_original.values():
        if exception.is_cancelled or not (exception.start < end and exception.end > start):
            continue
        if cancelled and not include_cancelled:
            continue
        # An exception left behind by a change of the rule no longer names an occurrence.
        if not is_occurrence(event, exception.original_start):
            continue
        found.append(
            Occurrence(
                event,
                exception.start.astimezone(PARIS),
                exception.end.astimezone(PARIS),
                exception.original_start.astimezone(PARIS),
                True,
                cancelled,
            )
        )
    return found


def events_in_window(events: QuerySet[Event], start: datetime, end: datetime) -> QuerySet[Event]:
    """Only the events that may have an occurrence in [start, end), ready to expand.

    Three queries in all, however many events and exceptions: the events (with their
    calendar and workshop) and their exceptions.
    """
    reaches = Q(start__lt=end, end__gt=start)
    repeats = Q(repeat_every_weeks__gt=0, start__lt=end) & (
        Q(repeat_until__isnull=True)
        | Q(repeat_until__gte=(start - LONGEST_EVENT).astimezone(PARIS).date())
    )
    moved_here = Q(
        pk__in=EventException.objects.filter(
            is_cancelled=False, start__lt=end, end__gt=start
        ).values("event_id")
    )
    return (
        events.filter(reaches | repeats | moved_here)
        .select_related("calendar__workspace", "calendar__place", "workshop")
        .prefetch_related(Prefetch("exceptions", queryset=EventException.objects.order_by("pk")))
    )


def expand(
    events: QuerySet[Event],
    start: datetime,
    end: datetime,
    *,
    include_cancelled: bool = True,
) -> list[Occurrence]:
    """Every occurrence of `events` overlapping [start, end), sorted by start."""
    found: list[Occurrence] = []
    for event in events_in_window(events, start, end):
        found.extend(
            expand_event(
                event,
                start,
                end,
                exceptions=event.exceptions.all(),
                include_cancelled=include_cancelled,
            )
        )
    found.sort(key=lambda o: (o.start, o.end, o.event.title, o.event.pk))
    return found


def visible_events(user, calendars: QuerySet[Calendar] | Iterable[Calendar]) -> QuerySet[Event]:
    """The events of `calendars` that `user` may see: workshop sessions only of workshops
    they may see (published, or run by them). The calendars themselves are checked by the
    caller."""
    if isinstance(calendars, QuerySet):
        in_calendars = Q(calendar__in=calendars.values("pk"))
    else:
        in_calendars = Q(calendar__in=[c.pk for c in calendars])
    return Event.objects.filter(in_calendars).filter(
        Q(workshop__isnull=True) | Q(workshop__in=workshops_visible_to(user).values("pk"))
    )


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """From midnight starting `first` to midnight ending `last`, on the Paris clock."""
    return (
        on_paris_clock(datetime.combine(first, time.min)),
        on_paris_clock(datetime.combine(last + timedelta(days=1), time.min)),
    )
