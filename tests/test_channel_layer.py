"""The Redis channel layer's receive loop ends when its task is cancelled (config/channel_layer.py).

On Python 3.11, `asyncio.wait_for` swallows a cancellation that arrives just as the I/O it
waits for completes, and redis-py awaits it while opening a connection: the receive task of
a closed socket then kept polling Redis for ever (and a test's event loop never closed).
No Redis server is needed: the pop itself is replaced by one that swallows the cancellation
the same way, then finds no message."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from channels_redis.core import RedisChannelLayer

from config.channel_layer import ChannelLayer


async def _a_pop_that_swallows_the_cancellation(self, index, channel, timeout):
    task = asyncio.current_task()
    task.cancel()
    # What asyncio.wait_for does on 3.11 when its I/O completes at that moment:
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.sleep(0)
    return None


async def test_a_cancelled_receive_stops_even_if_the_cancellation_was_swallowed(monkeypatch):
    monkeypatch.setattr(
        RedisChannelLayer, "_brpop_with_clean", _a_pop_that_swallows_the_cancellation
    )
    layer = ChannelLayer(hosts=[{"address": "redis://127.0.0.1:6379/15"}], prefix="cancel")
    receive = asyncio.ensure_future(layer.receive("cancel.one"))
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(receive, timeout=5)


def test_the_layer_waits_less_than_its_redis_client_reads():
    """A wait as long as the client's read timeout (5 s each) killed idle processes."""
    from redis.asyncio.connection import Connection

    client_read_timeout = Connection().socket_timeout
    assert ChannelLayer.brpop_timeout < client_read_timeout - 1
