"""The room of a co-edited document: y-websocket (sync and awareness) at
/ws/documents/<pk>, one socket per open document, any number of processes.

The room, as DESIGN.md's « Known pitfalls » lays it out:

- the socket joins the document's channel-layer group *before* anything is read, so an
  update committed meanwhile reaches it through the group;
- a client's sync step 1 is answered to that client only, from the log in the database
  (`services.document_state`): a client joining gets everything stored, whichever process
  stored it; the server's own sync step 1 makes a reconnecting client send what it has and
  the server lacks;
- each non-empty update (sync step 2 or update) is checked (a Yjs v1 update, size limits,
  the socket's right to write), committed to the log with the document's next sequence
  number, then relayed to the other sockets (never back to the sender), and acknowledged to
  a client that asked for it (`?ack=1`: what the editor's « saved » indicator shows);
- awareness (carets, names, colours) is relayed to the others and never stored; when a
  socket goes, its clients' awareness is cleared for the others;
- the channel layer delivers at most once, so each socket notes the sequence numbers it
  relayed and fetches from the log any it missed (a gap);
- the log is compacted under the document's row lock when it grows long.

Rights are checked on connection, at each change of the workspace's memberships or settings
(`workspace.<id>.access` group), and every WEBSOCKET_RECHECK_SECONDS: a removed member's socket
closes at once; a read-only socket (who may read the workspace but not contribute, or an
archived group) is closed if it sends a change, whatever the page sends.

Bad frames close the socket with a code and a translated reason (websocket close reasons are
what a y-websocket client can show): 4400 malformed, 4401 not signed in, 4403 not allowed,
4404 no such document (or not visible), 4410 trashed, 4413 too large, 4429 flooding; 1011
when the database could not store an update (the client reconnects and sends it again).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.db.models import Q
from django.utils import translation
from django.utils.translation import get_supported_language_variant
from django.utils.translation import gettext_lazy as _
from django.utils.translation.trans_real import parse_accept_lang_header

from core.accounts.selectors import session_user
from core.permissions import can
from core.realtime import TokenBucket, session_group
from core.workspaces.services import access_group
from extranet.documents import services, ydoc
from extranet.documents.models import Document, Update

logger = logging.getLogger(__name__)

CLOSE_MALFORMED = 4400
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_TRASHED = 4410
CLOSE_TOO_LARGE = 4413
CLOSE_FLOODING = 4429
CLOSE_NOT_SAVED = 1011  # the server's trouble: clients reconnect

REASONS = {
    CLOSE_MALFORMED: _("Malformed message."),
    CLOSE_UNAUTHENTICATED: _("Please sign in again."),
    CLOSE_FORBIDDEN: _("You may not change this document."),
    CLOSE_NOT_FOUND: _("Document not found."),
    CLOSE_TRASHED: _("This document is in the trash."),
    CLOSE_TOO_LARGE: _("Change too large."),
    CLOSE_FLOODING: _("Too many messages."),
    CLOSE_NOT_SAVED: _("The change could not be saved; reconnecting."),
}
DOCUMENT_FULL = _("The document is full.")
# How long a gap in the relayed sequence may last before the log is read for it.
GAP_WAIT_SECONDS = 1.0
# How often a socket passes a newcomer's question "who is here?" on to its client.
AWARENESS_QUERY_SECONDS = 2.0


class GroupCommit:
    """The updates of a document waiting for the next transaction, in this process.

    Each update must be committed before it is relayed or acknowledged; committing each on
    its own would make a busy room wait on one transaction after the other. So the updates
    that arrive while a transaction runs go, all together, into the next one
    (`services.updates_store`), and each socket hears of its own as soon as that commits.
    Updates commit in the order they arrive, so each socket's order holds; a socket goes on
    relaying the others' updates to its client while its own commit.
    """

    def __init__(self) -> None:
        self.pending: dict[int, list[tuple[int, bytes, asyncio.Future]]] = {}
        self.running: dict[int, asyncio.Task] = {}
        self.maintaining: dict[tuple[str, int], asyncio.Task] = {}

    def maintain(self, kind: str, document_id: int, func) -> None:
        """Run `func(document_id=…)` (a compaction, a snapshot) in the background, unless
        one of its kind already runs for the document: every update stored until it is done
        would ask for it again."""
        key = (kind, document_id)
        if key in self.maintaining:
            return

        async def run() -> None:
            try:
                # In a thread of its own: the live path's commits go on meanwhile.
                await database_sync_to_async(func, thread_sensitive=False)(document_id=document_id)
            except Exception:
                logger.exception("documents: %s of document %s failed", kind, document_id)
            finally:
                self.maintaining.pop(key, None)

        self.maintaining[key] = asyncio.create_task(run())

    def submit(self, document_id: int, author_id: int, data: bytes) -> asyncio.Future:
        """Queue an update for the next transaction; the future gives its `Stored` (None
        if the document is full) once committed. Updates commit in the order submitted."""
        future = asyncio.get_running_loop().create_future()
        self.pending.setdefault(document_id, []).append((author_id, data, future))
        if document_id not in self.running:
            self.running[document_id] = asyncio.create_task(self._drain(document_id))
        return future

    async def _drain(self, document_id: int) -> None:
        try:
            while self.pending.get(document_id):
                batch = self.pending.pop(document_id)
                try:
                    results = await database_sync_to_async(services.updates_store)(
                        document_id=document_id, items=[(a, d) for a, d, _f in batch]
                    )
                except Exception as error:
                    for _a, _d, future in batch:
                        if not future.done():
                            future.set_exception(error)
                    continue
                for (_a, _d, future), result in zip(batch, results, strict=True):
                    if not future.done():
                        future.set_result(result)
        finally:
            self.running.pop(document_id, None)


# One per event loop (daphne has one; each test has its own).
_commits: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, GroupCommit] = (
    weakref.WeakKeyDictionary()
)


def group_commit() -> GroupCommit:
    loop = asyncio.get_running_loop()
    found = _commits.get(loop)
    if found is None:
        found = _commits[loop] = GroupCommit()
    return found


@dataclass(frozen=True)
class Access:
    workspace_id: int
    may_write: bool


class Refused(Exception):
    def __init__(self, code: int, reason=None) -> None:
        super().__init__(code)
        self.code = code
        self.reason = reason


def scope_language(scope: dict[str, Any]) -> str:
    """The language of the page that opened the socket: cookie, then Accept-Language."""
    supported = dict(settings.LANGUAGES)
    cookie = scope.get("cookies", {}).get(settings.LANGUAGE_COOKIE_NAME)
    if cookie in supported:
        return cookie
    accept = dict(scope.get("headers", [])).get(b"accept-language", b"").decode("latin-1")
    for code, _quality in parse_accept_lang_header(accept):
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


class DocumentConsumer(AsyncWebsocketConsumer):
    document_id: int = 0
    user_id: int | None = None
    session_key: str | None = None
    may_write: bool = False
    joined: bool = False
    wants_ack: bool = False
    saved: int = 0  # sync frames of this socket committed (what `?ack=1` acknowledges)
    floor: int = 0  # every sequence number up to it reached this socket
    _recheck: asyncio.Task | None = None
    _gap: asyncio.Task | None = None
    _storing: asyncio.Task | None = None  # the last update's commit, relay and ack
    queried_at: float = -1e9
    wrote: bool = False

    # --- Connection ----------------------------------------------------------------------------

    async def connect(self) -> None:
        self.language = scope_language(self.scope)
        self.document_id = int(self.scope["url_route"]["kwargs"]["pk"])
        self.above: set[int] = set()
        self.awareness_clients: dict[int, int] = {}
        user = self.scope.get("user")
        session = self.scope.get("session")
        if user is None or not user.is_authenticated or session is None or not session.session_key:
            await self._refuse_at_handshake(CLOSE_UNAUTHENTICATED)
            return
        self.user_id = user.pk
        self.display_name = str(user)
        self.session_key = session.session_key
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        self.wants_ack = query.get("ack") == ["1"]
        self.bucket = TokenBucket(
            rate=settings.DOCUMENTS_FRAMES_PER_SECOND, burst=settings.DOCUMENTS_FRAME_BURST
        )
        self.refused = 0
        try:
            access = await database_sync_to_async(self._access)()
        except Refused as refused:
            await self._refuse_at_handshake(refused.code)
            return
        self.may_write = access.may_write
        self.workspace_id = access.workspace_id
        self.room = f"document.{self.document_id}"
        # Join first, read after: nothing committed in between is missed.
        await self.channel_layer.group_add(self.room, self.channel_name)
        await self.channel_layer.group_add(access_group(self.workspace_id), self.channel_name)
        await self.channel_layer.group_add(session_group(self.session_key), self.channel_name)
        self.joined = True
        await self.accept()
        state, seq = await database_sync_to_async(self._enter)()
        self.floor = seq
        await self.send(bytes_data=ydoc.sync_frame(ydoc.SYNC_STEP1, ydoc.state_vector(state)))
        # Those already here say who they are (their carets): awareness is never stored.
        await self.channel_layer.group_send(
            self.room, {"type": "document.query_awareness", "sender": self.channel_name}
        )
        self._recheck = asyncio.create_task(self._recheck_periodically())

    async def _refuse_at_handshake(self, code: int) -> None:
        # Accepted then closed: a browser refused at the handshake sees only 1006 and cannot
        # tell it from a network failure.
        await self.accept()
        await self._close(code)

    async def disconnect(self, code: int) -> None:
        for task in (self._recheck, self._gap):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if not self.joined:
            return
        if self._storing is not None:
            # Committed whatever happens; the relays to the others still go out.
            await asyncio.gather(self._storing, return_exceptions=True)
        if self.awareness_clients:
            gone = ydoc.awareness_frame(ydoc.awareness_removal(self.awareness_clients))
            await self._relay("document.awareness", gone)
        await self.channel_layer.group_discard(self.room, self.channel_name)
        await self.channel_layer.group_discard(access_group(self.workspace_id), self.channel_name)
        await self.channel_layer.group_discard(session_group(self.session_key), self.channel_name)
        await database_sync_to_async(services.presence_leave)(channel_name=self.channel_name)
        if self.wrote:
            # The plain text (search, lists) catches up when a writer leaves.
            await database_sync_to_async(services.text_refresh)(document_id=self.document_id)

    # --- Frames from the client ------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None):
        if not self.bucket.take():
            self.refused += 1
            if self.refused > settings.DOCUMENTS_FRAME_BURST:
                await self._close(CLOSE_FLOODING)
            return
        self.refused = 0
        if bytes_data is None:
            await self._close(CLOSE_MALFORMED)
            return
        if len(bytes_data) > settings.DOCUMENTS_UPDATE_MAX_BYTES + 16:
            await self._close(CLOSE_TOO_LARGE)
            return
        try:
            frame = ydoc.parse_frame(bytes_data)
            if frame.kind == ydoc.MESSAGE_SYNC:
                if frame.sync == ydoc.SYNC_STEP1:
                    await self._answer_step1(frame.payload)
                else:
                    await self._take_update(frame.payload)
            elif frame.kind == ydoc.MESSAGE_AWARENESS:
                # The others see the account's name on this caret, not one the client chose.
                payload, clients = ydoc.signed_awareness(frame.payload, self.display_name)
                self.awareness_clients.update(clients)
                await self._relay("document.awareness", ydoc.awareness_frame(payload))
            # MESSAGE_QUERY_AWARENESS: the server keeps no awareness to answer with.
        except ydoc.FrameError:
            await self._close(CLOSE_MALFORMED)
        except Refused as refused:
            await self._close(refused.code, refused.reason)

    async def _answer_step1(self, vector: bytes) -> None:
        state, seq = await database_sync_to_async(self._state)()
        # Sent to this client only; everything up to `seq` has now reached it.
        await self.send(bytes_data=ydoc.sync_frame(ydoc.SYNC_STEP2, ydoc.diff(state, vector)))
        self._mark_upto(seq)

    async def _take_update(self, update: bytes) -> None:
        if update == ydoc.EMPTY_UPDATE or not update:
            # Nothing to store; acknowledged in turn, after the updates before it.
            self._storing = asyncio.create_task(self._after_commit(update, None, self._storing))
            return
        if not self.may_write:
            raise Refused(CLOSE_FORBIDDEN)
        if len(update) > settings.DOCUMENTS_UPDATE_MAX_BYTES:
            raise Refused(CLOSE_TOO_LARGE)
        ydoc.check_update(update)
        # Queued now (the order of commits is the order of arrival); the socket goes on
        # relaying the others' updates to its client while this one commits.
        future = group_commit().submit(self.document_id, self.user_id, update)
        self._storing = asyncio.create_task(self._after_commit(update, future, self._storing))

    async def _after_commit(
        self, update: bytes, future: asyncio.Future | None, previous: asyncio.Task | None
    ) -> None:
        if previous is not None:
            await asyncio.gather(previous, return_exceptions=True)  # acks in order
        if future is None:
            await self._acknowledge()
            return
        try:
            stored = await future
        except Exception:
            # Not saved, and not acknowledged: the page reconnects and its sync sends the
            # change again.
            logger.exception("documents: an update could not be stored")
            await self._close(CLOSE_NOT_SAVED)
            return
        if stored is None:
            await self._close(CLOSE_TOO_LARGE, DOCUMENT_FULL)
            return
        # Committed: now the others may hear of it, and the client may be told it is saved.
        self.wrote = True
        self._mark(stored.seq)
        await self.channel_layer.group_send(
            self.room,
            {
                "type": "document.update",
                "data": update,
                "seq": stored.seq,
                "sender": self.channel_name,
            },
        )
        await self._acknowledge()
        commits = group_commit()
        if stored.compact:
            commits.maintain("compact", self.document_id, services.document_compact)
        if stored.snapshot:
            commits.maintain("snapshot", self.document_id, services.snapshot_take)

    async def _acknowledge(self) -> None:
        self.saved += 1
        if self.wants_ack:
            await self.send(bytes_data=ydoc.saved_frame(self.saved))

    async def _relay(self, kind: str, frame: bytes) -> None:
        await self.channel_layer.group_send(
            self.room, {"type": kind, "frame": frame, "sender": self.channel_name}
        )

    # --- Events from the channel layer -----------------------------------------------------

    async def document_update(self, event: dict[str, Any]) -> None:
        seq = event["seq"]
        if event["sender"] != self.channel_name and seq not in self.above and seq > self.floor:
            await self.send(bytes_data=ydoc.sync_frame(ydoc.SYNC_UPDATE, event["data"]))
        self._mark(seq)

    async def document_awareness(self, event: dict[str, Any]) -> None:
        if event["sender"] != self.channel_name:
            await self.send(bytes_data=event["frame"])

    async def document_query_awareness(self, event: dict[str, Any]) -> None:
        # A client answers with every state it knows, not only its own: when many join at
        # once, one answer every few seconds per socket is enough (not one per newcomer,
        # which grows as the square of the sockets).
        now = time.monotonic()
        if (
            event["sender"] != self.channel_name
            and now - self.queried_at >= AWARENESS_QUERY_SECONDS
        ):
            self.queried_at = now
            await self.send(bytes_data=bytes([ydoc.MESSAGE_QUERY_AWARENESS]))

    async def document_closed(self, event: dict[str, Any]) -> None:
        await self._close(event.get("code", CLOSE_NOT_FOUND))

    async def workspace_access(self, event: dict[str, Any]) -> None:
        await self._check_again()

    async def session_ended(self, event: dict[str, Any]) -> None:
        await self._close(CLOSE_UNAUTHENTICATED)

    # --- Sequence numbers: relayed at most once, so gaps are read from the log ------------

    def _mark(self, seq: int) -> None:
        if seq <= self.floor:
            return
        self.above.add(seq)
        while self.floor + 1 in self.above:
            self.floor += 1
            self.above.discard(self.floor)
        self._watch_gap()

    def _mark_upto(self, seq: int) -> None:
        if seq > self.floor:
            self.floor = seq
            self.above = {s for s in self.above if s > seq}
            self._mark(self.floor)

    def _watch_gap(self) -> None:
        # Updates of other sockets often arrive a little out of order: a gap is read from
        # the log only if it is still there a while later.
        if self.above and self._gap is None:
            self._gap = asyncio.create_task(self._fill_gap(max(self.above)))

    async def _fill_gap(self, upto: int) -> None:
        try:
            await asyncio.sleep(GAP_WAIT_SECONDS)
            missing = [s for s in range(self.floor + 1, upto) if s not in self.above]
            if not missing:
                return
            rows = await database_sync_to_async(self._rows_missing)(missing)
            for _seq, data in rows:
                await self.send(bytes_data=ydoc.sync_frame(ydoc.SYNC_UPDATE, data))
            self._mark_upto(upto)
        finally:
            self._gap = None
            if self.floor < upto or self.above:
                self._watch_gap()

    # --- Rights ------------------------------------------------------------------------------

    async def _check_again(self) -> None:
        try:
            access = await database_sync_to_async(self._access)()
        except Refused as refused:
            await self._close(refused.code)
            return
        if self.may_write and not access.may_write:
            # The page reconnects and opens read-only (archived group, role taken away).
            await self._close(CLOSE_FORBIDDEN)
            return
        self.may_write = access.may_write

    async def _recheck_periodically(self) -> None:
        while True:
            await asyncio.sleep(settings.WEBSOCKET_RECHECK_SECONDS)
            await self._check_again()
            await database_sync_to_async(services.presence_refresh)(channel_name=self.channel_name)

    async def _close(self, code: int, reason=None) -> None:
        with translation.override(self.language):
            text = str(reason or REASONS.get(code, ""))
        # A close reason has at most 123 bytes.
        encoded = text.encode()[:123]
        await self.close(code=code, reason=encoded.decode(errors="ignore"))

    # --- In the database thread -------------------------------------------------------------

    def _access(self) -> Access:
        user = session_user(self.session_key, self.user_id)
        if user is None:
            raise Refused(CLOSE_UNAUTHENTICATED)
        document = Document.objects.select_related("workspace").filter(pk=self.document_id).first()
        if document is None or not can(user, "view", document):
            raise Refused(CLOSE_NOT_FOUND)
        if document.trashed_at is not None:
            raise Refused(CLOSE_TRASHED)
        return Access(document.workspace_id, can(user, "change", document))

    def _enter(self) -> tuple[bytes, int]:
        services.presence_enter(
            document_id=self.document_id, user_id=self.user_id, channel_name=self.channel_name
        )
        return self._state()

    def _state(self) -> tuple[bytes, int]:
        rows = list(
            Update.objects.filter(document_id=self.document_id)
            .order_by("seq")
            .values_list("seq", "data")
        )
        seq = rows[-1][0] if rows else 0
        return ydoc.merge(bytes(data) for _seq, data in rows), seq

    def _rows_missing(self, missing: list[int]) -> list[tuple[int, bytes]]:
        """The log's rows of the sequence numbers this socket missed, or the merged row
        that now holds them (compaction)."""
        found = (
            Update.objects.filter(document_id=self.document_id)
            .filter(Q(seq__in=missing) | Q(seq__gte=missing[0], merged__gt=1))
            .order_by("seq")
            .values_list("seq", "data")
        )
        return [(seq, bytes(data)) for seq, data in found]
