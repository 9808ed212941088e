"""Shared caches in front learn which pages changed when a page is published or unpublished.

Wagtail's front-end cache app purges the page itself; the lists that show it change too:
its parent (the news index and its RSS feed, the dossiers…), a news item's tag pages, and
the home page (latest news, menu). Connected to Wagtail's signals in `apps.py`: pages are
published by Wagtail's own code (admin, revisions, scheduled publishing), not ours.
"""

from __future__ import annotations

from typing import Any

from wagtail.models import Page

from core.http_cache import purge_on_commit


def _path(page: Page) -> str | None:
    parts = page.get_url_parts()
    return parts[2] if parts else None


def pages_around(page: Page) -> list[str]:
    """The paths of the pages that list `page` (its own is Wagtail's business)."""
    from public_site.models import NewsIndexPage, NewsPage

    paths = ["/"]
    parent = page.get_parent()
    if parent is None:
        return paths
    parent = parent.specific
    parent_path = _path(parent)
    if parent_path is None:
        return paths
    paths += [parent_path + cached.lstrip("/") for cached in parent.get_cached_paths()]
    if isinstance(page, NewsPage) and isinstance(parent, NewsIndexPage):
        paths += [
            parent_path + parent.reverse_subpage("tag", kwargs={"tag": tag.slug})
            for tag in page.tags.all()
        ]
    return paths


def purge_pages_around(sender: Any, instance: Page, **kwargs: Any) -> None:
    """page_published / page_unpublished receiver."""
    from public_site.models.base import PublicPageMixin

    page = instance.specific
    if isinstance(page, PublicPageMixin):
        purge_on_commit(lambda: pages_around(page))
