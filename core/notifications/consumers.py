"""The signed-in user's live notification stream, at /ws/notifications/.

Protocol (JSON text frames):

- client → server: ``{"type": "resume", "after": <seq>}`` asks for the notifications
  after sequence `seq` (0 for none seen); ``{"type": "ping"}`` is answered ``pong``.
- server → client: ``{"type": "hello", "unread": n, "last_seq": s}`` on connection;
  ``{"type": "resume", "notifications": [...], "last_seq": s, "more": bool, "unread": n}``
  answers a resume with at most RESUME_PAGE_SIZE notifications (oldest first): while
  `more` is true the client asks again after `last_seq`;
  ``{"type": "notification", "notification": {...}, "unread": n}`` for each new one,
  ``{"type": "unread", "unread": n}`` when the count changes elsewhere,
  ``{"type": "error", "code": ..., "message": ...}`` for a frame it cannot use.

Broadcasts only carry "something new at seq N"; the consumer reads the notification from
the database and asks the permission authority before sending it. Each database trip costs
the same few queries whatever the number of notifications (`selectors.stream_page`).

A socket lives as long as the session that opened it. At every event, and every
WEBSOCKET_RECHECK_SECONDS, it checks that the account is still active and the session still
signed in with the same password (the session's auth hash, as Django checks it). Account
events close it at once: a closed account (CLOSE_ACCOUNT_CLOSED), a password changed, set
or reset (every socket re-checks; those of sessions signed in with the old password close
with CLOSE_UNAUTHENTICATED), a sign-out (that session's sockets only). A socket opened
without a signed-in session is accepted then closed with CLOSE_UNAUTHENTICATED: refused at
the handshake, the browser would only see code 1006 and could not tell it from a network
failure; this way the page stops and offers to sign in again.

Frames are rate-limited per socket (WEBSOCKET_FRAME_BURST, then
WEBSOCKET_FRAMES_PER_SECOND): the first frame over the limit gets a ``rate_limited``
error, the next ones are dropped, and a socket that sends a whole burst more is closed
with CLOSE_FLOODING.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.translation import get_supported_language_variant
from django.utils.translation import gettext_lazy as _
from django.utils.translation.trans_real import parse_accept_lang_header

from core.accounts.models import User
from core.accounts.selectors import session_user
from core.notifications import selectors
from core.realtime import TokenBucket, session_group, user_group

# No signed-in session (any more): the page stops and offers to sign in again.
CLOSE_UNAUTHENTICATED = 4401
CLOSE_ACCOUNT_CLOSED = 4403
# Kept sending frames past the rate limit after being told (HTTP's "429 Too Many Requests").
CLOSE_FLOODING = 4429


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


class NotificationConsumer(AsyncWebsocketConsumer):
    user_id: int | None = None
    session_key: str | None = None
    language: str = settings.LANGUAGE_CODE
    last_seq: int = 0
    _recheck: asyncio.Task | None = None
    bucket: TokenBucket
    refused: int = 0  # frames refused since the last one accepted

    async def connect(self) -> None:
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
        await self.send_json({"type": "hello", "unread": unread, "last_seq": last_seq})
        self._recheck = asyncio.create_task(self._recheck_periodically())

    async def disconnect(self, code: int) -> None:
        if self._recheck is not None:
            self._recheck.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._recheck
        if self.user_id is not None:
            await self.channel_layer.group_discard(user_group(self.user_id), self.channel_name)
            await self.channel_layer.group_discard(
                session_group(self.session_key), self.channel_name
            )

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None):
        # Counted before anything is parsed: refusing must cost less than answering.
        if not self.bucket.take():
            await self._refuse_frame()
            return
        self.refused = 0
        if text_data is None:
            await self.send_error("binary", _("Frames must be JSON text."))
            return
        if len(text_data.encode()) > settings.WEBSOCKET_MAX_MESSAGE_BYTES:
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
        if kind == "ping":
            await self.send_json({"type": "pong"})
        elif kind == "resume":
            after = frame.get("after", 0)
            if not isinstance(after, int) or isinstance(after, bool) or after < 0:
                await self.send_error("malformed", _("“after” must be a whole number."))
                return
            await self._send_resume(after)
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
        if event.get("seq", 0) <= self.last_seq:
            return  # already sent (a resume got there first)
        await self._send_after(self.last_seq)

    async def notification_read(self, event: dict[str, Any]) -> None:
        await self._send_after(self.last_seq)

    async def feed_item(self, event: dict[str, Any]) -> None:
        """A new activity-feed item for this user (core.activity.services): only its id is
        forwarded; the page fetches it through the permission-checked feed view."""
        if isinstance(event.get("id"), int):
            await self.send_json({"type": "feed", "id": event["id"]})

    async def account_closed(self, event: dict[str, Any]) -> None:
        await self.close(code=CLOSE_ACCOUNT_CLOSED)

    async def account_changed(self, event: dict[str, Any]) -> None:
        """The password changed: close at once unless this session still holds."""
        try:
            await database_sync_to_async(self._check)()
        except SocketClosed as closed:
            await self.close(code=closed.code)

    async def session_ended(self, event: dict[str, Any]) -> None:
        # Sent as the session signs out, before it is flushed: no re-check, it is over.
        await self.close(code=CLOSE_UNAUTHENTICATED)

    # --- Helpers ---------------------------------------------------------------------------------

    async def send_json(self, content: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(content))

    async def send_error(self, code: str, message: str) -> None:
        with translation.override(self.language):
            text = str(message)
        await self.send_json({"type": "error", "code": code, "message": text})

    async def _send_resume(self, after: int) -> None:
        """Answer a resume: one page of what follows `after`, in one frame."""
        try:
            page = await self._read_after(after)
        except SocketClosed as closed:
            await self.close(code=closed.code)
            return
        items, last_seq, more, unread = page
        self.last_seq = max(self.last_seq, last_seq)
        await self.send_json(
            {
                "type": "resume",
                "notifications": items,
                "last_seq": last_seq,
                "more": more,
                "unread": unread,
            }
        )

    async def _send_after(self, after: int) -> None:
        """After a live event: what follows `after` (one page), or the unread count, if the
        socket may still receive."""
        try:
            page = await self._read_after(after)
        except SocketClosed as closed:
            await self.close(code=closed.code)
            return
        items, last_seq, _more, unread = page
        self.last_seq = max(self.last_seq, last_seq)
        for item in items:
            await self.send_json({"type": "notification", "notification": item, "unread": unread})
        if not items:
            await self.send_json({"type": "unread", "unread": unread})

    async def _recheck_periodically(self) -> None:
        while True:
            await asyncio.sleep(settings.WEBSOCKET_RECHECK_SECONDS)
            try:
                await database_sync_to_async(self._check)()
            except SocketClosed as closed:
                await self.close(code=closed.code)
                return

    def _check(self) -> User:
        """The socket's user, if the account is active and this session still signed in
        with the same password; else SocketClosed with the code saying which.

        Runs in the database thread (database_sync_to_async closes stale connections
        around it), before each read an event triggers: a consumer outlives sign-outs
        and password changes elsewhere, and no signal reaches every way of making them.
        """
        user = session_user(self.session_key, self.user_id)
        if user is not None:
            return user
        if User.objects.filter(pk=self.user_id, is_active=True).exists():
            raise SocketClosed(CLOSE_UNAUTHENTICATED)
        raise SocketClosed(CLOSE_ACCOUNT_CLOSED)

    @database_sync_to_async
    def _hello_state(self) -> tuple[int, int]:
        user = User.objects.get(pk=self.user_id)
        return selectors.unread_count(user), user.notification_seq

    @database_sync_to_async
    def _read_after(self, after: int) -> tuple[list[dict[str, Any]], int, bool, int]:
        """One trip to the database thread: check the socket's right, then read one page."""
        user = self._check()
        page = selectors.stream_page(user, after)
        with translation.override(self.language):
            items = [selectors.notification_payload(n) for n in page.notifications]
        return items, page.last_seq, page.more, page.unread
