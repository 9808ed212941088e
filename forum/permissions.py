"""Who may read, write and moderate in the forum, on top of the workspace rules."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core.permissions import (
    can,
    is_network_member,
    rule,
    twin,
    workspaces_moderated_by,
    workspaces_readable_by,
)
from core.workspaces.models import Module, Workspace, WorkspaceKind
from forum.models import Attachment, Category, Post, Report, Topic


def _forum_on(workspace: Workspace) -> bool:
    return workspace.kind != WorkspaceKind.PERSONAL and workspace.has_module(Module.FORUM)


@rule(Workspace, "use_forum")
def can_use_forum(user, workspace: Workspace) -> bool:
    """See the workspace's forum: its content is readable and the module is on."""
    return _forum_on(workspace) and can(user, "read", workspace)


@rule(Workspace, "manage_forum")
def can_manage_forum(user, workspace: Workspace) -> bool:
    """Create, rename, order and delete categories."""
    return _forum_on(workspace) and can(user, "moderate", workspace)


@rule(Category, "view")
def can_view_category(user, category: Category) -> bool:
    return can_use_forum(user, category.workspace)


@rule(Category, "post")
def can_post_in_category(user, category: Category) -> bool:
    """Open a topic: a contributor of the workspace (not when archived)."""
    return can_use_forum(user, category.workspace) and can(user, "contribute", category.workspace)


@rule(Category, "manage")
def can_manage_category(user, category: Category) -> bool:
    return can_manage_forum(user, category.workspace)


@rule(Category, "follow")
def can_follow_category(user, category: Category) -> bool:
    return is_network_member(user) and can_view_category(user, category)


@rule(Topic, "moderate")
def can_moderate_topic(user, topic: Topic) -> bool:
    """Hide, lock, pin, move, merge: the workspace's moderators and overseers."""
    return can_manage_forum(user, topic.category.workspace)


@rule(Topic, "view")
def can_view_topic(user, topic: Topic) -> bool:
    if not can_view_category(user, topic.category):
        return False
    return not topic.is_hidden or can_moderate_topic(user, topic)


@rule(Topic, "reply")
def can_reply_to_topic(user, topic: Topic) -> bool:
    return (
        can_view_topic(user, topic)
        and not topic.is_locked
        and not topic.is_hidden
        and can(user, "contribute", topic.category.workspace)
    )


@rule(Topic, "accept_solution")
def can_accept_solution(user, topic: Topic) -> bool:
    """The asker, or a moderator, chooses the answer that solved the question."""
    if topic.kind != "question" or not can_view_topic(user, topic):
        return False
    workspace = topic.category.workspace
    own = is_network_member(user) and topic.author_id == user.pk
    return (own and can(user, "contribute", workspace)) or can_moderate_topic(user, topic)


@rule(Topic, "follow")
def can_follow_topic(user, topic: Topic) -> bool:
    return is_network_member(user) and can_view_topic(user, topic)


@rule(Post, "view")
def can_view_post(user, post: Post) -> bool:
    """Hidden and deleted posts are shown as such; their text only to moderators."""
    return can_view_topic(user, post.topic)


@rule(Post, "read_body")
def can_read_post_body(user, post: Post) -> bool:
    if not can_view_post(user, post):
        return False
    if post.is_deleted:
        return False
    return not post.is_hidden or can_moderate_topic(user, post.topic)


@rule(Post, "edit")
def can_edit_post(user, post: Post) -> bool:
    return (
        is_network_member(user)
        and post.author_id == user.pk
        and not post.is_deleted
        and not post.is_hidden
        and can_reply_to_topic(user, post.topic)
    )


@rule(Post, "delete")
def can_delete_post(user, post: Post) -> bool:
    """Authors delete their own post (not the question that opens a topic with answers)."""
    if post.is_deleted or not can_view_post(user, post):
        return False
    if can_moderate_topic(user, post.topic):
        return True
    if not (is_network_member(user) and post.author_id == user.pk):
        return False
    if not can(user, "contribute", post.topic.category.workspace):
        return False
    return not post.is_first or post.topic.reply_count == 0


@rule(Post, "react")
def can_react_to_post(user, post: Post) -> bool:
    return (
        is_network_member(user)
        and post.author_id != user.pk
        and can_read_post_body(user, post)
        and not post.topic.category.workspace.is_archived
    )


@rule(Post, "report")
def can_report_post(user, post: Post) -> bool:
    return is_network_member(user) and post.author_id != user.pk and can_read_post_body(user, post)


@rule(Post, "view_history")
def can_view_post_history(user, post: Post) -> bool:
    return can_moderate_topic(user, post.topic)


@rule(Attachment, "view")
def can_view_attachment(user, attachment: Attachment) -> bool:
    return can_read_post_body(user, attachment.post)


@rule(Report, "view")
def can_view_report(user, report: Report) -> bool:
    """Reports are for the moderators of the post's space."""
    return can_moderate_topic(user, report.post.topic)


@twin(Category, "view")
def categories_visible_to(user) -> QuerySet[Category]:
    """The queryset twin of `can(user, "view", category)`."""
    readable = workspaces_readable_by(user).exclude(kind=WorkspaceKind.PERSONAL)
    forum_on = Q(workspace__kind=WorkspaceKind.NETWORK) | Q(workspace__forum_enabled=True)
    return Category.objects.filter(workspace__in=readable).filter(forum_on)


@twin(Topic, "view")
def topics_visible_to(user) -> QuerySet[Topic]:
    """Topics of visible categories; hidden ones only where the user moderates."""
    categories = categories_visible_to(user)
    # One query, whatever the number of categories: no rule is asked category by category.
    moderated = categories.filter(workspace__in=workspaces_moderated_by(user).values("pk"))
    return Topic.objects.filter(category__in=categories.values("pk")).filter(
        Q(is_hidden=False) | Q(category__in=moderated.values("pk"))
    )


@twin(Topic, "moderate")
def topics_moderated_by(user) -> QuerySet[Topic]:
    """The twin of `can(user, "moderate", topic)`."""
    forum_on = Q(kind=WorkspaceKind.NETWORK) | Q(kind=WorkspaceKind.GROUP, forum_enabled=True)
    moderated = workspaces_moderated_by(user).filter(forum_on)
    return Topic.objects.filter(category__workspace__in=moderated.values("pk"))


@twin(Post, "view")
def posts_visible_to(user) -> QuerySet[Post]:
    """The twin of `can(user, "view", post)`: the posts of the topics one sees."""
    return Post.objects.filter(topic__in=topics_visible_to(user).values("pk"))
