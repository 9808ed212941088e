"""Fixed-window rate limits in the cache (local memory, or Redis with `REDIS_URL`)."""

from __future__ import annotations

import time

from django.core.cache import cache


def over_limit(scope: str, key: object, *, limit: int, window: int) -> bool:
    """Count one more action of `key` in `scope`; True once it goes past `limit` per
    `window` seconds. The count is shared by every process that shares the cache."""
    slot = f"rate:{scope}:{key}:{int(time.time()) // window}"
    cache.add(slot, 0, window)
    return cache.incr(slot) > limit
