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
        assert type(layer).__module__.startswith("channels_redis"), "REDIS_URL is not in use"

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
