"""Delivery latency of a live notification to 200 connected users.

Measured: from the moment a request asks the server to notify 200 users (one notification
each, through `notifications_create`: stored, numbered, and after commit the payload itself
broadcast to each recipient's group; each socket checks its session, batched per process,
and forwards it) to the moment each user's websocket (the tab's one socket, /ws/) receives
it. Baseline, in the same run and the same daphne process: the same
number of same-sized payloads sent through the same channel layer to bare consumers that
forward them untouched. Rounds of both alternate so that drift affects them alike.

Runs on the embedded default (SQLite, in-memory layer); set DATABASE_URL and REDIS_URL to
measure PostgreSQL and Redis.
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
import urllib.request
from pathlib import Path

from websockets.asyncio.client import connect

from bench.stats import percentile

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"
USERS = int(os.environ.get("BENCH_USERS", 200))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 10))
PYTHON = sys.executable
DAPHNE = str(Path(PYTHON).parent / "daphne")

SETUP = f"""
import json
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from django.contrib.sessions.backends.cached_db import SessionStore
from core.accounts.models import User
from core.accounts.services import user_create
keys = []
user_create(email="sender@bench.localhost", display_name="Bench sender")
for i in range({USERS}):
    user = user_create(email=f"u{{i}}@bench.localhost", display_name=f"User {{i}}")
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    keys.append(store.session_key)
print(json.dumps(keys))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", f"sqlite:///{WORK / 'notifications.sqlite3'}")
    env.update(
        {"DJANGO_DEBUG": "0", "LOG_LEVEL": "WARNING", "DJANGO_SETTINGS_MODULE": "config.settings"}
    )
    env["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    # Measured: the live path. E-mails would be sent in the consumers' database thread.
    env["TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    return env


def _prepare(env: dict[str, str]) -> list[str]:
    WORK.mkdir(parents=True, exist_ok=True)
    if env["DATABASE_URL"].startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(str(WORK / "notifications.sqlite3") + suffix).unlink(missing_ok=True)
    else:
        subprocess.run([PYTHON, "manage.py", "flush", "--noinput"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", SETUP],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def _post(url: str) -> None:
    request = urllib.request.Request(url, method="POST", data=b"")  # noqa: S310 (127.0.0.1)
    with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
        response.read()


async def _round(sockets, trigger_url: str, kind: str) -> list[float]:
    async def wait_one(ws, started):
        while True:
            frame = json.loads(await ws.recv())
            if frame.get("type") == kind:
                return time.perf_counter() - started

    started = time.perf_counter()
    waiting = [asyncio.create_task(wait_one(ws, started)) for ws in sockets]
    await asyncio.to_thread(_post, trigger_url)
    return list(await asyncio.wait_for(asyncio.gather(*waiting), timeout=120))


async def _measure(port: int, keys: list[str]) -> dict[str, list[float]]:
    base = f"127.0.0.1:{port}"
    origin = f"http://{base}"
    notified = []
    for key in keys:
        ws = await connect(
            f"ws://{base}/ws/",
            origin=origin,
            additional_headers={"Cookie": f"sessionid={key}"},
            max_size=2**20,
        )
        hello = json.loads(await ws.recv())
        assert hello["type"] == "hello", hello
        notified.append(ws)
    echoes = [
        await connect(f"ws://{base}/ws/bench-echo/?i={i}", origin=origin) for i in range(len(keys))
    ]
    size = 300
    lat = {"notification": [], "baseline": []}
    for round_no in range(ROUNDS + 1):
        real = await _round(notified, f"{origin}/bench/notify?round={round_no}", "notification")
        bare = await _round(
            echoes,
            f"{origin}/bench/echo?round={round_no}&n={len(keys)}&size={size}",
            "notification",
        )
        if round_no:  # the first round warms caches and connections up
            lat["notification"] += real
            lat["baseline"] += bare
    for ws in notified + echoes:
        await ws.close()
    return lat


def run() -> dict:
    env = _env()
    keys = _prepare(env)
    port = _free_port()
    server = subprocess.Popen(
        [DAPHNE, "-b", "127.0.0.1", "-p", str(port), "bench.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        lat = asyncio.run(_measure(port, keys))
    finally:
        server.terminate()
        server.wait(timeout=10)

    backends = {
        "database": env["DATABASE_URL"].split(":", 1)[0],
        "channel_layer": "redis" if env.get("REDIS_URL") else "in-memory",
    }
    figures = {}
    for name, values in lat.items():
        figures[name] = {
            "p50_ms": round(percentile(values, 50) * 1000, 2),
            "p99_ms": round(percentile(values, 99) * 1000, 2),
            "mean_ms": round(statistics.fmean(values) * 1000, 2),
            "deliveries": len(values),
        }
    ratio = figures["notification"]["p50_ms"] / max(figures["baseline"]["p50_ms"], 1e-9)
    print(
        f"Live notification to {len(keys)} connected users "
        f"({backends['database']}, {backends['channel_layer']} layer, {ROUNDS} rounds)"
    )
    print(f"  {'':<34}{'p50':>10}{'p99':>10}")
    print(
        f"  {'notification (stored, checked)':<34}"
        f"{figures['notification']['p50_ms']:>8.1f}ms{figures['notification']['p99_ms']:>8.1f}ms"
    )
    print(
        f"  {'baseline: bare Channels echo':<34}"
        f"{figures['baseline']['p50_ms']:>8.1f}ms{figures['baseline']['p99_ms']:>8.1f}ms"
    )
    p99_ratio = figures["notification"]["p99_ms"] / max(figures["baseline"]["p99_ms"], 1e-9)
    print(f"  p50 ratio to baseline: {ratio:.1f}×; p99 ratio: {p99_ratio:.1f}× (goal ≤ 2×)")
    return {"users": len(keys), "rounds": ROUNDS, "backends": backends, **figures}
