"""What every page of the public site shares: the data behind its meta tags, and paging."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.http import HttpRequest


class PublicPageMixin:
    """Meta-tag data for `public_site/includes/meta.html`.

    Pages answer through methods rather than fields so that each kind picks its own
    description (its introduction) and picture (its main image) without duplicating them
    in the promote tab.
    """

    # OpenGraph type: articles (news) override it.
    og_type = "website"

    def get_meta_description(self) -> str:
        return self.search_description or getattr(self, "intro", "") or ""

    def get_meta_image(self) -> Any | None:
        """A Wagtail image for og:image, or None."""
        return None

    def get_meta_image_alt(self) -> str:
        return ""

    def get_url_parts(self, request: HttpRequest | None = None) -> tuple | None:
        """Absolute links (canonical, sitemap, RSS, og:url, cache purges) start with
        SITE_URL, the address the public uses, not the Wagtail site record's host and port
        (which a proxy or an edit in the admin may leave different)."""
        parts = super().get_url_parts(request)  # type: ignore[misc]
        if parts is None:
            return None
        site_id, _root_url, page_path = parts
        return site_id, settings.SITE_URL, page_path


def paginate(request: HttpRequest, items: Any, per_page: int) -> PaginatorPage:
    """The requested page of `items`; out-of-range or malformed numbers give the nearest
    valid page rather than an error, as links to old pages outlive the content."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))
