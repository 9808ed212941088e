"""Reads of workshops that views share, with their joins and counts built in."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from calendars.models import Event, Registration, RegistrationStatus, Workshop
from calendars.permissions import workshops_visible_to


def with_counts(queryset: QuerySet[Workshop]) -> QuerySet[Workshop]:
    """Seats taken, people waiting and live sessions, in the same query."""
    return queryset.annotate(
        confirmed_count=Count(
            "registrations",
            filter=Q(registrations__status=RegistrationStatus.CONFIRMED),
            distinct=True,
        ),
        waiting_count=Count(
            "registrations",
            filter=Q(registrations__status=RegistrationStatus.WAITING),
            distinct=True,
        ),
        _session_count=Count("sessions", filter=Q(sessions__is_cancelled=False), distinct=True),
    )


def live_sessions() -> Prefetch:
    return Prefetch(
        "sessions",
        queryset=Event.objects.filter(is_cancelled=False).order_by("start"),
        to_attr="live_sessions",
    )


def upcoming_public_workshops(user, *, now: datetime | None = None) -> QuerySet[Workshop]:
    """Workshops open to the public whose first session is still to come, soonest first."""
    now = now or timezone.now()
    return (
        with_counts(workshops_visible_to(user).published().upcoming(now))
        .select_related("place")
        .prefetch_related(live_sessions())
        .order_by("starts_at", "pk")
    )


def next_workshops_of_place(place, user, *, limit: int = 5) -> list[Workshop]:
    return list(upcoming_public_workshops(user).filter(place=place)[:limit])


def filter_workshops(
    queryset: QuerySet[Workshop],
    *,
    theme: str = "",
    level: str = "",
    day_from: date | None = None,
    day_to: date | None = None,
    free_only: bool = False,
    seats_left: bool = False,
) -> QuerySet[Workshop]:
    tz = timezone.get_current_timezone()
    if theme:
        queryset = queryset.filter(theme=theme)
    if level:
        queryset = queryset.filter(level=level)
    if day_from:
        queryset = queryset.filter(starts_at__gte=datetime.combine(day_from, time.min, tz))
    if day_to:
        end = datetime.combine(day_to + timedelta(days=1), time.min, tz)
        queryset = queryset.filter(starts_at__lt=end)
    if free_only:
        queryset = queryset.filter(fee_kind="free")
    if seats_left:
        queryset = queryset.filter(confirmed_count__lt=F("capacity"))
    return queryset


def registrations_of(workshop: Workshop) -> QuerySet[Registration]:
    return workshop.registrations.select_related("registered_by").order_by("created_at", "pk")


def next_workshop_by_place(place_ids, user) -> dict[int, Workshop]:
    """The soonest upcoming workshop of each place, for a page of the directory (one query)."""
    soonest: dict[int, Workshop] = {}
    rows = (
        workshops_visible_to(user)
        .published()
        .upcoming(timezone.now())
        .filter(place_id__in=list(place_ids))
        .order_by("place_id", "starts_at", "pk")
        .only("pk", "slug", "title", "starts_at", "place_id")
    )
    for workshop in rows:
        soonest.setdefault(workshop.place_id, workshop)
    return soonest


NEXT_DATES = 6


def next_dates_for(user, *, workspace=None, now: datetime | None = None) -> dict:
    """For the desktop: the next events of one's agenda (or of a group's calendar) and the
    next workshops of one's places with their seats left, in three queries."""
    from calendars.permissions import agenda_calendars, calendars_visible_to

    now = now or timezone.now()
    if workspace is None:
        calendars = agenda_calendars(user)
    else:
        calendars = calendars_visible_to(user).filter(workspace=workspace)
    events = list(
        Event.objects.filter(
            calendar__in=calendars.values("pk"), workshop__isnull=True, is_cancelled=False
        )
        .filter(Q(start__gte=now) | Q(repeat_every_weeks__gt=0, repeat_until__gte=now.date()))
        .select_related("calendar")
        .order_by("start", "pk")[:NEXT_DATES]
    )
    workshops = []
    if workspace is None and user.is_authenticated:
        workshops = list(
            with_counts(Workshop.objects.filter(place__facilitators=user).upcoming(now))
            .select_related("place")
            .order_by("starts_at", "pk")[:NEXT_DATES]
        )
    return {"events": events, "workshops": workshops}
