"""Render every page for each viewer, counting its queries and timing it."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from tests.walk.data import Demo
from tests.walk.routes import routes, url_for

VIEWERS = ("anonymous", "facilitator", "coordinator")


@dataclass(frozen=True)
class Visit:
    page: str  # the route's name, or "wagtail:<page type>" for a page of the tree
    url: str
    viewer: str
    status: int
    queries: tuple[str, ...]
    ms: float


def pages(demo: Demo, urlconf: str | None = None) -> dict[str, str]:
    """Every page to walk, {url: name}: every named route, and every live Wagtail page."""
    found = {url_for(route, demo, urlconf): route.name for route in routes(urlconf)}
    for page in Page.objects.live().specific().order_by("path"):
        url = page.get_url()
        if url:
            found.setdefault(url, f"wagtail:{type(page).__name__}")
    return found


def clients(demo: Demo) -> dict[str, Client]:
    signed_in = {"facilitator": demo.facilitator, "coordinator": demo.coordinator}
    result = {"anonymous": Client()}
    for viewer, user in signed_in.items():
        result[viewer] = Client()
        result[viewer].force_login(user)
    return result


def visit(client: Client, url: str, *, page: str = "", viewer: str = "") -> Visit:
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(url)
        ms = (time.perf_counter() - started) * 1000
    queries = tuple(q["sql"] for q in captured.captured_queries)
    return Visit(page, url, viewer, response.status_code, queries, ms)


def walk(demo: Demo, urls: dict[str, str]) -> dict[tuple[str, str], Visit]:
    """{(url, viewer): visit} for every page and viewer, each page rendered once.

    What every request shares and caches (the session, the site's root paths, the menus)
    is warmed first by one request per viewer; what a page writes or caches on its first
    view (a read mark, an image rendition) is paid once, so a second walk costs no more.
    """
    result = {}
    for viewer, client in clients(demo).items():
        client.get("/")
        for url, page in urls.items():
            result[url, viewer] = visit(client, url, page=page, viewer=viewer)
    return result
