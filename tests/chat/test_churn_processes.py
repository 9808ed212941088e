"""Reconnect churn across two daphne processes that share Redis and PostgreSQL: a message
sent to one process reaches the clients of the other, in order, nothing lost.

Runs when REDIS_URL and a PostgreSQL DATABASE_URL are set (CI's second step sets them);
with REQUIRE_SERVICES=1 it fails instead of skipping when they are not.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.db import connection

from extranet.chat import services
from tests.chat.churn import churn
from tests.core.test_notifications_live import session_for
from tests.factories import UserFactory, coordinator

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = int(os.environ.get("CHURN_CLIENTS", 200))
MESSAGES = 30
LOGS = ROOT / "var" / "churn"
PORTS = (int(os.environ.get("CHURN_PORT_A", 8101)), int(os.environ.get("CHURN_PORT_B", 8102)))


def services_in_use() -> bool:
    return bool(os.environ.get("REDIS_URL")) and connection.vendor == "postgresql"


@pytest.fixture
def daphnes():
    if not services_in_use():
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("REDIS_URL and a PostgreSQL DATABASE_URL are required for this test")
        pytest.skip("needs REDIS_URL and a PostgreSQL DATABASE_URL")
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        {
            # The test database, where this test's rows are committed.
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "CHANNEL_LAYER_PREFIX": settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"],
            "DJANGO_DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CHAT_MESSAGES_PER_MINUTE_NEW": "100000",
            "WEBSOCKET_FRAME_BURST": "100000",
            "WEBSOCKET_FRAMES_PER_SECOND": "100000",
            "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
        }
    )
    daphne = str(Path(sys.executable).parent / "daphne")
    LOGS.mkdir(parents=True, exist_ok=True)
    servers = [
        subprocess.Popen(
            [daphne, "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(LOGS / f"daphne-{port}.log").open("w"),
        )
        for port in PORTS
    ]
    try:
        for port in PORTS:
            for _ in range(300):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.1)
            else:
                pytest.fail(f"daphne did not start on port {port}")
        yield PORTS
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=20)


class RealSocket:
    def __init__(self, ws) -> None:
        self.ws = ws

    async def send(self, frame: dict) -> None:
        await self.ws.send(json.dumps(frame))

    async def receive(self, timeout: float) -> dict:
        from websockets.exceptions import ConnectionClosed

        try:
            return json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
        except ConnectionClosed as closed:
            raise ConnectionError(str(closed)) from closed

    async def close(self) -> None:
        await self.ws.close()


async def open_real(port: int, key: str) -> RealSocket:
    from websockets.asyncio.client import connect

    ws = await connect(
        f"ws://127.0.0.1:{port}/ws/",
        origin=f"http://127.0.0.1:{port}",
        additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={key}"},
        ping_interval=None,
        open_timeout=30,
    )
    sock = RealSocket(ws)
    assert (await sock.receive(30))["type"] == "hello"
    await sock.send({"type": "chat.subscribe"})
    while (await sock.receive(30))["type"] != "chat.hello":
        pass
    return sock


@pytest.mark.timeout(400)
async def test_two_processes_share_rooms_through_redis_in_order_nothing_lost(daphnes):
    def setup():
        boss = coordinator()
        room = services.channel_create(actor=boss, name="Entraide")
        senders = [session_for(boss), session_for(boss)]
        keys = [session_for(UserFactory()) for _ in range(CLIENTS)]
        return room, senders, keys

    room, sender_keys, keys = await database_sync_to_async(setup)()
    # One sender on each process: messages alternate between them.
    senders = [await open_real(port, key) for port, key in zip(daphnes, sender_keys, strict=True)]

    async def connect(index: int) -> RealSocket:
        return await open_real(daphnes[index % 2], keys[index])

    async def post(n: int) -> None:
        sender = senders[n % 2]
        await sender.send(
            {"type": "chat.send", "room": room.pk, "body": f"message {n}", "client_id": f"m{n}"}
        )
        while True:  # acknowledged: stored, numbered
            frame = await sender.receive(30)
            if frame["type"] == "chat.ack":
                assert frame["seq"] == n
                return

    clients = await churn(
        clients=CLIENTS, room=room.pk, connect=connect, post=post, messages=MESSAGES, rate=10
    )
    for sender in senders:
        await sender.close()
    expected = list(range(1, MESSAGES + 1))
    assert [c.index for c in clients if c.accepted != expected] == []
    assert sum(c.connections for c in clients) > 2 * CLIENTS
