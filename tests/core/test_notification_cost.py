"""What notifications cost: the unread badge (every page of the members' area) and a resume
of the live stream take the same few queries with one unread notification or 150, and
what the reader may not see is never counted nor sent."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.accounts.models import User
from core.notifications import selectors
from core.notifications.models import Notification
from core.workspaces.models import MembershipRole, Visibility
from forum.models import Category, Post, Topic
from forum.notifications import Verb
from tests.factories import GroupFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

# The same budgets at 1 and at 150 notifications.
BADGE_QUERIES = 3
RESUME_QUERIES = 6


def forum_posts(group, author, count: int) -> list[Post]:
    """`count` posts spread over ten topics of the group's forum."""
    category = Category.objects.create(workspace=group, name="Entraide", slug="entraide")
    topics = [
        Topic.objects.create(category=category, author=author, title=f"Sujet {i}")
        for i in range(10)
    ]
    return Post.objects.bulk_create(
        Post(topic=topics[i % 10], author=author, body=f"Réponse {i}") for i in range(count)
    )


def notify(reader, actor, posts, *, read: bool = False) -> None:
    """One "answered in a topic you follow" notification per post, numbered after the
    reader's last one (what `notifications_create` stores, without its fan-out cost)."""
    content_type = ContentType.objects.get_for_model(Post)
    reader.refresh_from_db()
    first = reader.notification_seq + 1
    Notification.objects.bulk_create(
        Notification(
            recipient=reader,
            seq=first + i,
            actor=actor,
            verb=Verb.FORUM_REPLY,
            target_type=content_type,
            target_id=str(post.pk),
            data={"target": f"Sujet {post.topic_id}"},
            read_at="2026-11-01T10:00:00Z" if read else None,
        )
        for i, post in enumerate(posts)
    )
    User.objects.filter(pk=reader.pk).update(notification_seq=first + len(posts) - 1)


@pytest.fixture
def people():
    owner, reader = UserFactory(display_name="Nadia"), UserFactory(display_name="Thomas")
    group = GroupFactory(visibility=Visibility.SECRET)
    MembershipFactory(workspace=group, user=owner, role=MembershipRole.OWNER)
    MembershipFactory(workspace=group, user=reader)
    return owner, reader, group


def fresh(user) -> User:
    """The reader as a new request or a socket's database trip sees them."""
    return User.objects.get(pk=user.pk)


@pytest.mark.parametrize("unread", [1, 150, 1000])
def test_the_unread_badge_costs_the_same_few_queries_whatever_the_number(
    people, unread, django_assert_max_num_queries
):
    owner, reader, group = people
    notify(reader, owner, forum_posts(group, owner, unread))
    reader = fresh(reader)
    with django_assert_max_num_queries(BADGE_QUERIES):
        count = selectors.unread_count(reader)
    assert count == min(unread, selectors.UNREAD_COUNT_LIMIT + 1)


@pytest.mark.parametrize("unread", [1, 150])
def test_the_members_area_pages_cost_the_same_with_1_or_150_unread(client, people, unread):
    owner, reader, group = people
    notify(reader, owner, forum_posts(group, owner, unread))
    client.force_login(reader)
    client.get(reverse("dashboard:home"))  # warm what is cached once per process
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboard:home"))
    assert response.status_code == 200
    shown = "99+" if unread > 99 else str(unread)
    assert f"<span data-count>{shown}</span>" in response.content.decode()
    # Measured against a page with no notification at all.
    Notification.objects.all().delete()
    with CaptureQueriesContext(connection) as baseline:
        client.get(reverse("dashboard:home"))
    assert len(queries) <= len(baseline) + BADGE_QUERIES


@pytest.mark.parametrize("unread", [1, 150])
def test_a_resume_costs_the_same_few_queries_whatever_the_number(
    people, unread, django_assert_max_num_queries
):
    owner, reader, group = people
    notify(reader, owner, forum_posts(group, owner, unread))
    reader = fresh(reader)
    with django_assert_max_num_queries(RESUME_QUERIES):
        page = selectors.stream_page(reader, after=0)
        payloads = [selectors.notification_payload(n) for n in page.notifications]
    assert len(payloads) == min(unread, selectors.RESUME_PAGE_SIZE)
    assert page.more is (unread > selectors.RESUME_PAGE_SIZE)
    assert page.unread == min(unread, selectors.UNREAD_COUNT_LIMIT + 1)
    assert all(p["text"].startswith("Nadia") for p in payloads)


def test_what_the_reader_may_not_see_is_never_counted_even_when_it_is_newest(people):
    owner, reader, group = people
    notify(reader, owner, forum_posts(group, owner, 3))
    # Then 150 notifications about a secret group's posts: the reader is not (any more) one
    # of its members.
    secret = GroupFactory(visibility=Visibility.SECRET, slug="comite")
    MembershipFactory(workspace=secret, user=owner, role=MembershipRole.OWNER)
    hidden = forum_posts(secret, owner, 150)
    notify(reader, owner, hidden)
    reader = fresh(reader)
    assert selectors.unread_count(reader) == 3
    page = selectors.stream_page(reader, after=0)
    assert [n.target_id for n in page.notifications] == [
        str(pk)
        for pk in Post.objects.filter(topic__category__workspace=group).values_list("pk", flat=True)
    ]
    hidden_ids = {str(p.pk) for p in hidden}
    assert not any(n.target_id in hidden_ids for n in page.notifications)


def test_pages_of_a_resume_follow_each_other_without_gaps(people):
    owner, reader, group = people
    posts = forum_posts(group, owner, 250)
    notify(reader, owner, posts[:40], read=True)
    notify(reader, owner, posts[40:])
    reader = fresh(reader)
    seen, after, pages = [], 0, 0
    while True:
        page = selectors.stream_page(reader, after=after)
        pages += 1
        assert len(page.notifications) <= selectors.RESUME_PAGE_SIZE
        seen += [n.seq for n in page.notifications]
        assert page.last_seq >= after
        after = page.last_seq
        if not page.more:
            break
    assert seen == list(range(1, 251))
    assert pages == 3
    assert after == 250


def test_a_kind_with_its_own_visibility_rule_is_asked_for_each_of_its_notifications(people):
    from core import registry
    from core.permissions import can

    owner, reader, group = people
    shown_only_on_even_seq = registry.NotificationKind(
        "test.own_rule",
        "own rule",
        "%(actor)s did something.",
        visible=lambda user, notification: notification.seq % 2 == 0,
    )
    registry.notification_kinds.register(shown_only_on_even_seq)
    try:
        notify(reader, owner, forum_posts(group, owner, 4))
        Notification.objects.filter(recipient=reader).update(verb="test.own_rule")
        reader = fresh(reader)
        rows = list(Notification.objects.filter(recipient=reader).order_by("seq"))
        assert [n.seq for n in selectors.visible(reader, rows)] == [2, 4]
        assert [n.seq for n in rows if can(reader, "view", n)] == [2, 4]
        assert selectors.unread_count(reader) == 2
    finally:
        registry.notification_kinds.unregister("test.own_rule")
