"""The language of what is shown (WCAG 3.1.2): French content stays marked French when the
interface is in English; robots.txt; absolute links on SITE_URL."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from core.workspaces.services import network_workspace
from forum import services as forum_services
from tests.calendars.factories import make_workshop
from tests.factories import PlaceFactory, UserFactory, coordinator
from tests.public_site import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def site():
    home = factories.home_page(title="Le réseau des espaces publics numériques")
    factories.standard_page(home, title="Le programme", slug="le-programme", show_in_menus=True)
    index = factories.news_index(home)
    factories.news(index, "Ouverture à Gourdon", slug="ouverture", intro="Une salle neuve.")
    place = PlaceFactory(nom="EPN du centre", slug="epn-du-centre")
    make_workshop(place, title="Premiers pas", slug="premiers-pas")
    return home


def english(client, path: str) -> str:
    client.cookies["django_language"] = "en"
    return client.get(path).content.decode()


def test_french_content_is_marked_french_in_the_english_interface(client, site):
    page = english(client, "/actualites/ouverture/")
    assert '<html lang="en">' in page
    assert '<h1 lang="fr">Ouverture à Gourdon</h1>' in page
    assert '<p class="lead" lang="fr">Une salle neuve.</p>' in page
    assert 'lang="fr">Le programme</a>' in page  # the menu's page titles
    assert ">Home<" in page  # the interface, in English, unmarked


@pytest.mark.parametrize(
    ("path", "content"),
    [
        ("/", '<h1 lang="fr">Le réseau des espaces publics numériques</h1>'),
        (
            "/actualites/",
            'lang="fr">\n    <h2 class="news-card-title"><a href="/actualites/ouverture/">',
        ),
        ("/lieux/epn-du-centre/", '<h1 lang="fr">EPN du centre</h1>'),
        ("/lieux/?q=", 'lang="fr"><a href="/lieux/epn-du-centre/">EPN du centre</a>'),
        ("/ateliers/premiers-pas/", '<h1 lang="fr">Premiers pas</h1>'),
        ("/ateliers/", 'lang="fr"><a href="/ateliers/premiers-pas/">Premiers pas</a>'),
    ],
)
def test_public_pages_mark_their_french_content(client, site, path, content):
    page = english(client, path)
    assert '<html lang="en">' in page
    assert content in page


def test_dates_inside_french_content_keep_the_interface_language(client, site):
    page = english(client, "/actualites/")
    assert re.search(r'<time lang="en" datetime="2026-11-01">', page)


def test_a_forum_post_is_marked_french_in_the_english_interface(client):
    category = forum_services.category_create(
        actor=coordinator(), workspace=network_workspace(), name="Matériel"
    )
    author = UserFactory()
    topic = forum_services.topic_create(
        actor=author, category=category, title="Imprimante introuvable", body="Qui a résolu ça ?"
    )
    client.force_login(author)
    page = english(client, topic.get_absolute_url())
    assert '<h1 lang="fr">Imprimante introuvable</h1>' in page
    assert '<div class="post-body" lang="fr">' in page


def test_in_french_nothing_is_marked_twice(client, site):
    page = client.get("/actualites/ouverture/").content.decode()
    assert '<html lang="fr">' in page
    marked = re.findall(r'<(\w+)[^>]* lang="fr"', page)
    assert marked == ["html", "span"]  # the page, and « Français » in the language switch


# --- robots.txt and SITE_URL ------------------------------------------------------------------


def test_robots_txt_names_the_sitemap_at_the_public_address(client, settings):
    settings.SITE_URL = "https://maillage.example.fr"
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    body = response.content.decode()
    assert "Sitemap: https://maillage.example.fr/sitemap.xml" in body
    assert "Disallow: /espace/" in body and "Disallow: /ateliers/inscription/" in body
    assert response["Cache-Control"] == "public, max-age=300"


def test_sitemap_and_place_links_use_site_url_not_the_request_host(client, site, settings):
    settings.SITE_URL = "https://maillage.example.fr"
    sitemap = client.get("/sitemap.xml", HTTP_HOST="localhost").content.decode()
    locations = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert "https://maillage.example.fr/lieux/epn-du-centre/" in locations
    assert "https://maillage.example.fr/ateliers/premiers-pas/" in locations
    assert "https://maillage.example.fr/actualites/ouverture/" in locations
    assert all(url.startswith("https://maillage.example.fr/") for url in locations)
    place = client.get("/lieux/epn-du-centre/").content.decode()
    assert '<link rel="canonical" href="https://maillage.example.fr/lieux/epn-du-centre/">' in place
