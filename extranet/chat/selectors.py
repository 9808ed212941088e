"""Reads of the chat, always through the permission authority (`rooms_visible_to`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from core.accounts.models import User
from core.markdown import excerpt
from core.permissions import can
from extranet.chat.models import (
    Attachment,
    Message,
    Reaction,
    ReadMark,
    Room,
    RoomKind,
    RoomMember,
)
from extranet.chat.permissions import messages_visible_to, rooms_visible_to

# Messages per page of history (scrolling up) and per answer of a resume.
HISTORY_PAGE_SIZE = 50
RESUME_PAGE_SIZE = 100
# Past this, the unread badge shows "99+".
UNREAD_LIMIT = 99


def rooms_for(user: User) -> QuerySet[Room]:
    """The rooms `user` may read, most recently active first, each with `unread` (messages
    of others after their read mark, deleted ones aside), `read_seq` and `muted`: one query."""
    mark = ReadMark.objects.filter(room=OuterRef("pk"), user=user)
    return (
        rooms_visible_to(user)
        .select_related("workspace", "territory")
        .annotate(
            read_seq=Coalesce(
                Subquery(mark.values("last_read_seq")[:1]), Value(0), output_field=IntegerField()
            ),
            muted=Coalesce(
                Subquery(mark.values("muted")[:1]), Value(False), output_field=BooleanField()
            ),
        )
        .annotate(
            unread=Count(
                "messages",
                filter=Q(messages__seq__gt=F("read_seq"), messages__deleted_at__isnull=True)
                & ~Q(messages__author=user),
            )
        )
        .order_by(F("last_message_at").desc(nulls_last=True), "-pk")
    )


def unread_total(rooms: list[Room]) -> int:
    """Unread messages of the rooms not muted, capped at UNREAD_LIMIT + 1 ("99+")."""
    return min(sum(r.unread for r in rooms if not r.muted), UNREAD_LIMIT + 1)


def direct_names(rooms: list[Room], user: User) -> dict[int, str]:
    """A direct conversation without a name is called after the others in it (one query)."""
    ids = [r.pk for r in rooms if r.kind == RoomKind.DIRECT and not r.name]
    names: dict[int, list[str]] = {pk: [] for pk in ids}
    if ids:
        rows = (
            User.objects.filter(chat_memberships__room_id__in=ids)
            .exclude(pk=user.pk)
            .values_list("chat_memberships__room_id", "display_name")
            .order_by("display_name")
        )
        for room_id, name in rows:
            names[room_id].append(name)
    return {pk: ", ".join(found) or "—" for pk, found in names.items()}


def room_title(room: Room, names: dict[int, str]) -> str:
    return names.get(room.pk) or str(room)


def _messages() -> QuerySet[Message]:
    return Message.objects.select_related("author", "reply_to__author").prefetch_related(
        Prefetch("reactions", queryset=Reaction.objects.order_by("pk")),
        Prefetch("attachments", queryset=Attachment.objects.order_by("pk")),
    )


def history(room: Room, *, before: int | None = None, limit: int = HISTORY_PAGE_SIZE):
    """One page of the room's history before seq `before` (the newest page without it),
    oldest first, and whether older messages remain. The caller checked the room."""
    qs = _messages().filter(room=room)
    if before is not None:
        qs = qs.filter(seq__lt=before)
    rows = list(qs.order_by("-seq")[: limit + 1])
    more = len(rows) > limit
    return list(reversed(rows[:limit])), more


@dataclass(frozen=True)
class ResumePage:
    messages: list[Message]
    last_rev: int
    more: bool


def changes_after(room: Room, after: int, limit: int = RESUME_PAGE_SIZE) -> ResumePage:
    """The messages changed after sequence `after` (posted, edited, deleted, reacted to), in
    the order of their last change, at most `limit`: what a client that saw up to `after`
    missed. The caller checked the room."""
    rows = list(_messages().filter(room=room, rev__gt=after).order_by("rev")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return ResumePage(rows, rows[-1].rev if rows else after, more)


def message_payload(message: Message) -> dict[str, Any]:
    """What the live stream and the page's script get for one message: its rendered HTML
    (sanitized when stored), never raw markup to insert."""
    reactions: dict[str, list[int]] = {}
    if not message.is_deleted:
        for reaction in message.reactions.all():
            reactions.setdefault(reaction.emoji, []).append(reaction.user_id)
    reply = None
    if message.reply_to_id and message.reply_to is not None:
        parent = message.reply_to
        reply = {
            "seq": parent.seq,
            "author": str(parent.author) if parent.author else "",
            "excerpt": "" if parent.is_deleted else excerpt(parent.body, 80),
        }
    return {
        "id": message.pk,
        "room": message.room_id,
        "seq": message.seq,
        "rev": message.rev,
        "client_id": message.client_id,
        "author": {"id": message.author_id, "name": str(message.author or "")},
        "html": message.body_html,
        "body": message.body,
        "reply_to": reply,
        "created_at": message.created_at.isoformat(),
        "edited": message.edited_at is not None,
        "deleted": message.is_deleted,
        "reactions": reactions,
        "attachments": [
            {"name": a.name, "url": a.get_absolute_url()} for a in message.attachments.all()
        ]
        if not message.is_deleted
        else [],
    }


def search_messages(user: User, query: str, limit: int = 20) -> list[Message]:
    """Messages of the rooms `user` may read that contain `query`, newest first."""
    query = query.strip()
    if len(query) < 2:
        return []
    return list(
        messages_visible_to(user)
        .filter(deleted_at__isnull=True, body__icontains=query)
        .select_related("room", "author")
        .order_by("-created_at")[:limit]
    )


def room_people(room: Room) -> list[User]:
    """Who is in a room, for presence: a conversation's members, a group's active members
    (a channel, open to many, lists nobody)."""
    if room.kind == RoomKind.DIRECT:
        return list(User.objects.filter(chat_memberships__room=room, is_active=True))
    if room.kind == RoomKind.GROUP:
        return list(
            User.objects.filter(
                memberships__workspace_id=room.workspace_id,
                memberships__status="active",
                is_active=True,
            )
        )
    return []


def visible_room(user: User, pk: int) -> Room | None:
    room = Room.objects.select_related("workspace", "territory").filter(pk=pk).first()
    return room if room is not None and can(user, "view", room) else None


def direct_room_between(one: User, other: User) -> Room | None:
    """The one-to-one conversation of these two people, if they have one."""
    return (
        Room.objects.filter(kind=RoomKind.DIRECT, members__user=one)
        .filter(members__user=other)
        .filter(pk__in=_rooms_with_member_count(2))
        .first()
    )


def _rooms_with_member_count(count: int):
    return (
        RoomMember.objects.values("room_id")
        .annotate(n=Count("pk"))
        .filter(n=count)
        .values("room_id")
    )
