"""Writes of the chat. Each change to a room's messages is stored with the room's next
sequence number, then, after commit, broadcast as a whole to the room's group: the sockets
in it are exactly the people who may read the room (see `live.py`), who forward it as it
came."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import markdown
from core.accounts.models import User
from core.notifications.services import notifications_create
from core.permissions import can, require
from core.ratelimit import over_limit
from core.realtime import broadcast_many_on_commit, broadcast_on_commit, user_group
from core.territories.models import Territory
from core.workspaces.models import Module, Workspace, WorkspaceKind
from extranet.chat import selectors
from extranet.chat.models import (
    MAX_DIRECT_MEMBERS,
    MAX_MESSAGE_LENGTH,
    Attachment,
    Message,
    ModerationLog,
    Reaction,
    ReadMark,
    Room,
    RoomKind,
    RoomMember,
)
from extranet.chat.permissions import forget_chat_memberships

MENTION_VERB = "chat.mention"
_CLIENT_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
# Reactions offered (and accepted): a small fixed set, nothing to sanitize.
REACTIONS = ("👍", "❤️", "😄", "🎉", "😮", "🙏")


class SendingTooFast(ValidationError):
    """Over the per-person rate of messages."""


def room_group(room_id: int) -> str:
    """The channel-layer group of a room's live sockets."""
    return f"chat.room.{int(room_id)}"


# --- Rooms ------------------------------------------------------------------------------


def group_room(*, workspace: Workspace) -> Room:
    """The working group's room, made the first time someone opens it."""
    if workspace.kind != WorkspaceKind.GROUP or not workspace.has_module(Module.CHAT):
        raise ValidationError(_("This group has no chat."))
    room, created = Room.objects.get_or_create(
        kind=RoomKind.GROUP, workspace=workspace, defaults={"name": ""}
    )
    if created:
        # Members already connected follow the new room at once.
        members = workspace.memberships.active().values_list("user_id", flat=True)
        broadcast_many_on_commit(
            [(user_group(pk), {"type": "chat.joined", "room": room.pk}) for pk in members]
        )
    return room


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if len(name) > 80:
        raise ValidationError({"name": _("A name has at most 80 characters.")})
    return name


@transaction.atomic
def direct_start(*, actor: User, people: Iterable[User], name: str = "") -> Room:
    """A conversation between the actor and `people` (one to one: the existing one if any)."""
    require(actor, "start_chat")
    others = {p.pk: p for p in people if p.pk != actor.pk and p.is_active}
    if not others:
        raise ValidationError(_("Choose at least one person to talk to."))
    if len(others) + 1 > MAX_DIRECT_MEMBERS:
        raise ValidationError(
            _("A conversation has at most %(count)d people.") % {"count": MAX_DIRECT_MEMBERS}
        )
    name = _clean_name(name)
    if len(others) == 1:
        (other,) = others.values()
        existing = selectors.direct_room_between(actor, other)
        if existing is not None:
            return existing
    room = Room.objects.create(kind=RoomKind.DIRECT, name=name, created_by=actor)
    RoomMember.objects.bulk_create(
        [RoomMember(room=room, user_id=pk) for pk in [actor.pk, *others]]
    )
    for pk in [actor.pk, *others]:
        _joined(pk, room)
    forget_chat_memberships(actor)
    return room


@transaction.atomic
def channel_create(
    *,
    actor: User,
    name: str,
    territory: Territory | None = None,
    restricted_posting: bool = False,
    posters: Iterable[User] = (),
    topic: str = "",
) -> Room:
    """A channel of the network (the coordinator) or of a territory (its administrators)."""
    if territory is None:
        if not (actor.is_active and actor.network_role == "coordinator"):
            raise PermissionDenied("create_chat_channel")
    else:
        require(actor, "create_chat_channel", territory)
    name = _clean_name(name)
    if not name:
        raise ValidationError({"name": _("Give the channel a name.")})
    room = Room(
        kind=RoomKind.CHANNEL,
        name=name,
        topic=" ".join(topic.split())[:200],
        territory=territory,
        restricted_posting=restricted_posting,
        created_by=actor,
    )
    room.full_clean()
    room.save()
    RoomMember.objects.bulk_create([RoomMember(room=room, user=p) for p in set(posters)])
    return room


@transaction.atomic
def member_remove(*, actor: User, room: Room, user: User) -> None:
    """Take someone out of a conversation (themselves: leaving) or off a channel's posters.
    Their live sockets stop receiving the room at once."""
    if user.pk != actor.pk and not can(actor, "moderate", room):
        raise PermissionDenied("moderate")
    if room.kind == RoomKind.GROUP:
        raise ValidationError(_("One leaves a working group's room by leaving the group."))
    RoomMember.objects.filter(room=room, user=user).delete()
    forget_chat_memberships(user)
    if room.kind == RoomKind.DIRECT:
        broadcast_on_commit(user_group(user.pk), {"type": "chat.left", "room": room.pk})


@transaction.atomic
def member_add(*, actor: User, room: Room, user: User) -> None:
    """Add someone to a conversation (its members may) or to a channel's posters."""
    if room.kind == RoomKind.DIRECT:
        require(actor, "post", room)
        if room.members.count() >= MAX_DIRECT_MEMBERS:
            raise ValidationError(
                _("A conversation has at most %(count)d people.") % {"count": MAX_DIRECT_MEMBERS}
            )
    else:
        require(actor, "moderate", room)
    _member, created = RoomMember.objects.get_or_create(room=room, user=user)
    forget_chat_memberships(user)
    if created and room.kind == RoomKind.DIRECT:
        _joined(user.pk, room)


def _joined(user_id: int, room: Room) -> None:
    broadcast_on_commit(user_group(user_id), {"type": "chat.joined", "room": room.pk})


# --- Messages -------------------------------------------------------------------------------


def _check_rate(actor: User) -> None:
    """A few messages a second at most, fewer for accounts younger than a week (spam)."""
    new = actor.date_joined > timezone.now() - timedelta(days=settings.CHAT_NEW_ACCOUNT_DAYS)
    limit = settings.CHAT_MESSAGES_PER_MINUTE_NEW if new else settings.CHAT_MESSAGES_PER_MINUTE
    if over_limit("chat.send", actor.pk, limit=limit, window=60):
        raise SendingTooFast(_("You are sending messages too fast: wait a moment."))


def _clean_body(body: str) -> str:
    if not isinstance(body, str):
        raise ValidationError(_("A message is text."))
    body = body.replace("\r\n", "\n").strip()
    if not body:
        raise ValidationError(_("Write something first."))
    if len(body) > MAX_MESSAGE_LENGTH:
        raise ValidationError(
            _("A message has at most %(limit)d characters (this one has %(count)d).")
            % {"limit": MAX_MESSAGE_LENGTH, "count": len(body)}
        )
    return body


def _render(body: str, room: Room) -> str:
    def mention_url(handle: str) -> str | None:
        user = User.objects.filter(handle=handle, is_active=True).only("pk").first()
        return reverse("accounts:profile", args=[user.pk]) if user else None

    return markdown.render(body, mention_url=mention_url).strip()


def _next_seq(room: Room, *, posted: bool) -> int:
    """The room's next sequence number. The UPDATE locks the room's row until commit, so
    numbers never repeat nor go backwards, whatever runs at once."""
    changes: dict[str, Any] = {"last_seq": F("last_seq") + 1}
    if posted:
        changes["last_message_at"] = timezone.now()
    Room.objects.filter(pk=room.pk).update(**changes)
    room.last_seq = Room.objects.values_list("last_seq", flat=True).get(pk=room.pk)
    return room.last_seq


def _broadcast(message: Message) -> None:
    """The message whole, serialized once here: every socket of the room forwards the same
    text (no copy of a nested structure per recipient on the layer, no JSON encoding per
    recipient in the consumers)."""
    payload = selectors.message_payload(message)
    broadcast_on_commit(
        room_group(message.room_id),
        {
            "type": "chat.message",
            "room": message.room_id,
            "seq": message.seq,
            "rev": message.rev,
            "author": message.author_id,
            "json": json.dumps(payload),
        },
    )


def message_post(
    *,
    actor: User,
    room: Room,
    body: str,
    client_id: str,
    reply_to: int | None = None,
    file_ids: Iterable[int] = (),
) -> tuple[Message, bool]:
    """Store a message (or find the one already stored under this client id: a retried send
    is stored once) and broadcast it after commit. Answers (message, created)."""
    if not isinstance(client_id, str) or not _CLIENT_ID_RE.fullmatch(client_id):
        raise ValidationError(_("Each message needs a client id (letters, digits, - and _)."))
    existing = Message.objects.filter(room=room, author=actor, client_id=client_id).first()
    if existing is not None:
        return existing, False
    require(actor, "post", room)
    body = _clean_body(body)
    _check_rate(actor)
    parent = None
    if reply_to is not None:
        if not isinstance(reply_to, int) or isinstance(reply_to, bool):
            raise ValidationError(_("This message cannot be answered."))
        parent = Message.objects.filter(room=room, seq=reply_to, deleted_at__isnull=True).first()
        if parent is None:
            raise ValidationError(_("This message cannot be answered."))
    files = _files_to_attach(actor, room, file_ids)
    html = _render(body, room)
    try:
        with transaction.atomic():
            seq = _next_seq(room, posted=True)
            message = Message.objects.create(
                room=room,
                seq=seq,
                rev=seq,
                author=actor,
                client_id=client_id,
                body=body,
                body_html=html,
                reply_to=parent,
            )
            Attachment.objects.bulk_create(
                [Attachment(message=message, file=f, name=f.name) for f in files]
            )
            ReadMark.objects.update_or_create(
                room=room, user=actor, defaults={"last_read_seq": seq}
            )
            _notify_mentions(actor, room, message)
            message.author = actor
            _broadcast(message)
    except IntegrityError:
        # The same send, retried at the same moment: the other one was stored.
        existing = Message.objects.filter(room=room, author=actor, client_id=client_id).first()
        if existing is None:
            raise
        return existing, False
    return message, True


def _files_to_attach(actor: User, room: Room, file_ids: Iterable[int]) -> list:
    ids = list(file_ids or [])
    if not ids:
        return []
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in ids) or len(ids) > 10:
        raise ValidationError(_("These files cannot be attached here."))
    if room.kind != RoomKind.GROUP or not room.workspace.has_module(Module.FILES):
        raise ValidationError(_("Files can be attached in a working group's room only."))
    from extranet.files.permissions import files_visible_to

    files = list(files_visible_to(actor).filter(workspace=room.workspace, pk__in=ids))
    if len(files) != len(set(ids)):
        raise ValidationError(_("These files cannot be attached here."))
    return files


def _notify_mentions(actor: User, room: Room, message: Message) -> None:
    handles = markdown.mentions(message.body)
    if not handles:
        return
    people = [
        u
        for u in User.objects.filter(handle__in=handles, is_active=True).exclude(pk=actor.pk)
        if can(u, "view", room)
    ]
    if people:
        notifications_create(
            recipients=people,
            verb=MENTION_VERB,
            actor=actor,
            target=message,
            data={"target": str(room)},
        )


@transaction.atomic
def message_edit(*, actor: User, message: Message, body: str) -> Message:
    require(actor, "change", message)
    body = _clean_body(body)
    message.body = body
    message.body_html = _render(body, message.room)
    message.edited_at = timezone.now()
    message.rev = _next_seq(message.room, posted=False)
    message.save(update_fields=["body", "body_html", "edited_at", "rev"])
    _broadcast(message)
    return message


@transaction.atomic
def message_delete(*, actor: User, message: Message) -> Message:
    """Delete one's own message, or as a moderator anyone's (logged with what it said)."""
    require(actor, "delete", message)
    if message.author_id != actor.pk:
        ModerationLog.objects.create(
            room=message.room,
            message=message,
            moderator=actor,
            author_id=message.author_id,
            action="delete",
            body=message.body,
        )
    message.deleted_at = timezone.now()
    message.deleted_by = actor
    message.body = ""
    message.body_html = ""
    message.rev = _next_seq(message.room, posted=False)
    message.save(update_fields=["deleted_at", "deleted_by", "body", "body_html", "rev"])
    message.attachments.all().delete()
    _broadcast(message)
    return message


@transaction.atomic
def reaction_toggle(*, actor: User, message: Message, emoji: str) -> bool:
    """Add the reaction, or take it back if given already. Answers whether it is on."""
    require(actor, "react", message)
    if emoji not in REACTIONS:
        raise ValidationError(_("Unknown reaction."))
    deleted, _detail = Reaction.objects.filter(message=message, user=actor, emoji=emoji).delete()
    if not deleted:
        Reaction.objects.create(message=message, user=actor, emoji=emoji)
    message.rev = _next_seq(message.room, posted=False)
    message.save(update_fields=["rev"])
    _broadcast(message)
    return not deleted


# --- Each person's place ------------------------------------------------------------------


def room_mark_read(*, user: User, room: Room, seq: int) -> int:
    """Everything up to `seq` is read (never moves back); the person's other tabs hear it."""
    require(user, "view", room)
    seq = max(0, min(int(seq), room.last_seq))
    with transaction.atomic():
        mark, _created = ReadMark.objects.select_for_update().get_or_create(room=room, user=user)
        if seq > mark.last_read_seq:
            mark.last_read_seq = seq
            mark.save(update_fields=["last_read_seq"])
            broadcast_on_commit(
                user_group(user.pk), {"type": "chat.read", "room": room.pk, "seq": seq}
            )
    return mark.last_read_seq


def room_mute(*, user: User, room: Room, muted: bool) -> None:
    require(user, "view", room)
    ReadMark.objects.update_or_create(room=room, user=user, defaults={"muted": bool(muted)})
