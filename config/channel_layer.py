"""The Redis channel layer, with a wait its Redis client can outlast, and one that ends
when it is cancelled.

- channels-redis waits for a process's next message with a blocking pop of
  `brpop_timeout` seconds (5), and redis-py 8 gives up reading a reply after
  `socket_timeout` seconds (also 5 by default). With equal timers, a process whose sockets
  heard nothing for five seconds raced the two: often the client gave up first and the
  receive loop died with « Timeout reading », taking every socket of the process with it.
  Waiting 2 s at a time leaves the client 3 s of margin; the loop simply asks again, which
  costs Redis one command per process every 2 s.
- On Python 3.11, `asyncio.wait_for` returns its result instead of raising when a
  cancellation arrives just as the awaited I/O completes, and redis-py awaits it while it
  opens a connection: a socket's receive task, cancelled when the socket closes, could miss
  its cancellation and keep polling Redis forever (before the change above, the read
  timeout happened to end it). After each wait, a task asked to stop stops: nothing is
  lost, a message it took is still in the channel's backup queue, which the next wait puts
  back first.
"""

from __future__ import annotations

import asyncio

from channels_redis.core import RedisChannelLayer


class ChannelLayer(RedisChannelLayer):
    brpop_timeout = 2

    async def _brpop_with_clean(self, index, channel, timeout):
        result = await super()._brpop_with_clean(index, channel, timeout)
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            raise asyncio.CancelledError
        return result
