"""The agenda pages as facilitators use them: month, week and list, creating and changing
events, cancelling or moving one occurrence, private calendars staying private."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from calendars.models import Event, EventException, FeedToken
from calendars.recurrence import occurrence_key
from calendars.services.calendars import calendar_for_place, calendar_for_workspace
from core.workspaces.models import Visibility
from core.workspaces.services import network_workspace
from tests.calendars.factories import PARIS, make_workshop, paris
from tests.factories import GroupFactory, MembershipFactory, PlaceFactory, UserFactory

pytestmark = pytest.mark.django_db


def soon(days=7, hour=14) -> datetime:
    day = datetime.now(PARIS).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=PARIS)


def local(moment: datetime) -> str:
    return moment.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def group():
    return GroupFactory(name="Médiateurs du Doubs")


@pytest.fixture
def member(group):
    return MembershipFactory(workspace=group).user


def event_data(**overrides):
    start = soon()
    data = {
        "title": "Réunion de réseau",
        "start": local(start),
        "end": local(start + timedelta(hours=2)),
        "location": "Médiathèque",
        "online_url": "",
        "description": "",
        "repeat_every_weeks": "0",
        "repeat_until": "",
    }
    data.update(overrides)
    return data


# --- Pages and permissions -------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_sign_in(client, group):
    login = reverse("account_login")
    response = client.get(reverse("agenda:index"))
    assert response.status_code == 302 and response["Location"].startswith(login)
    calendar = calendar_for_workspace(GroupFactory(visibility=Visibility.SECRET))
    response = client.get(reverse("agenda:calendar", args=[calendar.pk]))
    assert response.status_code == 302 and response["Location"].startswith(login)


def test_non_member_gets_404_on_a_secret_groups_calendar(client):
    secret = GroupFactory(visibility=Visibility.SECRET, slug="cellule-secrete")
    calendar = calendar_for_workspace(secret)
    Event.objects.create(
        calendar=calendar, title="Projet confidentiel", start=soon(), end=soon(7, 16)
    )
    client.force_login(UserFactory())
    for url in (
        reverse("agenda:calendar", args=[calendar.pk]),
        reverse("agenda:workspace", args=[secret.slug]),
        reverse("agenda:event", args=[calendar.events.get().pk]),
        reverse("agenda:feed", args=[calendar.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Projet confidentiel" not in response.content.decode()


def test_workspace_calendar_by_slug_and_404_when_module_off(client, group, member):
    client.force_login(member)
    response = client.get(reverse("agenda:workspace", args=[group.slug]))
    assert response.status_code == 200
    assert "Médiateurs du Doubs" in response.content.decode()
    group.calendar_enabled = False
    group.save()
    assert client.get(reverse("agenda:workspace", args=[group.slug])).status_code == 404
    assert client.get(reverse("agenda:calendar", args=[group.calendar.pk])).status_code == 404


def test_month_week_and_list_views_show_the_events_with_french_day_names(client, group, member):
    calendar = calendar_for_workspace(group)
    Event.objects.create(
        calendar=calendar,
        title="Permanence hebdo",
        start=paris(2027, 3, 1, 14, 0),
        end=paris(2027, 3, 1, 16, 0),
        repeat_every_weeks=1,
    )
    client.force_login(member)
    url = reverse("agenda:calendar", args=[calendar.pk])

    month = client.get(url, {"vue": "mois", "date": "2027-03-10"}).content.decode()
    assert "<caption>" in month and "mars 2027" in month
    assert 'scope="col"' in month and "lundi" in month
    assert month.count("Permanence hebdo") >= 5  # the five Mondays of March 2027
    assert "?vue=mois&amp;date=2027-02-01" in month and "?vue=mois&amp;date=2027-04-01" in month

    week = client.get(url, {"vue": "semaine", "date": "2027-03-31"}).content.decode()
    assert "<caption>" in week and "Permanence hebdo" in week
    # After the change to summer time the event is still at 14:00.
    assert ">14:00</time>" in week
    assert "?vue=semaine&amp;date=2027-03-22" in week

    listing = client.get(url, {"vue": "liste", "date": "2027-03-01"}).content.decode()
    assert "Lundi 1 mars 2027" in listing and "Permanence hebdo" in listing

    bad = client.get(url, {"vue": "nimporte", "date": "pas-une-date"})
    assert bad.status_code == 200


def test_personal_agenda_merges_calendars_with_labels(client, group, member):
    calendar_for_workspace(group)
    place = PlaceFactory(nom="EPN des Blancheries")
    place.facilitators.add(member)
    day = soon(2)
    Event.objects.create(
        calendar=calendar_for_workspace(member.personal_workspace),
        title="Mon rendez-vous",
        start=day,
        end=day + timedelta(hours=1),
    )
    Event.objects.create(
        calendar=group.calendar, title="Réunion du groupe", start=day, end=day + timedelta(hours=1)
    )
    Event.objects.create(
        calendar=calendar_for_workspace(network_workspace()),
        title="Assemblée du réseau",
        start=day,
        end=day + timedelta(hours=1),
    )
    make_workshop(place, starts=[day], title="Atelier tablette")
    other = GroupFactory()
    Event.objects.create(
        calendar=calendar_for_workspace(other),
        title="Pas mon groupe",
        start=day,
        end=day + timedelta(hours=1),
    )
    client.force_login(member)
    page = client.get(reverse("agenda:index"), {"vue": "liste", "date": day.date().isoformat()})
    html = page.content.decode()
    for title in (
        "Mon rendez-vous",
        "Réunion du groupe",
        "Assemblée du réseau",
        "Atelier tablette",
    ):
        assert title in html
    assert "Pas mon groupe" not in html
    assert "EPN des Blancheries" in html and "Médiateurs du Doubs" in html
    assert 'class="agenda-label"' in html


def test_agenda_month_view_does_not_grow_queries_with_events(
    client, member, django_assert_max_num_queries
):
    groups = [GroupFactory() for _ in range(4)]
    for g in groups:
        MembershipFactory(workspace=g, user=member)
        calendar = calendar_for_workspace(g)
        for i in range(15):
            event = Event.objects.create(
                calendar=calendar,
                title=f"{g.name} {i}",
                start=paris(2027, 5, 1 + i, 9 + i % 8, 0),
                end=paris(2027, 5, 1 + i, 10 + i % 8, 0),
                repeat_every_weeks=i % 3,
            )
            if event.repeats:
                EventException.objects.create(
                    event=event,
                    original_start=event.start + timedelta(weeks=event.repeat_every_weeks),
                    is_cancelled=True,
                )
    place = PlaceFactory()
    place.facilitators.add(member)
    for i in range(5):
        make_workshop(place, starts=[paris(2027, 5, 10 + i, 14, 0)])
    client.force_login(member)
    client.get(reverse("agenda:index"))  # sessions, desktop and network calendars warmed up
    with django_assert_max_num_queries(25):
        response = client.get(reverse("agenda:index"), {"vue": "mois", "date": "2027-05-01"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="agenda-entry') > 60


def test_public_place_calendar_is_readable_by_anyone_a_draft_place_is_not(client):
    place = PlaceFactory()
    make_workshop(place, starts=[soon(3)], title="Découvrir Internet")
    calendar = calendar_for_place(place)
    page = client.get(calendar.get_absolute_url(), {"vue": "liste"})
    assert page.status_code == 200 and "Découvrir Internet" in page.content.decode()
    draft = calendar_for_place(PlaceFactory(is_published=False))
    client.force_login(UserFactory())
    assert client.get(draft.get_absolute_url()).status_code == 404


# --- Writing ----------------------------------------------------------------------------------


def test_member_creates_an_event_and_it_shows_in_the_calendar(client, group, member):
    calendar = calendar_for_workspace(group)
    client.force_login(member)
    response = client.post(reverse("agenda:event_create", args=[calendar.pk]), event_data())
    event = Event.objects.get()
    assert response.status_code == 302 and response["Location"] == event.get_absolute_url()
    assert event.start == soon() and event.created_by == member
    page = client.get(calendar.get_absolute_url(), {"vue": "liste", "date": soon().date()})
    assert "Réunion de réseau" in page.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end": local(soon() - timedelta(hours=1))}, "end", "The end must come after the start."),
        (
            {"start": local(soon(-2)), "end": local(soon(-2) + timedelta(hours=1))},
            "start",
            "An event cannot start in the past.",
        ),
        (
            {"repeat_until": soon(30).date().isoformat()},
            "repeat_until",
            "An end date for the repetition needs an event that repeats.",
        ),
        (
            {"repeat_every_weeks": "1", "repeat_until": soon(-1).date().isoformat()},
            "repeat_until",
            "The repetition must end on or after the first day.",
        ),
        ({"repeat_every_weeks": "53"}, "repeat_every_weeks", "Repeat every 0 to 52 weeks."),
    ],
)
def test_bad_input_is_refused_with_its_message_and_nothing_saved(
    client, group, member, overrides, field, message
):
    calendar = calendar_for_workspace(group)
    client.force_login(member)
    response = client.post(
        reverse("agenda:event_create", args=[calendar.pk]),
        event_data(**overrides),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert field in response.context["form"].errors
    assert 'class="error-summary"' in response.content.decode()
    assert not Event.objects.exists()


def test_a_non_member_cannot_add_to_a_groups_calendar(client, group):
    calendar = calendar_for_workspace(group)
    client.force_login(UserFactory())
    response = client.post(reverse("agenda:event_create", args=[calendar.pk]), event_data())
    assert response.status_code == 403
    assert not Event.objects.exists()


def test_edit_bumps_sequence_and_delete_asks_first(client, group, member):
    calendar = calendar_for_workspace(group)
    event = Event.objects.create(
        calendar=calendar,
        title="Avant",
        start=soon(),
        end=soon() + timedelta(hours=1),
        created_by=member,
    )
    client.force_login(member)
    edit = reverse("agenda:event_edit", args=[event.pk])
    assert 'type="datetime-local"' in client.get(edit).content.decode()
    assert local(soon()) in client.get(edit).content.decode()
    client.post(edit, event_data(title="Après", start=local(soon()), end=local(soon(7, 23))))
    event.refresh_from_db()
    assert event.title == "Après" and event.sequence == 1

    delete = reverse("agenda:event_delete", args=[event.pk])
    assert client.get(delete).status_code == 200
    assert Event.objects.filter(pk=event.pk).exists()
    response = client.post(delete)
    assert response["Location"] == calendar.get_absolute_url()
    assert not Event.objects.filter(pk=event.pk).exists()


def test_cancel_and_move_one_occurrence_of_a_repeating_event(client, group, member):
    calendar = calendar_for_workspace(group)
    start = soon()
    event = Event.objects.create(
        calendar=calendar,
        title="Café numérique",
        start=start,
        end=start + timedelta(hours=1),
        repeat_every_weeks=1,
        created_by=member,
    )
    client.force_login(member)
    second, third = start + timedelta(7), start + timedelta(14)
    cancel = reverse("agenda:occurrence_cancel", args=[event.pk, occurrence_key(second)])
    assert client.get(cancel).status_code == 200
    client.post(cancel)
    assert EventException.objects.get(original_start=second).is_cancelled

    move = reverse("agenda:occurrence_move", args=[event.pk, occurrence_key(third)])
    bad = client.post(move, {"start": local(third), "end": local(third - timedelta(hours=1))})
    assert "La fin doit venir après le début." in bad.content.decode()
    new_start = third + timedelta(days=1, hours=-4)
    client.post(move, {"start": local(new_start), "end": local(new_start + timedelta(hours=2))})
    moved = EventException.objects.get(original_start=third)
    assert moved.start == new_start and not moved.is_cancelled

    page = client.get(
        calendar.get_absolute_url(), {"vue": "liste", "date": start.date().isoformat()}
    ).content.decode()
    assert "cancelled" in page or "annulé" in page
    detail = client.get(
        event.get_absolute_url(), {"occurrence": occurrence_key(third)}
    ).content.decode()
    assert new_start.strftime("%H:%M") in detail

    # Not an occurrence of the event: nothing to cancel.
    wrong = reverse(
        "agenda:occurrence_cancel", args=[event.pk, occurrence_key(start + timedelta(1))]
    )
    assert client.post(wrong).status_code == 404


def test_workshop_sessions_are_sent_to_their_workshop(client):
    place = PlaceFactory()
    facilitator = UserFactory()
    place.facilitators.add(facilitator)
    session = make_workshop(place).sessions.get()
    client.force_login(facilitator)
    response = client.post(reverse("agenda:event_delete", args=[session.pk]))
    assert response.status_code == 302
    assert Event.objects.filter(pk=session.pk).exists()


def test_feed_page_creates_shows_regenerates_and_revokes_the_address(client, group, member):
    calendar = calendar_for_workspace(group)
    client.force_login(member)
    url = reverse("agenda:feed", args=[calendar.pk])
    page = client.get(url).content.decode()
    assert "Thunderbird" in page and "Google Calendar" in page and "Outlook" in page
    assert not FeedToken.objects.exists()
    client.post(url, {"action": "create"})
    first = FeedToken.objects.get()
    assert first.token in client.get(url).content.decode()
    client.post(url, {"action": "regenerate"})
    first.refresh_from_db()
    assert first.revoked_at is not None
    second = FeedToken.objects.get(revoked_at__isnull=True)
    assert second.token in client.get(url).content.decode()
    client.post(url, {"action": "revoke"})
    assert not FeedToken.objects.filter(revoked_at__isnull=True).exists()
    assert client.get(reverse("feeds:private", kwargs={"token": second.token})).status_code == 404


def test_dates_are_shown_on_the_paris_clock(client, group, member):
    calendar = calendar_for_workspace(group)
    event = Event.objects.create(
        calendar=calendar,
        title="Visio",
        start=paris(2027, 7, 1, 9, 15),
        end=paris(2027, 7, 1, 10, 0),
    )
    client.force_login(member)
    html = client.get(event.get_absolute_url()).content.decode()
    assert "09:15" in html and "jeudi 1 juillet 2027" in html
