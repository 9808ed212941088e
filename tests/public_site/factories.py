"""Builders for the public site's pages, through Wagtail's page-creation API (pages are
tree nodes: `add_child`, then a published revision, as editors do)."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any, TypeVar

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from public_site.models import (
    DossierDocument,
    DossierIndexPage,
    DossierPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    PressArticle,
    PressReviewPage,
    StandardPage,
)

P = TypeVar("P", bound=Page)


def publish(parent: Page, page: P, *, live: bool = True) -> P:
    parent.add_child(instance=page)
    revision = page.save_revision()
    if live:
        revision.publish()
    else:
        page.unpublish()
    return page


def home_page(**fields: Any) -> HomePage:
    """The home page, made the default site's root (as load_demo does)."""
    fields.setdefault("title", "Le réseau des espaces publics numériques")
    fields.setdefault("slug", "accueil")
    fields.setdefault("intro", "Trouvez le lieu le plus proche de chez vous.")
    home = Page.get_first_root_node().add_child(instance=HomePage(**fields))
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    return home


def image(title: str = "Bannière", size: tuple[int, int] = (320, 180)) -> Any:
    output = io.BytesIO()
    PILImage.new("RGB", size, "#00557f").save(output, format="PNG")
    return get_image_model().objects.create(
        title=title,
        file=ImageFile(io.BytesIO(output.getvalue()), name="banniere.png"),
        width=size[0],
        height=size[1],
    )


def document(title: str, filename: str, data: bytes) -> Any:
    return get_document_model().objects.create(
        title=title, file=ContentFile(data, name=filename), file_size=len(data)
    )


def standard_page(parent: Page, **fields: Any) -> StandardPage:
    fields.setdefault("title", "Le programme")
    fields.setdefault("slug", "le-programme")
    return publish(parent, StandardPage(**fields))


def news_index(home: HomePage, **fields: Any) -> NewsIndexPage:
    fields.setdefault("title", "Actualités")
    fields.setdefault("slug", "actualites")
    return publish(home, NewsIndexPage(**fields))


def news(
    index: NewsIndexPage,
    title: str,
    *,
    days_ago: int = 0,
    tags: tuple[str, ...] = (),
    live: bool = True,
    **fields: Any,
) -> NewsPage:
    fields.setdefault("intro", f"Résumé : {title}.")
    fields.setdefault("date", date(2026, 11, 1) - timedelta(days=days_ago))
    page = NewsPage(title=title, **fields)
    page.tags.add(*tags)
    return publish(index, page, live=live)


def press_review(home: HomePage, articles: list[dict[str, Any]], **fields: Any) -> PressReviewPage:
    fields.setdefault("title", "Revue de presse")
    fields.setdefault("slug", "revue-de-presse")
    page = PressReviewPage(**fields)
    page.articles = [PressArticle(**article) for article in articles]
    return publish(home, page)


def dossier_index(home: HomePage, **fields: Any) -> DossierIndexPage:
    fields.setdefault("title", "Dossiers")
    fields.setdefault("slug", "dossiers")
    return publish(home, DossierIndexPage(**fields))


def dossier(index: DossierIndexPage, documents: list[tuple[Any, str]] = (), **fields: Any):
    fields.setdefault("title", "Étude")
    fields.setdefault("kind", "study")
    fields.setdefault("intro", "Une étude.")
    page = DossierPage(**fields)
    page.documents = [DossierDocument(document=d, description=text) for d, text in documents]
    return publish(index, page)
