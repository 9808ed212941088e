"""Real daphne processes serving the test database, and the Node Yjs clients that drive them
(tests/documents/node/clients.mjs). Used by test_yjs_clients.py and bench/documents.py."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

BASE = Path(settings.BASE_DIR)
NODE_DIR = BASE / "tests" / "documents" / "node"
BIN = BASE / ".venv" / "bin"


def node() -> str:
    found = BIN / "node"
    return str(found) if found.exists() else "node"


def ensure_node_modules() -> None:
    """`make test` installs them; a run of pytest alone installs them too (npm ci)."""
    if (NODE_DIR / "node_modules" / "y-websocket").exists():
        return
    npm = BIN / "npm"
    env = {**os.environ, "PATH": f"{BIN}:{os.environ.get('PATH', '')}"}
    subprocess.run(
        [str(npm) if npm.exists() else "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=NODE_DIR,
        env=env,
        check=True,
    )


def database_url() -> str:
    """The database this process uses now (the test database), for a child process."""
    data = connection.settings_dict
    if data["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{Path(data['NAME']).resolve()}"
    user = data.get("USER") or "postgres"
    password = f":{data['PASSWORD']}" if data.get("PASSWORD") else ""
    host = data.get("HOST") or "127.0.0.1"
    port = data.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{data['NAME']}"


class Daphne:
    """One daphne process of the whole application on `port`."""

    def __init__(self, port: int, **env: str) -> None:
        self.port = port
        self.env = env
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Daphne:
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "DJANGO_ENV": "test",
            "WEBSOCKET_RECHECK_SECONDS": "1",
            "DOCUMENTS_FRAMES_PER_SECOND": "1000",
            "DOCUMENTS_FRAME_BURST": "2000",
            # Compactions happen during the tests, among the edits.
            "DOCUMENTS_COMPACT_EVERY": "40",
            **self.env,
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        self.process = subprocess.Popen(
            [
                str(BIN / "daphne"),
                "-b",
                "127.0.0.1",
                "-p",
                str(self.port),
                "--websocket-max-message-size",
                "65536",
                "config.asgi:application",
            ],
            cwd=BASE,
            env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"daphne exited: {self.process.stderr.read().decode()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.2)
        self.kill()
        raise RuntimeError("daphne did not start")

    def kill(self) -> None:
        """Killed at once (SIGKILL): nothing gets the chance to flush anything."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None


def run_clients(options: dict, *, timeout: float = 180, stdin_go_after=None) -> dict:
    """Run clients.mjs with `options`; `stdin_go_after()` is called once the client says it
    is ready, before it is told to go on."""
    ensure_node_modules()
    process = subprocess.Popen(
        [node(), str(NODE_DIR / "clients.mjs"), json.dumps(options)],
        cwd=NODE_DIR,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        if stdin_go_after is not None:
            ready = process.stdout.readline()
            assert json.loads(ready).get("ready"), ready
            stdin_go_after()
            process.stdin.write("go\n")
            process.stdin.flush()
        out, err = process.communicate(timeout=timeout)
    except BaseException:
        process.kill()
        raise
    lines = [line for line in out.splitlines() if line.startswith("{")]
    if not lines:
        raise AssertionError(f"no result from the Node clients: {err[-2000:]}")
    result = json.loads(lines[-1])
    if "error" in result:
        raise AssertionError(f"Node clients failed: {result['error']}\n{err[-2000:]}")
    return result
