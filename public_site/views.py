"""The public search: one box over pages, news, dossiers and places."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from wagtail.models import Page

from core import registry
from core.http_cache import public
from public_site.models import (
    DossierIndexPage,
    DossierPage,
    NewsIndexPage,
    NewsPage,
    PressReviewPage,
)

PER_PAGE = 20
# Enough to fill many pages; a search that matches more should be narrowed.
MAX_PER_KIND = 200
MAX_QUERY = 200

# The site's own kinds of page; the modules' public search kinds (places…) follow them.
PAGE_TYPES = {
    "page": _("Page"),
    "news": _("News"),
    "dossier": _("Dossier"),
    "press": _("Press review"),
}


def search_types() -> dict:
    public_kinds = {kind.key: kind.label for kind in registry.search_kinds if kind.public}
    return {**PAGE_TYPES, **public_kinds}


@dataclass
class Result:
    kind: str
    title: str
    url: str
    excerpt: str
    score: float
    kind_label: str = ""


def _page_kind(page: Page) -> str:
    if isinstance(page, NewsPage | NewsIndexPage):
        return "news"
    if isinstance(page, DossierPage | DossierIndexPage):
        return "dossier"
    if isinstance(page, PressReviewPage):
        return "press"
    return "page"


def _page_results(query: str, request: HttpRequest) -> list[Result]:
    # Specific pages come per page type, not per page (their intro is the excerpt); the
    # request keeps the sites' root paths for every URL.
    pages = (
        Page.objects.live()
        .public()
        .exclude(depth=1)
        .defer_streamfields()
        .specific()
        .search(query)
        .annotate_score("score")
    )[:MAX_PER_KIND]
    results = []
    for page in pages:
        excerpt = page.search_description or getattr(page, "intro", "") or ""
        url = page.get_url(request=request) or ""
        results.append(Result(_page_kind(page), page.title, url, str(excerpt), page.score))
    return results


def clean_query(raw: str) -> str:
    """Words only: quotes, brackets and operators would be read as full-text syntax."""
    words = re.sub(r"[^\w'’-]+", " ", raw[:MAX_QUERY])
    return " ".join(w.strip("'’-") for w in words.split() if w.strip("'’-"))


@public
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = clean_query(request.GET.get("q", ""))
    types = search_types()
    kind = request.GET.get("type", "")
    if kind not in types:
        kind = ""
    results: list[Result] = []
    if query:
        if kind in ("", *PAGE_TYPES):
            results += [r for r in _page_results(query, request) if kind in ("", r.kind)]
        for search_kind in registry.search_kinds:
            if search_kind.public and kind in ("", search_kind.key):
                results += [
                    Result(r.kind, r.title, r.url, r.excerpt, r.score)
                    for r in search_kind.search(request.user, query)
                ]
        for result in results:
            result.kind_label = str(types[result.kind])
        results.sort(key=lambda r: r.score, reverse=True)
    page = Paginator(results, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "public_site/search.html",
        {
            "query": query,
            "kind": kind,
            "types": types.items(),
            "page_obj": page,
            "results": page.object_list,
            "count": len(results),
        },
    )


# What crawlers may visit: the public site, not the members' area, sign-in, personal links
# (registrations, surveys, private calendar feeds) or the language switch.
ROBOTS_DISALLOW = [
    "/admin/",
    "/comptes/",
    "/espace/",
    "/i18n/",
    "/invitation/",
    "/ateliers/inscription/",
    "/ateliers/avis/",
    "/agenda/flux/",
]


@public(language=False)
@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    """robots.txt, naming the sitemap at its public address (SITE_URL)."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW)]
    lines += ["", f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
