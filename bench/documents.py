"""Co-edited documents: relay latency in a busy room, and the cost of opening a document.

1. Relay: 20 Yjs clients (yjs + y-websocket in Node, tests/documents/node/clients.mjs) on one
   document, each sending 5 updates a second for 30 s; each update carries its send time and
   the 19 other clients note when it arrives. Measured through the real room (each update
   checked, committed to the log, then relayed), against a baseline in the same run and the
   same daphne process: the same clients and frames through a bare Channels echo
   (`/ws/bench-doc-echo/`: relays every frame to the others, stores and checks nothing).
   The time is split in BENCH_DOC_ROUNDS (2) alternating rounds of each; each round starts
   measuring a second after its clients are all connected and synced (the relay of a busy
   room, not the joins). Goal: p99 ≤ 2× the echo's.
2. Opening: the time to build what a joining client receives (the whole content and the
   difference against an empty state vector) for a document whose log holds 100,000
   updates, before and after compaction, against opening its snapshot alone (one stored
   state). Goal after compaction: ≤ 2× the snapshot's.

BENCH_DOC_SECONDS (30), BENCH_DOC_CLIENTS (20), BENCH_DOC_RATE (5) and BENCH_DOC_UPDATES
(100000) shorten the run on a loaded machine. Runs on the embedded default (SQLite,
in-memory layer); set DATABASE_URL and REDIS_URL to measure PostgreSQL and Redis.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.stats import percentile

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"
PYTHON = sys.executable
DAPHNE = str(Path(PYTHON).parent / "daphne")
NODE_DIR = ROOT / "tests" / "documents" / "node"
SECONDS = float(os.environ.get("BENCH_DOC_SECONDS", 30))
CLIENTS = int(os.environ.get("BENCH_DOC_CLIENTS", 20))
RATE = float(os.environ.get("BENCH_DOC_RATE", 5))
UPDATES = int(os.environ.get("BENCH_DOC_UPDATES", 100_000))
ROUNDS = int(os.environ.get("BENCH_DOC_ROUNDS", 2))

SETUP = f"""
import json
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from django.contrib.sessions.backends.cached_db import SessionStore
from core.accounts.services import user_create
from core.workspaces.models import Membership, Workspace
from extranet.documents.services import document_create
group = Workspace.objects.create(kind="group", name="Bench", slug="bench-documents")
keys = []
for i in range({CLIENTS}):
    user = user_create(email=f"d{{i}}@bench.localhost", display_name=f"Writer {{i}}")
    Membership.objects.create(user=user, workspace=group, role="owner" if i == 0 else "member")
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    keys.append(store.session_key)
    if i == 0:
        owner = user
document = document_create(actor=owner, workspace=group, title="Bench")
print(json.dumps({{"keys": keys, "document": document.pk}}))
"""


PORT = int(os.environ.get("BENCH_DOC_PORT", 8210))


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", f"sqlite:///{WORK / 'documents.sqlite3'}")
    env.update(
        {
            "DJANGO_DEBUG": "0",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
            # The bench's clients type faster than a person: no rate limit in the way.
            "DOCUMENTS_FRAMES_PER_SECOND": "1000",
            "DOCUMENTS_FRAME_BURST": "2000",
        }
    )
    return env


def _prepare(env: dict[str, str]) -> dict:
    WORK.mkdir(parents=True, exist_ok=True)
    if env["DATABASE_URL"].startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(str(WORK / "documents.sqlite3") + suffix).unlink(missing_ok=True)
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


def _node() -> str:
    found = Path(PYTHON).parent / "node"
    return str(found) if found.exists() else "node"


def _clients(port: int, path: str, setup: dict) -> list[float]:
    options = {
        "mode": "bench",
        "servers": [f"ws://127.0.0.1:{port}"],
        "path": path,
        "origin": f"http://127.0.0.1:{port}",
        "document": setup["document"],
        "cookies": [f"sessionid={key}" for key in setup["keys"]],
        "clients": CLIENTS,
        "rate": RATE,
        "seconds": SECONDS / ROUNDS,
        "seed": 7,
    }
    out = subprocess.run(
        [_node(), str(NODE_DIR / "clients.mjs"), json.dumps(options)],
        cwd=NODE_DIR,
        capture_output=True,
        text=True,
        timeout=SECONDS / ROUNDS + 120,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if "error" in result:
        raise RuntimeError(f"bench clients failed: {result['error']} {out.stderr[-1000:]}")
    return result["latencies"]


def _relay(env: dict[str, str], setup: dict) -> dict:
    port = PORT
    server = subprocess.Popen(
        [
            DAPHNE,
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "--websocket-max-message-size",
            "65536",
            "bench.asgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        # Rounds of both alternate (ROUNDS each, SECONDS in all for each), so that the drift
        # of a loaded machine affects them alike.
        echo, room = [], []
        for _round in range(ROUNDS):
            echo += _clients(port, "/ws/bench-doc-echo", setup)
            room += _clients(port, "/ws/documents", setup)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
    figures = {}
    for name, values in (("room", room), ("baseline", echo)):
        figures[name] = {
            "p50_ms": round(percentile(values, 50), 2),
            "p99_ms": round(percentile(values, 99), 2),
            "mean_ms": round(statistics.fmean(values), 2),
            "deliveries": len(values),
        }
    return figures


OPEN = f"""
import json, statistics, time
import pycrdt
from django.db import connection
from core.accounts.models import User
from core.workspaces.models import Workspace
from extranet.documents import services, ydoc
from extranet.documents.models import Document, Update, Version

owner = User.objects.get(email="d0@bench.localhost")
group = Workspace.objects.get(slug="bench-documents")
document = services.document_create(actor=owner, workspace=group, title="Long log")
doc = pycrdt.Doc()
text = doc.get("text", type=pycrdt.Text)
rows = []
state = doc.get_state()
for n in range({UPDATES}):
    with doc.transaction():
        text.insert(len(text) if n % 7 else 0, "mot " if n % 3 else "é")
    update = doc.get_update(state)
    state = doc.get_state()
    rows.append(Update(document=document, seq=n + 1, data=update, author=owner))
    if len(rows) == 5000:
        Update.objects.bulk_create(rows)
        rows = []
Update.objects.bulk_create(rows)
Document.objects.filter(pk=document.pk).update(seq={UPDATES})
snapshot = Version.objects.create(
    document=document, kind="named", name="s", seq={UPDATES}, state=doc.get_update()
)

def timed(func, repeat):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000

def open_log():
    ydoc.diff(services.document_state(document.pk), b"\\x00")

def open_snapshot():
    state = bytes(Version.objects.values_list("state", flat=True).get(pk=snapshot.pk))
    ydoc.diff(state, b"\\x00")

before = timed(open_log, 3)
started = time.perf_counter()
merged = services.document_compact(document_id=document.pk)
compaction = (time.perf_counter() - started) * 1000
connection.cursor().execute("PRAGMA wal_checkpoint") if connection.vendor == "sqlite" else None
# Alternated, so that drift of a loaded machine affects both alike.
after_times, alone_times = [], []
for _ in range(40):
    after_times.append(timed(open_log, 1))
    alone_times.append(timed(open_snapshot, 1))
after = statistics.median(after_times)
alone = statistics.median(alone_times)
check = ydoc.load(services.document_state(document.pk)).get("text", type=pycrdt.Text)
assert str(check) == str(text)
print(json.dumps({{"updates": {UPDATES}, "merged": merged, "before_ms": round(before, 2),
    "compaction_ms": round(compaction, 1), "after_ms": round(after, 2),
    "snapshot_ms": round(alone, 2), "bytes": len(doc.get_update())}}))
"""


def _opening(env: dict[str, str]) -> dict:
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", OPEN],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def run() -> dict:
    env = _env()
    setup = _prepare(env)
    backends = {
        "database": env["DATABASE_URL"].split(":", 1)[0],
        "channel_layer": "redis" if env.get("REDIS_URL") else "in-memory",
    }
    relay = _relay(env, setup)
    ratio = relay["room"]["p99_ms"] / max(relay["baseline"]["p99_ms"], 1e-9)
    print(
        f"Document relay: {CLIENTS} clients × {RATE:g} updates/s × {SECONDS:g} s "
        f"({backends['database']}, {backends['channel_layer']} layer)"
    )
    print(f"  {'':<40}{'p50':>10}{'p99':>10}")
    print(
        f"  {'room (checked, committed, relayed)':<40}"
        f"{relay['room']['p50_ms']:>8.1f}ms{relay['room']['p99_ms']:>8.1f}ms"
    )
    print(
        f"  {'baseline: bare Channels echo':<40}"
        f"{relay['baseline']['p50_ms']:>8.1f}ms{relay['baseline']['p99_ms']:>8.1f}ms"
    )
    print(f"  p99 ratio to baseline: {ratio:.2f}× (goal ≤ 2×)")
    opening = _opening(env)
    after_ratio = opening["after_ms"] / max(opening["snapshot_ms"], 1e-9)
    print(f"Opening a document whose log holds {opening['updates']:,} updates")
    print(f"  before compaction           {opening['before_ms']:>10.1f} ms")
    print(f"  compaction (once)           {opening['compaction_ms']:>10.1f} ms")
    print(f"  after compaction            {opening['after_ms']:>10.2f} ms")
    print(f"  baseline: its snapshot alone{opening['snapshot_ms']:>10.2f} ms")
    print(f"  after / snapshot: {after_ratio:.2f}× (goal ≤ 2×)")
    return {
        "clients": CLIENTS,
        "rate": RATE,
        "seconds": SECONDS,
        "backends": backends,
        "relay": relay,
        "relay_p99_ratio": round(ratio, 2),
        "opening": opening,
        "opening_after_ratio": round(after_ratio, 2),
    }


if __name__ == "__main__":
    run()
