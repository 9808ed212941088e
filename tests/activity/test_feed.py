"""The activity feed's kernel: who sees which items, in how many queries."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.activity.models import Activity
from core.activity.selectors import feed_page
from core.activity.services import activity_record, follow_set, live_audience
from core.workspaces import services as workspace_services
from tests.factories import GroupFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def busy_network(user, *, groups=20, items=1000):
    """`user` in `groups` groups, with `items` feed items spread over them (bulk-made)."""
    made = [GroupFactory() for _ in range(groups)]
    people = [UserFactory() for _ in range(5)]
    for group in made:
        MembershipFactory(user=user, workspace=group)
    user_type = ContentType.objects.get_for_model(type(user))
    Activity.objects.bulk_create(
        Activity(
            kind="workspaces.member",
            actor=people[i % len(people)],
            workspace=made[i % len(made)],
            subject_type=user_type,
            subject_id=str(people[i % len(people)].pk),
            title=made[i % len(made)].name,
            url=made[i % len(made)].get_absolute_url(),
        )
        for i in range(items)
    )
    return made


def test_members_and_followers_see_what_happens_in_a_group():
    actor, member, follower, stranger = UserFactory(), UserFactory(), UserFactory(), UserFactory()
    group = GroupFactory(visibility="network", join_policy="open")
    MembershipFactory(user=member, workspace=group)
    follow_set(follower=follower, target=actor)
    workspace_services.group_join(user=actor, group=group)
    assert [i.kind for i in feed_page(member).items] == ["workspaces.member"]
    assert [i.kind for i in feed_page(follower).items] == ["workspaces.member"]
    assert feed_page(stranger).items == []


def test_nothing_from_a_secret_group_reaches_a_follower_outside_it():
    actor, follower, insider = UserFactory(), UserFactory(), UserFactory()
    secret = GroupFactory(visibility="secret")
    MembershipFactory(user=insider, workspace=secret)
    MembershipFactory(user=actor, workspace=secret, status="invited")
    follow_set(follower=follower, target=actor)
    follow_set(follower=insider, target=actor)
    membership = secret.memberships.get(user=actor)
    workspace_services.membership_accept(actor=actor, membership=membership)
    activity = Activity.objects.get()
    assert feed_page(follower).items == []
    assert feed_page(follower).newest == 0  # not even counted
    assert follower.pk not in live_audience(activity)
    assert insider.pk in live_audience(activity)
    assert [i.pk for i in feed_page(insider).items] == [activity.pk]


def test_one_cannot_follow_oneself_or_a_secret_group():
    from django.core.exceptions import ValidationError

    user = UserFactory()
    with pytest.raises(ValidationError):
        follow_set(follower=user, target=user)
    with pytest.raises(ValidationError):
        follow_set(follower=user, target=GroupFactory(visibility="secret"))


def test_an_unknown_feed_kind_is_a_programming_error():
    with pytest.raises(ValueError):
        activity_record(kind="nope", actor=None, subject=UserFactory(), title="x", url="/")


def test_a_personal_desktop_records_nothing():
    user = UserFactory()
    assert (
        activity_record(
            kind="workspaces.member",
            actor=user,
            subject=user,
            title="x",
            url="/",
            workspace=user.personal_workspace,
        )
        is None
    )


def feed_queries(user, **kwargs):
    with CaptureQueriesContext(connection) as ctx:
        page = feed_page(user, **kwargs)
    return len(ctx), page


def test_the_feed_costs_the_same_queries_whatever_its_length():
    user = UserFactory()
    busy_network(user, groups=3, items=5)
    feed_page(user)  # content types are cached after the first use
    few, page = feed_queries(user, limit=5)
    assert len(page.items) == 5
    busy_network(user, groups=20, items=500)
    many, page = feed_queries(user, limit=100)
    assert len(page.items) == 100
    assert many == few


def test_the_feed_pages_backwards_without_repeating():
    user = UserFactory()
    busy_network(user, groups=2, items=45)
    first = feed_page(user, limit=20)
    second = feed_page(user, limit=20, before=first.next_before)
    third = feed_page(user, limit=20, before=second.next_before)
    ids = [i.pk for i in first.items + second.items + third.items]
    assert len(ids) == len(set(ids)) == 45
    assert third.next_before is None
