"""The one permission authority.

Every read and write path asks `can(user, action, obj)`: views (through
`core.views.PermissionMixin`), templates (the `{% can %}` tag), consumers, search, feeds and
file downloads.

Rules are pure functions `can_<verb>_<object>(user, obj) -> bool`, registered per model
class and action with `@rule(Model, "action")`. Modules add their own rules in their
`permissions.py`, building on the helpers here; those modules are imported when the apps
are ready (see `core.apps`). An unknown (model, action) pair is a programming error and
raises, so nothing is allowed by omission.

Queryset twins: asking `can` object by object costs queries per object (the rules follow
foreign keys), which a list of 150 objects turns into hundreds. So a (model, action) pair
may also have a *twin*, registered with `@twin(Model, "action")`: a function
`twin(user) -> QuerySet[Model]` returning exactly the objects on which the rule holds, in
one SQL query (subqueries allowed, no evaluation). Lists filter through the twin
(`workspaces_visible_to(user)`, or `allowed_queryset(user, action, Model)`); code holding
objects, or generic references to them (notifications, an activity feed, search hits),
checks them in bulk:

- `filter_allowed(user, action, objects)` keeps the allowed objects, in their order, with
  one query per model;
- `allowed_pks(user, action, Model, pks)` says which primary keys are allowed;
- `allowed_references(user, action, refs)` does the same for `(content type id, object id)`
  pairs of generic foreign keys, without loading the objects; a reference to a deleted
  object is never allowed.

A model without a twin for the action falls back to `can` object by object: slower, never
wrong. `tests/core/test_twin_matrix.py` checks every registered twin against its rule on a
grid of users × objects (secret and archived groups, the invited, overseers, drafts…) and
fails for a twin it does not exercise, so a new twin comes with its objects in that grid.

Policy, in short (README.md, "Permissions", has the whole table):

- Visibility says who may see a group and read its content: *public* groups everyone,
  *network* groups every signed-in member of the network, *secret* groups only their
  members (and the invited, who see the group's home page so they can answer).
- Membership says who may contribute. Join policy says how one becomes a member.
- The coordinator, and a local administrator whose territory contains the group's
  territory, oversee a group as its owners do, without being members.
- An archived group is read-only: only un-archiving and leaving remain possible.
- Personal desktops are private to their owner, the coordinator included.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, Q, QuerySet

from core import registry
from core.accounts.models import Invitation, NetworkRole, User
from core.notifications.models import Notification
from core.territories.models import Territory, TerritoryRole
from core.workspaces.models import (
    JoinPolicy,
    Membership,
    MembershipRole,
    MembershipStatus,
    Visibility,
    Workspace,
    WorkspaceKind,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    AnyUser = User | AnonymousUser

Rule = Callable[[Any, Any], bool]
_RULES: dict[tuple[type | None, str], Rule] = {}
Twin = Callable[[Any], QuerySet]
_TWINS: dict[tuple[type, str], Twin] = {}
T = TypeVar("T", bound=Model)


class UnknownPermission(LookupError):
    pass


def rule(model: type | None, action: str) -> Callable[[Rule], Rule]:
    """Register `func` as the rule for `action` on instances of `model` (None: no object)."""

    def register(func: Rule) -> Rule:
        key = (model, action)
        if key in _RULES and _RULES[key] is not func:
            raise ValueError(f"Two rules for {action!r} on {model!r}")
        _RULES[key] = func
        return func

    return register


def can(user: AnyUser | None, action: str, obj: object | None = None) -> bool:
    """Whether `user` may do `action` on `obj` (or, with no object, in the network)."""
    if user is None:
        return False
    # `__class__`, not `type()`: request.user is a lazy proxy that reports its real class.
    classes = obj.__class__.__mro__ if obj is not None else (None,)
    for klass in classes:
        func = _RULES.get((klass, action))
        if func is not None:
            return bool(func(user, obj))
    raise UnknownPermission(f"No rule for {action!r} on {obj.__class__.__name__}")


def require(user: AnyUser | None, action: str, obj: object | None = None) -> None:
    """Raise PermissionDenied unless `can(user, action, obj)`: what services call first."""
    if not can(user, action, obj):
        raise PermissionDenied(action)


# --- Queryset twins: checking many objects at once --------------------------------------------


def twin(model: type[Model], action: str) -> Callable[[Twin], Twin]:
    """Register `func(user) -> QuerySet[model]`: the objects on which `can(user, action, obj)`
    holds, as one query. It must agree with the rule (see the module docstring)."""

    def register(func: Twin) -> Twin:
        key = (model, action)
        if key in _TWINS and _TWINS[key] is not func:
            raise ValueError(f"Two twins for {action!r} on {model!r}")
        _TWINS[key] = func
        return func

    return register


def twin_for(model: type, action: str) -> Twin | None:
    """The twin answering for `model` (or its closest parent class), if there is one."""
    for klass in model.__mro__:
        found = _TWINS.get((klass, action))
        if found is not None:
            return found
    return None


def registered_twins() -> dict[tuple[type, str], Twin]:
    return dict(_TWINS)


def allowed_queryset(user: AnyUser | None, action: str, model: type[T]) -> QuerySet[T]:
    """The objects of `model` on which `user` may do `action`, through the registered twin."""
    found = twin_for(model, action)
    if found is None:
        raise UnknownPermission(f"No queryset twin for {action!r} on {model.__name__}")
    if user is None:
        return model._default_manager.none()
    return found(user)


def allowed_pks(
    user: AnyUser | None, action: str, model: type[Model], pks: Iterable[Any]
) -> set[Any]:
    """Which of `pks` (primary keys of `model`) `user` may `action`: one query through the
    model's twin; without a twin, each object is loaded and asked (`can`)."""
    wanted = set(pks)
    if not wanted or user is None:
        return set()
    found = twin_for(model, action)
    if found is not None:
        return set(found(user).filter(pk__in=wanted).values_list("pk", flat=True))
    return {obj.pk for obj in model._base_manager.filter(pk__in=wanted) if can(user, action, obj)}


def filter_allowed(user: AnyUser | None, action: str, objects: Iterable[T]) -> list[T]:
    """The objects on which `user` may do `action`, in their order: one query per model
    that has a twin, `can` per object otherwise (and for objects not saved yet)."""
    objects = list(objects)
    by_model: dict[type, set[Any]] = defaultdict(set)
    for obj in objects:
        if obj.pk is not None and twin_for(obj.__class__, action) is not None:
            by_model[obj.__class__].add(obj.pk)
    allowed = {model: allowed_pks(user, action, model, pks) for model, pks in by_model.items()}
    return [
        obj
        for obj in objects
        if (
            obj.pk in allowed[obj.__class__] if obj.__class__ in allowed else can(user, action, obj)
        )
    ]


def allowed_references(
    user: AnyUser | None, action: str, refs: Iterable[tuple[int, str]]
) -> set[tuple[int, str]]:
    """Which `(content type id, object id)` references of generic foreign keys point to an
    existing object on which `user` may do `action`: one query per content type, objects not
    loaded when the model has a twin."""
    by_type: dict[int, dict[Any, set[str]]] = defaultdict(lambda: defaultdict(set))
    models: dict[int, type[Model] | None] = {}
    for type_id, object_id in refs:
        if type_id not in models:
            models[type_id] = ContentType.objects.get_for_id(type_id).model_class()
        model = models[type_id]
        if model is None:
            continue  # a model that no longer exists
        try:
            pk = model._meta.pk.to_python(object_id)
        except ValidationError:
            continue
        by_type[type_id][pk].add(object_id)
    allowed: set[tuple[int, str]] = set()
    for type_id, ids in by_type.items():
        for pk in allowed_pks(user, action, models[type_id], ids):
            allowed.update((type_id, object_id) for object_id in ids[pk])
    return allowed


# --- Who the user is ------------------------------------------------------------------------


def is_network_member(user: AnyUser) -> bool:
    """A signed-in, active account: a member of the network's extranet."""
    return bool(user.is_authenticated and user.is_active)


def is_coordinator(user: AnyUser) -> bool:
    return is_network_member(user) and user.network_role == NetworkRole.COORDINATOR


def administered_territories(user: AnyUser) -> list[Territory]:
    """The territories `user` is local administrator of (cached on the user object)."""
    if not is_network_member(user):
        return []
    cached = getattr(user, "_administered_territories", None)
    if cached is None:
        cached = [role.territory for role in user.territory_roles.select_related("territory")]
        user._administered_territories = cached
    return cached


def remember_administered_territories(users: Iterable[User]) -> None:
    """Fill what `administered_territories` caches on each of `users`, in one query for all:
    for lists that ask `can` about many people (one person may come as several objects)."""
    pending: dict[int, list[User]] = {}
    for user in users:
        if is_network_member(user) and getattr(user, "_administered_territories", None) is None:
            pending.setdefault(user.pk, []).append(user)
    if not pending:
        return
    found: dict[int, list[Territory]] = {pk: [] for pk in pending}
    for role in TerritoryRole.objects.filter(user__in=list(pending)).select_related("territory"):
        found[role.user_id].append(role.territory)
    for pk, objects in pending.items():
        for user in objects:
            user._administered_territories = found[pk]


def is_administrator(user: AnyUser) -> bool:
    """The coordinator or a local administrator of some territory."""
    return is_coordinator(user) or bool(administered_territories(user))


def administers_territory(user: AnyUser, territory: Territory | None) -> bool:
    """Whether `user` oversees `territory`: coordinator, or admin of a territory containing it."""
    if is_coordinator(user):
        return True
    if territory is None:
        return False
    return any(own.contains(territory) for own in administered_territories(user))


def administered_scope(user: AnyUser, prefix: str) -> Q | None:
    """A filter on `<prefix>` (a path to a Territory) for what `user` administers.

    None means no restriction (the coordinator); an empty Q() never matches.
    """
    if is_coordinator(user):
        return None
    scope = Q(pk__in=[])
    for territory in administered_territories(user):
        scope |= territory.scope_q(prefix)
    return scope


def membership_of(user: AnyUser, workspace: Workspace) -> Membership | None:
    """The user's membership in the workspace (any status), cached on the user object."""
    if not is_network_member(user) or workspace.pk is None:
        return None
    cache = getattr(user, "_memberships", None)
    if cache is None:
        cache = {m.workspace_id: m for m in Membership.objects.filter(user=user)}
        user._memberships = cache
    return cache.get(workspace.pk)


def forget_cached_permissions(user: AnyUser) -> None:
    """Drop what `can` cached on the user object, after a change to their roles."""
    for attr in ("_memberships", "_administered_territories", "_held_territories"):
        if hasattr(user, attr):
            delattr(user, attr)


def _active_membership(user: AnyUser, workspace: Workspace) -> Membership | None:
    membership = membership_of(user, workspace)
    return membership if membership and membership.status == MembershipStatus.ACTIVE else None


def _has_role(user: AnyUser, workspace: Workspace, *roles: str) -> bool:
    membership = _active_membership(user, workspace)
    return membership is not None and membership.role in roles


def oversees_workspace(user: AnyUser, workspace: Workspace) -> bool:
    """Coordinator, or local administrator of the group's territory."""
    if workspace.kind == WorkspaceKind.PERSONAL:
        return False
    if workspace.kind == WorkspaceKind.NETWORK:
        return is_coordinator(user)
    return administers_territory(user, workspace.territory)


def _is_personal_owner(user: AnyUser, workspace: Workspace) -> bool:
    return is_network_member(user) and workspace.personal_owner_id == user.pk


# --- Workspaces ---------------------------------------------------------------------------------


@rule(Workspace, "view")
def can_view_workspace(user: AnyUser, workspace: Workspace) -> bool:
    """See that the workspace exists: its home page and its place in lists."""
    if workspace.kind == WorkspaceKind.PERSONAL:
        return _is_personal_owner(user, workspace)
    if workspace.kind == WorkspaceKind.NETWORK:
        return is_network_member(user)
    if workspace.visibility == Visibility.PUBLIC:
        return True
    if workspace.visibility == Visibility.NETWORK:
        return is_network_member(user)
    membership = membership_of(user, workspace)
    return (
        membership is not None and membership.status != MembershipStatus.REQUESTED
    ) or oversees_workspace(user, workspace)


@rule(Workspace, "read")
def can_read_workspace(user: AnyUser, workspace: Workspace) -> bool:
    """Read what the workspace's modules hold (topics, files, documents, events, chat)."""
    if workspace.kind == WorkspaceKind.GROUP and workspace.visibility == Visibility.SECRET:
        return _active_membership(user, workspace) is not None or oversees_workspace(
            user, workspace
        )
    return can_view_workspace(user, workspace)


@rule(Workspace, "view_members")
def can_view_workspace_members(user: AnyUser, workspace: Workspace) -> bool:
    """See who belongs to the group, and so people's names anywhere on its pages: who runs
    it, who wrote or organised what in it.

    Personal data: never shown to the anonymous public, who read a public group's content
    without names, nor to the invited of a secret group, who see only its home page.
    """
    return is_network_member(user) and can_read_workspace(user, workspace)


@rule(Workspace, "contribute")
def can_contribute_to_workspace(user: AnyUser, workspace: Workspace) -> bool:
    """Post, upload, edit: what members do."""
    if workspace.is_archived:
        return False
    if workspace.kind == WorkspaceKind.PERSONAL:
        return _is_personal_owner(user, workspace)
    if workspace.kind == WorkspaceKind.NETWORK:
        return is_network_member(user)
    return _active_membership(user, workspace) is not None


@rule(Workspace, "moderate")
def can_moderate_workspace(user: AnyUser, workspace: Workspace) -> bool:
    """Hide content, manage categories, answer join requests."""
    if workspace.is_archived or workspace.kind == WorkspaceKind.PERSONAL:
        return False
    return _has_role(user, workspace, MembershipRole.OWNER, MembershipRole.MODERATOR) or (
        oversees_workspace(user, workspace)
    )


@rule(Workspace, "manage")
def can_manage_workspace(user: AnyUser, workspace: Workspace) -> bool:
    """Change the group's settings and members' roles, archive it."""
    if workspace.is_archived or workspace.kind != WorkspaceKind.GROUP:
        return False
    return _has_role(user, workspace, MembershipRole.OWNER) or oversees_workspace(user, workspace)


@rule(Workspace, "unarchive")
def can_unarchive_workspace(user: AnyUser, workspace: Workspace) -> bool:
    if not workspace.is_archived:
        return False
    return _has_role(user, workspace, MembershipRole.OWNER) or oversees_workspace(user, workspace)


@rule(Workspace, "invite")
def can_invite_to_workspace(user: AnyUser, workspace: Workspace) -> bool:
    """Invite someone: moderators always; any member too unless the group is invitation-only."""
    if workspace.kind != WorkspaceKind.GROUP or workspace.is_archived:
        return False
    if can_moderate_workspace(user, workspace):
        return True
    return (
        workspace.join_policy != JoinPolicy.INVITATION
        and _active_membership(user, workspace) is not None
    )


def _may_become_member(user: AnyUser, workspace: Workspace, policy: str) -> bool:
    return (
        workspace.kind == WorkspaceKind.GROUP
        and not workspace.is_archived
        and workspace.join_policy == policy
        and is_network_member(user)
        and membership_of(user, workspace) is None
        and can_view_workspace(user, workspace)
    )


@rule(Workspace, "join")
def can_join_workspace(user: AnyUser, workspace: Workspace) -> bool:
    return _may_become_member(user, workspace, JoinPolicy.OPEN)


@rule(Workspace, "request_join")
def can_request_to_join_workspace(user: AnyUser, workspace: Workspace) -> bool:
    return _may_become_member(user, workspace, JoinPolicy.REQUEST)


@rule(Workspace, "leave")
def can_leave_workspace(user: AnyUser, workspace: Workspace) -> bool:
    """Leave, archived or not, unless one is the last owner (someone must remain in charge)."""
    if workspace.kind != WorkspaceKind.GROUP:
        return False
    membership = _active_membership(user, workspace)
    if membership is None:
        return False
    return membership.role != MembershipRole.OWNER or workspace_owner_count(workspace) > 1


def workspace_owner_count(workspace: Workspace) -> int:
    return workspace.memberships.active().filter(role=MembershipRole.OWNER).count()


@rule(None, "create_group")
def can_create_group(user: AnyUser, _obj: None) -> bool:
    return is_network_member(user) and (
        user.network_role in (NetworkRole.FACILITATOR, NetworkRole.COORDINATOR)
        or is_administrator(user)
    )


@twin(Workspace, "view")
def workspaces_visible_to(user: AnyUser) -> QuerySet[Workspace]:
    """The workspaces `user` may view: the queryset twin of `can(user, "view", workspace)`."""
    qs = Workspace.objects.all()
    if not is_network_member(user):
        return qs.filter(kind=WorkspaceKind.GROUP, visibility=Visibility.PUBLIC)
    seen = Q(kind=WorkspaceKind.NETWORK) | Q(personal_owner=user)
    seen |= Q(kind=WorkspaceKind.GROUP, visibility__in=[Visibility.PUBLIC, Visibility.NETWORK])
    seen |= Q(
        kind=WorkspaceKind.GROUP,
        memberships__user=user,
        memberships__status__in=[MembershipStatus.ACTIVE, MembershipStatus.INVITED],
    )
    scope = administered_scope(user, "territory__")
    if scope is None:
        seen |= Q(kind=WorkspaceKind.GROUP)
    else:
        seen |= Q(kind=WorkspaceKind.GROUP) & scope
    ids = qs.filter(seen).values("pk")
    return Workspace.objects.filter(pk__in=ids)


@twin(Workspace, "read")
def workspaces_readable_by(user: AnyUser) -> QuerySet[Workspace]:
    """The workspaces whose content `user` may read: the twin of `can(user, "read", ws)`."""
    visible = workspaces_visible_to(user)
    if not is_network_member(user):
        return visible
    open_content = ~Q(kind=WorkspaceKind.GROUP, visibility=Visibility.SECRET)
    member_of = Q(
        pk__in=Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE).values(
            "workspace_id"
        )
    )
    scope = administered_scope(user, "territory__")
    if scope is None:  # the coordinator reads every group
        return visible
    return visible.filter(open_content | member_of | scope)


@twin(Workspace, "moderate")
def workspaces_moderated_by(user: AnyUser) -> QuerySet[Workspace]:
    """The twin of `can(user, "moderate", workspace)`."""
    if not is_network_member(user):
        return Workspace.objects.none()
    qs = Workspace.objects.filter(archived_at__isnull=True).exclude(kind=WorkspaceKind.PERSONAL)
    scope = administered_scope(user, "territory__")
    if scope is None:  # the coordinator oversees the network and every group
        return qs
    moderator_of = Q(
        pk__in=Membership.objects.filter(
            user=user,
            status=MembershipStatus.ACTIVE,
            role__in=[MembershipRole.OWNER, MembershipRole.MODERATOR],
        ).values("workspace_id")
    )
    return qs.filter(moderator_of | (Q(kind=WorkspaceKind.GROUP) & scope))


# --- Memberships --------------------------------------------------------------------------------


@rule(Membership, "view")
def can_view_membership(user: AnyUser, membership: Membership) -> bool:
    own = is_network_member(user) and membership.user_id == user.pk
    if own:
        return True
    if membership.status == MembershipStatus.ACTIVE:
        return can_view_workspace_members(user, membership.workspace)
    # Pending requests and invitations are the moderators' business.
    return can_moderate_workspace(user, membership.workspace) or oversees_workspace(
        user, membership.workspace
    )


@rule(Membership, "accept")
def can_accept_membership(user: AnyUser, membership: Membership) -> bool:
    """The invited accept their invitation; moderators accept a request."""
    if membership.workspace.is_archived:
        return False
    if membership.status == MembershipStatus.INVITED:
        return is_network_member(user) and membership.user_id == user.pk
    if membership.status == MembershipStatus.REQUESTED:
        return can_moderate_workspace(user, membership.workspace)
    return False


@rule(Membership, "decline")
def can_decline_membership(user: AnyUser, membership: Membership) -> bool:
    """Refuse a request or an invitation, or withdraw one's own."""
    if membership.status == MembershipStatus.ACTIVE:
        return False
    own = is_network_member(user) and membership.user_id == user.pk
    return own or can_moderate_workspace(user, membership.workspace)


@rule(Membership, "remove")
def can_remove_membership(user: AnyUser, membership: Membership) -> bool:
    """Owners remove anyone but themselves; moderators remove plain members."""
    workspace = membership.workspace
    if membership.status != MembershipStatus.ACTIVE or membership.user_id == user.pk:
        return False
    if can_manage_workspace(user, workspace):
        return membership.role != MembershipRole.OWNER or workspace_owner_count(workspace) > 1
    return membership.role == MembershipRole.MEMBER and can_moderate_workspace(user, workspace)


@rule(Membership, "change_role")
def can_change_membership_role(user: AnyUser, membership: Membership) -> bool:
    return membership.status == MembershipStatus.ACTIVE and can_manage_workspace(
        user, membership.workspace
    )


# --- People, territories, invitations -------------------------------------------------------------


@rule(User, "view")
def can_view_user(user: AnyUser, person: User) -> bool:
    """Profiles are for the network's members; a closed account only for who manages it."""
    if not is_network_member(user):
        return False
    return person.is_active or can_manage_user(user, person)


def held_territories(person: User) -> list[Territory]:
    """The territories `person` administers, whether or not their account is open (cached)."""
    cached = getattr(person, "_held_territories", None)
    if cached is None:
        cached = [
            role.territory
            for role in TerritoryRole.objects.filter(user=person).select_related("territory")
        ]
        person._held_territories = cached
    return cached


def _strictly_inside(territory: Territory, owns: list[Territory]) -> bool:
    return any(own.pk != territory.pk and own.contains(territory) for own in owns)


@rule(User, "manage")
def can_manage_user(user: AnyUser, person: User) -> bool:
    """Deactivate, change the role or home territory of an account.

    A local administrator manages the accounts living in their territory, but not one that
    administers a territory not strictly inside one of theirs: a peer, someone above them
    or someone of another territory answers to the coordinator or to who is above them.
    """
    if not is_network_member(user) or person.pk == user.pk:
        return False
    if is_coordinator(user):
        return True
    if person.network_role == NetworkRole.COORDINATOR:
        return False
    if person.home_territory_id is None or not administers_territory(user, person.home_territory):
        return False
    owns = administered_territories(user)
    return all(_strictly_inside(held, owns) for held in held_territories(person))


@rule(User, "edit_profile")
def can_edit_profile(user: AnyUser, person: User) -> bool:
    return is_network_member(user) and person.pk == user.pk


@twin(User, "manage")
def users_managed_by(user: AnyUser) -> QuerySet[User]:
    """Accounts `user` may manage: the queryset twin of `can(user, "manage", person)`."""
    if not is_network_member(user):
        return User.objects.none()
    qs = User.objects.exclude(pk=user.pk)
    scope = administered_scope(user, "home_territory__")
    if scope is None:
        return qs
    below = Q(pk__in=[])
    for own in administered_territories(user):
        below |= own.scope_q("territory__") & ~Q(territory=own)
    outranking = TerritoryRole.objects.exclude(below).values("user_id")
    return qs.exclude(network_role=NetworkRole.COORDINATOR).filter(scope).exclude(pk__in=outranking)


@twin(User, "view")
def users_visible_to(user: AnyUser) -> QuerySet[User]:
    """The twin of `can(user, "view", person)`."""
    if not is_network_member(user):
        return User.objects.none()
    return User.objects.filter(Q(is_active=True) | Q(pk__in=users_managed_by(user).values("pk")))


@rule(Territory, "administer")
def can_administer_territory(user: AnyUser, territory: Territory) -> bool:
    return administers_territory(user, territory)


@rule(Territory, "invite")
def can_invite_into_territory(user: AnyUser, territory: Territory) -> bool:
    """Invite a new account whose home territory is `territory`."""
    return administers_territory(user, territory)


@rule(None, "invite_to_network")
def can_invite_to_network(user: AnyUser, _obj: None) -> bool:
    return is_administrator(user)


@rule(None, "manage_network")
def can_manage_network(user: AnyUser, _obj: None) -> bool:
    """Network-wide settings: the security policy, territory roles."""
    return is_coordinator(user)


@rule(Invitation, "manage")
def can_manage_invitation(user: AnyUser, invitation: Invitation) -> bool:
    """See and revoke an invitation: who sent it, or who administers its territory."""
    if not is_network_member(user):
        return False
    if invitation.invited_by_id == user.pk or is_coordinator(user):
        return True
    return invitation.territory_id is not None and administers_territory(user, invitation.territory)


@twin(Invitation, "manage")
def invitations_managed_by(user: AnyUser) -> QuerySet[Invitation]:
    """The queryset twin of `can(user, "manage", invitation)`."""
    if not is_network_member(user):
        return Invitation.objects.none()
    scope = administered_scope(user, "territory__")
    if scope is None:
        return Invitation.objects.all()
    return Invitation.objects.filter(Q(invited_by=user) | scope)


def territories_administered_q(user: AnyUser) -> QuerySet[Territory]:
    """Territories `user` may pick as an invitee's home territory."""
    scope = administered_scope(user, "")
    qs = Territory.objects.all()
    return qs if scope is None else qs.filter(scope)


# --- Notifications ----------------------------------------------------------------------------


@rule(Notification, "view")
def can_view_notification(user: AnyUser, notification: Notification) -> bool:
    """A notification is shown only to its recipient, and only while its subject is visible."""
    if not is_network_member(user) or notification.recipient_id != user.pk:
        return False
    target = notification.target
    if notification.target_id and target is None:
        return False  # the subject was deleted
    kind = registry.notification_kinds.get(notification.verb)
    if kind is not None and kind.visible is not None:
        return kind.visible(user, notification)
    return target is None or can(user, "view", target)


def filter_visible_notifications(
    user: AnyUser | None, notifications: Iterable[Notification]
) -> list[Notification]:
    """The bulk form of `can(user, "view", notification)`, in the given order: their
    subjects are checked with one query per kind of subject (`allowed_references`), without
    loading them, so a list or a count costs the same few queries whatever its length. A
    notification whose kind has its own `visible` is asked one by one (`can`)."""
    notifications = list(notifications)
    if user is None or not is_network_member(user):
        return []
    mine = [n for n in notifications if n.recipient_id == user.pk]
    own_rule = set()
    for n in mine:
        kind = registry.notification_kinds.get(n.verb)
        if kind is not None and kind.visible is not None:
            own_rule.add(n.pk)
    refs = {
        (n.target_type_id, n.target_id)
        for n in mine
        if n.pk not in own_rule and n.target_type_id and n.target_id
    }
    allowed = allowed_references(user, "view", refs)
    return [
        n
        for n in mine
        if (
            can(user, "view", n)
            if n.pk in own_rule
            else not n.target_id or (n.target_type_id, n.target_id) in allowed
        )
    ]
