"""Writes on workspaces and memberships.

Each service asks the permission authority itself (`require`), so no path around a view
can skip it; views ask first only to choose between 404 and 403.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.accounts.models import User
from core.activity.services import activity_record
from core.notifications.models import Verb
from core.notifications.services import notification_create, notifications_create
from core.permissions import can, forget_cached_permissions, require
from core.realtime import broadcast_on_commit, user_group
from core.territories.models import Territory
from core.workspaces.models import (
    JoinPolicy,
    Membership,
    MembershipRole,
    MembershipStatus,
    Module,
    Visibility,
    Workspace,
    WorkspaceKind,
)

# Words used by the group URLs themselves (core/workspaces/urls.py).
RESERVED_SLUGS = {"nouveau", "adhesions"}


def access_group(workspace_id: int) -> str:
    """The live sockets that read or write a workspace's content (a co-edited document…):
    told at once when who may do so changes, they check their right again."""
    return f"workspace.{int(workspace_id)}.access"


def _access_changed(group: Workspace) -> None:
    broadcast_on_commit(access_group(group.pk), {"type": "workspace.access", "workspace": group.pk})


def _unique_slug(name: str, *, prefix: str = "") -> str:
    base = (prefix + slugify(name))[:140].strip("-") or "espace"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or Workspace.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def workspace_create_personal(*, user: User) -> Workspace:
    workspace, _created = Workspace.objects.get_or_create(
        personal_owner=user,
        defaults={
            "kind": WorkspaceKind.PERSONAL,
            "name": _("Personal desktop"),
            "slug": _unique_slug(f"u{user.pk}", prefix="bureau-"),
            "visibility": Visibility.SECRET,
            "join_policy": JoinPolicy.INVITATION,
            "created_by": user,
        },
    )
    return workspace


def network_workspace() -> Workspace:
    workspace, _created = Workspace.objects.get_or_create(
        kind=WorkspaceKind.NETWORK,
        defaults={
            "name": _("The network"),
            "slug": "reseau",
            "visibility": Visibility.NETWORK,
            "join_policy": JoinPolicy.INVITATION,
        },
    )
    return workspace


def _set_modules(group: Workspace, modules: Iterable[str]) -> None:
    chosen = set(modules)
    unknown = chosen - set(Module.values)
    if unknown:
        raise ValidationError({"modules": _("Unknown module.")})
    for module in Module.values:
        setattr(group, f"{module}_enabled", module in chosen)


@transaction.atomic
def group_create(
    *,
    creator: User,
    name: str,
    description: str = "",
    visibility: str = Visibility.NETWORK,
    join_policy: str = JoinPolicy.REQUEST,
    modules: Iterable[str] = tuple(Module.values),
    territory: Territory | None = None,
) -> Workspace:
    require(creator, "create_group")
    group = Workspace(
        kind=WorkspaceKind.GROUP,
        name=name.strip(),
        slug=_unique_slug(name),
        description=description,
        visibility=visibility,
        join_policy=join_policy,
        territory=territory,
        created_by=creator,
    )
    _set_modules(group, modules)
    group.full_clean()
    group.save()
    Membership.objects.create(
        user=creator, workspace=group, role=MembershipRole.OWNER, status=MembershipStatus.ACTIVE
    )
    forget_cached_permissions(creator)
    return group


@transaction.atomic
def group_update(
    *,
    actor: User,
    group: Workspace,
    name: str,
    description: str,
    visibility: str,
    join_policy: str,
    modules: Iterable[str],
    territory: Territory | None,
) -> Workspace:
    require(actor, "manage", group)
    group.name = name.strip()
    group.description = description
    group.visibility = visibility
    group.join_policy = join_policy
    group.territory = territory
    _set_modules(group, modules)
    group.full_clean()
    group.save()
    _access_changed(group)
    return group


def group_archive(*, actor: User, group: Workspace) -> Workspace:
    require(actor, "manage", group)
    group.archived_at = timezone.now()
    group.save(update_fields=["archived_at"])
    _access_changed(group)
    return group


def group_unarchive(*, actor: User, group: Workspace) -> Workspace:
    require(actor, "unarchive", group)
    group.archived_at = None
    group.save(update_fields=["archived_at"])
    _access_changed(group)
    return group


def _moderators(group: Workspace) -> list[User]:
    memberships = group.memberships.active().filter(
        role__in=[MembershipRole.OWNER, MembershipRole.MODERATOR]
    )
    return [m.user for m in memberships.select_related("user")]


def _owners(group: Workspace) -> list[User]:
    memberships = group.memberships.active().filter(role=MembershipRole.OWNER)
    return [m.user for m in memberships.select_related("user")]


def _record_new_member(membership: Membership) -> None:
    activity_record(
        kind="workspaces.member",
        actor=membership.user,
        subject=membership.user,
        title=membership.workspace.name,
        url=membership.workspace.get_absolute_url(),
        workspace=membership.workspace,
    )


@transaction.atomic
def group_join(*, user: User, group: Workspace) -> Membership:
    require(user, "join", group)
    membership = Membership.objects.create(
        user=user, workspace=group, role=MembershipRole.MEMBER, status=MembershipStatus.ACTIVE
    )
    forget_cached_permissions(user)
    _joined(user.pk, group)
    notifications_create(
        recipients=_owners(group), verb=Verb.GROUP_JOINED, actor=user, target=group
    )
    _record_new_member(membership)
    return membership


@transaction.atomic
def group_request_join(*, user: User, group: Workspace, message: str = "") -> Membership:
    require(user, "request_join", group)
    membership = Membership(
        user=user,
        workspace=group,
        role=MembershipRole.MEMBER,
        status=MembershipStatus.REQUESTED,
        message=message,
    )
    membership.full_clean()
    membership.save()
    forget_cached_permissions(user)
    notifications_create(
        recipients=_moderators(group), verb=Verb.GROUP_REQUESTED, actor=user, target=group
    )
    return membership


@transaction.atomic
def group_invite(*, actor: User, group: Workspace, invitee: User, message: str = "") -> Membership:
    """Invite an existing account. Someone without an account gets an e-mail invitation."""
    require(actor, "invite", group)
    if not invitee.is_active:
        raise ValidationError(_("This account is closed."))
    existing = Membership.objects.filter(user=invitee, workspace=group).first()
    if existing is not None:
        if existing.status == MembershipStatus.ACTIVE:
            raise ValidationError(_("%(name)s is already a member.") % {"name": invitee})
        if existing.status == MembershipStatus.INVITED:
            raise ValidationError(_("%(name)s is already invited.") % {"name": invitee})
        # They had asked to join: an invitation from a moderator answers the request.
        if can(actor, "accept", existing):
            return membership_accept(actor=actor, membership=existing)
        raise ValidationError(
            _("%(name)s has already asked to join; a moderator will answer.") % {"name": invitee}
        )
    membership = Membership(
        user=invitee,
        workspace=group,
        role=MembershipRole.MEMBER,
        status=MembershipStatus.INVITED,
        invited_by=actor,
        message=message,
    )
    membership.full_clean()
    membership.save()
    notification_create(recipient=invitee, verb=Verb.GROUP_INVITED, actor=actor, target=group)
    return membership


@transaction.atomic
def membership_accept(*, actor: User, membership: Membership) -> Membership:
    require(actor, "accept", membership)
    was = membership.status
    membership.status = MembershipStatus.ACTIVE
    membership.save(update_fields=["status", "updated_at"])
    forget_cached_permissions(membership.user)
    group = membership.workspace
    _joined(membership.user_id, group)
    _record_new_member(membership)
    if was == MembershipStatus.REQUESTED:
        notification_create(
            recipient=membership.user,
            verb=Verb.GROUP_REQUEST_ACCEPTED,
            actor=actor,
            target=group,
        )
    elif membership.invited_by and membership.invited_by.is_active:
        notification_create(
            recipient=membership.invited_by,
            verb=Verb.GROUP_INVITATION_ACCEPTED,
            actor=actor,
            target=group,
        )
    return membership


@transaction.atomic
def membership_decline(*, actor: User, membership: Membership) -> None:
    """Refuse a request, decline an invitation, or withdraw one's own."""
    require(actor, "decline", membership)
    if membership.status == MembershipStatus.REQUESTED and membership.user_id != actor.pk:
        notification_create(
            recipient=membership.user,
            verb=Verb.GROUP_REQUEST_REFUSED,
            actor=actor,
            target=membership.workspace,
        )
    membership.delete()
    forget_cached_permissions(membership.user)


def _joined(user_id: int, group: Workspace) -> None:
    """The new member's live sockets follow the group's streams (its chat room) now."""
    broadcast_on_commit(user_group(user_id), {"type": "workspace.joined", "workspace": group.pk})


def _left(user_id: int, group: Workspace) -> None:
    """The person's live sockets stop receiving the group's streams (its chat room) now,
    not at their next connection."""
    broadcast_on_commit(user_group(user_id), {"type": "workspace.left", "workspace": group.pk})


@transaction.atomic
def membership_leave(*, user: User, group: Workspace) -> None:
    require(user, "leave", group)
    Membership.objects.filter(user=user, workspace=group).delete()
    forget_cached_permissions(user)
    _left(user.pk, group)
    _access_changed(group)


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    require(actor, "remove", membership)
    group = membership.workspace
    membership.delete()
    forget_cached_permissions(membership.user)
    _left(membership.user_id, group)
    _access_changed(group)
    # The removed member may no longer see the group: the sentence keeps its name.
    notification_create(
        recipient=membership.user,
        verb=Verb.GROUP_REMOVED,
        actor=actor,
        data={"target": group.name},
    )


@transaction.atomic
def membership_change_role(*, actor: User, membership: Membership, role: str) -> Membership:
    require(actor, "change_role", membership)
    if role not in MembershipRole.values:
        raise ValidationError({"role": _("Unknown role.")})
    if role == membership.role:
        return membership
    group = membership.workspace
    if (
        membership.role == MembershipRole.OWNER
        and group.memberships.active().filter(role=MembershipRole.OWNER).count() <= 1
    ):
        raise ValidationError(_("A group must keep at least one owner."))
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    forget_cached_permissions(membership.user)
    _access_changed(group)
    if membership.user_id != actor.pk:
        notification_create(
            recipient=membership.user,
            verb=Verb.GROUP_ROLE_CHANGED,
            actor=actor,
            target=group,
            data={"role": role},
        )
    return membership
