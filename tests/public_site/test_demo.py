"""The demo content: idempotent, complete, in French, and it renders."""

from __future__ import annotations

import csv
import io
import re

import pytest
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from public_site.demo import load_public_demo
from public_site.demo_files import pdf_bytes
from public_site.models import (
    DossierPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    PressReviewPage,
    StandardPage,
)
from tests.public_site import factories

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        "pages": Page.objects.count(),
        "images": get_image_model().objects.count(),
        "documents": get_document_model().objects.count(),
        "figures": HomePage.objects.get().key_figures.count(),
    }


def test_demo_builds_the_expected_pages_under_a_new_home_page():
    load_public_demo()

    home = HomePage.objects.get()
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    assert home.slug == "accueil" and home.live
    assert home.key_figures.count() == 5
    assert home.charter_page.title == "La charte du réseau"
    menu = [p.title for p in home.get_children().live().in_menu()]
    assert menu == [
        "Le programme",
        "Actualités",
        "Revue de presse",
        "Dossiers",
        "La charte du réseau",
    ]

    news = NewsPage.objects.live().child_of(NewsIndexPage.objects.get())
    assert 6 <= news.count() <= 8
    assert all(n.main_image and n.main_image_alt for n in news)
    used = {t.name for n in news for t in n.tags.all()}
    assert {"ateliers", "inclusion numérique", "fablab", "territoires"} <= used

    press = PressReviewPage.objects.get()
    assert press.articles.count() == 6
    assert {a.outlet for a in press.articles.all()} >= {
        "L’Est Républicain",
        "La Dépêche du Midi",
        "Le Progrès",
        "L’Est Éclair",
    }

    dossiers = DossierPage.objects.live()
    assert sorted(d.kind for d in dossiers) == ["presentation", "press_kit", "study"]
    assert all(1 <= d.documents.count() <= 2 for d in dossiers)
    assert StandardPage.objects.filter(slug__in=["le-programme", "charte"], live=True).count() == 2


def test_demo_is_idempotent():
    load_public_demo()
    before = counts()
    load_public_demo()
    assert counts() == before


def test_demo_completes_the_existing_home_page_made_by_load_demo():
    home = factories.home_page(title="Le réseau des espaces publics numériques")
    load_public_demo()
    assert HomePage.objects.get().pk == home.pk
    assert NewsIndexPage.objects.child_of(home).exists()


def test_demo_keeps_pages_editors_already_have():
    home = factories.home_page()
    factories.standard_page(home, title="Notre programme à nous", slug="le-programme")
    load_public_demo()
    assert StandardPage.objects.get(slug="le-programme").title == "Notre programme à nous"


def test_demo_pages_all_render_in_french(client):
    load_public_demo()
    for page in Page.objects.live().specific().filter(depth__gt=1):
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        assert '<html lang="fr">' in response.content.decode()
    home = client.get("/").content.decode()
    assert "2\u00a0500" in home and "Dernières actualités" in home
    assert home.count('class="card news-card"') == 3


def test_demo_documents_are_valid_files(client):
    load_public_demo()
    for document in get_document_model().objects.all():
        response = client.get(document.url)
        assert response.status_code == 200
        data = b"".join(response.streaming_content)
        assert len(data) == document.file_size
        if document.file_extension == "pdf":
            assert_valid_pdf(data)
        else:
            rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
            assert rows[0] == ["territoire", "indicateur", "valeur", "unité"]
            assert [
                "Pays de Montbéliard",
                "personnes formées en un an",
                "2500",
                "personnes",
            ] in rows


def assert_valid_pdf(data: bytes) -> None:
    """Header, trailer, and every cross-reference offset pointing at its object."""
    assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
    start = int(re.search(rb"startxref\s+(\d+)", data).group(1))
    assert data[start:].startswith(b"xref")
    entries = re.findall(rb"(\d{10}) 00000 n ", data[start:])
    assert entries
    for number, offset in enumerate(entries, start=1):
        assert data[int(offset) :].startswith(b"%d 0 obj" % number)
    for length, stream in re.findall(rb"/Length (\d+) >>\nstream\n(.*?)\nendstream", data, re.S):
        assert int(length) == len(stream)


def test_pdf_writer_escapes_text_and_keeps_french_characters():
    data = pdf_bytes("Titre (essai)", [("Été", ["Coût : 35 € \\ fin"])])
    assert_valid_pdf(data)
    assert b"\\(essai\\)" in data
    assert "Été".encode("cp1252") in data and "€".encode("cp1252") in data
