"""Forget the cached public menus whenever what they show may have changed.

Wagtail's own events first (publishing, unpublishing, moving, a slug changed), then the
model signals that catch what Wagtail's actions do not announce: a page saved or deleted
by code (a live page added with `add_child`, a tree deleted), a site changed, a section
made private or public again.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction, Site, get_page_models
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from public_site.cache import purge_pages_around
from public_site.selectors import forget_public_menus


def _forget(**_kwargs) -> None:
    forget_public_menus()


def connect() -> None:
    # A shared cache in front (FRONTEND_CACHE_PURGE_URL) forgets the pages around a page.
    page_published.connect(purge_pages_around, dispatch_uid="public_site_purge_published")
    page_unpublished.connect(purge_pages_around, dispatch_uid="public_site_purge_unpublished")
    wagtail_signals = {
        "published": page_published,
        "unpublished": page_unpublished,
        "slug_changed": page_slug_changed,
        "moved": post_page_move,
    }
    for name, signal in wagtail_signals.items():
        signal.connect(_forget, dispatch_uid=f"public_site.menus.{name}")
    # Per model, never for every sender: a post_delete receiver for all models would turn
    # every bulk delete of the project into a delete row by row.
    for model in {Page, *get_page_models(), Site, PageViewRestriction}:
        uid = f"public_site.menus.{model._meta.label}"
        post_save.connect(_forget, sender=model, dispatch_uid=uid)
        post_delete.connect(_forget, sender=model, dispatch_uid=uid)
