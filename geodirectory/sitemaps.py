"""The published places in sitemap.xml."""

from __future__ import annotations

from core.sitemaps import SiteURLSitemap
from geodirectory.models import Place


class PlaceSitemap(SiteURLSitemap):
    changefreq = "weekly"
    priority = 0.6
    limit = 5000

    def items(self):
        return Place.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, place: Place):
        return place.updated_at
