"""Reads of the forum, with their joins built in and the permission authority applied."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from core.accounts.models import User
from forum.models import Attachment, Category, Post, ReadMark, Report, Topic
from forum.permissions import categories_visible_to, topics_visible_to

POSTS_PER_PAGE = 25


class TopicState:
    SOLVED = "solved"
    UNSOLVED = "unsolved"
    UNANSWERED = "unanswered"
    CHOICES = (SOLVED, UNSOLVED, UNANSWERED)


def attach_read_state(topics, user: User) -> list[Topic]:
    """Set `last_read` on each topic of a page (None: never opened), in one query.

    Done after pagination: annotating the whole list would compute it for every topic
    of the category before sorting.
    """
    topics = list(topics)
    if not user.is_authenticated or not topics:
        return topics
    marks = dict(
        ReadMark.objects.filter(user=user, topic__in=topics).values_list(
            "topic_id", "last_read_post_id"
        )
    )
    for topic in topics:
        topic.last_read = marks.get(topic.pk)
    return topics


def topic_list(
    topics: QuerySet[Topic], *, user: User, state: str = "", tag: str = "", one_category=False
) -> QuerySet[Topic]:
    """A list of topics as lists show them: pinned first, then by last activity."""
    if state == TopicState.SOLVED:
        topics = topics.filter(is_solved=True)
    elif state == TopicState.UNSOLVED:
        topics = topics.filter(kind="question", is_solved=False)
    elif state == TopicState.UNANSWERED:
        topics = topics.filter(reply_count=0)
    if tag:
        topics = topics.filter(tags__slug=tag)
    # Rows name authors only where the reader may see the workspace's members: the
    # workspace comes with the category (one category's list has it already).
    related = (
        ["author", "last_post_author"]
        if one_category
        else ["author", "last_post_author", "category__workspace"]
    )
    topics = topics.select_related(*related).prefetch_related("tags")
    return topics.order_by("-is_pinned", "-last_post_at", "-pk")


def forum_index(user: User) -> list[dict]:
    """The spaces whose forum the user sees, each with its categories (two queries)."""
    categories = (
        categories_visible_to(user)
        .select_related("workspace")
        .order_by("workspace__kind", "workspace__name", "position", "name")
    )
    spaces: dict[int, dict] = {}
    for category in categories:
        space = spaces.setdefault(
            category.workspace_id, {"workspace": category.workspace, "categories": []}
        )
        space["categories"].append(category)
    # The network first, then groups by name.
    return sorted(
        spaces.values(), key=lambda s: (s["workspace"].kind != "network", s["workspace"].name)
    )


def topic_posts(topic: Topic) -> QuerySet[Post]:
    """The posts of a topic, with what each one's rendering needs, in two extra queries."""
    return (
        topic.posts.all()
        .select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
        .order_by("created_at", "pk")
    )


def first_unread_post(topic: Topic, user: User) -> Post | None:
    mark = ReadMark.objects.filter(user=user, topic=topic).first()
    after = mark.last_read_post_id if mark else 0
    return topic.posts.visible().filter(pk__gt=after).order_by("pk").first()


def post_page_number(post: Post) -> int:
    """The page of its topic a post is on."""
    before = post.topic.posts.filter(
        Q(created_at__lt=post.created_at) | Q(created_at=post.created_at, pk__lt=post.pk)
    ).count()
    return before // POSTS_PER_PAGE + 1


def reacted_post_ids(user: User, posts: list[Post]) -> set[int]:
    if not user.is_authenticated or not posts:
        return set()
    from forum.models import Reaction

    return set(Reaction.objects.filter(user=user, post__in=posts).values_list("post_id", flat=True))


def accepted_answers(user: User, *, viewer) -> int:
    """How many of a person's answers were accepted as solutions (shown on profiles),
    counting only topics `viewer` may read: an answer in a secret group is not even
    counted for those outside it."""
    return topics_visible_to(viewer).filter(solution__author=user, is_hidden=False).count()


@dataclass
class SearchFilters:
    query: str = ""
    state: str = ""
    category: Category | None = None
    tag: str = ""
    author: User | None = None
    since: datetime | None = None


def search_topics(user: User, filters: SearchFilters) -> list[Topic]:
    """Forum search, on the platform's search backend, within what the user may see."""
    topics = topics_visible_to(user)
    if filters.category is not None:
        topics = topics.filter(category=filters.category)
    if filters.author is not None:
        topics = topics.filter(author=filters.author)
    if filters.since is not None:
        topics = topics.filter(created_at__gte=filters.since)
    if filters.state == TopicState.SOLVED:
        topics = topics.filter(is_solved=True)
    elif filters.state == TopicState.UNSOLVED:
        topics = topics.filter(kind="question", is_solved=False)
    elif filters.state == TopicState.UNANSWERED:
        topics = topics.filter(reply_count=0)
    if filters.tag:
        topics = topics.filter(pk__in=Topic.objects.filter(tags__slug=filters.tag).values("pk"))
    if not filters.query:
        return attach_read_state(topic_list(topics, user=user)[:200], user)
    found = topics.search(filters.query)[:200]
    ids = [t.pk for t in found]
    by_id = topic_list(Topic.objects.filter(pk__in=ids), user=user).in_bulk()
    return attach_read_state([by_id[pk] for pk in ids if pk in by_id], user)


def similar_topics(user: User, title: str, limit: int = 5) -> list[Topic]:
    """Existing topics close to a question being typed."""
    if len(title.strip()) < 4:
        return []
    return list(topics_visible_to(user).search(title)[:limit])


def open_reports(user: User) -> QuerySet[Report]:
    """Reports on posts of the spaces the user moderates."""
    from forum.permissions import can_manage_category

    categories = [
        c.pk
        for c in categories_visible_to(user).select_related("workspace")
        if can_manage_category(user, c)
    ]
    return (
        Report.objects.filter(resolved_at__isnull=True, post__topic__category__in=categories)
        .select_related("post__topic", "post__author", "reporter")
        .order_by("-created_at")
    )


def unread_topic_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    read = ReadMark.objects.filter(
        user=user, topic=OuterRef("pk"), last_read_post_id__gte=OuterRef("last_post_id")
    )
    return topics_visible_to(user).filter(is_hidden=False).exclude(Exists(read)).count()


def forum_widget_topics(user: User, *, limit: int, workspace=None) -> dict:
    """For the desktop: topics unread by `user` and questions nobody answered yet, in the
    categories of the groups they belong to and of the network (or of one group)."""
    from core.workspaces.models import Membership, MembershipStatus, WorkspaceKind

    topics = topics_visible_to(user).filter(is_hidden=False)
    if workspace is not None:
        topics = topics.filter(category__workspace=workspace)
    else:
        mine = Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE).values(
            "workspace_id"
        )
        topics = topics.filter(
            Q(category__workspace__in=mine) | Q(category__workspace__kind=WorkspaceKind.NETWORK)
        )
    read = ReadMark.objects.filter(
        user=user, topic=OuterRef("pk"), last_read_post_id__gte=OuterRef("last_post_id")
    )
    related = ("category__workspace", "last_post_author")
    unread = list(
        topics.exclude(Exists(read))
        .select_related(*related)
        .order_by("-last_post_at", "-pk")[:limit]
    )
    unanswered = list(
        topics.filter(kind="question", reply_count=0, is_solved=False)
        .select_related(*related)
        .order_by("-created_at", "-pk")[:limit]
    )
    return {"unread": unread, "unanswered": unanswered}
