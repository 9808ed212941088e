"""The published places in sitemap.xml."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap

from geodirectory.models import Place


class PlaceSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6
    limit = 5000

    def items(self):
        return Place.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, place: Place):
        return place.updated_at
