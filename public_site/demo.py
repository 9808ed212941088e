"""Demo content of the public site, in French, drawn from the real story of places like the
network's: the 23 EPN of the Pays de Montbéliard, the Lot's departmental platform, the 16
*espaces de pratiques numériques* of Saint-Étienne, the fablab and repair café of
Bras-sur-Meuse.

`load_public_demo()` is idempotent: it creates what is missing under the home page and
leaves alone any page that already exists (matched by slug), so editors' changes survive a
reload. The texts are in `demo_content`; pictures and documents are generated in memory
(`demo_files`).

The press review is demonstration material: its entries summarise the kind of coverage such
places receive, link to each outlet's home page rather than to invented articles, and
quote nobody.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any, TypeVar
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from public_site.demo_content import (
    CHARTER_INTRO,
    DOSSIERS,
    HOME_INTRO,
    HOME_SLUG,
    HOME_TITLE,
    KEY_FIGURES,
    NEWS,
    PRESS,
    PRESS_INTRO,
    PROGRAMME_BODY,
    PROGRAMME_INTRO,
    News,
    charter_body,
    charter_pdf,
)
from public_site.demo_files import BANNER_COLOURS, BANNER_SIZE, banner_png
from public_site.models import (
    DossierDocument,
    DossierIndexPage,
    DossierPage,
    HomeKeyFigure,
    HomePage,
    NewsIndexPage,
    NewsPage,
    PressArticle,
    PressReviewPage,
    StandardPage,
)

P = TypeVar("P", bound=Page)


def load_public_demo() -> None:
    """Build (or complete) the demo public site under the home page."""
    with transaction.atomic():
        home = _home_page()
        _standard_page(home, "le-programme", "Le programme", PROGRAMME_INTRO, PROGRAMME_BODY)
        news_index = _news_index(home)
        if news_index is not None:
            for position, news in enumerate(NEWS):
                _news_page(news_index, news, BANNER_COLOURS[position % len(BANNER_COLOURS)])
        _press_review(home)
        _dossiers(home)
        charter = _charter_page(home)
        _home_extras(home, charter)


def _home_page() -> HomePage:
    """The existing home page, or one made the default site's root as `load_demo` does."""
    home = HomePage.objects.first()
    if home is not None:
        return home
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title=HOME_TITLE, slug=HOME_SLUG, intro=HOME_INTRO))
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(root_page=home, is_default_site=True, **_site_address())
    else:
        old_root = site.root_page
        site.root_page = home
        site.site_name = "Maillage"
        for name, value in _site_address().items():
            setattr(site, name, value)
        site.save()
        # Wagtail's placeholder "Welcome" page is of no use once the home page replaces it.
        if old_root.specific_class is Page and old_root.depth == 2:
            old_root.delete()
    return home


def _site_address() -> dict:
    """Wagtail's site at SITE_URL, so its absolute links (RSS, sitemap) point there."""
    url = urlsplit(settings.SITE_URL)
    default = 443 if url.scheme == "https" else 80
    return {"hostname": url.hostname or "localhost", "port": url.port or default}


def _existing(parent: Page, slug: str, model: type[P]) -> tuple[bool, P | None]:
    """(found, page): whether a child has this slug, and that page if it is a `model`."""
    page = Page.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        return False, None
    page = page.specific
    return True, page if isinstance(page, model) else None


def _publish(parent: Page, page: P) -> P:
    parent.add_child(instance=page)
    # A revision makes it a normal, editable page with a publication date (sitemap lastmod).
    page.save_revision().publish()
    return page


def _days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


def _standard_page(
    parent: Page, slug: str, title: str, intro: str, body: list[dict[str, Any]]
) -> StandardPage | None:
    found, page = _existing(parent, slug, StandardPage)
    if found:
        return page
    return _publish(
        parent,
        StandardPage(title=title, slug=slug, intro=intro, body=body, show_in_menus=True),
    )


def _charter_page(home: HomePage) -> StandardPage | None:
    found, page = _existing(home, "charte", StandardPage)
    if found:
        return page
    document = _document("La charte du réseau Maillage", "charte-maillage.pdf", charter_pdf())
    body = charter_body(document.pk)
    return _standard_page(home, "charte", "La charte du réseau", CHARTER_INTRO, body)


def _home_extras(home: HomePage, charter: StandardPage | None) -> None:
    home = HomePage.objects.get(pk=home.pk)  # fresh: children were added since
    changed = False
    if not home.key_figures.exists():
        home.key_figures = [HomeKeyFigure(number=n, label=label) for n, label in KEY_FIGURES]
        changed = True
    if home.charter_page_id is None and charter is not None:
        home.charter_page = charter
        changed = True
    if changed:
        home.save_revision().publish()


def _news_index(home: HomePage) -> NewsIndexPage | None:
    found, page = _existing(home, "actualites", NewsIndexPage)
    if found:
        return page
    return _publish(
        home,
        NewsIndexPage(
            title="Actualités",
            slug="actualites",
            intro="Les nouvelles des espaces publics numériques du réseau et de leurs ateliers.",
            show_in_menus=True,
        ),
    )


def _news_page(index: NewsIndexPage, news: News, colour: str) -> None:
    found, _ = _existing(index, news.slug, NewsPage)
    if found:
        return
    alt = f"Bannière illustrée portant le titre « {news.title} »"
    image = _image(news.title, alt, f"{news.slug}.png", colour)
    page = NewsPage(
        title=news.title,
        slug=news.slug,
        date=_days_ago(news.days_ago),
        intro=news.intro,
        main_image=image,
        main_image_alt=alt,
        body=news.body,
    )
    page.tags.add(*news.tags)
    _publish(index, page)


def _press_review(home: HomePage) -> None:
    found, _ = _existing(home, "revue-de-presse", PressReviewPage)
    if found:
        return
    page = PressReviewPage(
        title="Revue de presse", slug="revue-de-presse", intro=PRESS_INTRO, show_in_menus=True
    )
    page.articles = [
        PressArticle(title=title, outlet=outlet, date=_days_ago(days), url=url, excerpt=excerpt)
        for days, outlet, url, title, excerpt in PRESS
    ]
    _publish(home, page)


def _dossiers(home: HomePage) -> None:
    found, index = _existing(home, "dossiers", DossierIndexPage)
    if not found:
        index = _publish(
            home,
            DossierIndexPage(
                title="Dossiers",
                slug="dossiers",
                intro="Études, présentations et dossiers de presse sur les espaces publics "
                "numériques du réseau, à consulter et à télécharger.",
                show_in_menus=True,
            ),
        )
    if index is None:
        return
    for dossier in DOSSIERS:
        if _existing(index, dossier.slug, DossierPage)[0]:
            continue
        page = DossierPage(
            title=dossier.title,
            slug=dossier.slug,
            kind=dossier.kind,
            date=_days_ago(dossier.days_ago),
            intro=dossier.intro,
            body=dossier.body,
        )
        page.documents = [
            DossierDocument(
                document=_document(file.title, file.filename, file.make()),
                description=file.description,
            )
            for file in dossier.files
        ]
        _publish(index, page)


def _image(title: str, alt: str, filename: str, colour: str) -> Any:
    data = banner_png(title, colour=colour)
    width, height = BANNER_SIZE
    image = get_image_model()(
        title=title,
        description=alt,
        file=ImageFile(io.BytesIO(data), name=filename),
        width=width,
        height=height,
        file_size=len(data),
    )
    image.save()
    return image


def _document(title: str, filename: str, data: bytes) -> Any:
    document = get_document_model()(
        title=title, file=ContentFile(data, name=filename), file_size=len(data)
    )
    document.save()
    return document
