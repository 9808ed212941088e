"""What every page pays: the members' layout with nothing in it, a public content page and
the heaviest pages of the platform, beside a trivial view through the same stack
(middleware, session, permissions), in the same run.

The data is the demo network (all of France's territories, the demo loaders) grown as the
page-walk test grows it (tests/walk/data.py). The heaviest pages are found, not listed:
every page the walk finds (every named route, every live Wagtail page) is rendered for an
anonymous visitor, a facilitator and the coordinator, and the slowest are measured.
Median and p95 of `BENCH_RENDERS` renders each, after 3 warm-up renders, DEBUG off.

Goals (issue 12): the layout ≤ 5× the trivial view; a content page ≤ 2× the layout.

SQLite always; PostgreSQL too when `BENCH_POSTGRES_URL` is set (that database is
recreated). Each database runs in a fresh worker process: `python -m bench.pages --worker`.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.stats import percentile
from bench.worker import start_django

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"
RENDERS = int(os.environ.get("BENCH_RENDERS", 30))
HEAVIEST = int(os.environ.get("BENCH_HEAVIEST", 5))
GROWTH = int(os.environ.get("BENCH_GROWTH", 8))
PG_URL = os.environ.get("BENCH_POSTGRES_URL", "")
GOAL_LAYOUT = 5.0  # × the trivial view
GOAL_CONTENT = 2.0  # × the layout

TRIVIAL = "trivial view (baseline)"
LAYOUT = "empty page in the members' layout"


def worker() -> dict:
    start_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from core.accounts.services import user_create
    from tests.walk import data
    from tests.walk.walker import clients, pages

    demo = data.load()
    data.grow(demo, 1)
    data.grow(demo, GROWTH)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    viewers = clients(demo)
    # The layout's own cost, without the notification badge of someone who has some.
    newcomer = user_create(
        email="nouveau@bench.localhost", display_name="Nouveau", password="x" * 12
    )
    viewers["newcomer"] = Client()
    viewers["newcomer"].force_login(newcomer)
    for client in viewers.values():
        client.raise_request_exception = False  # a page that fails is the tests' business

    def render(viewer: str, url: str) -> tuple[int, float, float]:
        """Status, wall-clock and CPU milliseconds (on SQLite the database's work is in the
        process; CPU time holds when other processes share the machine)."""
        started, cpu = time.perf_counter(), time.process_time()
        response = viewers[viewer].get(url)
        wall = (time.perf_counter() - started) * 1000
        return response.status_code, wall, (time.process_time() - cpu) * 1000

    # Find the heaviest pages: the best of 3 renders of each page, for each viewer.
    found = []
    for url, name in pages(demo, "bench.urls").items():
        for viewer in viewers:
            if render(viewer, url)[0] != 200:
                continue
            best = min(render(viewer, url)[1] for _ in range(3))
            found.append((best, viewer, url, name))
    found.sort(reverse=True)
    content = demo.news_page_url
    measured = {
        TRIVIAL: ("facilitator", "/bench/trivial/"),
        LAYOUT: ("facilitator", "/bench/empty-page/"),
        f"{LAYOUT}, no notifications": ("newcomer", "/bench/empty-page/"),
        "empty page in the public layout": ("anonymous", "/bench/empty-public-page/"),
        "content page: a news article": ("anonymous", content),
    }
    for _best, viewer, url, name in found[:HEAVIEST]:
        measured[f"{name} ({viewer})"] = (viewer, url)

    results = {}
    for label, (viewer, url) in measured.items():
        for _ in range(3):
            assert render(viewer, url)[0] == 200, url
        runs = [render(viewer, url) for _ in range(RENDERS)]
        times = [wall for _status, wall, _cpu in runs]
        with CaptureQueriesContext(connection) as queries:
            render(viewer, url)
        results[label] = {
            "url": url,
            "viewer": viewer,
            "queries": len(queries),
            "p50_ms": round(statistics.median(times), 2),
            "p95_ms": round(percentile(times, 95), 2),
            "cpu_p50_ms": round(statistics.median(cpu for _s, _w, cpu in runs), 2),
        }
    return results


def _fresh_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[-1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def report(db_name: str, result: dict) -> None:
    """The figures, each ratio by p50 and by CPU p50 (the steadier one when other processes
    share the machine; on PostgreSQL it leaves out the server's own work)."""
    print(f"Pages, {db_name} (ms per render, {RENDERS} renders, DEBUG off)")
    print(
        f"  {'page':<52}{'viewer':<13}{'queries':>8}{'p50':>8}{'p95':>8}{'cpu p50':>9}"
        f"{'ratio p50':>22}{'ratio cpu':>11}"
    )
    for label, figures in result.items():
        ratios = {"p50_ms": "", "cpu_p50_ms": ""}
        if label != TRIVIAL:
            layout = label.startswith("empty page")
            base, goal, name = (
                (TRIVIAL, GOAL_LAYOUT, "trivial") if layout else (LAYOUT, GOAL_CONTENT, "layout")
            )
            for key in ratios:
                ratio = figures[key] / result[base][key]
                ok = "✓" if ratio <= goal else "✗"
                ratios[key] = f"{ratio:.1f}× {name + ' ' if key == 'p50_ms' else ''}{ok}"
        print(
            f"  {label[:51]:<52}{figures['viewer']:<13}{figures['queries']:>8}"
            f"{figures['p50_ms']:>8.1f}{figures['p95_ms']:>8.1f}{figures['cpu_p50_ms']:>9.1f}"
            f"{ratios['p50_ms']:>22}{ratios['cpu_p50_ms']:>11}"
        )
    print(f"  goals: layout ≤ {GOAL_LAYOUT:g}× trivial, a page ≤ {GOAL_CONTENT:g}× layout")


def run() -> dict:
    WORK.mkdir(parents=True, exist_ok=True)
    sqlite_path = WORK / "pages.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
    databases = {"sqlite": f"sqlite:///{sqlite_path}"}
    if PG_URL:
        _fresh_postgres(PG_URL)
        databases["postgresql"] = PG_URL
    out = {}
    for db_name, url in databases.items():
        env = dict(
            os.environ,
            DATABASE_URL=url,
            DJANGO_DEBUG="0",
            LOG_LEVEL="WARNING",
            EMAIL_URL="dummymail://",
            MEDIA_ROOT=str(WORK / "media"),
        )
        stdout = subprocess.run(
            [sys.executable, "-m", "bench.pages", "--worker"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        result = json.loads(stdout.strip().splitlines()[-1])
        report(db_name, result)
        out[db_name] = result
    return out


if __name__ == "__main__":
    if "--worker" in sys.argv:
        print(json.dumps(worker()))
    else:
        print(json.dumps(run(), indent=2))
