"""sitemap.xml: every live, public page of the Wagtail site that answers the request, and
every published place of the directory and every upcoming public workshop.

Built on Wagtail's sitemap generator, which needs `django.contrib.sitemaps` (for the
`sitemap.xml` template) in INSTALLED_APPS, but not `wagtail.contrib.sitemaps`.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.template.response import TemplateResponse
from wagtail.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap

from calendars.sitemaps import WorkshopSitemap
from geodirectory.sitemaps import PlaceSitemap

# Wagtail's generator lists the site's live, public pages in tree order with their last
# publication date; each page type may add or drop URLs through `get_sitemap_urls`.
SITEMAPS = {"pages": Sitemap, "places": PlaceSitemap, "workshops": WorkshopSitemap}


def sitemap(request: HttpRequest) -> TemplateResponse:
    """The view behind `path("sitemap.xml", sitemap)` in the project's URLs."""
    return wagtail_sitemap(request, sitemaps=SITEMAPS)
