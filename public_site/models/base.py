"""What every page of the public site shares: the data behind its meta tags, and paging."""

from __future__ import annotations

from typing import Any

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


def paginate(request: HttpRequest, items: Any, per_page: int) -> PaginatorPage:
    """The requested page of `items`; out-of-range or malformed numbers give the nearest
    valid page rather than an error, as links to old pages outlive the content."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))
