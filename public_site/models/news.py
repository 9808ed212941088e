"""News: an index (paginated, filtered by tag, with an RSS feed) and its news pages."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.images import get_image_model_string
from wagtail.models import Page
from wagtail.search import index

from core.tags import validate_tag_names
from public_site.blocks import BodyBlock
from public_site.models.base import PublicPageMixin, paginate

NEWS_PER_PAGE = 10
FEED_ITEMS = 20


class NewsIndexPage(RoutablePageMixin, PublicPageMixin, Page):
    """Lists its news pages, newest first; `tag/<slug>/` filters them, `rss/` is the feed."""

    intro = models.TextField(_("introduction"), max_length=600, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["public_site.HomePage"]
    subpage_types = ["public_site.NewsPage"]

    class Meta:
        verbose_name = _("news index")
        verbose_name_plural = _("news indexes")

    def get_cached_paths(self) -> list[str]:
        # What a shared cache keeps under this page and must forget when a news changes.
        return ["/", "/" + self.reverse_subpage("rss")]

    def news(self) -> models.QuerySet[NewsPage]:
        from public_site.selectors import live_news

        return live_news(within=self)

    def tag_url(self, slug: str, request: HttpRequest | None = None) -> str:
        return self.get_url(request) + self.reverse_subpage("tag", kwargs={"tag": slug})

    def feed_url(self, request: HttpRequest | None = None) -> str:
        return self.get_full_url(request) + self.reverse_subpage("rss")

    def _listing(self, request: HttpRequest, tag: Tag | None = None) -> TemplateResponse:
        from public_site.selectors import tags_of

        news = self.news()
        page_obj = paginate(request, news.filter(tags=tag) if tag else news, NEWS_PER_PAGE)
        canonical = self.get_full_url(request)
        if tag is not None:
            canonical += self.reverse_subpage("tag", kwargs={"tag": tag.slug})
        if page_obj.number > 1:
            canonical += f"?page={page_obj.number}"
        tags = [(t, self.tag_url(t.slug, request)) for t in tags_of(news)]
        return self.render(
            request,
            context_overrides={
                "page_obj": page_obj,
                "news_list": page_obj.object_list,
                "tags": tags,
                "current_tag": tag,
                "canonical_url": canonical,
                "feed_url": self.feed_url(request),
            },
        )

    @path("", name="index")
    def index_route(self, request: HttpRequest) -> TemplateResponse:
        return self._listing(request)

    # `str`, not `slug`: taggit keeps accents in slugs ("inclusion-numérique").
    @path("tag/<str:tag>/", name="tag")
    def tag_route(self, request: HttpRequest, tag: str) -> TemplateResponse:
        found = Tag.objects.filter(slug=tag).first()
        if found is None:
            raise Http404
        return self._listing(request, found)

    @path("rss/", name="rss")
    def rss_route(self, request: HttpRequest) -> HttpResponse:
        """RSS 2.0: absolute links (readers fetch them out of context), live public pages
        only (the selector filters them)."""
        link = self.get_full_url(request)
        feed = Rss201rev2Feed(
            title=self.title,
            link=link,
            description=self.get_meta_description() or self.title,
            language=get_language(),
            feed_url=self.feed_url(request),
        )
        for news in self.news()[:FEED_ITEMS]:
            url = news.get_full_url(request)
            feed.add_item(
                title=news.title,
                link=url,
                description=news.intro,
                unique_id=url,
                unique_id_is_permalink=True,
                pubdate=news.published_at(),
                categories=[tag.name for tag in news.tags.all()],
            )
        response = HttpResponse(content_type=feed.content_type)
        feed.write(response, "utf-8")
        return response


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "public_site.NewsPage", on_delete=models.CASCADE, related_name="tagged_items"
    )

    class Meta:
        verbose_name = _("news tag")
        verbose_name_plural = _("news tags")


class NewsPageForm(WagtailAdminPageForm):
    """The admin's form of a news page: a tag needs a letter or digit (core.tags)."""

    def clean_tags(self):
        names = self.cleaned_data.get("tags") or []
        validate_tag_names(names, Tag)
        return names


class NewsPage(PublicPageMixin, Page):
    date = models.DateField(_("date"), default=timezone.localdate)
    intro = models.TextField(
        _("introduction"),
        max_length=400,
        help_text=_("One or two sentences, shown in lists and in the RSS feed."),
    )
    main_image = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("main image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    main_image_alt = models.CharField(
        _("alternative text of the main image"),
        max_length=250,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it. Required with an image."),
    )
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)
    tags = ClusterTaggableManager(through=NewsPageTag, blank=True, verbose_name=_("tags"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("main_image"), FieldPanel("main_image_alt")], heading=_("Main image")
        ),
        FieldPanel("body"),
        FieldPanel("tags"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]

    parent_page_types = ["public_site.NewsIndexPage"]
    subpage_types: list[str] = []
    og_type = "article"
    base_form_class = NewsPageForm

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news items")

    def clean(self) -> None:
        super().clean()
        if self.main_image_id and not self.main_image_alt.strip():
            raise ValidationError(
                {"main_image_alt": _("Describe the main image for people who cannot see it.")}
            )
        try:
            validate_tag_names([tag.name for tag in self.tags.all()], Tag)
        except ValidationError as refused:
            raise ValidationError({"tags": refused.messages}) from None

    def get_meta_image(self) -> Any | None:
        return self.main_image

    def get_meta_image_alt(self) -> str:
        return self.main_image_alt

    def published_at(self) -> datetime:
        """The news date as an aware datetime (feeds need one): midnight, local time."""
        return timezone.make_aware(datetime.combine(self.date, time.min))

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        index_page = self.get_parent().specific
        context["news_index"] = index_page
        context["tag_links"] = [
            (tag, index_page.tag_url(tag.slug, request)) for tag in self.tags.all()
        ]
        return context
