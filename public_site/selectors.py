"""Reads shared by the public site's pages, template tags, feed and sitemap, with their
joins and prefetches built in (lists must not grow a query per item)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q, QuerySet, Subquery
from django.http import HttpRequest
from django.urls import reverse
from taggit.models import Tag
from wagtail.images import get_image_model
from wagtail.images.models import Filter
from wagtail.models import Page, Site

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


def _is_active(url: str, current: str) -> bool:
    return current == url or (url != "/" and current.startswith(url))


def public_menu(request: HttpRequest | None) -> PublicMenu:
    """The default site's menu: its home page's children marked "show in menus", in tree
    order, and the charter page chosen on the home page.

    One query, memoised on the request so that the header and the footer share it: the
    menu is on every page of the platform, extranet included. Empty when no site or home
    page exists yet.
    """
    cached = getattr(request, "_public_site_menu", None)
    if cached is not None:
        return cached
    menu = _build_public_menu(request.path if request is not None else "")
    if request is not None:
        request._public_site_menu = menu
    return menu


def _build_public_menu(current_path: str) -> PublicMenu:
    # Everything hangs off the default site's root page, found by subqueries so that the
    # menu pages and the charter page come back in a single round trip.
    root_id = Site.objects.filter(is_default_site=True).values("root_page_id")[:1]
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
        .annotate(
            root_url_path=Subquery(root.values("url_path")[:1]),
            in_menu=ExpressionWrapper(in_menu, BooleanField()),
            is_charter=ExpressionWrapper(is_charter, BooleanField()),
        )
        .order_by("path")
        .only("title", "url_path")
    )
    items: list[MenuItem] = []
    charter = None
    for page in pages:
        if not page.url_path.startswith(page.root_url_path):
            continue  # a charter page chosen outside the site has no URL on it
        # The URL from the tree alone: no site-root-paths lookup, so no query per item.
        url = reverse("wagtail_serve", args=[page.url_path[len(page.root_url_path) :]])
        item = MenuItem(page.title, url, _is_active(url, current_path))
        if page.in_menu:
            items.append(item)
        if page.is_charter:
            charter = item
    return PublicMenu(items, charter)
