"""The arrangeable desktop: layout per user, defaults per role, widgets on their own."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import registry
from core.registry import DesktopWidget
from extranet.dashboard.models import Bookmark, Desktop, Note
from extranet.dashboard.selectors import layout
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


def keys(user, workspace=None):
    return [p.widget.key for p in layout(user, workspace or user.personal_workspace)]


def arrange(client, **data):
    return client.post(reverse("dashboard:arrange"), data)


@pytest.fixture
def throwaway():
    added = []

    def add(item):
        registry.desktop_widgets.register(item)
        added.append(item.key)
        return item

    yield add
    for key in added:
        registry.desktop_widgets.unregister(key)


def test_each_role_starts_with_its_own_default_desktop():
    facilitator = UserFactory()
    member = UserFactory(network_role="member")
    boss = coordinator()
    admin = local_admin(france()["doubs"])
    assert "notes" in keys(facilitator) and "notifications" not in keys(facilitator)
    assert "notifications" in keys(member) and "notes" not in keys(member)
    assert "bookmarks" in keys(boss) and "admin" in keys(boss)
    assert "admin" in keys(admin) and "bookmarks" not in keys(admin)
    assert "admin" not in keys(facilitator)


def test_a_facilitator_adds_moves_resizes_removes_and_resets(client):
    user = UserFactory()
    client.force_login(user)
    start = keys(user)
    assert "bookmarks" not in start
    arrange(client, action="add", key="bookmarks")
    assert keys(user)[0] == "bookmarks"
    arrange(client, action="down", key="bookmarks")
    assert keys(user)[1] == "bookmarks"
    arrange(client, action="up", key="bookmarks")
    assert keys(user)[0] == "bookmarks"
    arrange(client, action="size", key="bookmarks", size="large")
    assert layout(user, user.personal_workspace)[0].size == "large"
    arrange(client, action="order", order=",".join(reversed(keys(user))))
    assert keys(user)[-1] == "bookmarks"
    arrange(client, action="remove", key="bookmarks")
    assert "bookmarks" not in keys(user)
    page = client.get(reverse("dashboard:home")).content.decode()
    assert 'data-widget-key="bookmarks"' not in page
    arrange(client, action="reset")
    assert keys(user) == start
    assert not Desktop.objects.filter(workspace=user.personal_workspace).exists()


def test_the_desktop_page_links_each_widget_to_its_own_url(client):
    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("dashboard:home")).content.decode()
    for key in keys(user):
        assert f'hx-get="{reverse("dashboard:widget", args=[key])}"' in page


@pytest.mark.parametrize(
    "data",
    [
        {"action": "explode", "key": "notes"},
        {"action": "add", "key": "no-such-widget"},
        {"action": "add", "key": "admin"},  # not offered to a facilitator
        {"action": "add", "key": "notes"},  # already there
        {"action": "size", "key": "notes", "size": "enormous"},
        {"action": "order", "order": "notes"},
        {"action": "remove", "key": "bookmarks"},
    ],
)
def test_bad_arrangements_get_a_clear_error_and_change_nothing(client, data):
    user = UserFactory()
    client.force_login(user)
    before = keys(user)
    response = client.post(
        reverse("dashboard:arrange"), data, headers={"accept": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"]
    assert keys(user) == before
    response = client.post(reverse("dashboard:arrange"), data, follow=True)
    assert response.status_code == 200
    assert list(response.context["messages"])


def test_a_failing_widget_shows_a_small_error_and_the_rest_survives(client, throwaway):
    def broken(request):
        raise RuntimeError("boom")

    throwaway(DesktopWidget("broken", "Cassé", "dashboard/widget_empty.html", broken))
    user = UserFactory()
    client.force_login(user)
    arrange(client, action="add", key="broken")
    page = client.get(reverse("dashboard:home"))
    assert page.status_code == 200
    widget = client.get(
        reverse("dashboard:widget", args=["broken"]), headers={"HX-Request": "true"}
    )
    assert widget.status_code == 200
    assert "data-widget-error" in widget.content.decode()
    assert (
        "could not be shown" in widget.content.decode()
        or "pu être affiché" in widget.content.decode()
    )
    other = client.get(reverse("dashboard:widget", args=["notes"]), headers={"HX-Request": "true"})
    assert "data-widget-error" not in other.content.decode()


def test_a_widget_without_javascript_opens_as_a_page(client):
    client.force_login(UserFactory())
    page = client.get(reverse("dashboard:widget", args=["notes"]))
    assert page.status_code == 200
    assert "<h1>" in page.content.decode()


def test_an_unknown_or_unoffered_widget_is_not_found(client):
    client.force_login(UserFactory())
    assert client.get(reverse("dashboard:widget", args=["nope"])).status_code == 404
    assert client.get(reverse("dashboard:widget", args=["admin"])).status_code == 404


def widget_queries(client, key):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(
            reverse("dashboard:widget", args=[key]), headers={"HX-Request": "true"}
        )
    assert response.status_code == 200
    assert "data-widget-error" not in response.content.decode(), key
    return len(ctx)


def test_every_widget_costs_a_bounded_number_of_queries(client):
    from tests.activity.test_feed import busy_network

    user = coordinator()
    PlaceFactory().facilitators.add(user)
    client.force_login(user)
    offered = [w.key for w in registry.desktop_widgets]
    small = {key: widget_queries(client, key) for key in offered}
    busy_network(user, groups=6, items=30)
    big = {key: widget_queries(client, key) for key in offered}
    for key in offered:
        assert big[key] <= small[key] + 2, (key, small[key], big[key])
        assert big[key] <= 15, (key, big[key])


def test_notes_are_private_and_saved(client):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("dashboard:note_save"), {"text": "Appeler la mairie"})
    assert Note.objects.get(owner=user).text == "Appeler la mairie"
    other = UserFactory()
    client.force_login(other)
    body = client.get(reverse("dashboard:widget", args=["notes"])).content.decode()
    assert "Appeler la mairie" not in body


def test_bookmarks_refuse_script_addresses_and_others_bookmarks(client):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("dashboard:bookmark_add"), {"title": "x", "url": "javascript:alert(1)"})
    assert not Bookmark.objects.exists()
    client.post(reverse("dashboard:bookmark_add"), {"title": "Forum", "url": "/espace/forum/"})
    mark = Bookmark.objects.get()
    client.force_login(UserFactory())
    assert client.post(reverse("dashboard:bookmark_remove", args=[mark.pk])).status_code == 404
    assert Bookmark.objects.exists()


def test_a_groups_owners_choose_its_home_widgets_and_members_see_them(client):
    owner = UserFactory()
    member = UserFactory()
    group = GroupFactory()
    MembershipFactory(user=owner, workspace=group, role="owner")
    MembershipFactory(user=member, workspace=group)
    url = reverse("dashboard:group_arrange", args=[group.slug])
    client.force_login(member)
    assert client.post(url, {"action": "reset"}).status_code == 404
    page = client.get(group.get_absolute_url()).content.decode()
    assert "groups.activity" in page
    assert "Organiser le bureau" not in page and "Arrange the desktop" not in page
    client.force_login(owner)
    client.post(url, {"action": "remove", "key": "groups.activity"})
    assert "groups.activity" not in keys(owner, group)
    client.force_login(member)
    assert (
        'data-widget-key="groups.activity"'
        not in client.get(group.get_absolute_url()).content.decode()
    )


def test_a_secret_groups_widgets_are_not_found_by_outsiders(client):
    group = GroupFactory(visibility="secret")
    client.force_login(UserFactory())
    url = reverse("dashboard:group_widget", args=[group.slug, "groups.activity"])
    assert client.get(url).status_code == 404


def test_widgets_show_nothing_of_a_secret_group_to_outsiders(client):
    from datetime import timedelta

    from django.utils import timezone

    from calendars.services.calendars import calendar_for_workspace
    from calendars.services.events import event_create
    from forum.models import Category
    from forum.services import topic_create

    insider, outsider = UserFactory(), UserFactory()
    secret = GroupFactory(visibility="secret", name="Cellule secrète")
    MembershipFactory(user=insider, workspace=secret, role="owner")
    category = Category.objects.create(workspace=secret, name="Entraide", slug="entraide-s")
    topic_create(actor=insider, category=category, title="Question confidentielle", body="?")
    soon = timezone.now() + timedelta(days=2)
    event_create(
        actor=insider,
        calendar=calendar_for_workspace(secret),
        title="Réunion confidentielle",
        start=soon,
        end=soon + timedelta(hours=1),
    )
    hx = {"HX-Request": "true"}

    def seen(user, key):
        client.force_login(user)
        return client.get(reverse("dashboard:widget", args=[key]), headers=hx).content.decode()

    for key, text in [
        ("forum.unread", "Question confidentielle"),
        ("groups.activity", "Question confidentielle"),
        ("network.feed", "Question confidentielle"),
        ("calendars.next", "Réunion confidentielle"),
    ]:
        assert text not in seen(outsider, key), key
    # Insiders see them (the topic is theirs, so it is read: it is in the activity).
    assert "Question confidentielle" in seen(insider, "groups.activity")
    assert "Réunion confidentielle" in seen(insider, "calendars.next")


def test_a_widget_made_only_for_the_personal_desktop_is_not_found_on_a_group(client):
    group = GroupFactory(visibility="network")
    client.force_login(UserFactory())
    notes = reverse("dashboard:group_widget", args=[group.slug, "notes"])
    assert client.get(notes).status_code == 404
    activity = reverse("dashboard:group_widget", args=[group.slug, "groups.activity"])
    assert client.get(activity).status_code == 200
