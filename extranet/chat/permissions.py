"""Who may read, post in and moderate chat rooms, on top of the workspace rules.

- A direct conversation: the people in it, nobody else (the coordinator included).
- A working group's room: the group's active members, while the group has the chat
  module on; read-only once the group is archived.
- A channel: every network member (a territory's channel: the people who live in that
  territory, and who administers it); in a channel with `restricted_posting`, only its
  chosen people post. The coordinator moderates network channels, a local administrator
  those of their territory.

A room one may not view answers 404 everywhere, and its messages are never counted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet, Subquery

from core.permissions import (
    _active_membership,
    administered_scope,
    administers_territory,
    can,
    is_administrator,
    is_coordinator,
    is_network_member,
    rule,
    twin,
)
from core.territories.models import SCOPE_FIELD, Territory
from core.workspaces.models import Membership, MembershipStatus, Module, WorkspaceKind
from extranet.chat.models import Attachment, Message, Room, RoomKind

if TYPE_CHECKING:
    from core.permissions import AnyUser


def _is_member(user: AnyUser, room: Room) -> bool:
    cache = getattr(user, "_chat_rooms", None)
    if cache is None:
        cache = user._chat_rooms = set(user.chat_memberships.values_list("room_id", flat=True))
    return room.pk in cache


def forget_chat_memberships(user: AnyUser) -> None:
    if hasattr(user, "_chat_rooms"):
        del user._chat_rooms


def _lives_in(user: AnyUser, territory: Territory | None) -> bool:
    if territory is None:
        return True
    return territory.contains(user.home_territory) if user.home_territory_id else False


@rule(Room, "view")
def can_view_room(user: AnyUser, room: Room) -> bool:
    """Read the room: its place in the list, its history, its live events, its files."""
    if not is_network_member(user):
        return False
    if room.kind == RoomKind.DIRECT:
        return _is_member(user, room)
    if room.kind == RoomKind.GROUP:
        workspace = room.workspace
        return workspace.has_module(Module.CHAT) and _active_membership(user, workspace) is not None
    return (
        _lives_in(user, room.territory)
        or administers_territory(user, room.territory)
        or _is_member(user, room)
    )


@rule(Room, "post")
def can_post_in_room(user: AnyUser, room: Room) -> bool:
    if not can_view_room(user, room):
        return False
    if room.kind == RoomKind.GROUP:
        return can(user, "contribute", room.workspace)
    if room.kind == RoomKind.CHANNEL and room.restricted_posting:
        return _is_member(user, room) or can_moderate_room(user, room)
    return True


@rule(Room, "moderate")
def can_moderate_room(user: AnyUser, room: Room) -> bool:
    """Delete anyone's message (logged); for channels, also change them and their posters."""
    if not is_network_member(user) or room.kind == RoomKind.DIRECT:
        return False
    if room.kind == RoomKind.GROUP:
        return can_view_room(user, room) and can(user, "moderate", room.workspace)
    return administers_territory(user, room.territory)


@rule(None, "create_chat_channel")
def can_create_channel(user: AnyUser, _obj: None) -> bool:
    """The coordinator (network channels) and local administrators (their territory's)."""
    return is_administrator(user)


@rule(Territory, "create_chat_channel")
def can_create_channel_for(user: AnyUser, territory: Territory) -> bool:
    return administers_territory(user, territory)


@rule(None, "start_chat")
def can_start_conversation(user: AnyUser, _obj: None) -> bool:
    return is_network_member(user)


@rule(Message, "view")
def can_view_message(user: AnyUser, message: Message) -> bool:
    return can_view_room(user, message.room)


@rule(Message, "change")
def can_change_message(user: AnyUser, message: Message) -> bool:
    """Edit: one's own message, while one may still post in the room."""
    return (
        not message.is_deleted
        and message.author_id == getattr(user, "pk", None)
        and can_post_in_room(user, message.room)
    )


@rule(Message, "delete")
def can_delete_message(user: AnyUser, message: Message) -> bool:
    if message.is_deleted:
        return False
    return can_change_message(user, message) or can_moderate_room(user, message.room)


@rule(Message, "react")
def can_react_to_message(user: AnyUser, message: Message) -> bool:
    return not message.is_deleted and can_post_in_room(user, message.room)


@rule(Attachment, "view")
def can_view_attachment(user: AnyUser, attachment: Attachment) -> bool:
    return not attachment.message.is_deleted and can_view_message(user, attachment.message)


# --- Twins -------------------------------------------------------------------------------


def _home_within_q(user: AnyUser) -> Q:
    """Channels of a territory that contains the user's home territory, as SQL (no query)."""
    home = user.home_territory_id
    if home is None:
        return Q(pk__in=[])
    q = Q(territory_id=home)
    for kind, field in SCOPE_FIELD.items():
        q |= Q(
            territory__kind=kind,
            territory__code=Subquery(Territory.objects.filter(pk=home).values(field)[:1]),
        )
    return q


@twin(Room, "view")
def rooms_visible_to(user: AnyUser) -> QuerySet[Room]:
    if not is_network_member(user):
        return Room.objects.none()
    member = Q(pk__in=user.chat_memberships.values("room_id"))
    group = Q(
        kind=RoomKind.GROUP,
        workspace__in=Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE).values(
            "workspace_id"
        ),
    ) & (Q(workspace__chat_enabled=True) | ~Q(workspace__kind=WorkspaceKind.GROUP))
    channel = Q(territory__isnull=True) | _home_within_q(user) | member
    scope = administered_scope(user, "territory__")
    # None: the coordinator, who oversees every channel (an empty Q would match nothing).
    channel = Q(pk__isnull=False) if scope is None else channel | scope
    return Room.objects.filter(
        (Q(kind=RoomKind.DIRECT) & member) | group | (Q(kind=RoomKind.CHANNEL) & channel)
    )


@twin(Message, "view")
def messages_visible_to(user: AnyUser) -> QuerySet[Message]:
    return Message.objects.filter(room__in=rooms_visible_to(user))


def coordinator_or_admin(user: AnyUser) -> bool:
    return is_coordinator(user) or is_administrator(user)
