"""Websocket broadcasts, always after the database transaction that caused them commits.

The service that stores an event decides at write time who may receive it and, after
commit, broadcasts the payload itself to exactly those groups; consumers forward it
without reading it back (`core/live.py`). The channel layer delivers at most once, so
every event is stored first with a per-stream sequence number: a client that reconnects,
or sees a gap, asks the database for what follows the last sequence it saw.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)


def user_group(user_id: int) -> str:
    """Every live socket of one user: notifications and account events."""
    return f"user.{int(user_id)}"


def session_group(session_key: str) -> str:
    """The live sockets opened by one session (one browser), to close them when it signs
    out. Named after a keyed hash: session keys never travel on the channel layer."""
    digest = salted_hmac("maillage.realtime.session_group", session_key).hexdigest()
    return f"session.{digest[:40]}"


def broadcast_now(group: str, event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, event)
    except Exception:
        # The data is stored; clients catch up on reconnection. A layer outage must not
        # turn a committed change into an error page.
        logger.exception("Could not broadcast %s to %s", event.get("type"), group)


def broadcast_on_commit(group: str, event: dict[str, Any]) -> None:
    transaction.on_commit(lambda: broadcast_now(group, event))


def broadcast_many_now(events: list[tuple[str, dict[str, Any]]]) -> None:
    """Several broadcasts in one trip to the event loop: a fan-out to 200 groups would
    otherwise cross from this thread to the loop and back 200 times."""
    layer = get_channel_layer()
    if layer is None or not events:
        return

    async def send_all() -> None:
        for group, event in events:
            try:
                await layer.group_send(group, event)
            except Exception:
                logger.exception("Could not broadcast %s to %s", event.get("type"), group)

    try:
        async_to_sync(send_all)()
    except Exception:
        logger.exception("Could not broadcast %d events", len(events))


def broadcast_many_on_commit(events: list[tuple[str, dict[str, Any]]]) -> None:
    """`broadcast_on_commit` for a fan-out: one callback, one trip to the event loop."""
    if events:
        transaction.on_commit(lambda: broadcast_many_now(events))


class TokenBucket:
    """How many frames a socket may still send: `burst` at once, then `rate` per second.

    Each consumer keeps its own (per socket, in memory): a socket is one client, and the
    cost to limit is the work its frames cause here.
    """

    def __init__(self, *, rate: float, burst: int, clock=time.monotonic) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = float(burst)
        self._clock = clock
        self._stamp = clock()

    def take(self) -> bool:
        """Spend a token if one is left (True), or refuse (False)."""
        now = self._clock()
        self.tokens = min(self.burst, self.tokens + (now - self._stamp) * self.rate)
        self._stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False
