"""sitemap.xml: the sections the modules registered (`core.registry.sitemaps`): the public
site's live pages, the published places, the upcoming public workshops…

Built on Wagtail's sitemap generator, which needs `django.contrib.sitemaps` (for the
`sitemap.xml` template) in INSTALLED_APPS, but not `wagtail.contrib.sitemaps`. Addresses
start with SITE_URL, whatever host the request came through (`SiteURLSitemap` for Django
sitemaps; Wagtail's pages get it from `get_url_parts`).
"""

from __future__ import annotations

from functools import cache
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.module_loading import import_string
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap

from core import registry
from core.http_cache import public


class SiteURLSitemap(Sitemap):
    """A Django sitemap whose addresses start with SITE_URL."""

    def get_protocol(self, protocol: str | None = None) -> str:
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc


@cache
def sitemap_classes() -> dict[str, type]:
    return {entry.key: import_string(entry.sitemap) for entry in registry.sitemaps}


@public(language=False)
def sitemap(request: HttpRequest) -> TemplateResponse:
    """The view behind `path("sitemap.xml", sitemap)` in the project's URLs."""
    return wagtail_sitemap(request, sitemaps=sitemap_classes())
