"""What the public site brings to the kernel (core.registry), registered by apps.py."""

from __future__ import annotations

from core import registry
from core.registry import DemoContext


def load_demo(context: DemoContext) -> None:
    from public_site.demo import load_public_demo

    load_public_demo()


NEWS_ON_DESKTOP = 5


def news_widget(request) -> dict:
    """The network's latest news on the desktop (public pages, newest first)."""
    from public_site.models.news import NewsPage

    pages = NewsPage.objects.live().public().order_by("-date", "-pk")[:NEWS_ON_DESKTOP]
    return {"news": [(page, page.get_url(request)) for page in pages]}


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    registry.desktop_widgets.register(
        registry.DesktopWidget(
            "public_site.news",
            _("The network's news"),
            "public_site/widgets/news.html",
            news_widget,
            order=85,
            roles=("member", "facilitator", "administrator", "coordinator"),
            size="small",
        )
    )
    registry.urls.register(registry.Urls("public_site", "", "public_site.urls"))
    # Wagtail's generator lists the site's live, public pages in tree order with their last
    # publication date; each page type may add or drop URLs through `get_sitemap_urls`.
    registry.sitemaps.register(
        registry.Sitemap("pages", "wagtail.contrib.sitemaps.Sitemap", order=10)
    )
    registry.demo_loaders.register(registry.DemoLoader("public_site", load_demo, order=10))
