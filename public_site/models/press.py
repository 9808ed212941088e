"""The press review: articles about the network in other outlets, newest first."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable, Page
from wagtail.search import index

from public_site.models.base import PublicPageMixin, paginate

ARTICLES_PER_PAGE = 10


class PressReviewPage(PublicPageMixin, Page):
    intro = models.TextField(_("introduction"), max_length=600, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        InlinePanel("articles", label=_("Press article")),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["public_site.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("press review")
        verbose_name_plural = _("press reviews")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        # Readers expect the latest coverage first, whatever order editors typed it in;
        # the editors' order only breaks ties between articles of the same day.
        articles = self.articles.order_by("-date", "sort_order", "pk")
        page_obj = paginate(request, articles, ARTICLES_PER_PAGE)
        context["page_obj"] = page_obj
        context["articles"] = page_obj.object_list
        if page_obj.number > 1:
            context["canonical_url"] = f"{self.get_full_url(request)}?page={page_obj.number}"
        return context


class PressArticle(Orderable):
    page = ParentalKey(PressReviewPage, on_delete=models.CASCADE, related_name="articles")
    title = models.CharField(_("article title"), max_length=255)
    outlet = models.CharField(
        _("outlet"), max_length=120, help_text=_("The newspaper, radio, TV channel or website.")
    )
    date = models.DateField(_("publication date"))
    url = models.URLField(_("address of the article"), max_length=500)
    excerpt = models.TextField(
        _("excerpt"),
        max_length=1000,
        blank=True,
        help_text=_("A short summary or a quotation of the article."),
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("outlet"),
        FieldPanel("date"),
        FieldPanel("url"),
        FieldPanel("excerpt"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("press article")
        verbose_name_plural = _("press articles")

    def __str__(self) -> str:
        return f"{self.title} ({self.outlet})"
