"""Standard pages: the programme, the network's charter, and any other editorial page."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from public_site.blocks import BodyBlock
from public_site.models.base import PublicPageMixin


class StandardPage(PublicPageMixin, Page):
    intro = models.TextField(
        _("introduction"),
        max_length=600,
        blank=True,
        help_text=_("A short summary, shown under the title and in search results."),
    )
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["public_site.HomePage", "public_site.StandardPage"]
    subpage_types = ["public_site.StandardPage"]

    class Meta:
        verbose_name = _("standard page")
        verbose_name_plural = _("standard pages")
