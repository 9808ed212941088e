"""The home page: the network in a few words, key figures, latest news, the place search."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from public_site.models.base import PublicPageMixin

# How many news items the home page shows.
HOME_NEWS_COUNT = 3


class HomePage(PublicPageMixin, Page):
    intro = models.TextField(
        _("introduction"),
        max_length=600,
        blank=True,
        help_text=_("The network in a few words, shown under the title."),
    )
    body = RichTextField(_("body"), blank=True)
    charter_page = models.ForeignKey(
        "public_site.StandardPage",
        verbose_name=_("charter page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The network's charter, linked from the footer of every page."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("body"),
        MultiFieldPanel(
            [InlinePanel("key_figures", label=_("Key figure"), max_num=8)],
            heading=_("Key figures"),
        ),
        FieldPanel("charter_page"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "public_site.StandardPage",
        "public_site.NewsIndexPage",
        "public_site.PressReviewPage",
        "public_site.DossierIndexPage",
    ]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from public_site.models.news import NewsIndexPage
        from public_site.selectors import latest_news

        context = super().get_context(request, *args, **kwargs)
        context["key_figures"] = list(self.key_figures.all())
        context["latest_news"] = list(latest_news(within=self, limit=HOME_NEWS_COUNT))
        context["news_index"] = NewsIndexPage.objects.live().public().child_of(self).first()
        return context


class HomeKeyFigure(Orderable):
    """A number and what it counts ("23" / "espaces publics numériques")."""

    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="key_figures")
    # Text, not an integer: editors write "2 500", "9" or "+30 %" as they should be read.
    number = models.CharField(_("number"), max_length=20)
    label = models.CharField(_("label"), max_length=120)

    panels = [FieldPanel("number"), FieldPanel("label")]

    class Meta(Orderable.Meta):
        verbose_name = _("key figure")
        verbose_name_plural = _("key figures")

    def __str__(self) -> str:
        return f"{self.number} {self.label}"
