"""Helpers for the documents module's tests: a y-websocket client speaking through
channels' WebsocketCommunicator with a pycrdt document, and groups with people in them."""

from __future__ import annotations

import pycrdt
import pytest
from channels.db import aclose_old_connections, database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.cached_db import SessionStore
from django.core.cache import cache

from extranet.documents import ydoc

ORIGIN = (b"origin", b"http://localhost")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def session_for(user) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    store["_auth_user_hash"] = user.get_session_auth_hash()
    store.create()
    return store.session_key


class Client:
    """A y-websocket client: a pycrdt document kept in sync through one socket."""

    def __init__(self, communicator: WebsocketCommunicator) -> None:
        self.communicator = communicator
        self.doc = pycrdt.Doc()
        self.text = self.doc.get("text", type=pycrdt.Text)
        self.closed: dict | None = None

    async def send(self, frame: bytes) -> None:
        await self.communicator.send_to(bytes_data=frame)

    async def sync(self) -> None:
        """Answer the server's step 1, send ours, apply the step 2 it answers."""
        await self.send(ydoc.sync_frame(ydoc.SYNC_STEP1, self.doc.get_state()))
        while True:
            frame = await self.next()
            if frame is None:
                return
            if frame.kind == ydoc.MESSAGE_SYNC and frame.sync == ydoc.SYNC_STEP2:
                return

    async def next(self, timeout: float = 3) -> ydoc.Frame | None:
        """The next frame, handled like y-websocket does; None once closed."""
        output = await self.communicator.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            self.closed = output
            return None
        data = output["bytes"]
        if data[0] == ydoc.MESSAGE_SAVED:
            return ydoc.Frame(ydoc.MESSAGE_SAVED, None, data[1:])
        frame = ydoc.parse_frame(data)
        if frame.kind == ydoc.MESSAGE_SYNC:
            if frame.sync == ydoc.SYNC_STEP1:
                await self.send(
                    ydoc.sync_frame(ydoc.SYNC_STEP2, self.doc.get_update(frame.payload))
                )
            else:
                self.doc.apply_update(frame.payload)
        return frame

    async def drain(self, timeout: float = 0.3) -> None:
        while not await self.communicator.receive_nothing(timeout=timeout):
            if await self.next() is None:
                return

    async def type(self, words: str) -> bytes:
        before = self.doc.get_state()
        self.text += words
        update = self.doc.get_update(before)
        await self.send(ydoc.sync_frame(ydoc.SYNC_UPDATE, update))
        return update

    async def close_frame(self, timeout: float = 3) -> dict:
        while self.closed is None:
            if await self.next(timeout) is None:
                break
        return self.closed


async def open_client(document, user=None, *, ack: bool = False, sync: bool = True) -> Client:
    headers = [ORIGIN]
    if user is not None:
        key = await database_sync_to_async(session_for)(user)
        headers.append((b"cookie", f"sessionid={key}".encode()))
    path = f"/ws/documents/{document.pk}" + ("?ack=1" if ack else "")
    communicator = WebsocketCommunicator(_application(), path, headers=headers)
    connected, _code = await communicator.connect()
    assert connected
    client = Client(communicator)
    if sync:
        await client.sync()
    return client


def _application():
    from config.asgi import application

    return application


@pytest.fixture
async def release_connections():
    yield
    await aclose_old_connections()
