"""List pages cost the same number of queries whatever the number of items."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from public_site.models import PressArticle
from tests.public_site import factories

pytestmark = pytest.mark.django_db


def queries_for(client, url: str) -> int:
    client.get(url)  # warm caches (site root paths, content types, renditions)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_home_page_query_count_does_not_grow_with_news(client, home):
    index = factories.news_index(home)
    factories.news(index, "Une", main_image=factories.image(), main_image_alt="Bannière")
    few = queries_for(client, "/")
    for n in range(5):
        factories.news(index, f"Autre {n}", main_image=factories.image(), main_image_alt="B")
    assert queries_for(client, "/") == few


def test_press_review_query_count_does_not_grow_with_articles(client, home):
    article = {"outlet": "Le Progrès", "date": "2026-01-01", "url": "https://www.leprogres.fr/"}
    review = factories.press_review(home, [{"title": "Un", **article}])
    few = queries_for(client, "/revue-de-presse/")
    PressArticle.objects.bulk_create(
        PressArticle(page=review, title=f"Article {n}", **article) for n in range(8)
    )
    assert queries_for(client, "/revue-de-presse/") == few


def test_dossier_pages_query_count_does_not_grow_with_dossiers_or_documents(client, home):
    index = factories.dossier_index(home)

    def add(n: int) -> None:
        documents = [
            (factories.document(f"Doc {n}.{k}", f"doc-{n}-{k}.pdf", b"%PDF-1.4"), "Un document")
            for k in range(2)
        ]
        factories.dossier(index, title=f"Dossier {n}", slug=f"dossier-{n}", documents=documents)

    add(0)
    few_index = queries_for(client, "/dossiers/")
    add(1)
    few_page = queries_for(client, "/dossiers/dossier-1/")
    for n in range(2, 6):
        add(n)
    assert queries_for(client, "/dossiers/") == few_index
    assert queries_for(client, "/dossiers/dossier-1/") == few_page
