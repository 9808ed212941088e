"""The agenda: one's merged calendars, one calendar, events and their occurrences.

Thin views: fetch through the permission authority (a private calendar one may not see is a
404), expand occurrences in the period shown (`calendars.recurrence`, a bounded number of
queries whatever the number of events), call a service to write. Month and week are tables,
the list is headed by day; all of it works without JavaScript.
"""

from __future__ import annotations

import calendar as stdlib_calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from calendars.forms.events import EventForm, OccurrenceMoveForm
from calendars.models import Calendar, Event, EventChange, EventException, FeedToken
from calendars.permissions import agenda_calendars
from calendars.recurrence import (
    PARIS,
    Occurrence,
    day_bounds,
    expand,
    expand_event,
    is_occurrence,
    parse_occurrence_key,
    visible_events,
)
from calendars.services import events as services
from calendars.services.calendars import calendar_for_workspace
from core.notifications.emails import absolute_url
from core.permissions import can
from core.views import add_service_errors, get_object_or_deny
from core.workspaces.models import Module, Workspace
from core.workspaces.services import network_workspace

VIEWS = ("mois", "semaine", "liste")
LIST_DAYS = 28
PALETTE_SIZE = 8
UPCOMING_SHOWN = 12
UPCOMING_HORIZON = timedelta(days=366)
LOG_PER_PAGE = 30
HISTORY_SHOWN = 20

CALENDARS = Calendar.objects.select_related("workspace", "place")
EVENTS = Event.objects.select_related("calendar__workspace", "calendar__place", "workshop__place")


# --- Periods and grids -----------------------------------------------------------------------


@dataclass
class Period:
    view: str
    anchor: date
    first: date  # first day shown
    last: date  # last day shown (included)
    previous: date
    next: date
    month_first: date | None = None


def _period(request: HttpRequest) -> Period:
    view = request.GET.get("vue", "mois")
    if view not in VIEWS:
        view = "mois"
    try:
        anchor = date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        anchor = timezone.localdate()
    if view == "semaine":
        first = anchor - timedelta(days=anchor.weekday())
        last = first + timedelta(days=6)
        return Period(view, anchor, first, last, first - timedelta(7), first + timedelta(7))
    if view == "liste":
        last = anchor + timedelta(days=LIST_DAYS - 1)
        step = timedelta(days=LIST_DAYS)
        return Period(view, anchor, anchor, last, anchor - step, anchor + step)
    month_first = anchor.replace(day=1)
    month_last = month_first.replace(day=stdlib_calendar.monthrange(anchor.year, anchor.month)[1])
    previous = (month_first - timedelta(days=1)).replace(day=1)
    following = month_last + timedelta(days=1)
    return Period(
        view,
        anchor,
        month_first - timedelta(days=month_first.weekday()),
        month_last + timedelta(days=6 - month_last.weekday()),
        previous,
        following,
        month_first,
    )


@dataclass
class Entry:
    """An occurrence as shown on one day of the grid."""

    occurrence: Occurrence
    colour: int
    label: str
    continued: bool  # began on an earlier day

    @property
    def url(self) -> str:
        return _occurrence_url(self.occurrence)


@dataclass
class Day:
    date: date
    in_period: bool
    is_today: bool
    entries: list[Entry] = field(default_factory=list)


def _occurrence_url(occurrence: Occurrence) -> str:
    url = occurrence.event.get_absolute_url()
    if occurrence.event.repeats:
        url += "?" + urlencode({"occurrence": occurrence.key})
    return url


def _days(period: Period, occurrences: list[Occurrence], colours: dict[int, int]) -> list[Day]:
    today = timezone.localdate()
    days = {}
    current = period.first
    while current <= period.last:
        in_period = period.month_first is None or current.month == period.month_first.month
        days[current] = Day(current, in_period, current == today)
        current += timedelta(days=1)
    for occurrence in occurrences:
        first_day = occurrence.start.astimezone(PARIS).date()
        # An event ending at midnight does not spill onto the next day.
        last_day = (occurrence.end.astimezone(PARIS) - timedelta(microseconds=1)).date()
        day = max(first_day, period.first)
        while day <= min(last_day, period.last):
            days[day].entries.append(
                Entry(
                    occurrence,
                    colours.get(occurrence.event.calendar_id, 0),
                    occurrence.event.calendar.name,
                    day != first_day,
                )
            )
            day += timedelta(days=1)
    return list(days.values())


def _link(view: str, day: date) -> str:
    return "?" + urlencode({"vue": view, "date": day.isoformat()})


def _agenda_context(request: HttpRequest, calendars: list[Calendar], events) -> dict:
    period = _period(request)
    start, end = day_bounds(period.first, period.last)
    occurrences = expand(events, start, end)
    colours = {c.pk: i % PALETTE_SIZE for i, c in enumerate(calendars)}
    for c in calendars:
        c.colour = colours[c.pk]
    days = _days(period, occurrences, colours)
    today = timezone.localdate()
    return {
        "calendars": calendars,
        "period": period,
        "days": days,
        "weeks": [days[i : i + 7] for i in range(0, len(days), 7)],
        "list_days": [d for d in days if d.entries],
        "weekday_names": [(WEEKDAYS[i], WEEKDAYS_ABBR[i]) for i in range(7)],
        "links": {
            "previous": _link(period.view, period.previous),
            "next": _link(period.view, period.next),
            "today": _link(period.view, today),
            "mois": _link("mois", period.anchor),
            "semaine": _link("semaine", period.anchor),
            "liste": _link("liste", period.anchor),
        },
        "views": [("mois", _("Month")), ("semaine", _("Week")), ("liste", _("List"))],
        "show_labels": len(calendars) > 1,
    }


# --- Pages -----------------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """One's agenda: desktop, network, groups and places merged, each in its colour."""
    user = request.user
    # Calendars come into being when first needed: one's own two are always in the agenda.
    calendar_for_workspace(user.personal_workspace)
    calendar_for_workspace(network_workspace())
    calendars = list(agenda_calendars(user).order_by("place", "workspace__kind", "pk"))
    context = _agenda_context(request, calendars, visible_events(user, calendars))
    context["editable"] = [c for c in calendars if can(user, "edit", c)]
    return render(request, "calendars/agenda/index.html", context)


def _calendar_page(request: HttpRequest, calendar: Calendar) -> HttpResponse:
    context = _agenda_context(request, [calendar], visible_events(request.user, [calendar]))
    context.update(
        {
            "calendar": calendar,
            "may_edit": can(request.user, "edit", calendar),
            "may_view_log": can(request.user, "view_log", calendar),
            "may_subscribe": can(request.user, "subscribe", calendar),
            "public_feed_url": _public_feed_url(calendar),
        }
    )
    return render(request, "calendars/agenda/calendar.html", context)


def calendar_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _calendar_page(request, get_object_or_deny(request, CALENDARS, "view", pk=pk))


def workspace_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    """A workspace's calendar reached by the workspace's address."""
    workspace = get_object_or_deny(request, Workspace, "read", slug=slug)
    if not workspace.has_module(Module.CALENDAR):
        raise Http404
    calendar = calendar_for_workspace(workspace)
    calendar.workspace = workspace
    return _calendar_page(request, calendar)


def _public_feed_url(calendar: Calendar) -> str | None:
    if calendar.place_id is None or not calendar.place.is_published:
        return None
    return absolute_url(reverse("feeds:place", kwargs={"slug": calendar.place.slug}))


# --- Events ----------------------------------------------------------------------------------


def _workshop_url(event: Event) -> str | None:
    return event.workshop.get_absolute_url() if event.workshop_id is not None else None


def _session_redirect(request: HttpRequest, event: Event) -> HttpResponse:
    """Workshop sessions are changed on their workshop's management page."""
    messages.info(request, _("A workshop session is changed from its workshop's page."))
    return redirect("workshops_manage:workshop", pk=event.workshop_id)


def _occurrence_of(event: Event, key: str) -> Occurrence:
    """The occurrence named by `key` (its original start), moved or not; 404 if none."""
    original = parse_occurrence_key(key)
    if original is None or not event.repeats or not is_occurrence(event, original):
        raise Http404
    exception = EventException.objects.filter(event=event, original_start=original).first()
    original = original.astimezone(PARIS)
    if exception is not None and not exception.is_cancelled:
        return Occurrence(
            event,
            exception.start.astimezone(PARIS),
            exception.end.astimezone(PARIS),
            original,
            True,
            event.is_cancelled,
        )
    end = (original + event.duration).astimezone(PARIS)
    return Occurrence(event, original, end, original, False, exception is not None)


def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_deny(request, EVENTS, "view", pk=pk)
    occurrence = None
    if event.repeats and request.GET.get("occurrence"):
        occurrence = _occurrence_of(event, request.GET["occurrence"])
    upcoming = []
    if event.repeats:
        now = timezone.now()
        upcoming = expand_event(event, now, now + UPCOMING_HORIZON)
        upcoming.sort(key=lambda o: o.start)
        upcoming = upcoming[:UPCOMING_SHOWN]
    history = None
    if can(request.user, "view_log", event.calendar):
        history = _log_entries(event.changes.select_related("actor")[:HISTORY_SHOWN])
    return render(
        request,
        "calendars/agenda/event_detail.html",
        {
            "event": event,
            "calendar": event.calendar,
            "occurrence": occurrence,
            "upcoming": upcoming,
            "history": history,
            "may_edit": event.workshop_id is None and can(request.user, "edit", event),
            "may_edit_session": event.workshop_id is not None
            and can(request.user, "manage", event.workshop),
            "workshop_url": _workshop_url(event),
        },
    )


def _default_times(request: HttpRequest) -> dict:
    now = timezone.localtime()
    start = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    try:
        day = date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = None
    if day is not None and day > now.date():
        start = datetime(day.year, day.month, day.day, 10, 0, tzinfo=PARIS)
    return {"start": start, "end": start + timedelta(hours=1), "repeat_every_weeks": 0}


def event_create(request: HttpRequest, pk: int) -> HttpResponse:
    calendar = get_object_or_deny(request, CALENDARS, "edit", pk=pk)
    form = EventForm(request.POST or None, initial=_default_times(request))
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(
                actor=request.user, calendar=calendar, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The event is in the calendar."))
            return redirect(event)
    return render(
        request,
        "calendars/agenda/event_form.html",
        {"form": form, "calendar": calendar, "event": None},
    )


def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_deny(request, EVENTS, "edit", pk=pk)
    if event.workshop_id is not None:
        return _session_redirect(request, event)
    initial = {
        name: getattr(event, name)
        for name in (
            "title",
            "start",
            "end",
            "location",
            "online_url",
            "description",
            "repeat_every_weeks",
            "repeat_until",
        )
    }
    form = EventForm(request.POST or None, initial=initial, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(actor=request.user, event=event, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The event is updated."))
            return redirect(event)
    return render(
        request,
        "calendars/agenda/event_form.html",
        {"form": form, "calendar": event.calendar, "event": event},
    )


def event_delete(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_deny(request, EVENTS, "edit", pk=pk)
    if event.workshop_id is not None:
        return _session_redirect(request, event)
    if request.method == "POST":
        calendar = event.calendar
        services.event_delete(actor=request.user, event=event)
        messages.success(request, _("The event is deleted."))
        return redirect(calendar)
    return render(request, "calendars/agenda/event_delete.html", {"event": event})


def occurrence_cancel(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    event = get_object_or_deny(request, EVENTS, "edit", pk=pk)
    if event.workshop_id is not None:
        return _session_redirect(request, event)
    occurrence = _occurrence_of(event, key)
    if request.method == "POST":
        services.occurrence_cancel(
            actor=request.user, event=event, original_start=occurrence.original_start
        )
        messages.success(request, _("This occurrence is cancelled; the others stay."))
        return redirect(_occurrence_url(occurrence))
    return render(
        request,
        "calendars/agenda/occurrence_cancel.html",
        {"event": event, "occurrence": occurrence},
    )


def occurrence_move(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    event = get_object_or_deny(request, EVENTS, "edit", pk=pk)
    if event.workshop_id is not None:
        return _session_redirect(request, event)
    occurrence = _occurrence_of(event, key)
    form = OccurrenceMoveForm(
        request.POST or None, initial={"start": occurrence.start, "end": occurrence.end}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.occurrence_move(
                actor=request.user,
                event=event,
                original_start=occurrence.original_start,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("This occurrence is moved; the others stay."))
            return redirect(_occurrence_url(occurrence))
    return render(
        request,
        "calendars/agenda/occurrence_move.html",
        {"event": event, "occurrence": occurrence, "form": form},
    )


@require_POST
def occurrence_restore(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    event = get_object_or_deny(request, EVENTS, "edit", pk=pk)
    if event.workshop_id is not None:
        return _session_redirect(request, event)
    occurrence = _occurrence_of(event, key)
    services.occurrence_restore(
        actor=request.user, event=event, original_start=occurrence.original_start
    )
    messages.success(request, _("This occurrence is back at its usual time."))
    return redirect(_occurrence_url(occurrence))


# --- The log ---------------------------------------------------------------------------------


def _log_entries(changes) -> list[dict]:
    """Log lines with their changes labelled as the event form labels its fields."""
    labels = {name: Event._meta.get_field(name).verbose_name for name in services.LOGGED_FIELDS}
    return [
        {
            "change": change,
            "fields": [
                {"label": labels.get(name, name), "old": old, "new": new}
                for name, (old, new) in change.changes.items()
            ],
        }
        for change in changes
    ]


def calendar_log(request: HttpRequest, pk: int) -> HttpResponse:
    """Who added, changed or deleted which event: for the calendar's moderators."""
    calendar = get_object_or_deny(request, CALENDARS, "view_log", pk=pk)
    changes = EventChange.objects.filter(calendar=calendar).select_related("actor", "event")
    page = Paginator(changes, LOG_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "calendars/agenda/calendar_log.html",
        {"calendar": calendar, "page_obj": page, "entries": _log_entries(page.object_list)},
    )


# --- Private feed ----------------------------------------------------------------------------


def calendar_feed(request: HttpRequest, pk: int) -> HttpResponse:
    """One's private feed address of a calendar: made, shown, replaced or revoked here."""
    calendar = get_object_or_deny(request, CALENDARS, "subscribe", pk=pk)
    user = request.user
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            services.feed_token_get_or_create(actor=user, calendar=calendar)
            messages.success(request, _("Your feed address is ready."))
        elif action == "regenerate":
            services.feed_token_regenerate(actor=user, calendar=calendar)
            messages.success(
                request, _("Here is your new feed address; the old one no longer works.")
            )
        elif action == "revoke":
            for token in FeedToken.objects.filter(
                calendar=calendar, user=user, revoked_at__isnull=True
            ):
                services.feed_token_revoke(actor=user, token=token)
            messages.success(request, _("Your feed address no longer works."))
        return redirect("agenda:feed", pk=calendar.pk)
    token = FeedToken.objects.filter(calendar=calendar, user=user, revoked_at__isnull=True).first()
    feed_url = (
        absolute_url(reverse("feeds:private", kwargs={"token": token.token})) if token else None
    )
    return render(
        request,
        "calendars/agenda/feed.html",
        {
            "calendar": calendar,
            "token": token,
            "feed_url": feed_url,
            "webcal_url": feed_url.replace("https://", "webcal://", 1).replace(
                "http://", "webcal://", 1
            )
            if feed_url
            else None,
            "public_feed_url": _public_feed_url(calendar),
        },
    )
