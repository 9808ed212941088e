"""Reads shared by the public site's pages, template tags, feed and sitemap, with their
joins and prefetches built in (lists must not grow a query per item)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q, QuerySet, Subquery
from django.http import HttpRequest
from django.http.request import split_domain_port
from django.urls import reverse
from django.utils.translation import get_language, get_supported_language_variant
from taggit.models import Tag
from wagtail.images import get_image_model
from wagtail.images.models import Filter
from wagtail.models import Page, Site
from wagtail.models.sites import (
    MATCH_DEFAULT,
    MATCH_HOSTNAME,
    MATCH_HOSTNAME_DEFAULT,
    MATCH_HOSTNAME_PORT,
)

from public_site.models import HomePage, NewsPage

# The renditions of a news image in lists (news_card.html: `{% picture … fill-{400x210,
# 800x420} format-{webp,jpeg} %}`, WebP with a JPEG fallback, for small and large screens),
# prefetched here so that a list does not query once per item. og:image uses fill-1200x630.
NEWS_CARD_RENDITIONS = Filter.expand_spec(["fill-{400x210,800x420}", "format-{webp,jpeg}"])


def live_news(*, within: Page) -> QuerySet[NewsPage]:
    """Live, public news pages under `within`, newest first, with tags and images."""
    images = get_image_model().objects.prefetch_renditions(*NEWS_CARD_RENDITIONS)
    return (
        NewsPage.objects.live()
        .public()
        .descendant_of(within)
        .defer_streamfields()
        .prefetch_related("tags", Prefetch("main_image", queryset=images))
        .order_by("-date", "-first_published_at", "-pk")
    )


def latest_news(*, within: Page, limit: int) -> QuerySet[NewsPage]:
    return live_news(within=within)[:limit]


def tags_of(news: QuerySet[NewsPage]) -> QuerySet[Tag]:
    """Tags used by at least one of these news pages, by name."""
    return (
        Tag.objects.filter(public_site_newspagetag_items__content_object__in=news.values("pk"))
        .distinct()
        .order_by("name")
    )


@dataclass(frozen=True)
class MenuItem:
    title: str
    url: str
    active: bool = False


@dataclass(frozen=True)
class PublicMenu:
    items: list[MenuItem] = field(default_factory=list)
    charter: MenuItem | None = None


@dataclass(frozen=True)
class _SiteAddress:
    """What Wagtail matches a request against (`Site.find_for_request`)."""

    id: int
    hostname: str
    port: int
    is_default_site: bool


@dataclass(frozen=True)
class _Entry:
    title: str
    url: str
    in_menu: bool
    is_charter: bool


# The menus of every site, per language, as the cache holds them: (sites, {site id: entries}).
_Menus = tuple[tuple[_SiteAddress, ...], dict[int, tuple[_Entry, ...]]]

# The menus are rebuilt when a page is published, unpublished, moved, renamed or deleted, a
# site or a page's privacy changes (public_site/signals.py). The timeout only bounds how long
# a change made by another process with its own local-memory cache (no REDIS_URL) can take.
MENU_CACHE_SECONDS = 600
MENU_CACHE_PREFIX = "public_site:menus:"
SITES_CACHE_KEY = "public_site:sites"


def _is_active(url: str, current: str) -> bool:
    return current == url or (url != "/" and current.startswith(url))


def menu_cache_keys() -> list[str]:
    """Every key the sites and their menus are cached under (see `forget_public_menus`)."""
    codes = {code for code, _name in settings.LANGUAGES} | {settings.LANGUAGE_CODE}
    return [SITES_CACHE_KEY] + [MENU_CACHE_PREFIX + code for code in sorted(codes)]


def _language() -> str:
    try:
        return get_supported_language_variant(get_language() or settings.LANGUAGE_CODE)
    except LookupError:
        return settings.LANGUAGE_CODE


def public_menu(request: HttpRequest | None) -> PublicMenu:
    """The menu of the site serving `request`: its home page's children marked "show in
    menus" that anyone may see, in tree order, and the charter page chosen on the home page.

    The menu is on every page of the platform, extranet included, so it comes from the cache
    (per language; built for every site at once) without a query, and is memoised on the
    request for the header and the footer. Only which item is the current page is worked
    out per request. Empty when no site or home page exists yet.
    """
    cached = getattr(request, "_public_site_menu", None)
    if cached is not None:
        return cached
    sites, menus = _menus()
    site = _site_for(request, sites)
    current = request.path if request is not None else ""
    items: list[MenuItem] = []
    charter = None
    for entry in menus.get(site.id, ()) if site else ():
        item = MenuItem(entry.title, entry.url, _is_active(entry.url, current))
        if entry.in_menu:
            items.append(item)
        if entry.is_charter:
            charter = item
    menu = PublicMenu(items, charter)
    if request is not None:
        request._public_site_menu = menu
    return menu


def _menus() -> _Menus:
    key = MENU_CACHE_PREFIX + _language()
    menus = cache.get(key)
    if menus is None:
        menus = _build_menus()
        cache.set(key, menus, MENU_CACHE_SECONDS)
    return menus


def _site_for(request: HttpRequest | None, sites: tuple[_SiteAddress, ...]) -> _SiteAddress | None:
    known = getattr(request, "_wagtail_site", False)  # Wagtail's pages have looked it up
    if known is not False:
        return next((s for s in sites if known and s.id == known.id), None)
    if request is None:
        return next((s for s in sites if s.is_default_site), None)
    return _match(request, sites)


S = TypeVar("S", _SiteAddress, Site)


def _match(request: HttpRequest, sites: Sequence[S]) -> S | None:
    """The site Wagtail would serve `request` from, among `sites`, by the rules of
    `Site.find_for_request` (wagtail.models.sites.get_site_for_hostname), without a query."""
    hostname = split_domain_port(request._get_raw_host())[0]
    port = int(request.get_port())

    def match(site: S) -> int:
        if site.hostname == hostname:
            if site.port == port:
                return MATCH_HOSTNAME_PORT
            return MATCH_HOSTNAME_DEFAULT if site.is_default_site else MATCH_HOSTNAME
        return MATCH_DEFAULT

    candidates = sorted(
        (s for s in sites if s.hostname == hostname or s.is_default_site), key=match
    )
    if not candidates:
        return None
    best = match(candidates[0])
    if len(candidates) == 1 or best in (MATCH_HOSTNAME_PORT, MATCH_HOSTNAME_DEFAULT):
        return candidates[0]
    if best == MATCH_DEFAULT:
        # The default site for another hostname, unless exactly one site has this hostname.
        return candidates[len(candidates) == 2]
    return None


def site_for_request(request: HttpRequest) -> Site | None:
    """`Site.find_for_request(request)` from the cache: the sites with their root page
    (as Wagtail's lookup selects it), forgotten with the menus."""
    sites = cache.get(SITES_CACHE_KEY)
    if sites is None:
        sites = list(Site.objects.select_related("root_page").order_by("pk"))
        cache.set(SITES_CACHE_KEY, sites, MENU_CACHE_SECONDS)
    return _match(request, sites)


def _build_menus() -> _Menus:
    sites = tuple(
        _SiteAddress(*row)
        for row in Site.objects.order_by("pk").values_list(
            "id", "hostname", "port", "is_default_site"
        )
    )
    # One query for the private sections, shared by every site's menu: a cached menu is the
    # same for everyone, so it lists only pages anyone may see.
    private = Page.objects.private_q() if sites else Q()
    return sites, {site.id: _build_menu(site.id, private) for site in sites}


def _build_menu(site_id: int, private: Q) -> tuple[_Entry, ...]:
    # Everything hangs off the site's root page, found by subqueries so that the menu
    # pages and the charter page come back in a single round trip.
    root_id = Site.objects.filter(pk=site_id).values("root_page_id")[:1]
    root = Page.objects.filter(pk=Subquery(root_id))
    charter_id = HomePage.objects.filter(pk=Subquery(root_id)).values("charter_page_id")[:1]
    in_menu = Q(
        path__startswith=Subquery(root.values("path")[:1]),
        depth=Subquery(root.values("depth")[:1]) + 1,
        show_in_menus=True,
    )
    is_charter = Q(pk=Subquery(charter_id))
    pages = (
        Page.objects.filter(in_menu | is_charter, live=True)
        .exclude(private)
        .annotate(
            root_url_path=Subquery(root.values("url_path")[:1]),
            in_menu=ExpressionWrapper(in_menu, BooleanField()),
            is_charter=ExpressionWrapper(is_charter, BooleanField()),
        )
        .order_by("path")
        .only("title", "url_path")
    )
    entries = []
    for page in pages:
        if not page.url_path.startswith(page.root_url_path):
            continue  # a charter page chosen outside the site has no URL on it
        # The URL from the tree alone: no site-root-paths lookup, so no query per item.
        url = reverse("wagtail_serve", args=[page.url_path[len(page.root_url_path) :]])
        entries.append(_Entry(page.title, url, bool(page.in_menu), bool(page.is_charter)))
    return tuple(entries)


def forget_public_menus() -> None:
    """Drop the cached menus now and, if in a transaction, again once it commits (a request
    served meanwhile may have cached what the transaction had not yet written)."""
    cache.delete_many(menu_cache_keys())
    transaction.on_commit(lambda: cache.delete_many(menu_cache_keys()))
