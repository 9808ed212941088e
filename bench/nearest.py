"""Nearest-place queries over 20,000 and 100,000 places, on SQLite and PostgreSQL.

Each figure is the time of `geodirectory.selectors.nearest` (10 nearest published places)
for 300 query points, p50 and p95, beside a brute-force haversine scan in Python over the
same places held in memory, measured in the same run. Places are spread like people: a
commune drawn with probability proportional to its population, then jittered within a few
kilometres. Query points are communes drawn the same way.

Goal (issue 3): p95 ≤ 5 ms at 20,000 and ≤ 10 ms at 100,000, at least 10× faster than the
scan at 100,000.

Each (database, size) pair runs in a fresh worker process: `python -m bench.nearest
--worker --size N` with DATABASE_URL set.
"""

from __future__ import annotations

import csv
import gzip
import heapq
import json
import os
import random
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from bench.stats import percentile

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"
SIZES = [int(s) for s in os.environ.get("BENCH_PLACES", "20000,100000").split(",")]
QUERIES = int(os.environ.get("BENCH_QUERIES", 300))
LIMIT = 10
PG_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/maillage_bench_nearest"
)
GOALS_MS = {20000: 5.0, 100000: 10.0}


def _communes() -> list[tuple[float, float, int]]:
    path = ROOT / "core" / "territories" / "data" / "territories.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [
            (float(r["latitude"]), float(r["longitude"]), int(r["population"] or 1))
            for r in csv.DictReader(handle)
            if r["kind"] == "commune" and r["latitude"] and float(r["latitude"]) > 41
        ]


def _points(rng: random.Random, communes, n: int, jitter: float) -> list[tuple[float, float]]:
    weights = [c[2] for c in communes]
    chosen = rng.choices(communes, weights=weights, k=n)
    return [
        (lat + rng.uniform(-jitter, jitter), lon + rng.uniform(-jitter, jitter))
        for lat, lon, _pop in chosen
    ]


def worker(size: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from geodirectory.geo import haversine_m
    from geodirectory.models import Place
    from geodirectory.selectors import nearest

    call_command("migrate", verbosity=0)
    Place.objects.all().delete()
    rng = random.Random(20261122)
    communes = _communes()
    points = _points(rng, communes, size, jitter=0.03)
    today = date(2026, 11, 22)
    batch = [
        Place(
            id_schema=f"bench-{i}",
            pivot="00000000000000",
            nom=f"Lieu {i}",
            commune="Bench",
            code_postal="00000",
            adresse="1 rue du Banc",
            latitude=lat,
            longitude=lon,
            date_maj=today,
            slug=f"bench-{i}",
        )
        for i, (lat, lon) in enumerate(points)
    ]
    Place.objects.bulk_create(batch, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    queries = _points(rng, communes, QUERIES, jitter=0.01)
    memory = [(p.pk, p.latitude, p.longitude) for p in Place.objects.only("latitude", "longitude")]

    for lat, lon in queries[:20]:  # warm caches and connections
        nearest(lat, lon, limit=LIMIT)

    indexed, scanned, mismatches = [], [], 0
    for lat, lon in queries:
        started = time.perf_counter()
        hits = nearest(lat, lon, limit=LIMIT)
        indexed.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        brute = heapq.nsmallest(
            LIMIT, memory, key=lambda p, lat=lat, lon=lon: (haversine_m(lat, lon, p[1], p[2]), p[0])
        )
        scanned.append((time.perf_counter() - started) * 1000)
        if [h.place_id for h in hits] != [b[0] for b in brute]:
            mismatches += 1
    Place.objects.all().delete()
    return {
        "places": size,
        "queries": len(queries),
        "nearest_p50_ms": round(percentile(indexed, 50), 3),
        "nearest_p95_ms": round(percentile(indexed, 95), 3),
        "scan_p50_ms": round(percentile(scanned, 50), 3),
        "scan_p95_ms": round(percentile(scanned, 95), 3),
        "results_differing_from_scan": mismatches,
    }


def _run_worker(database_url: str, size: int) -> dict:
    env = dict(os.environ, DATABASE_URL=database_url, DJANGO_DEBUG="0", LOG_LEVEL="WARNING")
    out = subprocess.run(
        [sys.executable, "-m", "bench.nearest", "--worker", "--size", str(size)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def _fresh_databases(sqlite_path: Path, postgres_url: str) -> None:
    """Start from empty databases, migrated by the workers."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
    name = postgres_url.rsplit("/", 1)[-1]
    admin = postgres_url.rsplit("/", 1)[0] + "/postgres"
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def run() -> dict:
    WORK.mkdir(parents=True, exist_ok=True)
    sqlite_path = WORK / "nearest.sqlite3"
    databases = {"sqlite": f"sqlite:///{sqlite_path}", "postgresql": PG_URL}
    _fresh_databases(sqlite_path, PG_URL)
    results = {}
    print(f"Nearest {LIMIT} places, {QUERIES} queries (ms per query)")
    header = ("database", "places", "p50", "p95", "scan p50", "scan p95", "speed-up")
    widths = (-11, 8, 9, 9, 10, 10, 10)
    print(
        "  "
        + "".join(
            f"{h:<{-w}}" if w < 0 else f"{h:>{w}}" for h, w in zip(header, widths, strict=True)
        )
        + "  goal"
    )
    for name, url in databases.items():
        for size in SIZES:
            r = _run_worker(url, size)
            speedup = r["scan_p50_ms"] / max(r["nearest_p50_ms"], 1e-9)
            goal = GOALS_MS.get(size)
            verdict = (
                ""
                if goal is None
                else (f"p95 ≤ {goal:g} ms: {'met' if r['nearest_p95_ms'] <= goal else 'MISSED'}")
            )
            print(
                f"  {name:<11}{size:>8}{r['nearest_p50_ms']:>9.2f}{r['nearest_p95_ms']:>9.2f}"
                f"{r['scan_p50_ms']:>10.1f}{r['scan_p95_ms']:>10.1f}{speedup:>9.0f}×  {verdict}"
            )
            if r["results_differing_from_scan"]:
                print(f"  !! {r['results_differing_from_scan']} queries differ from the scan")
            results[f"{name}-{size}"] = {**r, "speedup_p50": round(speedup, 1)}
    return results


if __name__ == "__main__":
    if "--worker" in sys.argv:
        size = int(sys.argv[sys.argv.index("--size") + 1])
        print(json.dumps(worker(size)))
    else:
        print(json.dumps(run(), indent=2))
