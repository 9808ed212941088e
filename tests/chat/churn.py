"""A chat client that loses its connection at random and must still end with every message
exactly once, in order: what the reconnect churn tests run, in-process (WebsocketCommunicator)
or against daphne processes (real websockets).

The client applies a message only if it is the next one (`rev == last + 1`); one further
ahead means something was lost on the way, and it asks for what followed `last`
("chat.resume", paged); one already seen is a duplicate and ignored. Each message accepted
is recorded: the test checks the record is 1..N, each once.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import Any, Protocol


class Socket(Protocol):
    async def send(self, frame: dict) -> None: ...

    async def receive(self, timeout: float) -> dict: ...

    async def close(self) -> None: ...


Connect = Callable[[int], Awaitable[Socket]]  # client index → a socket past its hello


class ChurnClient:
    def __init__(self, index: int, room: int, connect: Connect, rng: random.Random) -> None:
        self.index = index
        self.room = room
        self.connect = connect
        self.rng = rng
        self.last = 0
        self.accepted: list[int] = []
        self.resuming = False
        self.connections = 0
        self.duplicates = 0
        self.failed_connections = 0

    def _apply_live(self, message: dict[str, Any]) -> bool:
        """True when a gap was seen."""
        rev = message["rev"]
        if rev <= self.last:
            self.duplicates += 1
            return False
        if rev == self.last + 1 and not self.resuming:
            self.accepted.append(message["seq"])
            self.last = rev
            return False
        return True

    async def _session(self, socket: Socket, until: float, stop: asyncio.Event) -> None:
        loop = asyncio.get_running_loop()
        self.resuming = True
        await socket.send({"type": "chat.resume", "room": self.room, "after": self.last})
        while loop.time() < until and not (stop.is_set() and not self.resuming and self.done):
            try:
                frame = await socket.receive(timeout=min(0.5, max(0.05, until - loop.time())))
            except TimeoutError:
                continue
            kind = frame.get("type")
            if kind == "chat.message" and frame.get("room") == self.room:
                if self._apply_live(frame["message"]) and not self.resuming:
                    self.resuming = True
                    await socket.send(
                        {"type": "chat.resume", "room": self.room, "after": self.last}
                    )
            elif kind == "chat.resume" and frame.get("room") == self.room:
                for message in frame["messages"]:
                    if message["rev"] > self.last:
                        self.accepted.append(message["seq"])
                        self.last = message["rev"]
                    else:
                        self.duplicates += 1
                if frame["more"]:
                    await socket.send(
                        {"type": "chat.resume", "room": self.room, "after": self.last}
                    )
                else:
                    self.resuming = False

    done = False

    async def run(self, stop: asyncio.Event, total: Callable[[], int], churn: bool) -> None:
        """Connect, follow, drop the connection at random, again, until `stop` is set and
        every message up to `total()` is here."""
        loop = asyncio.get_running_loop()
        while True:
            try:
                socket = await self.connect(self.index)
            except Exception:
                # Refused or cut during the handshake (a loaded server): try again, as the
                # page does, a moment later.
                self.failed_connections += 1
                await asyncio.sleep(self.rng.uniform(0.2, 1.0))
                continue
            self.connections += 1
            lifetime = self.rng.uniform(0.3, 2.0) if churn and not stop.is_set() else 30.0
            try:
                await self._session(socket, loop.time() + lifetime, stop)
            except ConnectionError:
                pass  # closed by the server: connect again, as a page does
            finally:
                await socket.close()
            if stop.is_set() and self.last >= total():
                self.done = True
                return
            if churn and not stop.is_set():
                await asyncio.sleep(self.rng.uniform(0, 0.3))  # offline a moment


async def churn(
    *,
    clients: int,
    room: int,
    connect: Connect,
    post: Callable[[int], Awaitable[None]],
    messages: int,
    rate: float,
    seed: int = 15,
) -> list[ChurnClient]:
    """`clients` clients follow `room` with random disconnections while `post(n)` stores
    message n (1..messages) at `rate` a second; answers the clients once all caught up."""
    rng = random.Random(seed)
    stop = asyncio.Event()
    posted = 0
    people = [ChurnClient(i, room, connect, random.Random(rng.random())) for i in range(clients)]
    tasks = [asyncio.create_task(p.run(stop, lambda: posted, churn=True)) for p in people]
    await asyncio.sleep(0.5)
    for n in range(1, messages + 1):
        await post(n)
        posted = n
        await asyncio.sleep(1 / rate)
    stop.set()
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=90)
    return people
