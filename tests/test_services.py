"""Which backends the suite runs on. `.ci/run` sets REQUIRE_SERVICES=1 for its PostgreSQL +
Redis pass: then these tests fail (never skip) unless both are really in use and reachable."""

from __future__ import annotations

import os

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.db import connection

REQUIRED = os.environ.get("REQUIRE_SERVICES") == "1"


@pytest.mark.django_db
def test_the_database_answers():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone()[0] == 1
    if REQUIRED:
        assert connection.vendor == "postgresql", "DATABASE_URL does not point to PostgreSQL"


def test_the_channel_layer_delivers():
    layer = get_channel_layer()
    if REQUIRED:
        from channels_redis.core import RedisChannelLayer

        assert isinstance(layer, RedisChannelLayer), "REDIS_URL is not in use"

    async def roundtrip():
        channel = await layer.new_channel()
        await layer.send(channel, {"type": "ping", "n": 1})
        return await layer.receive(channel)

    assert async_to_sync(roundtrip)() == {"type": "ping", "n": 1}


def test_the_cache_answers():
    cache.set("maillage:ping", "pong", 10)
    assert cache.get("maillage:ping") == "pong"
    if REQUIRED:
        assert "redis" in settings.CACHES["default"]["BACKEND"].lower()


def test_a_socket_idle_longer_than_the_layers_wait_still_gets_its_message():
    """channels-redis waited 5 s at a time for a process's next message, redis-py 8 gives up
    a read after 5 s: a socket that heard nothing for that long died with « Timeout reading »
    (config/channel_layer.py). Trivial on the in-memory layer."""
    import asyncio

    layer = get_channel_layer()

    async def late_message():
        channel = await layer.new_channel()

        async def send_later():
            await asyncio.sleep(7)
            await layer.send(channel, {"type": "ping", "n": 2})

        sender = asyncio.ensure_future(send_later())
        received = await asyncio.wait_for(layer.receive(channel), timeout=20)
        await sender
        return received

    assert async_to_sync(late_message)() == {"type": "ping", "n": 2}


def test_many_sockets_joining_their_groups_at_once_are_all_served():
    """Sockets reconnecting together after a restart join their groups at the same moment:
    more than redis-py's default pool of 100 connections."""
    import asyncio

    layer = get_channel_layer()

    async def join_all():
        channels = [await layer.new_channel() for _ in range(300)]
        await asyncio.gather(*(layer.group_add("services.crowd", c) for c in channels))
        await layer.group_send("services.crowd", {"type": "ping", "n": 3})
        received = await asyncio.gather(*(layer.receive(c) for c in channels))
        await asyncio.gather(*(layer.group_discard("services.crowd", c) for c in channels))
        return received

    assert async_to_sync(join_all)() == [{"type": "ping", "n": 3}] * 300
