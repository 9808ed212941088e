"""Who may see and remove status posts (rules of the one authority, core.permissions)."""

from __future__ import annotations

from django.db.models import QuerySet

from core.permissions import can, is_network_member, rule, twin, users_visible_to
from extranet.network.models import StatusComment, StatusPost


@rule(StatusPost, "view")
def can_view_status(user, status: StatusPost) -> bool:
    """Posts are for the network's members, while their author's profile is visible."""
    return is_network_member(user) and can(user, "view", status.author)


@twin(StatusPost, "view")
def statuses_visible_to(user) -> QuerySet[StatusPost]:
    if not is_network_member(user):
        return StatusPost.objects.none()
    return StatusPost.objects.filter(author__in=users_visible_to(user).values("pk"))


@rule(StatusPost, "comment")
def can_comment_status(user, status: StatusPost) -> bool:
    return can_view_status(user, status)


@rule(StatusPost, "delete")
def can_delete_status(user, status: StatusPost) -> bool:
    """Its author, and who moderates the author's account (coordinator, local admins)."""
    if not is_network_member(user):
        return False
    return status.author_id == user.pk or can(user, "manage", status.author)


@rule(StatusComment, "view")
def can_view_comment(user, comment: StatusComment) -> bool:
    return can_view_status(user, comment.status)


@rule(StatusComment, "delete")
def can_delete_comment(user, comment: StatusComment) -> bool:
    if not is_network_member(user):
        return False
    return comment.author_id == user.pk or can_delete_status(user, comment.status)
