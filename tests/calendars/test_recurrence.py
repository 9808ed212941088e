"""Repeating events on the wall clock of Paris: daylight-saving changes, intervals, end dates,
cancelled and moved occurrences; and the services that change them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from calendars.models import Event, EventException
from calendars.recurrence import Occurrence, day_bounds, expand, expand_event
from calendars.services import events as services
from calendars.services.calendars import calendar_for_workspace
from tests.calendars.factories import PARIS, make_workshop, paris
from tests.factories import GroupFactory, MembershipFactory, PlaceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def calendar():
    return calendar_for_workspace(GroupFactory())


def weekly(calendar, start, *, hours=2, every=1, until=None, **fields):
    return Event.objects.create(
        calendar=calendar,
        title=fields.pop("title", "Permanence"),
        start=start,
        end=start + timedelta(hours=hours),
        repeat_every_weeks=every,
        repeat_until=until,
        **fields,
    )


def starts(occurrences: list[Occurrence]) -> list[datetime]:
    return [o.start for o in occurrences]


def test_weekly_14h_stays_14h_paris_time_across_both_daylight_saving_changes(calendar):
    event = weekly(calendar, paris(2027, 3, 15, 14, 0))
    occurrences = expand(Event.objects.all(), *day_bounds(date(2027, 3, 15), date(2027, 11, 15)))
    assert {o.start.astimezone(PARIS).hour for o in occurrences} == {14}
    assert all(o.start.astimezone(PARIS).minute == 0 for o in occurrences)
    by_day = {o.start.date(): o for o in occurrences}
    # Winter time (UTC+1) before 28 March, summer time (UTC+2) until 31 October, then winter.
    assert by_day[date(2027, 3, 22)].start.astimezone(UTC).hour == 13
    assert by_day[date(2027, 3, 29)].start.astimezone(UTC).hour == 12
    assert by_day[date(2027, 10, 25)].start.astimezone(UTC).hour == 12
    assert by_day[date(2027, 11, 1)].start.astimezone(UTC).hour == 13
    # The two-hour event lasts two hours every time.
    assert all(o.end - o.start == timedelta(hours=2) for o in occurrences)
    assert all(o.event == event and not o.is_moved for o in occurrences)


def test_every_two_weeks_skips_the_week_between(calendar):
    weekly(calendar, paris(2027, 3, 1, 9, 30), every=2)
    occurrences = expand(Event.objects.all(), *day_bounds(date(2027, 3, 1), date(2027, 4, 30)))
    assert [o.start.date() for o in occurrences] == [
        date(2027, 3, 1),
        date(2027, 3, 15),
        date(2027, 3, 29),
        date(2027, 4, 12),
        date(2027, 4, 26),
    ]
    assert all(o.start.astimezone(PARIS).time().hour == 9 for o in occurrences)


def test_repeat_until_is_inclusive_and_stops_there(calendar):
    weekly(calendar, paris(2027, 5, 3, 18, 0), until=date(2027, 5, 24))
    occurrences = expand(Event.objects.all(), *day_bounds(date(2027, 5, 1), date(2027, 7, 31)))
    assert [o.start.date() for o in occurrences] == [
        date(2027, 5, 3),
        date(2027, 5, 10),
        date(2027, 5, 17),
        date(2027, 5, 24),
    ]


def test_a_repetition_without_end_is_bounded_by_the_window(calendar):
    weekly(calendar, paris(2020, 1, 6, 10, 0))
    occurrences = expand(Event.objects.all(), *day_bounds(date(2031, 6, 1), date(2031, 6, 30)))
    assert [o.start.day for o in occurrences] == [2, 9, 16, 23, 30]  # the Mondays of June 2031
    assert all(o.start.weekday() == 0 and o.start.hour == 10 for o in occurrences)


def test_an_occurrence_reaching_into_the_window_is_shown(calendar):
    weekly(calendar, paris(2027, 1, 4, 23, 0), hours=3)
    occurrences = expand(Event.objects.all(), *day_bounds(date(2027, 1, 12), date(2027, 1, 12)))
    assert starts(occurrences) == [paris(2027, 1, 11, 23, 0)]


def test_a_cancelled_occurrence_is_marked_or_left_out_and_the_others_stay(calendar):
    event = weekly(calendar, paris(2027, 3, 1, 14, 0))
    EventException.objects.create(
        event=event, original_start=paris(2027, 3, 8, 14, 0), is_cancelled=True
    )
    window = day_bounds(date(2027, 3, 1), date(2027, 3, 21))
    occurrences = expand(Event.objects.all(), *window)
    assert [(o.start.day, o.is_cancelled) for o in occurrences] == [
        (1, False),
        (8, True),
        (15, False),
    ]
    kept = expand(Event.objects.all(), *window, include_cancelled=False)
    assert [o.start.day for o in kept] == [1, 15]


def test_a_moved_occurrence_shows_where_it_now_lies(calendar):
    event = weekly(calendar, paris(2027, 3, 1, 14, 0), until=date(2027, 3, 29))
    # The 29 March occurrence moves to 2 April 10:00 (outside its original week).
    EventException.objects.create(
        event=event,
        original_start=paris(2027, 3, 29, 14, 0),
        start=paris(2027, 4, 2, 10, 0),
        end=paris(2027, 4, 2, 12, 0),
    )
    march = expand(Event.objects.all(), *day_bounds(date(2027, 3, 29), date(2027, 3, 31)))
    assert march == []
    april = expand(Event.objects.all(), *day_bounds(date(2027, 4, 1), date(2027, 4, 30)))
    assert len(april) == 1
    moved = april[0]
    assert moved.is_moved and moved.start == paris(2027, 4, 2, 10, 0)
    assert moved.original_start == paris(2027, 3, 29, 14, 0)


def test_an_occurrence_moved_before_the_event_starts_still_shows(calendar):
    event = weekly(calendar, paris(2027, 6, 7, 14, 0))
    EventException.objects.create(
        event=event,
        original_start=paris(2027, 6, 7, 14, 0),
        start=paris(2027, 6, 3, 9, 0),
        end=paris(2027, 6, 3, 11, 0),
    )
    occurrences = expand(Event.objects.all(), *day_bounds(date(2027, 6, 1), date(2027, 6, 6)))
    assert starts(occurrences) == [paris(2027, 6, 3, 9, 0)]


def test_0230_on_the_spring_forward_day_is_read_as_0330_summer_time(calendar):
    """02:30 does not exist on 28 March 2027 in Paris: that occurrence starts at 03:30 CEST
    (the offset before the gap, as RFC 5545 says); the other weeks keep 02:30."""
    weekly(calendar, paris(2027, 3, 21, 2, 30))
    occurrences = expand(Event.objects.all(), *day_bounds(date(2027, 3, 21), date(2027, 4, 4)))
    assert len(occurrences) == 3
    local = [o.start.astimezone(PARIS) for o in occurrences]
    assert [(d.day, d.hour, d.minute) for d in local] == [(21, 2, 30), (28, 3, 30), (4, 2, 30)]
    assert local[1].astimezone(UTC) == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    assert occurrences[1].end - occurrences[1].start == timedelta(hours=2)


def test_a_single_event_expands_to_itself(calendar):
    event = Event.objects.create(
        calendar=calendar,
        title="Réunion",
        start=paris(2027, 2, 1, 10, 0),
        end=paris(2027, 2, 1, 11, 0),
    )
    assert expand_event(event, *day_bounds(date(2027, 2, 1), date(2027, 2, 1)))[0].event == event
    assert expand_event(event, *day_bounds(date(2027, 2, 2), date(2027, 2, 9))) == []


def test_expansion_costs_a_bounded_number_of_queries(calendar, django_assert_max_num_queries):
    for i in range(30):
        event = weekly(calendar, paris(2027, 1, 4, 8 + i % 10, 0), title=f"E{i}")
        EventException.objects.create(
            event=event, original_start=paris(2027, 1, 11, 8 + i % 10, 0), is_cancelled=True
        )
    with django_assert_max_num_queries(2):
        occurrences = expand(Event.objects.all(), *day_bounds(date(2027, 1, 1), date(2027, 2, 28)))
    assert len(occurrences) == 30 * 8


def test_sessions_of_unpublished_workshops_are_not_visible_to_others():
    from calendars.recurrence import visible_events

    place = PlaceFactory()
    shown = make_workshop(place, starts=[paris(2027, 3, 1, 10, 0)], title="Public")
    make_workshop(place, starts=[paris(2027, 3, 2, 10, 0)], title="Brouillon", is_published=False)
    calendar = shown.place.calendar
    facilitator = UserFactory()
    place.facilitators.add(facilitator)
    titles = {e.title for e in visible_events(UserFactory(), [calendar])}
    assert titles == {"Public"}
    assert {e.title for e in visible_events(facilitator, [calendar])} == {"Public", "Brouillon"}


# --- Services ------------------------------------------------------------------------------------


@pytest.fixture
def member(calendar):
    return MembershipFactory(workspace=calendar.workspace).user


def future(days=10, hour=14):
    day = datetime.now(PARIS).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=PARIS)


def test_update_bumps_sequence_and_drops_exceptions_the_new_rule_no_longer_has(calendar, member):
    start = future()
    event = services.event_create(
        actor=member,
        calendar=calendar,
        title="Café numérique",
        start=start,
        end=start + timedelta(hours=1),
        repeat_every_weeks=1,
    )
    services.occurrence_cancel(actor=member, event=event, original_start=start + timedelta(7))
    event.refresh_from_db()
    assert event.sequence == 1
    services.event_update(
        actor=member,
        event=event,
        title="Café numérique",
        start=start + timedelta(hours=1),
        end=start + timedelta(hours=2),
        repeat_every_weeks=1,
    )
    assert event.sequence == 2
    assert not event.exceptions.exists()


def test_services_refuse_a_non_member_and_bad_schedules(calendar, member):
    start = future()
    with pytest.raises(PermissionDenied):
        services.event_create(
            actor=UserFactory(), calendar=calendar, title="x", start=start, end=start
        )
    with pytest.raises(ValidationError) as error:
        services.event_create(
            actor=member, calendar=calendar, title="x", start=start, end=start - timedelta(1)
        )
    assert "end" in error.value.message_dict
    past = datetime.now(PARIS) - timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.event_create(
            actor=member, calendar=calendar, title="x", start=past, end=past + timedelta(hours=1)
        )
    assert "start" in error.value.message_dict
    assert not Event.objects.exists()


def test_an_occurrence_that_does_not_exist_cannot_be_cancelled(calendar, member):
    start = future()
    event = services.event_create(
        actor=member,
        calendar=calendar,
        title="x",
        start=start,
        end=start + timedelta(hours=1),
        repeat_every_weeks=2,
    )
    with pytest.raises(ValidationError):
        services.occurrence_cancel(actor=member, event=event, original_start=start + timedelta(7))
    assert not EventException.objects.exists()


def test_workshop_sessions_are_not_changed_through_event_services():
    place = PlaceFactory()
    workshop = make_workshop(place)
    facilitator = UserFactory()
    place.facilitators.add(facilitator)
    session = workshop.sessions.get()
    with pytest.raises(ValidationError):
        services.event_delete(actor=facilitator, event=session)
    assert Event.objects.filter(pk=session.pk).exists()
