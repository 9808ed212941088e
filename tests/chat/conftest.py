"""Helpers for the chat's tests: rooms of each kind, people in them, live sockets."""

from __future__ import annotations

import json

import pytest
from channels.db import aclose_old_connections, database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.cache import cache

from config.asgi import application
from core.workspaces.models import MembershipRole
from extranet.chat import services
from tests.core.test_notifications_live import session_for
from tests.factories import GroupFactory, MembershipFactory, UserFactory, coordinator

ORIGIN = (b"origin", b"http://localhost")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # rate limits and presence live in the cache


@pytest.fixture
async def release_connections():
    yield
    await aclose_old_connections()


class Client:
    """One browser tab's socket, speaking the chat stream."""

    def __init__(self, communicator: WebsocketCommunicator) -> None:
        self.communicator = communicator

    async def send(self, frame: dict) -> None:
        await self.communicator.send_to(text_data=json.dumps(frame))

    async def send_raw(self, text: str) -> None:
        await self.communicator.send_to(text_data=text)

    async def receive(self, timeout: float = 3) -> dict:
        return json.loads(await self.communicator.receive_from(timeout=timeout))

    async def receive_type(self, kind: str, timeout: float = 3) -> dict:
        """The next frame of this type, skipping others (hellos, counters)."""
        while True:
            frame = await self.receive(timeout)
            if frame["type"] == kind:
                return frame

    async def nothing(self, timeout: float = 0.3) -> bool:
        return await self.communicator.receive_nothing(timeout=timeout)

    async def drain(self, timeout: float = 0.5) -> list[dict]:
        """Every frame that arrives within `timeout`."""
        frames = []
        while not await self.communicator.receive_nothing(timeout=timeout):
            frames.append(await self.receive())
        return frames

    async def close(self) -> None:
        await self.communicator.disconnect()


async def open_socket(user, *, subscribe: bool = True, origin=ORIGIN, session_key=None) -> Client:
    headers = [origin] if origin else []
    if user is not None:
        key = session_key or await database_sync_to_async(session_for)(user)
        headers.append((b"cookie", f"sessionid={key}".encode()))
    communicator = WebsocketCommunicator(application, "/ws/", headers=headers)
    connected, _code = await communicator.connect()
    assert connected
    client = Client(communicator)
    if user is not None:
        assert (await client.receive())["type"] == "hello"
        if subscribe:
            await client.send({"type": "chat.subscribe"})
            client.hello = await client.receive_type("chat.hello")
    return client


@pytest.fixture
def team(db):
    """A working group with its room: an owner, a moderator, two members; an outsider."""
    group = GroupFactory(name="Atelier vidéo")
    people = {}
    for key, role in (
        ("owner", MembershipRole.OWNER),
        ("moderator", MembershipRole.MODERATOR),
        ("alice", MembershipRole.MEMBER),
        ("bob", MembershipRole.MEMBER),
    ):
        people[key] = MembershipFactory(workspace=group, role=role).user
    people["outsider"] = UserFactory()
    people["coordinator"] = coordinator()
    room = services.group_room(workspace=group)
    return {"group": group, "room": room, **people}
