"""Who may change or delete an event, and the calendar's log of who did.

The rule (README.md, "Permissions"): anyone who may post in a calendar adds events; an
event is changed, moved, cancelled or deleted by its author (while they may still post
there) and by the calendar's moderators: a group's moderators and owners and its
overseers, a place's team, the coordinator for the network's calendar, the owner of a
personal desktop. Every change is logged, and the log is shown to the moderators.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from calendars.models import Event, EventChange
from calendars.recurrence import occurrence_key
from calendars.services import events as services
from calendars.services.calendars import calendar_for_place, calendar_for_workspace
from core.permissions import can
from core.workspaces.models import MembershipRole
from core.workspaces.services import network_workspace
from tests.calendars.factories import PARIS
from tests.factories import (
    GroupFactory,
    MembershipFactory,
    PlaceFactory,
    UserFactory,
    coordinator,
    france,
    local_admin,
)

pytestmark = pytest.mark.django_db


def soon(days=7, hour=14) -> datetime:
    day = datetime.now(PARIS).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=PARIS)


def local(moment: datetime) -> str:
    return moment.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M")


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


def add_event(calendar, author, title="Réunion de réseau", **kwargs):
    return services.event_create(
        actor=author, calendar=calendar, title=title, start=soon(), end=soon(7, 16), **kwargs
    )


# --- The matrix -------------------------------------------------------------------------------

GROUP_ROLES = [
    "anonymous",
    "network_member",
    "author",
    "group_member",
    "group_moderator",
    "group_owner",
    "local_admin_here",
    "local_admin_elsewhere",
    "coordinator",
]
ACTIONS = ["edit_event", "moderate", "view_log", "post"]


def expected_in_group(role: str, archived: bool, action: str) -> bool:
    member = role in {"author", "group_member", "group_moderator", "group_owner"}
    moderator = role in {"group_moderator", "group_owner", "local_admin_here", "coordinator"}
    owner_or_overseer = role in {"group_owner", "local_admin_here", "coordinator"}
    return {
        "post": member and not archived,
        "edit_event": not archived and (role == "author" or moderator),
        "moderate": not archived and moderator,
        # An archived calendar's log stays readable by who may restore the group.
        "view_log": (not archived and moderator) or (archived and owner_or_overseer),
    }[action]


def check(user, action: str, calendar, event) -> bool:
    if action == "edit_event":
        return can(user, "edit", event)
    if action == "post":
        return can(user, "edit", calendar)
    return can(user, action, calendar)


@pytest.mark.parametrize("archived", [False, True])
def test_who_changes_the_events_of_a_groups_calendar(archived):
    places = france()
    group = GroupFactory(territory=places["montbeliard"])
    calendar = calendar_for_workspace(group)
    users = {
        "anonymous": AnonymousUser(),
        "network_member": UserFactory(),
        "local_admin_here": local_admin(places["pma"]),
        "local_admin_elsewhere": local_admin(places["lot"]),
        "coordinator": coordinator(),
    }
    for role, membership_role in {
        "author": MembershipRole.MEMBER,
        "group_member": MembershipRole.MEMBER,
        "group_moderator": MembershipRole.MODERATOR,
        "group_owner": MembershipRole.OWNER,
    }.items():
        users[role] = MembershipFactory(workspace=group, role=membership_role).user
    event = add_event(calendar, users["author"])
    if archived:
        group.archived_at = timezone.now()
        group.save()
    wrong = []
    for role, action in itertools.product(GROUP_ROLES, ACTIONS):
        want = expected_in_group(role, archived, action)
        got = check(users[role], action, calendar, event)
        if got != want:
            wrong.append(f"{role} {action}: got {got}, expected {want}")
    assert wrong == []


def test_who_changes_the_events_of_the_networks_calendar():
    calendar = calendar_for_workspace(network_workspace())
    author, other, chief = UserFactory(), UserFactory(), coordinator()
    admin = local_admin(france()["lot"])
    meeting = add_event(calendar, chief, title="Rencontre du réseau")
    own = add_event(calendar, author, title="Permanence")
    assert can(author, "edit", own) and not can(author, "edit", meeting)
    assert not can(other, "edit", own) and not can(other, "edit", meeting)
    assert not can(admin, "edit", meeting)
    assert can(chief, "edit", own) and can(chief, "edit", meeting)
    assert [u for u in (author, other, admin, chief) if can(u, "view_log", calendar)] == [chief]


def test_who_changes_the_events_of_a_places_calendar():
    places = france()
    place = PlaceFactory()
    place.territory = places["montbeliard"]
    place.save()
    calendar = calendar_for_place(place)
    facilitator, colleague, former = UserFactory(), UserFactory(), UserFactory()
    place.facilitators.add(facilitator, colleague, former)
    event = add_event(calendar, former, title="Portes ouvertes")
    place.facilitators.remove(former)
    admin_here, admin_elsewhere = local_admin(places["pma"]), local_admin(places["lot"])
    # The place's team moderates its calendar; who left the team no longer edits.
    allowed = {
        facilitator: True,
        colleague: True,
        admin_here: True,
        coordinator(): True,
        former: False,
        admin_elsewhere: False,
        UserFactory(): False,
    }
    assert {u: can(u, "edit", event) for u in allowed} == allowed
    assert {u: can(u, "view_log", calendar) for u in allowed} == allowed


def test_on_a_personal_desktop_only_its_owner_changes_events():
    owner = UserFactory()
    calendar = calendar_for_workspace(owner.personal_workspace)
    event = add_event(calendar, owner)
    assert can(owner, "edit", event) and can(owner, "view_log", calendar)
    assert not can(coordinator(), "edit", event)


# --- Through the pages and the services ------------------------------------------------------


def test_a_plain_member_cannot_rewrite_the_coordinators_network_meeting(client):
    chief = coordinator()
    meeting = add_event(
        calendar_for_workspace(network_workspace()), chief, title="Rencontre du réseau"
    )
    member = UserFactory()
    client.force_login(member)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Rencontre du réseau" in page
    assert reverse("agenda:event_edit", args=[meeting.pk]) not in page
    assert client.get(reverse("agenda:event_edit", args=[meeting.pk])).status_code == 403
    response = client.post(
        reverse("agenda:event_edit", args=[meeting.pk]), event_data(title="Annulé !")
    )
    assert response.status_code == 403
    assert client.post(reverse("agenda:event_delete", args=[meeting.pk])).status_code == 403
    meeting.refresh_from_db()
    assert meeting.title == "Rencontre du réseau"
    with pytest.raises(PermissionDenied):
        services.event_delete(actor=member, event=meeting)
    assert Event.objects.filter(pk=meeting.pk).exists()


def test_a_member_cannot_cancel_an_occurrence_of_someone_elses_event(client):
    group = GroupFactory()
    author = MembershipFactory(workspace=group).user
    other = MembershipFactory(workspace=group).user
    event = add_event(calendar_for_workspace(group), author, repeat_every_weeks=1)
    client.force_login(other)
    key = occurrence_key(event.start + timedelta(days=7))
    assert client.post(reverse("agenda:occurrence_cancel", args=[event.pk, key])).status_code == (
        403
    )
    assert not event.exceptions.exists()


def test_the_author_and_a_group_moderator_change_it_and_the_log_says_who(client):
    group = GroupFactory(name="Médiateurs du Doubs")
    calendar = calendar_for_workspace(group)
    author = MembershipFactory(workspace=group, user=UserFactory(display_name="Inès")).user
    moderator = MembershipFactory(
        workspace=group, role=MembershipRole.MODERATOR, user=UserFactory(display_name="Paul")
    ).user
    client.force_login(author)
    client.post(reverse("agenda:event_create", args=[calendar.pk]), event_data())
    event = Event.objects.get()
    client.post(
        reverse("agenda:event_edit", args=[event.pk]),
        event_data(title="Réunion de rentrée", location="Salle du conseil"),
    )
    client.force_login(moderator)
    response = client.post(reverse("agenda:event_delete", args=[event.pk]))
    assert response.status_code == 302
    assert not Event.objects.exists()

    log = list(EventChange.objects.filter(calendar=calendar).order_by("pk"))
    assert [(c.action, c.actor, c.event_title) for c in log] == [
        ("created", author, "Réunion de réseau"),
        ("updated", author, "Réunion de rentrée"),
        ("deleted", moderator, "Réunion de rentrée"),
    ]
    assert log[1].changes["title"] == ["Réunion de réseau", "Réunion de rentrée"]
    assert log[1].changes["location"] == ["Médiathèque", "Salle du conseil"]
    assert "start" not in log[1].changes

    page = client.get(reverse("agenda:calendar_log", args=[calendar.pk])).content.decode()
    assert "Réunion de rentrée" in page and "Salle du conseil" in page
    assert "Inès" in page and "Paul" in page
    client.force_login(author)
    assert client.get(reverse("agenda:calendar_log", args=[calendar.pk])).status_code == 403
    client.logout()
    response = client.get(reverse("agenda:calendar_log", args=[calendar.pk]))
    assert response.status_code == 302


def test_the_event_page_shows_its_history_to_moderators_only(client):
    group = GroupFactory()
    calendar = calendar_for_workspace(group)
    author = MembershipFactory(workspace=group).user
    owner = MembershipFactory(workspace=group, role=MembershipRole.OWNER).user
    event = add_event(calendar, author)
    services.event_update(
        actor=author,
        event=event,
        title="Réunion déplacée",
        start=soon(8),
        end=soon(8, 16),
    )
    client.force_login(owner)
    page = client.get(event.get_absolute_url()).content.decode()
    assert 'id="history-title"' in page and str(author) in page
    assert (
        reverse("agenda:calendar_log", args=[calendar.pk])
        in client.get(calendar.get_absolute_url()).content.decode()
    )
    client.force_login(author)
    assert 'id="history-title"' not in client.get(event.get_absolute_url()).content.decode()


def test_occurrence_changes_are_logged_with_the_occurrence(client):
    group = GroupFactory()
    author = MembershipFactory(workspace=group).user
    event = add_event(calendar_for_workspace(group), author, repeat_every_weeks=1)
    second = event.start + timedelta(days=7)
    services.occurrence_cancel(actor=author, event=event, original_start=second)
    services.occurrence_restore(actor=author, event=event, original_start=second)
    changes = list(event.changes.order_by("pk").values_list("action", "occurrence"))
    assert changes == [
        ("created", None),
        ("occurrence_cancelled", second),
        ("occurrence_restored", second),
    ]


def test_the_calendar_log_does_not_grow_queries_with_its_entries(
    client, django_assert_max_num_queries
):
    group = GroupFactory()
    calendar = calendar_for_workspace(group)
    owner = MembershipFactory(workspace=group, role=MembershipRole.OWNER).user
    for i in range(3):
        add_event(calendar, MembershipFactory(workspace=group).user, title=f"Atelier {i}")
    client.force_login(owner)
    url = reverse("agenda:calendar_log", args=[calendar.pk])
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for i in range(20):
        event = add_event(calendar, MembershipFactory(workspace=group).user, title=f"Café {i}")
        services.event_delete(actor=owner, event=event)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "Café 19" in client.get(url).content.decode()
