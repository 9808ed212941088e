"""sitemap.xml: the sections the modules registered (`core.registry.sitemaps`): the public
site's live pages, the published places, the upcoming public workshops…

Built on Wagtail's sitemap generator, which needs `django.contrib.sitemaps` (for the
`sitemap.xml` template) in INSTALLED_APPS, but not `wagtail.contrib.sitemaps`.
"""

from __future__ import annotations

from functools import cache

from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.module_loading import import_string
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap

from core import registry


@cache
def sitemap_classes() -> dict[str, type]:
    return {entry.key: import_string(entry.sitemap) for entry in registry.sitemaps}


def sitemap(request: HttpRequest) -> TemplateResponse:
    """The view behind `path("sitemap.xml", sitemap)` in the project's URLs."""
    return wagtail_sitemap(request, sitemaps=sitemap_classes())
