"""What the public site brings to the kernel (core.registry), registered by apps.py."""

from __future__ import annotations

from core import registry
from core.registry import DemoContext


def load_demo(context: DemoContext) -> None:
    from public_site.demo import load_public_demo

    load_public_demo()


def register() -> None:
    registry.urls.register(registry.Urls("public_site", "", "public_site.urls"))
    # Wagtail's generator lists the site's live, public pages in tree order with their last
    # publication date; each page type may add or drop URLs through `get_sitemap_urls`.
    registry.sitemaps.register(
        registry.Sitemap("pages", "wagtail.contrib.sitemaps.Sitemap", order=10)
    )
    registry.demo_loaders.register(registry.DemoLoader("public_site", load_demo, order=10))
