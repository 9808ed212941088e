"""Shared storage at scale, each figure beside a baseline measured in the same run:

1. Transfer: uploading and downloading a 100 MiB file through a real daphne server (HTTP,
   session, CSRF, permission checks, type check, quota, blob write; the download streams
   with Range support), against a plain file copy of the same file on the same disk. The
   server's peak resident memory (VmHWM) before and after says whether memory stays flat.
2. Listing: a folder of 10,000 files, pages 1 and 50, through the whole stack for a
   signed-in member, against a trivial view; and the number of queries, the same for a
   folder of 100 files and of 10,000.

`python -m bench.files` (or `make bench`); workers run in fresh processes.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.stats import percentile
from bench.worker import start_django

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench" / "files"
SIZE_MB = int(os.environ.get("BENCH_FILE_MB", 100))
FILES = int(os.environ.get("BENCH_FOLDER_FILES", 10_000))
RENDERS = int(os.environ.get("BENCH_RENDERS", 30))
ROUNDS = int(os.environ.get("BENCH_TRANSFER_ROUNDS", 3))
CHUNK = 1024 * 1024
PG_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/maillage_bench_files"
)


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


# --- 1. Transfer --------------------------------------------------------------------------------


def setup_worker() -> dict:
    """Migrate, make a member and a group, and hand back a signed-in session and its CSRF."""
    start_django()
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client

    from core.accounts.services import user_create
    from core.workspaces.models import Membership, MembershipRole, Workspace, WorkspaceKind
    from extranet.files.models import Quota

    user = user_create(email="bench@bench.localhost", display_name="Bench", password="x" * 12)
    group = Workspace.objects.create(kind=WorkspaceKind.GROUP, name="Bench", slug="bench")
    Membership.objects.create(user=user, workspace=group, role=MembershipRole.OWNER)
    Quota.objects.create(workspace=group, limit_bytes=100 * 2**30)
    client = Client()
    client.force_login(user)
    return {"session": client.cookies["sessionid"].value, "csrf": _get_new_csrf_string()}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _upload(port: int, cookies: str, csrf: str, source: Path, name: str) -> float:
    boundary = "----maillage-bench-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    size = source.stat().st_size

    def body():
        yield head
        with source.open("rb") as f:
            while chunk := f.read(CHUNK):
                yield chunk
        yield tail

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.perf_counter()
    connection.request(
        "POST",
        "/espace/fichiers/bench/envoyer/",
        body=body(),
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(len(head) + size + len(tail)),
            "Cookie": cookies,
            "X-CSRFToken": csrf,
            "Accept": "application/json",
            "Host": "127.0.0.1",
        },
    )
    response = connection.getresponse()
    payload = response.read()
    elapsed = time.perf_counter() - started
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"upload answered {response.status}: {payload[:300]!r}")
    return elapsed


def _download(port: int, cookies: str, url: str, target: Path) -> float:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.perf_counter()
    connection.request("GET", url, headers={"Cookie": cookies, "Host": "127.0.0.1"})
    response = connection.getresponse()
    if response.status != 200:
        raise RuntimeError(f"download answered {response.status}")
    with target.open("wb") as out:
        while chunk := response.read(CHUNK):
            out.write(chunk)
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def transfer() -> dict:
    work = WORK / "transfer"
    shutil.rmtree(work, ignore_errors=True)
    (work / "media").mkdir(parents=True)
    (work / "tmp").mkdir()
    source = work / "video.mp4"
    with source.open("wb") as f:
        # An MP4 header, then incompressible bytes: a type the allowlist takes.
        f.write(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom")
        for _ in range(SIZE_MB):
            f.write(os.urandom(CHUNK))
    size_mb = source.stat().st_size / 2**20
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{work / 'bench.sqlite3'}",
        MEDIA_ROOT=str(work / "media"),
        # Uploads spool next to the media: the final move is a rename, not a copy.
        TMPDIR=str(work / "tmp"),
        DJANGO_DEBUG="0",
        LOG_LEVEL="WARNING",
        TASKS_BACKEND="django_tasks.backends.dummy.DummyBackend",
        FILES_MAX_UPLOAD_MB=str(SIZE_MB + 10),
    )
    setup = subprocess.run(
        [sys.executable, "-m", "bench.files", "--setup"],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    secrets = json.loads(setup.stdout.strip().splitlines()[-1])
    cookies = f"sessionid={secrets['session']}; csrftoken={secrets['csrf']}"
    port = _free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "daphne"),
            "-b", "127.0.0.1", "-p", str(port), "config.asgi:application",
        ],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        # Warm up: one small upload and download, so the figures below are the big file's.
        small = work / "petit.mp4"
        small.write_bytes(source.read_bytes()[:4096])
        _upload(port, cookies, secrets["csrf"], small, "petit.mp4")
        rss_before = _peak_rss_mb(server.pid)

        copies, uploads, downloads = [], [], []
        for n in range(ROUNDS):
            target = work / f"copie-{n}.mp4"
            started = time.perf_counter()
            shutil.copyfile(source, target)
            os.sync()
            copies.append(time.perf_counter() - started)
            target.unlink()
            uploads.append(_upload(port, cookies, secrets["csrf"], source, f"video-{n}.mp4"))
            rss_upload = _peak_rss_mb(server.pid)
            downloads.append(
                _download(
                    port,
                    cookies,
                    _download_url(env, f"video-{n}.mp4"),
                    work / "telecharge.mp4",
                )
            )
        rss_after = _peak_rss_mb(server.pid)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    if (work / "telecharge.mp4").read_bytes()[:32] != source.read_bytes()[:32]:
        raise RuntimeError("the downloaded file differs")
    copy_s, upload_s, download_s = (statistics.median(v) for v in (copies, uploads, downloads))
    result = {
        "file_mb": round(size_mb, 1),
        "plain copy MB/s (baseline)": round(size_mb / copy_s, 1),
        "upload MB/s": round(size_mb / upload_s, 1),
        "download MB/s": round(size_mb / download_s, 1),
        "upload / copy": round(copy_s / upload_s, 2),
        "download / copy": round(copy_s / download_s, 2),
        "server peak RSS before MB": round(rss_before, 1),
        "server peak RSS after upload MB": round(rss_upload, 1),
        "server peak RSS after download MB": round(rss_after, 1),
    }
    shutil.rmtree(work, ignore_errors=True)
    return result


def _download_url(env: dict, name: str) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "bench.files", "--url", name],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return out.stdout.strip().splitlines()[-1]


def url_worker(name: str) -> str:
    _django()
    from extranet.files.models import File

    return File.objects.get(name=name).get_download_url()


# --- 2. Listing ---------------------------------------------------------------------------------


def listing_worker() -> dict:
    start_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from core.accounts.services import user_create
    from core.workspaces.models import Membership, Workspace, WorkspaceKind
    from extranet.files.models import File, Folder, Version

    user = user_create(email="lecteur@bench.localhost", display_name="Lecteur", password="x" * 12)
    group = Workspace.objects.create(kind=WorkspaceKind.GROUP, name="Bench", slug="bench")
    Membership.objects.create(user=user, workspace=group)
    now = timezone.now()

    def fill(name: str, count: int) -> Folder:
        folder = Folder.objects.create(workspace=group, name=name, created_by=user)
        files = File.objects.bulk_create(
            [
                File(
                    workspace=group,
                    folder=folder,
                    name=f"document-{i:05d}.pdf",
                    mime="application/pdf",
                    size=1000 + i,
                    created_by=user,
                    updated_at=now,
                )
                for i in range(count)
            ],
            batch_size=1000,
        )
        versions = Version.objects.bulk_create(
            [
                Version(
                    file=f,
                    number=1,
                    blob=f"files/blobs/xx/{f.pk}",
                    size=f.size,
                    counted_bytes=f.size,
                    mime=f.mime,
                    sha256="0" * 64,
                    uploaded_by=user,
                )
                for f in files
            ],
            batch_size=1000,
        )
        for f, v in zip(files, versions, strict=True):
            f.current = v
        File.objects.bulk_update(files, ["current"], batch_size=1000)
        return folder

    small, big = fill("Petit", 100), fill("Grand", FILES)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client = Client()
    client.force_login(user)
    pages = {
        "trivial view (baseline)": "/bench/trivial/",
        f"folder of {FILES} files, page 1": big.get_absolute_url(),
        f"folder of {FILES} files, page 50, by size": big.get_absolute_url()
        + "?tri=size&ordre=desc&page=50",
        f"folder of {FILES} files, grid": big.get_absolute_url() + "?vue=grille",
    }
    results = {}
    for name, url in pages.items():
        for _ in range(3):
            assert client.get(url).status_code == 200, url
        times = []
        for _ in range(RENDERS):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        results[name] = {
            "p50_ms": round(statistics.median(times), 2),
            "p95_ms": round(percentile(times, 95), 2),
        }
    queries = {}
    for label, folder in (("100 files", small), (f"{FILES} files", big)):
        with CaptureQueriesContext(connection) as captured:
            client.get(folder.get_absolute_url())
        queries[label] = len(captured.captured_queries)
    results["queries"] = queries
    return results


def _fresh_pg() -> None:
    import psycopg

    name = PG_URL.rsplit("/", 1)[-1]
    with psycopg.connect(PG_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def listing() -> dict:
    WORK.mkdir(parents=True, exist_ok=True)
    sqlite_path = WORK / "listing.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
    databases = {"sqlite": f"sqlite:///{sqlite_path}"}
    try:
        _fresh_pg()
        databases["postgresql"] = PG_URL
    except Exception as error:  # no PostgreSQL here: SQLite only, and say so
        print(f"  (PostgreSQL not reachable, listing on SQLite only: {error})")
    out = {}
    for db_name, url in databases.items():
        env = dict(
            os.environ,
            DATABASE_URL=url,
            DJANGO_DEBUG="0",
            LOG_LEVEL="WARNING",
            TASKS_BACKEND="django_tasks.backends.dummy.DummyBackend",
        )
        stdout = subprocess.run(
            [sys.executable, "-m", "bench.files", "--listing"],
            cwd=ROOT, env=env, check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        out[db_name] = json.loads(stdout.strip().splitlines()[-1])
    return out


def run() -> dict:
    print(f"Files: transfer of a {SIZE_MB} MiB file through daphne vs a plain copy, same disk")
    moved = transfer()
    for name, value in moved.items():
        print(f"  {name:<32}{value:>10}")
    print("  (goal: upload and download ≥ 0.5 × the plain copy; peak RSS flat)")
    listed = listing()
    for db_name, result in listed.items():
        baseline = result["trivial view (baseline)"]["p95_ms"]
        print(f"Files: folder listing, {db_name} (ms per render, {RENDERS} renders)")
        print(f"  {'page':<44}{'p50':>9}{'p95':>9}{'p95 × baseline':>16}")
        for name, figures in result.items():
            if name == "queries":
                continue
            ratio = figures["p95_ms"] / max(baseline, 1e-9)
            print(f"  {name:<44}{figures['p50_ms']:>9.1f}{figures['p95_ms']:>9.1f}{ratio:>15.1f}×")
        print(f"  queries per page: {result['queries']}  (goal: p95 ≤ 5 × trivial, constant)")
    return {"transfer": moved, "listing": listed}


if __name__ == "__main__":
    if "--setup" in sys.argv:
        print(json.dumps(setup_worker()))
    elif "--url" in sys.argv:
        print(url_worker(sys.argv[sys.argv.index("--url") + 1]))
    elif "--listing" in sys.argv:
        print(json.dumps(listing_worker()))
    else:
        print(json.dumps(run(), indent=2))
