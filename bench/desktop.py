"""The desktop with every widget, and the activity feed, beside a trivial view through the
same stack (middleware, session, permissions), in the same run.

A facilitator who runs a place, belongs to 20 groups (forum, calendar and files in each)
and follows colleagues, with 1,000 items in their feed (topics and solutions, files,
events, status posts, new members). Every registered widget is on their desktop. Measured,
`BENCH_RENDERS` renders each after 3 warm-ups, DEBUG off:

- the desktop page itself (its frame: each widget then loads through its own URL);
- each widget's URL, and the whole desktop as a browser loads it (the page, then every
  widget: the sum of the requests, one after the other);
- the feed page;
- the feed's query count for pages of 10 to 200 items (it must not grow).

Goal (issue 17): the desktop ≤ 5× the trivial view at p95 (the page, and each widget).
SQLite, in a fresh worker process: `python -m bench.desktop --worker`.
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
GROUPS = 20
FEED_ITEMS = 1000
GOAL = 5.0


def _populate():
    """The facilitator and their network (see the module's docstring)."""
    from datetime import timedelta

    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from calendars.models import Event
    from calendars.services.calendars import calendar_for_workspace
    from core.accounts.models import NetworkRole
    from core.accounts.services import user_create
    from core.activity.models import Activity
    from core.activity.services import follow_set
    from core.workspaces.models import JoinPolicy, Membership, MembershipRole, MembershipStatus
    from core.workspaces.services import group_create, network_workspace
    from extranet.dashboard.selectors import offered
    from extranet.dashboard.services import desktop_arrange
    from extranet.network.models import StatusPost
    from forum.models import Category, Topic
    from geodirectory.models import Place

    network_workspace()

    def person(i: int):
        return user_create(
            email=f"p{i}@bench.localhost",
            display_name=f"Personne {i}",
            password="x" * 12,
            email_verified=True,
            network_role=NetworkRole.FACILITATOR,
        )

    me = person(0)
    colleagues = [person(i) for i in range(1, 11)]
    place = Place.objects.create(
        id_schema="bench-1",
        slug="bench-1",
        pivot="00000000000000",
        nom="EPN du banc d'essai",
        commune="Montbéliard",
        code_postal="25200",
        adresse="1 rue de la Mairie",
        latitude=47.51,
        longitude=6.80,
        date_maj=timezone.localdate(),
        services="Aide aux démarches administratives",
    )
    place.facilitators.add(me)
    groups = []
    for g in range(GROUPS):
        group = group_create(
            creator=colleagues[g % len(colleagues)],
            name=f"Groupe {g}",
            description="",
            visibility="network",
            join_policy=JoinPolicy.OPEN,
            modules=["forum", "calendar", "files"],
        )
        Membership.objects.create(
            user=me, workspace=group, role=MembershipRole.MEMBER, status=MembershipStatus.ACTIVE
        )
        groups.append(group)
    for colleague in colleagues:
        follow_set(follower=me, target=colleague)
    now = timezone.now()
    topics, events, statuses = [], [], []
    for g, group in enumerate(groups):
        category = Category.objects.create(workspace=group, name="Entraide", slug=f"entraide-{g}")
        calendar = calendar_for_workspace(group)
        for t in range(10):
            topics.append(
                Topic.objects.create(
                    category=category,
                    author=colleagues[t % len(colleagues)],
                    title=f"Question {g}-{t}",
                    last_post_at=now,
                )
            )
        for e in range(5):
            events.append(
                Event.objects.create(
                    calendar=calendar,
                    title=f"Réunion {g}-{e}",
                    start=now + timedelta(days=e + 1),
                    end=now + timedelta(days=e + 1, hours=1),
                    created_by=colleagues[0],
                )
            )
    for i, colleague in enumerate(colleagues * 5):
        statuses.append(StatusPost.objects.create(author=colleague, text=f"Nouvelles {i}"))
    kinds = [
        ("forum.topic", topics),
        ("forum.solution", topics),
        ("calendars.event", events),
        ("network.status", statuses),
        ("workspaces.member", colleagues),
    ]
    types = {key: ContentType.objects.get_for_model(objs[0]) for key, objs in kinds}
    rows = []
    for i in range(FEED_ITEMS):
        kind, objs = kinds[i % len(kinds)]
        subject = objs[(i // len(kinds)) % len(objs)]
        group = groups[i % GROUPS] if kind != "network.status" else None
        rows.append(
            Activity(
                kind=kind,
                actor=colleagues[i % len(colleagues)],
                workspace=group,
                subject_type=types[kind],
                subject_id=str(subject.pk),
                title=f"Élément {i}",
                url="/espace/",
            )
        )
    Activity.objects.bulk_create(rows)
    desktop_arrange(actor=me, workspace=me.personal_workspace, action="reset")
    from extranet.dashboard.selectors import layout

    placed = {p.widget.key for p in layout(me, me.personal_workspace)}
    for widget in offered(me, me.personal_workspace):
        if widget.key not in placed:
            desktop_arrange(actor=me, workspace=me.personal_workspace, action="add", key=widget.key)
    return me


def worker() -> dict:
    start_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from core.activity.selectors import feed_page
    from extranet.dashboard.selectors import layout

    me = _populate()
    client = Client()
    client.force_login(me)
    hx = {"HX-Request": "true"}

    def render(url: str, headers=None) -> float:
        started = time.perf_counter()
        response = client.get(url, headers=headers or {})
        assert response.status_code == 200, (url, response.status_code)
        assert b"data-widget-error" not in response.content, url
        return (time.perf_counter() - started) * 1000

    widgets = [p.widget.key for p in layout(me, me.personal_workspace)]
    measured = {
        "trivial view (baseline)": ("/bench/trivial/", None),
        "empty page in the members' layout": ("/bench/empty-page/", None),
        "desktop page (its frame)": (reverse("dashboard:home"), None),
        "activity feed page": (reverse("network:feed"), None),
    }
    for key in widgets:
        measured[f"widget {key}"] = (reverse("dashboard:widget", args=[key]), hx)

    results: dict = {"widgets_on_desktop": len(widgets), "feed_items": FEED_ITEMS, "pages": {}}
    totals = [0.0] * RENDERS
    for label, (url, headers) in measured.items():
        for _ in range(3):
            render(url, headers)
        times = [render(url, headers) for _ in range(RENDERS)]
        if label == "desktop page (its frame)" or label.startswith("widget "):
            totals = [a + b for a, b in zip(totals, times, strict=True)]
        with CaptureQueriesContext(connection) as queries:
            render(url, headers)
        results["pages"][label] = {
            "queries": len(queries),
            "p50_ms": round(statistics.median(times), 2),
            "p95_ms": round(percentile(times, 95), 2),
        }
    results["pages"]["whole desktop (page + every widget, in sequence)"] = {
        "queries": sum(
            v["queries"]
            for k, v in results["pages"].items()
            if k == "desktop page (its frame)" or k.startswith("widget ")
        ),
        "p50_ms": round(statistics.median(totals), 2),
        "p95_ms": round(percentile(totals, 95), 2),
    }
    counts = {}
    feed_page(me, limit=5)
    for length in (10, 50, 100, 200):
        with CaptureQueriesContext(connection) as queries:
            page = feed_page(me, limit=length)
        counts[length] = {"items": len(page.items), "queries": len(queries)}
    results["feed_queries_by_length"] = counts
    return results


def report(result: dict) -> None:
    pages = result["pages"]
    base = pages["trivial view (baseline)"]["p95_ms"]
    layout = pages["empty page in the members' layout"]["p95_ms"]
    print(
        f"Desktop and feed, SQLite (ms per render, {RENDERS} renders, DEBUG off): "
        f"{result['widgets_on_desktop']} widgets, {GROUPS} groups, "
        f"{result['feed_items']} feed items"
    )
    print(f"  {'request':<54}{'queries':>8}{'p50':>9}{'p95':>9}{'p95 ratio':>16}{'vs layout':>11}")
    for label, figures in pages.items():
        ratio = ""
        if label != "trivial view (baseline)":
            value = figures["p95_ms"] / base
            whole = label.startswith("whole")
            plain = whole or label.startswith(("activity", "empty"))
            ok = "" if plain else (" ✓" if value <= GOAL else " ✗")
            ratio = f"{value:.1f}×{ok}"
        versus = f"{figures['p95_ms'] / layout:.1f}×" if label.startswith("desktop") else ""
        print(
            f"  {label[:53]:<54}{figures['queries']:>8}{figures['p50_ms']:>9.1f}"
            f"{figures['p95_ms']:>9.1f}{ratio:>16}{versus:>11}"
        )
    print(f"  goal: the desktop page and each widget ≤ {GOAL:g}× the trivial view at p95")
    lengths = ", ".join(
        f"{n} → {c['queries']} queries" for n, c in result["feed_queries_by_length"].items()
    )
    print(f"  feed page length → queries: {lengths}")


def run() -> dict:
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / "desktop.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{path}",
        DJANGO_DEBUG="0",
        LOG_LEVEL="WARNING",
        EMAIL_URL="dummymail://",
        MEDIA_ROOT=str(WORK / "media"),
    )
    stdout = subprocess.run(
        [sys.executable, "-m", "bench.desktop", "--worker"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result = json.loads(stdout.strip().splitlines()[-1])
    report(result)
    return result


if __name__ == "__main__":
    if "--worker" in sys.argv:
        print(json.dumps(worker()))
    else:
        print(json.dumps(run(), indent=2))
