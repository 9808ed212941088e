"""Reconnect churn, in one process: 200 clients follow a room and lose their connection at
random while messages flow; each ends with every message exactly once, in sequence order."""

from __future__ import annotations

import asyncio
import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from config.asgi import application
from extranet.chat import services
from tests.chat.churn import churn
from tests.core.test_notifications_live import session_for
from tests.factories import UserFactory, coordinator

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("release_connections"),
]

CLIENTS = 200
MESSAGES = 40
# A reconnection waits this long for its handshake: 200 sockets reconnecting at once through
# Redis on a loaded 2-core machine are slow, never lost.
CONNECT_SECONDS = 30


class InProcessSocket:
    def __init__(self, communicator: WebsocketCommunicator) -> None:
        self.communicator = communicator

    async def send(self, frame: dict) -> None:
        await self.communicator.send_to(text_data=json.dumps(frame))

    async def receive(self, timeout: float) -> dict:
        # Not `receive_from`: on a timeout it cancels the application, i.e. the consumer.
        message = await asyncio.wait_for(self.communicator.output_queue.get(), timeout)
        if message["type"] == "websocket.close":
            raise ConnectionError(message.get("code"))
        return json.loads(message["text"])

    async def close(self) -> None:
        await self.communicator.disconnect()


@pytest.mark.timeout(300)  # 200 clients reconnecting, on a loaded 2-core machine
async def test_every_client_ends_with_every_message_once_in_order_despite_disconnections(
    settings,
):
    settings.CHAT_MESSAGES_PER_MINUTE_NEW = 10_000
    # Reconnections in a burst are many sockets' frames: the per-socket limit is not tested.
    settings.WEBSOCKET_FRAME_BURST = 1000

    def setup():
        boss = coordinator()
        room = services.channel_create(actor=boss, name="Entraide")
        keys = [session_for(UserFactory()) for _ in range(CLIENTS)]
        return boss, room, keys

    boss, room, keys = await database_sync_to_async(setup)()

    async def connect(index: int) -> InProcessSocket:
        communicator = WebsocketCommunicator(
            application,
            "/ws/",
            headers=[
                (b"origin", b"http://localhost"),
                (b"cookie", f"sessionid={keys[index]}".encode()),
            ],
        )
        connected, _code = await communicator.connect(timeout=CONNECT_SECONDS)
        assert connected
        socket = InProcessSocket(communicator)
        assert (await socket.receive(CONNECT_SECONDS))["type"] == "hello"
        await socket.send({"type": "chat.subscribe"})
        while (await socket.receive(CONNECT_SECONDS))["type"] != "chat.hello":
            pass
        return socket

    async def post(n: int) -> None:
        await database_sync_to_async(services.message_post)(
            actor=boss, room=room, body=f"message {n}", client_id=f"m{n}"
        )

    clients = await churn(
        clients=CLIENTS, room=room.pk, connect=connect, post=post, messages=MESSAGES, rate=10
    )
    expected = list(range(1, MESSAGES + 1))
    wrong = [c.index for c in clients if c.accepted != expected]
    assert wrong == []
    # The churn really happened: clients reconnected, and some missed messages live.
    assert sum(c.connections for c in clients) > 2 * CLIENTS
