"""iCal feeds as calendar software reads them, and who may read them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from calendars.models import Event, EventException, FeedToken
from calendars.services import events as services
from calendars.services.calendars import calendar_for_place, calendar_for_workspace
from core.workspaces.models import Visibility
from tests.calendars.factories import PARIS, make_workshop
from tests.factories import GroupFactory, MembershipFactory, PlaceFactory, UserFactory

pytestmark = pytest.mark.django_db


def soon(days=7, hour=14) -> datetime:
    day = datetime.now(PARIS).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=PARIS)


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


@pytest.fixture
def secret_group():
    return GroupFactory(visibility=Visibility.SECRET)


@pytest.fixture
def member(secret_group):
    return MembershipFactory(workspace=secret_group).user


def private_url(user, calendar) -> str:
    token = services.feed_token_get_or_create(actor=user, calendar=calendar)
    return reverse("feeds:private", kwargs={"token": token.token})


def test_private_feed_carries_rrule_exdate_and_moved_occurrence(client, secret_group, member):
    calendar = calendar_for_workspace(secret_group)
    start = soon()
    event = services.event_create(
        actor=member,
        calendar=calendar,
        title="Comité technique",
        start=start,
        end=start + timedelta(hours=2),
        repeat_every_weeks=2,
        repeat_until=(start + timedelta(weeks=10)).date(),
        location="Salle du conseil",
    )
    services.occurrence_cancel(actor=member, event=event, original_start=start + timedelta(14))
    services.occurrence_move(
        actor=member,
        event=event,
        original_start=start + timedelta(28),
        start=start + timedelta(29),
        end=start + timedelta(29, hours=1),
    )
    feed = parse(client.get(private_url(member, calendar)))

    assert feed["X-WR-CALNAME"] == secret_group.name
    assert feed["PRODID"] and feed["VERSION"] == "2.0"
    assert [tz["TZID"] for tz in feed.walk("VTIMEZONE")] == ["Europe/Paris"]
    vevents = feed.walk("VEVENT")
    assert len(vevents) == 2
    main, moved = sorted(vevents, key=lambda v: "RECURRENCE-ID" in v)
    assert str(main["UID"]) == str(event.uid) == str(moved["UID"])
    event.refresh_from_db()
    assert main["SEQUENCE"] == event.sequence == 2
    assert main["DTSTART"].params["TZID"] == "Europe/Paris"
    assert main["DTSTART"].dt == start
    assert main["DTEND"].dt == start + timedelta(hours=2)
    assert main["SUMMARY"] == "Comité technique" and main["LOCATION"] == "Salle du conseil"
    assert main["URL"].endswith(event.get_absolute_url())
    rule = main["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["INTERVAL"] == [2]
    until = rule["UNTIL"][0]
    assert until.tzinfo is not None and until.utcoffset() == timedelta(0)
    assert until.astimezone(PARIS).date() == (start + timedelta(weeks=10)).date()
    exdates = [d.dt for d in main["EXDATE"].dts]
    assert exdates == [start + timedelta(14)]
    assert main["EXDATE"].params["TZID"] == "Europe/Paris"
    assert moved["RECURRENCE-ID"].dt == start + timedelta(28)
    assert moved["RECURRENCE-ID"].params["TZID"] == "Europe/Paris"
    assert moved["DTSTART"].dt == start + timedelta(29)


def test_a_weekly_event_keeps_its_local_hour_in_the_feed(client, secret_group, member):
    calendar = calendar_for_workspace(secret_group)
    event = Event.objects.create(
        calendar=calendar,
        title="Permanence",
        start=datetime(2027, 3, 15, 14, 0, tzinfo=PARIS),
        end=datetime(2027, 3, 15, 16, 0, tzinfo=PARIS),
        repeat_every_weeks=1,
    )
    vevent = parse(client.get(private_url(member, calendar))).walk("VEVENT")[0]
    # The time is given on the Paris clock, with its zone: clients repeat it at 14:00 local.
    assert b"DTSTART;TZID=Europe/Paris:20270315T140000" in vevent.to_ical()
    assert "UNTIL" not in vevent["RRULE"]
    assert str(vevent["UID"]) == str(event.uid)


def test_revoked_and_unknown_tokens_answer_404(client, secret_group, member):
    calendar = calendar_for_workspace(secret_group)
    url = private_url(member, calendar)
    assert client.get(url).status_code == 200
    token = FeedToken.objects.get(user=member)
    services.feed_token_revoke(actor=member, token=token)
    assert client.get(url).status_code == 404
    unknown = reverse("feeds:private", kwargs={"token": "pas-un-vrai-jeton"})
    assert client.get(unknown).status_code == 404


def test_a_member_who_left_a_secret_group_loses_its_feed(client, secret_group, member):
    calendar = calendar_for_workspace(secret_group)
    url = private_url(member, calendar)
    assert client.get(url).status_code == 200
    member.memberships.filter(workspace=secret_group).delete()
    assert client.get(url).status_code == 404


def test_a_deactivated_account_loses_its_feed(client, secret_group, member):
    url = private_url(member, calendar_for_workspace(secret_group))
    member.is_active = False
    member.save()
    assert client.get(url).status_code == 404


def test_another_users_private_calendar_is_never_reachable(client):
    owner, other = UserFactory(), UserFactory()
    desktop = calendar_for_workspace(owner.personal_workspace)
    start = soon()
    services.event_create(
        actor=owner, calendar=desktop, title="Rendez-vous médical", start=start,
        end=start + timedelta(hours=1),
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.feed_token_get_or_create(actor=other, calendar=desktop)
    client.force_login(other)
    assert client.get(reverse("agenda:feed", args=[desktop.pk])).status_code == 404
    assert (
        client.post(reverse("agenda:feed", args=[desktop.pk]), {"action": "create"}).status_code
        == 404
    )
    assert not FeedToken.objects.filter(user=other).exists()
    # Even a token row made behind the authority's back gives nothing.
    stolen = FeedToken.objects.create(calendar=desktop, user=other)
    response = client.get(reverse("feeds:private", kwargs={"token": stolen.token}))
    assert response.status_code == 404


def test_public_place_feed_works_anonymously_with_published_sessions_only(client):
    place = PlaceFactory(nom="EPN de la Médiathèque")
    shown = make_workshop(place, starts=[soon(3), soon(10)], title="Premiers pas")
    make_workshop(place, starts=[soon(4)], title="Brouillon", is_published=False)
    cancelled = make_workshop(place, starts=[soon(5)], title="Annulé", is_cancelled=True)
    calendar = calendar_for_place(place)
    Event.objects.create(
        calendar=calendar, title="Fermeture estivale", start=soon(20), end=soon(20, 18)
    )
    feed = parse(client.get(reverse("feeds:place", kwargs={"slug": place.slug})))
    assert feed["X-WR-CALNAME"] == "EPN de la Médiathèque"
    summaries = sorted(str(v["SUMMARY"]) for v in feed.walk("VEVENT"))
    assert summaries == ["Annulé", "Fermeture estivale", "Premiers pas", "Premiers pas"]
    by_title = {str(v["SUMMARY"]): v for v in feed.walk("VEVENT")}
    assert by_title["Annulé"]["STATUS"] == "CANCELLED"
    assert by_title["Fermeture estivale"]["STATUS"] == "CONFIRMED"
    uids = {str(v["UID"]) for v in feed.walk("VEVENT")}
    assert {str(s.uid) for s in shown.sessions.all()} <= uids
    assert str(cancelled.sessions.get().uid) in uids


def test_unpublished_place_feed_is_404(client):
    place = PlaceFactory(is_published=False)
    make_workshop(place)
    assert client.get(reverse("feeds:place", kwargs={"slug": place.slug})).status_code == 404
    assert client.get(reverse("feeds:place", kwargs={"slug": "nulle-part"})).status_code == 404


def test_feed_leaves_out_old_events_and_costs_few_queries(
    client, secret_group, member, django_assert_max_num_queries
):
    calendar = calendar_for_workspace(secret_group)
    long_ago = datetime(2019, 1, 7, 10, 0, tzinfo=PARIS)
    Event.objects.create(
        calendar=calendar, title="Vieux", start=long_ago, end=long_ago + timedelta(hours=1)
    )
    for i in range(25):
        event = Event.objects.create(
            calendar=calendar,
            title=f"Atelier {i}",
            start=soon(i + 1),
            end=soon(i + 1, 16),
            repeat_every_weeks=1,
            repeat_until=date.today() + timedelta(days=120),
        )
        EventException.objects.create(event=event, original_start=soon(i + 8), is_cancelled=True)
    url = private_url(member, calendar)
    with django_assert_max_num_queries(8):
        feed = parse(client.get(url))
    titles = {str(v["SUMMARY"]) for v in feed.walk("VEVENT")}
    assert "Vieux" not in titles and len(titles) == 25
    assert all("EXDATE" in v for v in feed.walk("VEVENT"))
    assert feed.walk("VEVENT")[0]["DTSTAMP"].dt.tzinfo is not None
    assert all(v["DTSTAMP"].dt <= datetime.now(UTC) for v in feed.walk("VEVENT"))
