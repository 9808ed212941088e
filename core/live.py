"""The tab's one websocket, at /ws/: the kernel's notification stream plus the streams
modules register (`core.registry.live_streams`, e.g. chat rooms and presence).

Protocol (JSON text frames, each an object with a "type"):

- Notifications, the kernel's stream, keep their unprefixed types:
  client → server ``{"type": "resume", "after": <seq>}`` asks for the notifications after
  `seq`; ``{"type": "ping"}`` is answered ``pong``. Server → client
  ``{"type": "hello", "unread": n, "last_seq": s}`` on connection;
  ``{"type": "resume", "notifications": [...], "last_seq": s, "more": bool, "unread": n}``
  (at most RESUME_PAGE_SIZE, oldest first: while `more`, the client asks after `last_seq`);
  ``{"type": "notification", "notification": {...}, "unread": n}`` for each new one;
  ``{"type": "unread", "unread": n}`` when the count changes elsewhere.
- A module's stream: every frame whose type is "<stream>.<action>" (e.g. "chat.send") goes
  to that stream's handler, made for this socket on its first frame; channel-layer events
  of type "<stream>.…" (sent to groups the handler joined, or to the user's group) go to
  it as well, and only if it exists.
- ``{"type": "error", "code": ..., "message": ...}`` answers any frame that cannot be used
  (malformed, unknown type, too large, rate limited); the socket stays open.

The live path: a service decides at write time who may receive an event, stores it with a
per-stream sequence number, and after commit broadcasts the payload itself to exactly
those groups (`core.realtime.broadcast_on_commit`). Consumers forward it without reading it
back; the database serves resumes and history only.

What a consumer still asks before forwarding is whether its session holds: at every event
(and every WEBSOCKET_RECHECK_SECONDS) it checks that the account is still active and the
session still signed in with the same password. Those checks are batched per process
(`SessionGuard`): the hundreds of sockets one broadcast reaches cost one query together,
not one each. Account events close sockets at once: a closed account
(CLOSE_ACCOUNT_CLOSED), a password changed (sessions signed in with the old one close with
CLOSE_UNAUTHENTICATED), a sign-out (that session's sockets). A socket opened without a
signed-in session is accepted then closed with CLOSE_UNAUTHENTICATED: refused at the
handshake, the browser would only see 1006 and could not tell it from a network failure.

Frames are rate-limited per socket (WEBSOCKET_FRAME_BURST, then WEBSOCKET_FRAMES_PER_SECOND):
the first frame over the limit gets a ``rate_limited`` error, the next ones are dropped,
and a socket that sends a whole burst more is closed with CLOSE_FLOODING.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import weakref
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import get_supported_language_variant
from django.utils.translation import gettext_lazy as _
from django.utils.translation.trans_real import parse_accept_lang_header

from core import registry
from core.accounts.models import User
from core.accounts.selectors import sessions_still_signed_in
from core.notifications import selectors
from core.realtime import TokenBucket, session_group, user_group

# No signed-in session (any more): the page stops and offers to sign in again.
CLOSE_UNAUTHENTICATED = 4401
CLOSE_ACCOUNT_CLOSED = 4403
# Kept sending frames past the rate limit after being told (HTTP's "429 Too Many Requests").
CLOSE_FLOODING = 4429
_CLOSE_CODES = {"signed_out": CLOSE_UNAUTHENTICATED, "closed": CLOSE_ACCOUNT_CLOSED}


def scope_language(scope: dict[str, Any]) -> str:
    """The language of the page that opened the socket: cookie, then Accept-Language."""
    supported = dict(settings.LANGUAGES)
    cookie = scope.get("cookies", {}).get(settings.LANGUAGE_COOKIE_NAME)
    if cookie in supported:
        return cookie
    headers = dict(scope.get("headers", []))
    accept = headers.get(b"accept-language", b"").decode("latin-1")
    for code, _quality in parse_accept_lang_header(accept):
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


class SocketClosed(Exception):
    """The socket may no longer receive: close it with `code`."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def _check_sockets(
    keys: list[tuple[str, int, int | None]],
) -> dict[tuple[str, int, int | None], str | None]:
    """The database side of `SessionGuard`: sessions first, then the notifications to check."""
    users: dict[int, User] = {}
    sessions = sessions_still_signed_in(list({(k, uid) for k, uid, _n in keys}), users)
    shown = selectors.still_visible(users, {n for _k, _u, n in keys if n})
    answers = {}
    for key, uid, notification in keys:
        answer = sessions.get((key, uid))
        if answer is None and notification and notification not in shown:
            answer = "hidden"
        answers[(key, uid, notification)] = answer
    return answers


class SessionGuard:
    """Checks the sessions of many sockets of this process in one trip to the database.

    A broadcast to a room of 200 wakes 200 consumers within the same few turns of the event
    loop; each asks `check`, and the first turn's worth is answered by one query
    (`sessions_still_signed_in`) instead of 200. A notification about a subject is checked
    in the same trip (`notifications.selectors.still_visible`).
    """

    def __init__(self) -> None:
        self._pending: dict[tuple[str, int, int | None], list[asyncio.Future]] = {}
        self._flushing = False
        self._task: asyncio.Task | None = None

    async def check(
        self, session_key: str, user_id: int, notification_id: int | None = None
    ) -> str | None:
        """None if the socket may receive; else "signed_out", "closed" or "hidden"."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._pending.setdefault((session_key, user_id, notification_id), []).append(future)
        if not self._flushing:
            self._flushing = True
            self._task = loop.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        # Let the other consumers woken by the same broadcast queue their check first: with
        # the in-memory layer they all wake within a few turns of the loop; from Redis they
        # trickle in over a few milliseconds.
        for _turn in range(3):
            await asyncio.sleep(0)
        await asyncio.sleep(settings.WEBSOCKET_CHECK_BATCH_SECONDS)
        pending, self._pending, self._flushing = self._pending, {}, False
        try:
            answers = await database_sync_to_async(_check_sockets)(list(pending))
        except Exception as error:  # the database is down: the sockets' events fail alike
            for futures in pending.values():
                for future in futures:
                    if not future.done():
                        future.set_exception(error)
            return
        for key, futures in pending.items():
            for future in futures:
                if not future.done():
                    future.set_result(answers.get(key))


_GUARDS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, SessionGuard] = (
    weakref.WeakKeyDictionary()
)


def session_guard() -> SessionGuard:
    loop = asyncio.get_running_loop()
    guard = _GUARDS.get(loop)
    if guard is None:
        guard = _GUARDS[loop] = SessionGuard()
    return guard


class StreamHandler:
    """One module's stream on one socket. Subclasses answer the client's frames of their
    stream (`receive`) and the channel layer's events of it (`event`)."""

    def __init__(self, socket: LiveConsumer, key: str) -> None:
        self.socket = socket
        self.key = key

    @property
    def user_id(self) -> int:
        return self.socket.user_id  # type: ignore[return-value]

    async def receive(self, action: str, frame: dict[str, Any]) -> None:
        raise NotImplementedError

    async def event(self, event: dict[str, Any]) -> None:
        """A channel-layer event of this stream (type "<key>.…")."""

    async def kernel_event(self, event: dict[str, Any]) -> None:
        """A kernel event every stream hears, e.g. "workspace.left" {"workspace": id}."""

    async def stop(self) -> None:
        """The socket closes: leave the groups joined."""

    # Helpers for subclasses.
    async def send(self, content: dict[str, Any]) -> None:
        await self.socket.send_json(content)

    async def send_error(self, code: str, message: Any) -> None:
        await self.socket.send_error(code, message)

    async def session_holds(self) -> bool:
        """Ask before forwarding anything private: False once the socket is closed."""
        return await self.socket.session_holds()


class LiveConsumer(AsyncWebsocketConsumer):
    user_id: int | None = None
    session_key: str | None = None
    language: str = settings.LANGUAGE_CODE
    last_seq: int = 0
    unread: int = 0
    _recheck: asyncio.Task | None = None
    bucket: TokenBucket
    refused: int = 0  # frames refused since the last one accepted
    streams: dict[str, StreamHandler]
    closing: bool = False
    session_held_until: float = 0.0  # the loop's time until which the last check holds

    async def connect(self) -> None:
        self.streams = {}
        user = self.scope.get("user")
        session = self.scope.get("session")
        if (
            user is None
            or not user.is_authenticated
            or not user.is_active
            or session is None
            or not session.session_key
        ):
            await self.accept()
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.user_id = user.pk
        self.session_key = session.session_key
        self.language = scope_language(self.scope)
        self.bucket = TokenBucket(
            rate=settings.WEBSOCKET_FRAMES_PER_SECOND, burst=settings.WEBSOCKET_FRAME_BURST
        )
        # Join the groups before reading state: nothing committed in between is missed.
        await self.channel_layer.group_add(user_group(self.user_id), self.channel_name)
        await self.channel_layer.group_add(session_group(self.session_key), self.channel_name)
        await self.accept()
        unread, last_seq = await self._hello_state()
        self.last_seq = last_seq
        self.unread = unread
        await self.send_json({"type": "hello", "unread": unread, "last_seq": last_seq})
        self._recheck = asyncio.create_task(self._recheck_periodically())

    async def disconnect(self, code: int) -> None:
        if self._recheck is not None:
            self._recheck.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._recheck
        for handler in list(getattr(self, "streams", {}).values()):
            with contextlib.suppress(Exception):
                await handler.stop()
        if self.user_id is not None:
            await self.channel_layer.group_discard(user_group(self.user_id), self.channel_name)
            await self.channel_layer.group_discard(
                session_group(self.session_key), self.channel_name
            )

    async def close(self, code=None, reason=None) -> None:
        self.closing = True
        await super().close(code=code, reason=reason)

    async def dispatch(self, message: dict[str, Any]) -> None:
        kind = message.get("type", "")
        stream, _dot, _rest = kind.partition(".")
        if (
            stream not in ("websocket", "notification", "account", "session", "workspace")
            and stream in registry.live_streams
        ):
            handler = self.streams.get(stream)
            if handler is not None and not self.closing:
                await handler.event(message)
            return
        await super().dispatch(message)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None):
        # Counted before anything is parsed: refusing must cost less than answering.
        if self.closing:
            return
        if not self.bucket.take():
            await self._refuse_frame()
            return
        self.refused = 0
        if text_data is None:
            await self.send_error("binary", _("Frames must be JSON text."))
            return
        if len(text_data) > settings.WEBSOCKET_MAX_MESSAGE_BYTES or (
            len(text_data.encode()) > settings.WEBSOCKET_MAX_MESSAGE_BYTES
        ):
            await self.send_error("too_large", _("This frame is too large."))
            return
        try:
            frame = json.loads(text_data)
        except ValueError:
            await self.send_error("malformed", _("This frame is not valid JSON."))
            return
        if not isinstance(frame, dict):
            await self.send_error("malformed", _("A frame must be a JSON object."))
            return
        kind = frame.get("type")
        if not isinstance(kind, str):
            await self.send_error("unknown_type", _("Unknown frame type."))
            return
        if kind == "ping":
            await self.send_json({"type": "pong"})
        elif kind == "resume":
            after = frame.get("after", 0)
            if not isinstance(after, int) or isinstance(after, bool) or after < 0:
                await self.send_error("malformed", _("“after” must be a whole number."))
                return
            await self._send_resume(after)
        elif "." in kind and kind.partition(".")[0] in registry.live_streams:
            stream, _dot, action = kind.partition(".")
            handler = self.streams.get(stream)
            if handler is None:
                factory = import_string(registry.live_streams.get(stream).handler)
                handler = self.streams[stream] = factory(self, stream)
            try:
                await handler.receive(action, frame)
            except SocketClosed as closed:
                await self.close(code=closed.code)
        else:
            await self.send_error("unknown_type", _("Unknown frame type."))

    async def _refuse_frame(self) -> None:
        self.refused += 1
        if self.refused == 1:
            await self.send_error("rate_limited", _("Too many messages: slow down."))
        elif self.refused > settings.WEBSOCKET_FRAME_BURST:
            await self.close(code=CLOSE_FLOODING)

    # --- Events from the channel layer -------------------------------------------------------

    async def notification_created(self, event: dict[str, Any]) -> None:
        """A notification decided visible to this user when it was stored: forwarded as it
        came, in this socket's language, once the session is known to hold."""
        seq = event.get("seq", 0)
        if seq <= self.last_seq:
            return  # already sent (a resume got there first)
        answer = await self.session_holds(event.get("check"))
        if answer is False:
            return
        self.last_seq = max(self.last_seq, seq)
        if answer == "hidden":
            # Stored for this user, about something they may no longer see: the sequence
            # moves on, nothing else is said.
            await self.send_json({"type": "unread", "unread": self.unread})
            return
        self.unread = min(self.unread + 1, selectors.UNREAD_COUNT_LIMIT + 1)
        # Serialized once per language by the service: framed here, not re-encoded.
        encoded = event["json"]
        item = encoded.get(self.language) or encoded[settings.LANGUAGE_CODE]
        await self.send_text(
            f'{{"type": "notification", "notification": {item}, "unread": {self.unread}}}'
        )

    async def notification_read(self, event: dict[str, Any]) -> None:
        if not await self.session_holds():
            return
        self.unread = int(event.get("unread", 0))
        await self.send_json({"type": "unread", "unread": self.unread})

    async def feed_item(self, event: dict[str, Any]) -> None:
        """A new activity-feed item for this user (core.activity.services): only its id is
        forwarded; the page fetches it through the permission-checked feed view."""
        if isinstance(event.get("id"), int) and await self.session_holds():
            await self.send_json({"type": "feed", "id": event["id"]})

    async def account_closed(self, event: dict[str, Any]) -> None:
        await self.close(code=CLOSE_ACCOUNT_CLOSED)

    async def account_changed(self, event: dict[str, Any]) -> None:
        """The password changed: close at once unless this session still holds."""
        self.session_held_until = 0.0
        await self.session_holds()

    async def session_ended(self, event: dict[str, Any]) -> None:
        # Sent as the session signs out, before it is flushed: no re-check, it is over.
        await self.close(code=CLOSE_UNAUTHENTICATED)

    async def workspace_joined(self, event: dict[str, Any]) -> None:
        """The user became a member of a workspace: streams follow its groups now."""
        for handler in list(self.streams.values()):
            await handler.kernel_event(event)

    async def workspace_left(self, event: dict[str, Any]) -> None:
        """The user left or was removed from a workspace: streams drop its groups now."""
        for handler in list(self.streams.values()):
            await handler.kernel_event(event)

    # --- Helpers ---------------------------------------------------------------------------------

    async def send_json(self, content: dict[str, Any]) -> None:
        await self.send_text(json.dumps(content))

    async def send_text(self, text: str) -> None:
        """A frame already encoded (a payload serialized once by the service)."""
        if self.closing:
            return
        await self.send(text_data=text)

    async def send_error(self, code: str, message: Any) -> None:
        with translation.override(self.language):
            text = str(message)
        await self.send_json({"type": "error", "code": code, "message": text})

    async def session_holds(self, notification_id: int | None = None) -> bool | str:
        """Whether this socket's session still holds (batched with the process's other
        sockets); closes the socket and answers False when it does not. Asked about a
        notification too, answers "hidden" if the user may not see it.

        A session found holding is believed for WEBSOCKET_SESSION_CHECK_SECONDS: a room
        where messages flow does not cost a check per message and socket. Sign-outs,
        password changes and closed accounts close sockets at once anyway (account events);
        this only bounds how late a session ended some other way is noticed."""
        if self.closing or self.user_id is None:
            return False
        now = asyncio.get_running_loop().time()
        if notification_id is None and now < self.session_held_until:
            return True
        answer = await session_guard().check(self.session_key, self.user_id, notification_id)
        if answer is None:
            self.session_held_until = now + settings.WEBSOCKET_SESSION_CHECK_SECONDS
            return True
        if answer == "hidden":
            return answer
        await self.close(code=_CLOSE_CODES[answer])
        return False

    async def _send_resume(self, after: int) -> None:
        """Answer a resume: one page of what follows `after`, in one frame."""
        if not await self.session_holds():
            return
        items, last_seq, more, unread = await self._read_after(after)
        self.last_seq = max(self.last_seq, last_seq)
        self.unread = unread
        await self.send_json(
            {
                "type": "resume",
                "notifications": items,
                "last_seq": last_seq,
                "more": more,
                "unread": unread,
            }
        )

    async def _recheck_periodically(self) -> None:
        while True:
            await asyncio.sleep(settings.WEBSOCKET_RECHECK_SECONDS)
            self.session_held_until = 0.0
            if not await self.session_holds():
                return

    @database_sync_to_async
    def _hello_state(self) -> tuple[int, int]:
        user = User.objects.get(pk=self.user_id)
        return selectors.unread_count(user), user.notification_seq

    @database_sync_to_async
    def _read_after(self, after: int) -> tuple[list[dict[str, Any]], int, bool, int]:
        user = User.objects.get(pk=self.user_id)
        page = selectors.stream_page(user, after)
        with translation.override(self.language):
            items = [selectors.notification_payload(n) for n in page.notifications]
        return items, page.last_seq, page.more, page.unread
