"""Forum pages at scale: a topic of 500 posts (first and last page) and a category of
10,000 topics, rendered through the whole stack (middleware, session, permissions,
templates) for a signed-in member, beside a trivial view through the same stack, in the
same run. Median and p95 of 30 renders each, after 3 warm-up renders.

Each database runs in a fresh worker process: `python -m bench.forum --worker`.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from bench.stats import percentile
from bench.worker import start_django

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"
RENDERS = int(os.environ.get("BENCH_RENDERS", 30))
POSTS = int(os.environ.get("BENCH_TOPIC_POSTS", 500))
TOPICS = int(os.environ.get("BENCH_CATEGORY_TOPICS", 10_000))
PG_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/maillage_bench_forum"
)


def worker() -> dict:
    start_django()
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from core.accounts.services import user_create
    from core.workspaces.services import network_workspace
    from forum.models import Category, Post, Topic
    from forum.services import refresh_category, refresh_topic, render_body

    network = network_workspace()
    author = user_create(email="auteur@bench.localhost", display_name="Auteur", password="x" * 12)
    reader = user_create(email="lecteur@bench.localhost", display_name="Lecteur", password="x" * 12)
    category = Category.objects.create(workspace=network, name="Matériel", slug="materiel")
    big = Category.objects.create(workspace=network, name="Tout", slug="tout")
    now = timezone.now()
    body = (
        "Le pilote **Brother** ne répond plus après la mise à jour.\n\n"
        "```bash\nsudo apt install printer-driver-brlaser\n```\n\n> Ça marchait hier.\n\n"
        "Des idées ? Voir [la doc](https://doc.ubuntu-fr.org/cups)."
    )
    html = render_body(body)
    topic = Topic.objects.create(category=category, author=author, title="Sujet de 500 messages")
    Post.objects.bulk_create(
        [
            Post(
                topic=topic,
                author=author,
                body=body,
                body_html=html,
                is_first=(i == 0),
                created_at=now - timedelta(minutes=POSTS - i),
            )
            for i in range(POSTS)
        ],
        batch_size=500,
    )
    refresh_topic(topic)
    Topic.objects.bulk_create(
        [
            Topic(
                category=big,
                author=author,
                title=f"Sujet {i}",
                last_post_at=now - timedelta(minutes=i),
                last_post_author=author,
                reply_count=i % 7,
                last_post_id=i,
            )
            for i in range(TOPICS)
        ],
        batch_size=1000,
    )
    refresh_category(big)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client = Client()
    client.force_login(reader)
    pages = {
        "trivial view (baseline)": "/bench/trivial/",
        "empty page in the layout": "/bench/empty-page/",
        f"topic of {POSTS} posts, page 1": topic.get_absolute_url(),
        f"topic of {POSTS} posts, last page": topic.get_absolute_url()
        + f"?page={(POSTS - 1) // 25 + 1}",
        f"category of {TOPICS} topics, page 1": big.get_absolute_url(),
        f"category of {TOPICS} topics, page 100": big.get_absolute_url() + "?page=100",
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
    return results


def _fresh(sqlite_path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
    import psycopg

    name = PG_URL.rsplit("/", 1)[-1]
    with psycopg.connect(PG_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def run() -> dict:
    WORK.mkdir(parents=True, exist_ok=True)
    sqlite_path = WORK / "forum.sqlite3"
    _fresh(sqlite_path)
    out = {}
    for db_name, url in {"sqlite": f"sqlite:///{sqlite_path}", "postgresql": PG_URL}.items():
        env = dict(
            os.environ,
            DATABASE_URL=url,
            DJANGO_DEBUG="0",
            LOG_LEVEL="WARNING",
            TASKS_BACKEND="django_tasks.backends.dummy.DummyBackend",
        )
        stdout = subprocess.run(
            [sys.executable, "-m", "bench.forum", "--worker"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        result = json.loads(stdout.strip().splitlines()[-1])
        baseline = result["trivial view (baseline)"]["p50_ms"]
        print(f"Forum pages, {db_name} (ms per render, {RENDERS} renders, signed-in member)")
        print(f"  {'page':<36}{'p50':>9}{'p95':>9}{'× baseline':>12}")
        for name, figures in result.items():
            ratio = figures["p50_ms"] / max(baseline, 1e-9)
            print(f"  {name:<36}{figures['p50_ms']:>9.1f}{figures['p95_ms']:>9.1f}{ratio:>11.1f}×")
        out[db_name] = result
    return out


if __name__ == "__main__":
    if "--worker" in sys.argv:
        print(json.dumps(worker()))
    else:
        print(json.dumps(run(), indent=2))
