"""Upcoming public workshops in sitemap.xml."""

from __future__ import annotations

from django.utils import timezone

from calendars.models import Workshop
from core.sitemaps import SiteURLSitemap


class WorkshopSitemap(SiteURLSitemap):
    changefreq = "daily"
    priority = 0.5
    limit = 5000

    def items(self):
        return (
            Workshop.objects.published()
            .upcoming(timezone.now())
            .only("slug", "updated_at")
            .order_by("pk")
        )

    def lastmod(self, workshop: Workshop):
        return workshop.updated_at
