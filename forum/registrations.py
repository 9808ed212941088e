"""What the forum brings to the kernel's pages (core.registry), registered by apps.py."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core import registry
from core.registry import DemoContext, SearchResult


def profile_solutions(request, person) -> dict:
    from forum.selectors import accepted_answers

    # Counted in the topics the viewer may read: not an answer given in a secret group.
    return {"accepted_answers": accepted_answers(person, viewer=request.user)}


FORUM_WIDGET_ROWS = 6


def forum_widget(request) -> dict:
    """Unread topics and unanswered questions in the categories of one's groups (and the
    network's), newest activity first: two queries."""
    from forum.selectors import forum_widget_topics

    return forum_widget_topics(request.user, limit=FORUM_WIDGET_ROWS)


def forum_group_widget(request, workspace) -> dict:
    from forum.selectors import forum_widget_topics

    return forum_widget_topics(request.user, limit=FORUM_WIDGET_ROWS, workspace=workspace)


def profile_recent_solutions(request, person) -> dict | None:
    """The person's latest accepted answers, in topics the viewer may read."""
    from forum.permissions import topics_visible_to

    topics = list(
        topics_visible_to(request.user)
        .filter(solution__author=person, is_hidden=False)
        .select_related("category__workspace", "solution")
        .order_by("-solution__created_at", "-pk")[:5]
    )
    return {"solved_topics": topics} if topics else None


def search_topics(user, query: str) -> list[SearchResult]:
    from forum.selectors import SearchFilters, search_topics

    return [
        SearchResult("forum.topic", topic.title, topic.get_absolute_url())
        for topic in search_topics(user, SearchFilters(query=query))
    ]


def load_demo(context: DemoContext) -> str:
    from forum.demo import load_forum_demo

    topics = load_forum_demo(context.people, context.network)
    return f"Forum: {topics} demo threads added."


def register() -> None:
    from forum.notifications import KINDS

    registry.urls.register(registry.Urls("forum", "espace/forum/", "forum.urls"))
    registry.nav_links.register(
        registry.NavLink("forum", _("Forum"), "forum:index", app_names=("forum",), order=20)
    )
    registry.workspace_modules.register(registry.WorkspaceModule("forum", "forum:workspace"))
    for kind in KINDS:
        registry.notification_kinds.register(kind)
    registry.sections.register(
        registry.Section(
            "forum.solutions",
            "profile.facts",
            "forum/sections/profile_solutions.html",
            profile_solutions,
        )
    )
    registry.desktop_widgets.register(
        registry.DesktopWidget(
            "forum.unread",
            _("Forum: unread and unanswered"),
            "forum/widgets/unread.html",
            forum_widget,
            group_context=forum_group_widget,
            group_default=True,
            order=30,
            roles=("member", "facilitator", "administrator", "coordinator"),
        )
    )
    registry.sections.register(
        registry.Section(
            "forum.recent_solutions",
            "profile",
            "forum/sections/profile_recent_solutions.html",
            profile_recent_solutions,
            order=20,
        )
    )
    registry.feed_kinds.register(
        registry.FeedKind("forum.topic", _("New topics"), order=10, verb=_("opened the topic"))
    )
    registry.feed_kinds.register(
        registry.FeedKind(
            "forum.solution", _("Solutions"), order=20, verb=_("gave the solution to")
        )
    )
    registry.search_kinds.register(
        registry.SearchKind("forum.topic", _("Forum topic"), search_topics)
    )
    registry.demo_loaders.register(registry.DemoLoader("forum", load_demo, after=("network",)))
