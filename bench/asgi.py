"""The platform's ASGI application plus two bench-only endpoints, served by daphne in the
benchmark (never in the platform itself).

- ``POST /bench/notify?round=N``: notifies every bench user, through the real fan-out
  service (stored, numbered, broadcast after commit, read back by each consumer through
  the permission authority).
- ``POST /bench/echo?round=N``: sends the same-sized payload through the same channel layer
  to bare consumers at ``/ws/bench-echo/``, which forward it untouched: the baseline.
"""

from __future__ import annotations

import json
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from channels.routing import ProtocolTypeRouter, URLRouter
from django.urls import path

from config.asgi import application as platform


def echo_group(index: int) -> str:
    # One group per socket, as each user has their own notification group.
    return f"bench.echo.{int(index)}"


def _query(scope) -> dict[str, str]:
    pairs = scope.get("query_string", b"").decode().split("&")
    return dict(p.split("=", 1) for p in pairs if "=" in p)


class EchoConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        self.group = echo_group(_query(self.scope).get("i", "0"))
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def bench_echo(self, event):
        await self.send(text_data=event["payload"])


class RoomEchoConsumer(AsyncWebsocketConsumer):
    """The chat's baseline: every socket is in one group; a frame one sends is forwarded
    untouched to the whole group through the channel layer (no session, no database)."""

    group = "bench.room"

    async def connect(self):
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        await self.channel_layer.group_send(
            self.group, {"type": "bench.echo", "payload": text_data}
        )

    async def bench_echo(self, event):
        await self.send(text_data=event["payload"])


class DocumentEchoConsumer(AsyncWebsocketConsumer):
    """The baseline of bench/documents.py: y-websocket frames relayed to the room's other
    sockets through the same channel layer, with nothing checked or stored (a sync step 1
    gets an empty step 2, so that clients count as synced)."""

    async def connect(self):
        self.group = f"bench.docecho.{int(self.scope['url_route']['kwargs']['room'])}"
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        if not bytes_data:
            return
        if bytes_data[:2] == b"\x00\x00":
            await self.send(bytes_data=b"\x00\x01\x02\x00\x00")
            return
        await self.channel_layer.group_send(
            self.group, {"type": "bench.frame", "frame": bytes_data, "sender": self.channel_name}
        )

    async def bench_frame(self, event):
        if event["sender"] != self.channel_name:
            await self.send(bytes_data=event["frame"])


def _notify_all(round_no: int) -> int:
    from core.accounts.models import User
    from core.notifications.models import Verb
    from core.notifications.services import notifications_create

    actor = User.objects.get(email="sender@bench.localhost")
    recipients = User.objects.filter(email__startswith="u").exclude(pk=actor.pk)
    created = notifications_create(
        recipients=recipients,
        verb=Verb.NETWORK_INVITATION_ACCEPTED,
        actor=actor,
        data={"round": round_no},
    )
    return len(created)


async def bench_http(scope, receive, send):
    query = _query(scope)
    round_no = int(query.get("round", 0))
    if scope["path"] == "/bench/notify":
        count = await database_sync_to_async(_notify_all)(round_no)
    else:
        layer = get_channel_layer()
        count = int(query.get("n", 0))
        size = int(query.get("size", 300))
        payload = json.dumps({"type": "notification", "round": round_no, "pad": "x" * size})
        for index in range(count):
            await layer.group_send(echo_group(index), {"type": "bench.echo", "payload": payload})
    body = json.dumps({"sent": count}).encode()
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def http_router(scope, receive, send):
    if scope["path"] in {"/bench/notify", "/bench/echo"}:
        return await bench_http(scope, receive, send)
    return await platform(scope, receive, send)


async def websocket_router(scope, receive, send):
    if scope["path"] in {"/ws/bench-echo/", "/ws/bench-room/"}:
        return await echo_router(scope, receive, send)
    if scope["path"].startswith("/ws/bench-doc-echo/"):
        return await echo_router(scope, receive, send)
    return await platform(scope, receive, send)


echo_router = URLRouter(
    [
        path("ws/bench-echo/", EchoConsumer.as_asgi()),
        path("ws/bench-room/", RoomEchoConsumer.as_asgi()),
        path("ws/bench-doc-echo/<int:room>", DocumentEchoConsumer.as_asgi()),
    ]
)


application = ProtocolTypeRouter({"http": http_router, "websocket": websocket_router})
