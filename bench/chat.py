"""The chat's live path against a bare Channels echo, in the same run and the same daphne.

1. One room, BENCH_CHAT_CLIENTS (200) clients, BENCH_CHAT_RATE (10) messages a second for
   BENCH_CHAT_SECONDS (30): each message sent by one of the clients over its socket
   ("chat.send": permission checked, stored with the room's next sequence number, broadcast
   after commit, each socket's session checked in a batch, forwarded). Measured: messages
   delivered a second (every client receiving every message) and the latency from the send
   to each delivery (p50, p99). Baseline: the same clients on a bare consumer that forwards
   a same-sized frame to one group through the same channel layer.
2. BENCH_IDLE_SOCKETS (1,000) idle authenticated sockets (signed in, following their rooms)
   on one daphne: its resident memory before and after.
3. With REDIS_URL: the same room served by two daphne processes sharing Redis (and the
   database), half the clients on each, senders on both, sending as fast as acknowledged
   for BENCH_CHAT_SECONDS: delivered messages a second, against one process.

Runs on SQLite and the in-memory layer by default (part 3 then skipped); set DATABASE_URL
(PostgreSQL) and REDIS_URL for part 3 (BENCH_CHAT_SCALE_ONLY=1: part 3 alone). A shorter
run: BENCH_CHAT_SECONDS=10.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"
CLIENTS = int(os.environ.get("BENCH_CHAT_CLIENTS", 200))
RATE = float(os.environ.get("BENCH_CHAT_RATE", 10))
SECONDS = float(os.environ.get("BENCH_CHAT_SECONDS", 30))
IDLE = int(os.environ.get("BENCH_IDLE_SOCKETS", 1000))
PYTHON = sys.executable
DAPHNE = str(Path(PYTHON).parent / "daphne")

SETUP = f"""
import json
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from django.contrib.sessions.backends.cached_db import SessionStore
from core.accounts.models import User
from core.accounts.services import user_create
from extranet.chat.models import Room, RoomKind
keys = []
for i in range({CLIENTS}):
    user = user_create(email=f"c{{i}}@bench.localhost", display_name=f"Client {{i}}")
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    keys.append(store.session_key)
room = Room.objects.create(kind=RoomKind.CHANNEL, name="Bench")
print(json.dumps({{"keys": keys, "room": room.pk}}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", f"sqlite:///{WORK / 'chat.sqlite3'}")
    env.update(
        {"DJANGO_DEBUG": "0", "LOG_LEVEL": "WARNING", "DJANGO_SETTINGS_MODULE": "config.settings"}
    )
    env["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    env["TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    # Measured: the live path, not the spam limits (each client sends a few a minute anyway).
    env["CHAT_MESSAGES_PER_MINUTE_NEW"] = "100000"
    env["CHAT_MESSAGES_PER_MINUTE"] = "100000"
    env["WEBSOCKET_FRAME_BURST"] = "100000"
    env["WEBSOCKET_FRAMES_PER_SECOND"] = "100000"
    return env


def _prepare(env: dict[str, str]) -> dict:
    WORK.mkdir(parents=True, exist_ok=True)
    if env["DATABASE_URL"].startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(str(WORK / "chat.sqlite3") + suffix).unlink(missing_ok=True)
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    if not env["DATABASE_URL"].startswith("sqlite"):
        subprocess.run([PYTHON, "manage.py", "flush", "--noinput"], cwd=ROOT, env=env, check=True)
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", SETUP],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def _serve(env: dict[str, str]) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    server = subprocess.Popen(
        [DAPHNE, "-b", "127.0.0.1", "-p", str(port), "bench.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    return server, port


def _stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def _chat_socket(port: int, key: str):
    ws = await connect(
        f"ws://127.0.0.1:{port}/ws/",
        origin=f"http://127.0.0.1:{port}",
        additional_headers={"Cookie": f"sessionid={key}"},
        max_size=2**20,
        ping_interval=None,
    )
    assert json.loads(await ws.recv())["type"] == "hello"
    await ws.send(json.dumps({"type": "chat.subscribe"}))
    while json.loads(await ws.recv())["type"] != "chat.hello":
        pass
    return ws


class Tally:
    def __init__(self) -> None:
        self.sent: dict[str, float] = {}
        self.latencies: list[float] = []
        self.delivered = 0
        self.acked = 0
        self.dropped = 0

    def received(self, marker: str) -> None:
        started = self.sent.get(marker)
        if started is not None:
            self.latencies.append(time.perf_counter() - started)
            self.delivered += 1


async def _listen(ws, tally: Tally, kind: str) -> None:
    try:
        await _listen_until_closed(ws, tally, kind)
    except ConnectionClosed:
        tally.dropped += 1  # the server gave up on this socket (overloaded): counted


async def _listen_until_closed(ws, tally: Tally, kind: str) -> None:
    async for raw in ws:
        frame = json.loads(raw)
        if frame.get("type") == "chat.message":
            tally.received(frame["message"]["client_id"])
        elif frame.get("type") == "chat.ack":
            tally.acked += 1
        elif kind == "bare" and frame.get("type") == "bare":
            tally.received(frame["client_id"])


async def _paced(sockets, tally: Tally, kind: str, rate: float, seconds: float, size: int):
    """Send `rate` messages a second for `seconds`, each from the next socket in turn."""
    listeners = [asyncio.create_task(_listen(ws, tally, kind)) for ws in sockets]
    count = int(rate * seconds)
    started = time.perf_counter()
    for n in range(count):
        await asyncio.sleep(max(0, started + n / rate - time.perf_counter()))
        marker = f"{kind}-{n}-{time.time_ns()}"
        ws = sockets[n % len(sockets)]
        tally.sent[marker] = time.perf_counter()
        if kind == "chat":
            frame = {"type": "chat.send", "room": ROOM, "client_id": marker, "body": "x" * size}
        else:
            frame = {"type": "bare", "client_id": marker, "pad": "x" * (size + 380)}
        await ws.send(json.dumps(frame))
    await asyncio.sleep(3)  # the last ones arrive
    elapsed = time.perf_counter() - started
    for task in listeners:
        task.cancel()
    return elapsed


def _figures(tally: Tally, elapsed: float, clients: int) -> dict:
    lat = sorted(tally.latencies) or [0.0]
    return {
        "delivered_per_s": round(tally.delivered / elapsed, 1),
        "expected_per_s": round(len(tally.sent) * clients / elapsed, 1),
        "p50_ms": round(lat[len(lat) // 2] * 1000, 1),
        "p99_ms": round(lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000, 1),
        "mean_ms": round(statistics.fmean(lat) * 1000, 1),
    }


ROOM = 0


async def _room_bench(port: int, keys: list[str]) -> dict:
    bare = [
        await connect(
            f"ws://127.0.0.1:{port}/ws/bench-room/",
            origin=f"http://127.0.0.1:{port}",
            ping_interval=None,
        )
        for _ in keys
    ]
    bare_tally = Tally()
    bare_time = await _paced(bare, bare_tally, "bare", RATE, SECONDS, 200)
    for ws in bare:
        await ws.close()
    chat = [await _chat_socket(port, key) for key in keys]
    chat_tally = Tally()
    chat_time = await _paced(chat, chat_tally, "chat", RATE, SECONDS, 200)
    for ws in chat:
        await ws.close()
    return {
        "chat": _figures(chat_tally, chat_time, len(keys)),
        "baseline": _figures(bare_tally, bare_time, len(keys)),
    }


async def _idle(port: int, pid: int, keys: list[str]) -> dict:
    before = _rss_mb(pid)
    sockets = []
    for n in range(IDLE):
        sockets.append(await _chat_socket(port, keys[n % len(keys)]))
    await asyncio.sleep(2)
    after = _rss_mb(pid)
    for ws in sockets:
        await ws.close()
    return {"sockets": IDLE, "rss_before_mb": round(before, 1), "rss_after_mb": round(after, 1)}


async def _flat_out(ports: list[int], keys: list[str], seconds: float) -> float:
    """Clients spread over `ports`; 20 senders (spread likewise) each send as soon as their
    previous message is acknowledged. Answers deliveries a second."""
    sockets = []
    for i, key in enumerate(keys):
        for attempt in range(5):
            try:
                sockets.append(await _chat_socket(ports[i % len(ports)], key))
                break
            except (OSError, EOFError, ConnectionClosed):
                await asyncio.sleep(0.5 * (attempt + 1))
    tally = Tally()
    listeners = [asyncio.create_task(_listen(ws, tally, "chat")) for ws in sockets]
    stop = time.perf_counter() + seconds

    async def sender(ws, index: int) -> None:
        try:
            await send_until(ws, index)
        except ConnectionClosed:
            tally.dropped += 1

    async def send_until(ws, index: int) -> None:
        n = 0
        while time.perf_counter() < stop:
            marker = f"flat-{index}-{n}-{time.time_ns()}"
            tally.sent[marker] = time.perf_counter()
            acked = tally.acked
            await ws.send(
                json.dumps({"type": "chat.send", "room": ROOM, "client_id": marker, "body": "y"})
            )
            while tally.acked == acked and time.perf_counter() < stop + 5:
                await asyncio.sleep(0.005)
            n += 1

    started = time.perf_counter()
    await asyncio.gather(*(sender(sockets[i], i) for i in range(20)))
    await asyncio.sleep(2)
    elapsed = time.perf_counter() - started
    for task in listeners:
        task.cancel()
    for ws in sockets:
        await ws.close()
    if tally.dropped:
        print(f"  ({tally.dropped} sockets dropped by an overloaded server during the run)")
    return round(tally.delivered / elapsed, 1)


def run() -> dict:
    global ROOM
    env = _env()
    prepared = _prepare(env)
    keys, ROOM = prepared["keys"], prepared["room"]
    if os.environ.get("BENCH_CHAT_SCALE_ONLY"):
        return {"scale_out": _scale_out(env, keys)}
    server, port = _serve(env)
    try:
        room = asyncio.run(_room_bench(port, keys))
        idle = asyncio.run(_idle(port, server.pid, keys))
    finally:
        _stop(server)
    results = {
        "clients": len(keys),
        "rate": RATE,
        "seconds": SECONDS,
        "backends": {
            "database": env["DATABASE_URL"].split(":", 1)[0],
            "channel_layer": "redis" if env.get("REDIS_URL") else "in-memory",
        },
        **room,
        "idle": idle,
    }
    chat, bare = room["chat"], room["baseline"]
    print(
        f"Chat: {len(keys)} clients in one room, {RATE:g} messages/s for {SECONDS:g} s "
        f"({results['backends']['database']}, {results['backends']['channel_layer']} layer)"
    )
    print(f"  {'':<32}{'delivered/s':>12}{'p50':>10}{'p99':>10}")
    for name, f in (("chat (stored, checked)", chat), ("baseline: bare Channels echo", bare)):
        print(
            f"  {name:<32}{f['delivered_per_s']:>12.1f}{f['p50_ms']:>8.1f}ms{f['p99_ms']:>8.1f}ms"
        )
    print(
        f"  delivered: {chat['delivered_per_s'] / max(bare['delivered_per_s'], 1e-9):.0%} of "
        f"bare (goal ≥ 70 %); p99: {chat['p99_ms'] / max(bare['p99_ms'], 1e-9):.1f}× bare "
        f"(goal ≤ 2×)"
    )
    print(
        f"  {IDLE} idle authenticated sockets on one daphne: resident memory "
        f"{idle['rss_before_mb']:.0f} MB → {idle['rss_after_mb']:.0f} MB (goal ≤ 300 MB)"
    )
    if env.get("REDIS_URL") and not env["DATABASE_URL"].startswith("sqlite"):
        results["scale_out"] = _scale_out(env, keys)
    else:
        print("  two daphne processes: skipped (set REDIS_URL and a PostgreSQL DATABASE_URL)")
    return results


def _scale_out(env: dict[str, str], keys: list[str]) -> dict:
    one, port = _serve(env)
    try:
        single = asyncio.run(_flat_out([port], keys, SECONDS))
    finally:
        _stop(one)
    servers = [_serve(env) for _ in range(2)]
    try:
        double = asyncio.run(_flat_out([p for _s, p in servers], keys, SECONDS))
    finally:
        for server, _port in servers:
            _stop(server)
    print(
        f"  flat out, Redis layer: one daphne {single:.0f} deliveries/s, two daphne "
        f"{double:.0f} deliveries/s: {double / max(single, 1e-9):.2f}× (goal ≥ 1.6×)"
    )
    return {"one_process_per_s": single, "two_processes_per_s": double}


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
