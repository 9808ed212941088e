"""Thematic dossiers: studies, presentations and press kits, with downloadable documents."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.documents import get_document_model_string
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from public_site.blocks import BodyBlock
from public_site.models.base import PublicPageMixin


class DossierKind(models.TextChoices):
    STUDY = "study", _("Study")
    PRESENTATION = "presentation", _("Presentation")
    PRESS_KIT = "press_kit", _("Press kit")


class DossierIndexPage(PublicPageMixin, Page):
    intro = models.TextField(_("introduction"), max_length=600, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["public_site.HomePage"]
    subpage_types = ["public_site.DossierPage"]

    class Meta:
        verbose_name = _("dossier index")
        verbose_name_plural = _("dossier indexes")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        dossiers = (
            DossierPage.objects.live()
            .public()
            .child_of(self)
            .defer_streamfields()
            .order_by("-date", "title")
        )
        # `?kind=study` narrows the list; an unknown kind shows everything.
        kind = request.GET.get("kind", "")
        if kind in DossierKind.values:
            dossiers = dossiers.filter(kind=kind)
            context["canonical_url"] = f"{self.get_full_url(request)}?kind={kind}"
        else:
            kind = ""
        context["dossiers"] = dossiers
        context["current_kind"] = kind
        context["kinds"] = DossierKind.choices
        return context


class DossierPage(PublicPageMixin, Page):
    kind = models.CharField(_("kind"), max_length=20, choices=DossierKind.choices)
    date = models.DateField(_("publication date"), default=timezone.localdate)
    intro = models.TextField(
        _("introduction"),
        max_length=600,
        help_text=_("What the dossier is about, shown in the list of dossiers."),
    )
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("kind"),
        FieldPanel("date"),
        FieldPanel("intro"),
        FieldPanel("body"),
        InlinePanel("documents", label=_("Document")),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("kind"),
    ]

    parent_page_types = ["public_site.DossierIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["documents"] = self.documents.select_related("document")
        return context


class DossierDocument(Orderable):
    """A downloadable file of a dossier, with a sentence saying what is in it."""

    page = ParentalKey(DossierPage, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey(
        get_document_model_string(),
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    description = models.CharField(_("description"), max_length=300)

    panels = [FieldPanel("document"), FieldPanel("description")]

    class Meta(Orderable.Meta):
        verbose_name = _("dossier document")
        verbose_name_plural = _("dossier documents")

    def __str__(self) -> str:
        return self.description

    @property
    def file_format(self) -> str:
        """The format readers need to know before downloading: "PDF", "CSV"…"""
        return self.document.file_extension.upper()

    @property
    def file_size(self) -> int | None:
        # Wagtail fills file_size on upload through the admin; get_file_size() measures
        # (and stores) it for documents created otherwise.
        return self.document.get_file_size()
