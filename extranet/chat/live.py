"""The chat's stream on the tab's one websocket (`core.live`), registered as "chat".

Client → server (each frame {"type": "chat.<action>", ...}):

- ``subscribe``: join the live groups of every room one may read; answered
  ``chat.hello`` {rooms: [{id, title, kind, url, last_seq, read_seq, unread, muted,
  can_post}], unread}.
- ``resume`` {room, after}: the changes after sequence `after`, at most RESUME_PAGE_SIZE,
  answered ``chat.resume`` {room, messages, last_rev, more}; while `more`, ask again after
  `last_rev`. A client asks on (re)connection and whenever it sees a gap.
- ``history`` {room, before}: older messages, answered ``chat.history`` {room, messages, more}.
- ``send`` {room, client_id, body, reply_to?, files?}: answered ``chat.ack`` {client_id,
  room, seq}; the message itself comes like everyone's, as ``chat.message``. A retried
  send (same client_id) is stored once and acknowledged again.
- ``edit`` {room, seq, body}, ``delete`` {room, seq}, ``react`` {room, seq, emoji}.
- ``read`` {room, seq}, ``mute`` {room, muted}, ``typing`` {room}, ``presence`` {state:
  "online" | "away"}, ``who`` {room} (answered ``chat.who`` {room, people}).

Server → client, from the channel layer: ``chat.message`` {room, message} (every change
carries the message whole, with its `rev`: the room's sequence number of that change),
``chat.typing`` {room, user, name}, ``chat.read`` {room, seq} (another tab read),
``chat.joined`` / ``chat.left`` {room}. Errors come as ``error`` events with a code.

Events are forwarded as they came: the service decided who receives them when it chose the
room's group, and a socket is in that group only while its user may read the room (leaving
a group, a conversation, or closing the account takes the socket out at once).
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from core.accounts.models import User
from core.live import StreamHandler
from extranet.chat import selectors, services
from extranet.chat.models import Message, Room

PRESENCE_SECONDS = 90
PRESENCE_STATES = ("online", "away")


def presence_key(user_id: int) -> str:
    return f"chat.presence.{int(user_id)}"


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _first_error(error: ValidationError) -> str:
    messages = error.messages
    return messages[0] if messages else str(_("This cannot be done."))


class ChatStream(StreamHandler):
    def __init__(self, socket, key: str) -> None:
        super().__init__(socket, key)
        # The rooms this socket follows: id → workspace id (None for others).
        self.rooms: dict[int, int | None] = {}
        self.subscribed = False
        self.name = ""
        # For the header's counter, kept here from the hello on: unread per room, the last
        # sequence seen per room, the muted rooms.
        self.unread: dict[int, int] = {}
        self.seen: dict[int, int] = {}
        self.muted: set[int] = set()

    def unread_total(self) -> int:
        total = sum(n for room, n in self.unread.items() if room not in self.muted)
        return min(total, selectors.UNREAD_LIMIT + 1)

    # --- Frames from the client ------------------------------------------------------------

    async def receive(self, action: str, frame: dict[str, Any]) -> None:
        if action == "subscribe":
            await self._subscribe()
            return
        if action == "presence":
            state = frame.get("state")
            if state not in PRESENCE_STATES:
                await self.send_error("malformed", _("Unknown presence state."))
                return
            await cache.aset(presence_key(self.user_id), state, PRESENCE_SECONDS)
            return
        room_id = frame.get("room")
        if not _whole(room_id):
            await self.send_error("malformed", _("“room” must be a room number."))
            return
        if not self.subscribed:
            await self._subscribe()
        if room_id not in self.rooms:
            # Unknown, or not for this person: the same answer, nothing revealed.
            await self.send_error("not_found", _("This conversation does not exist."))
            return
        handler = getattr(self, f"_do_{action}", None)
        if handler is None:
            await self.send_error("unknown_type", _("Unknown frame type."))
            return
        await handler(room_id, frame)

    async def _subscribe(self) -> None:
        rooms, name = await self._rooms()
        self.name = name
        for room in rooms:
            if room["id"] not in self.rooms:
                await self.socket.channel_layer.group_add(
                    services.room_group(room["id"]), self.socket.channel_name
                )
            self.rooms[room["id"]] = room.pop("workspace")
            self.unread[room["id"]] = room["unread"]
            self.seen[room["id"]] = max(self.seen.get(room["id"], 0), room["last_seq"])
            if room["muted"]:
                self.muted.add(room["id"])
            else:
                self.muted.discard(room["id"])
        self.subscribed = True
        await self.send({"type": "chat.hello", "rooms": rooms, "unread_total": self.unread_total()})

    async def _do_resume(self, room_id: int, frame: dict[str, Any]) -> None:
        after = frame.get("after", 0)
        if not _whole(after):
            await self.send_error("malformed", _("“after” must be a whole number."))
            return
        page = await self._read(room_id, "resume", after)
        if page is not None:
            messages, last_rev, more = page
            await self.send(
                {
                    "type": "chat.resume",
                    "room": room_id,
                    "messages": messages,
                    "last_rev": last_rev,
                    "more": more,
                }
            )

    async def _do_history(self, room_id: int, frame: dict[str, Any]) -> None:
        before = frame.get("before")
        if before is not None and not _whole(before):
            await self.send_error("malformed", _("“before” must be a whole number."))
            return
        page = await self._read(room_id, "history", before)
        if page is not None:
            messages, _last, more = page
            await self.send(
                {"type": "chat.history", "room": room_id, "messages": messages, "more": more}
            )

    async def _do_send(self, room_id: int, frame: dict[str, Any]) -> None:
        reply_to = frame.get("reply_to")
        files = frame.get("files") or []
        if not isinstance(files, list):
            await self.send_error("malformed", _("“files” must be a list."))
            return
        answer = await self._write(
            "send",
            room_id,
            body=frame.get("body"),
            client_id=frame.get("client_id"),
            reply_to=reply_to,
            files=files,
        )
        if answer is not None:
            await self.send(
                {
                    "type": "chat.ack",
                    "room": room_id,
                    "client_id": frame.get("client_id"),
                    "seq": answer,
                }
            )

    async def _do_edit(self, room_id: int, frame: dict[str, Any]) -> None:
        if _whole(frame.get("seq")):
            await self._write("edit", room_id, seq=frame["seq"], body=frame.get("body"))
        else:
            await self.send_error("malformed", _("“seq” must be a whole number."))

    async def _do_delete(self, room_id: int, frame: dict[str, Any]) -> None:
        if _whole(frame.get("seq")):
            await self._write("delete", room_id, seq=frame["seq"])
        else:
            await self.send_error("malformed", _("“seq” must be a whole number."))

    async def _do_react(self, room_id: int, frame: dict[str, Any]) -> None:
        if _whole(frame.get("seq")) and isinstance(frame.get("emoji"), str):
            await self._write("react", room_id, seq=frame["seq"], emoji=frame["emoji"])
        else:
            await self.send_error("malformed", _("A reaction needs “seq” and “emoji”."))

    async def _do_read(self, room_id: int, frame: dict[str, Any]) -> None:
        if _whole(frame.get("seq")):
            await self._write("read", room_id, seq=frame["seq"])
        else:
            await self.send_error("malformed", _("“seq” must be a whole number."))

    async def _do_mute(self, room_id: int, frame: dict[str, Any]) -> None:
        muted = bool(frame.get("muted"))
        await self._write("mute", room_id, muted=muted)
        (self.muted.add if muted else self.muted.discard)(room_id)
        await self.send(
            {
                "type": "chat.muted",
                "room": room_id,
                "muted": muted,
                "unread_total": self.unread_total(),
            }
        )

    async def _do_typing(self, room_id: int, frame: dict[str, Any]) -> None:
        # Not stored, never resumed: only who is in the room's group hears it.
        await self.socket.channel_layer.group_send(
            services.room_group(room_id),
            {"type": "chat.typing", "room": room_id, "user": self.user_id, "name": self.name},
        )

    async def _do_who(self, room_id: int, frame: dict[str, Any]) -> None:
        people = await self._people(room_id)
        states = await cache.aget_many([presence_key(p["id"]) for p in people])
        for person in people:
            person["state"] = states.get(presence_key(person["id"]), "offline")
        await self.send({"type": "chat.who", "room": room_id, "people": people})

    # --- Events from the channel layer -------------------------------------------------------

    async def event(self, event: dict[str, Any]) -> None:
        kind = event["type"]
        room_id = event.get("room")
        if kind == "chat.message":
            if room_id in self.rooms and await self.session_holds():
                seq = event.get("seq", 0)
                if (
                    seq == event.get("rev")
                    and seq > self.seen.get(room_id, 0)
                    and event.get("author") != self.user_id
                ):
                    self.unread[room_id] = self.unread.get(room_id, 0) + 1
                self.seen[room_id] = max(self.seen.get(room_id, 0), seq)
                # The payload comes serialized by the service: framed, not re-encoded.
                await self.socket.send_text(
                    f'{{"type": "chat.message", "room": {int(room_id)}, '
                    f'"unread_total": {self.unread_total()}, "message": {event["json"]}}}'
                )
        elif kind == "chat.typing":
            if room_id in self.rooms and event.get("user") != self.user_id:
                await self.send(event)
        elif kind == "chat.read":
            if room_id in self.rooms and event.get("seq", 0) >= self.seen.get(room_id, 0):
                self.unread[room_id] = 0
            await self.send(
                {
                    "type": "chat.read",
                    "room": room_id,
                    "seq": event.get("seq"),
                    "unread_total": self.unread_total(),
                }
            )
        elif kind == "chat.joined":
            # Someone added this person: follow the room from now on (the client resumes it).
            await self._subscribe()
        elif kind == "chat.left":
            await self._drop([room_id])

    async def kernel_event(self, event: dict[str, Any]) -> None:
        if event.get("type") == "workspace.joined" and self.subscribed:
            await self._subscribe()  # its group's room, if it has one
        elif event.get("type") == "workspace.left":
            workspace = event.get("workspace")
            await self._drop([r for r, w in self.rooms.items() if w == workspace and w])

    async def _drop(self, room_ids: list[int]) -> None:
        for room_id in room_ids:
            self.unread.pop(room_id, None)
            if self.rooms.pop(room_id, "absent") != "absent":
                await self.socket.channel_layer.group_discard(
                    services.room_group(room_id), self.socket.channel_name
                )
                await self.send(
                    {"type": "chat.left", "room": room_id, "unread_total": self.unread_total()}
                )

    async def stop(self) -> None:
        for room_id in list(self.rooms):
            await self.socket.channel_layer.group_discard(
                services.room_group(room_id), self.socket.channel_name
            )
        self.rooms.clear()

    # --- The database side -----------------------------------------------------------------

    @database_sync_to_async
    def _rooms(self) -> tuple[list[dict[str, Any]], str]:
        user = User.objects.get(pk=self.user_id)
        rooms = list(selectors.rooms_for(user))
        names = selectors.direct_names(rooms, user)
        from core.permissions import can

        return [
            {
                "id": r.pk,
                "title": selectors.room_title(r, names),
                "kind": r.kind,
                "url": r.get_absolute_url(),
                "last_seq": r.last_seq,
                "read_seq": r.read_seq,
                "unread": r.unread,
                "muted": r.muted,
                "can_post": can(user, "post", r),
                "workspace": r.workspace_id,
            }
            for r in rooms
        ], str(user)

    def _room_for(self, user: User, room_id: int) -> Room | None:
        """The room, if the user may (still) read it; the socket stops following it if not."""
        room = selectors.visible_room(user, room_id)
        if room is None:
            self.rooms.pop(room_id, None)
        return room

    @database_sync_to_async
    def _read(self, room_id: int, what: str, position: int | None):
        user = User.objects.get(pk=self.user_id)
        room = self._room_for(user, room_id)
        if room is None:
            return None
        if what == "resume":
            page = selectors.changes_after(room, position or 0)
            return [selectors.message_payload(m) for m in page.messages], page.last_rev, page.more
        messages, more = selectors.history(room, before=position)
        return [selectors.message_payload(m) for m in messages], None, more

    @database_sync_to_async
    def _people(self, room_id: int) -> list[dict[str, Any]]:
        user = User.objects.get(pk=self.user_id)
        room = self._room_for(user, room_id)
        if room is None:
            return []
        return [{"id": p.pk, "name": str(p)} for p in selectors.room_people(room)]

    async def _write(self, action: str, room_id: int, **kwargs: Any) -> int | None:
        try:
            return await self._write_sync(action, room_id, **kwargs)
        except PermissionDenied:
            await self.send_error("forbidden", _("You may not do this in this conversation."))
        except Message.DoesNotExist:
            await self.send_error("not_found", _("This message does not exist."))
        except services.SendingTooFast as error:
            await self.send_json_error("rate_limited", _first_error(error), kwargs.get("client_id"))
        except ValidationError as error:
            await self.send_json_error("invalid", _first_error(error), kwargs.get("client_id"))
        return None

    async def send_json_error(self, code: str, message: str, client_id: Any) -> None:
        frame = {"type": "error", "code": code, "message": message}
        if isinstance(client_id, str):
            frame["client_id"] = client_id
        await self.send(frame)

    @database_sync_to_async
    def _write_sync(self, action: str, room_id: int, **kwargs: Any) -> int | None:
        from django.utils import translation

        user = User.objects.get(pk=self.user_id)
        room = self._room_for(user, room_id)
        if room is None:
            raise PermissionDenied("view")
        with translation.override(self.socket.language):
            try:
                if action == "send":
                    message, _created = services.message_post(
                        actor=user,
                        room=room,
                        body=kwargs["body"],
                        client_id=kwargs["client_id"],
                        reply_to=kwargs["reply_to"],
                        file_ids=kwargs["files"],
                    )
                    return message.seq
                if action == "read":
                    return services.room_mark_read(user=user, room=room, seq=kwargs["seq"])
                if action == "mute":
                    services.room_mute(user=user, room=room, muted=kwargs["muted"])
                    return None
                message = Message.objects.select_related("room").get(room=room, seq=kwargs["seq"])
                if action == "edit":
                    services.message_edit(actor=user, message=message, body=kwargs["body"])
                elif action == "delete":
                    services.message_delete(actor=user, message=message)
                elif action == "react":
                    services.reaction_toggle(actor=user, message=message, emoji=kwargs["emoji"])
                return None
            except ValidationError as error:
                # Translated here, in the socket's language.
                raise type(error)([str(m) for m in error.messages]) from error
