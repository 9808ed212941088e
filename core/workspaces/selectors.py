"""Reads of workspaces that views share, with their joins built in."""

from __future__ import annotations

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.urls import reverse

from core import registry
from core.accounts.models import User
from core.permissions import workspaces_readable_by, workspaces_visible_to
from core.workspaces.models import (
    Membership,
    MembershipRole,
    MembershipStatus,
    Module,
    Workspace,
    WorkspaceKind,
)


def groups_for_listing(user: User, *, query: str = "", mine: bool = False) -> QuerySet[Workspace]:
    """Groups `user` may see, with their member count, for the group browser."""
    qs = workspaces_visible_to(user).filter(kind=WorkspaceKind.GROUP)
    if mine and user.is_authenticated:
        qs = qs.filter(memberships__user=user, memberships__status=MembershipStatus.ACTIVE)
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(description__icontains=query))
    return (
        qs.select_related("territory")
        .annotate(
            member_count=Count("memberships", filter=Q(memberships__status=MembershipStatus.ACTIVE))
        )
        .order_by("archived_at", "name")
    )


ROLE_ORDER = Case(
    When(role=MembershipRole.OWNER, then=Value(0)),
    When(role=MembershipRole.MODERATOR, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def group_memberships(
    group: Workspace, status: str = MembershipStatus.ACTIVE
) -> QuerySet[Membership]:
    """Memberships of a group, owners first, then moderators, then by name.

    Through the group's related manager, every membership's `workspace` is `group` itself,
    so the permission checks made per row (change role, remove) cost no query for it.
    """
    return (
        group.memberships.filter(status=status)
        .select_related("user", "invited_by")
        .alias(role_order=ROLE_ORDER)
        .order_by("role_order", "user__display_name")
    )


def invitable_users(*, group: Workspace, query: str, limit: int = 10) -> list[User]:
    """Active accounts matching `query` that are not yet in the group (invite form)."""
    taken = Membership.objects.filter(workspace=group).values("user_id")
    qs = User.objects.filter(is_active=True).exclude(pk__in=taken)
    qs = qs.filter(Q(display_name__icontains=query) | Q(email__iexact=query))
    return list(qs.order_by("display_name")[:limit])


def pending_invitations_for(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, status=MembershipStatus.INVITED).select_related(
        "workspace", "invited_by"
    )


def user_groups(person: User, *, viewer) -> QuerySet[Workspace]:
    """The groups `person` is an active member of, among those `viewer` may read.

    Read, not merely see: the invited of a secret group see its home page (to answer the
    invitation), which does not make the group listable on its members' profiles.
    """
    return (
        workspaces_readable_by(viewer)
        .filter(
            kind=WorkspaceKind.GROUP,
            memberships__user=person,
            memberships__status=MembershipStatus.ACTIVE,
        )
        .order_by("name")
    )


def module_menu(workspace: Workspace) -> list[dict]:
    """The workspace's modules that are on, each with its page when the module registered
    one (core.registry.workspace_modules)."""
    menu = []
    for module in workspace.enabled_modules:
        entry = registry.workspace_modules.get(module)
        url = reverse(entry.url_name, kwargs={"slug": workspace.slug}) if entry else ""
        menu.append({"key": module, "label": Module(module).label, "url": url})
    return menu
