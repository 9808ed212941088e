"""sitemap.xml lists the live, public pages with absolute URLs."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from wagtail.models import PageViewRestriction

from core.sitemaps import sitemap
from tests.public_site import factories

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def parse(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 - our own response, not untrusted input


def locations(content: bytes) -> list[str]:
    return [loc.text for loc in parse(content).findall("s:url/s:loc", NS)]


@pytest.fixture
def pages(home):
    factories.standard_page(home, title="Le programme", slug="le-programme")
    index = factories.news_index(home)
    factories.news(index, "Publiée", slug="publiee")
    factories.news(index, "Brouillon", slug="brouillon", live=False)
    private = factories.standard_page(home, title="Réservée", slug="reservee")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    return home


@pytest.mark.django_db
@pytest.mark.urls("tests.public_site.urls")
def test_sitemap_lists_live_public_pages_with_absolute_urls(client, pages):
    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert locations(response.content) == [
        "https://maillage.example.fr/",
        "https://maillage.example.fr/le-programme/",
        "https://maillage.example.fr/actualites/",
        "https://maillage.example.fr/actualites/publiee/",
    ]
    assert parse(response.content).find("s:url/s:lastmod", NS) is not None


@pytest.mark.django_db
def test_sitemap_view_works_without_a_url_route(pages):
    request = RequestFactory().get("/sitemap.xml")
    request.user = AnonymousUser()  # the project's context processors read it
    response = sitemap(request)
    response.render()
    assert "https://maillage.example.fr/actualites/publiee/" in locations(response.content)


@pytest.mark.django_db
def test_sitemap_lists_published_places_too(client, pages):
    from tests.factories import PlaceFactory

    shown = PlaceFactory(slug="epn-du-centre")
    PlaceFactory(slug="brouillon-de-lieu", is_published=False)
    urls = locations(client.get("/sitemap.xml").content)
    assert any(url.endswith(shown.get_absolute_url()) for url in urls)
    assert not any("brouillon-de-lieu" in url for url in urls)


@pytest.mark.django_db
def test_sitemap_lists_upcoming_public_workshops(client, pages):
    from datetime import timedelta

    from django.utils import timezone

    from tests.calendars.factories import make_workshop
    from tests.factories import PlaceFactory

    place = PlaceFactory()
    upcoming = make_workshop(place, title="À venir")
    hidden = make_workshop(place, title="Brouillon", is_published=False)
    past = make_workshop(place, title="Passé", starts=[timezone.now() - timedelta(days=3)])
    urls = locations(client.get("/sitemap.xml").content)
    assert any(url.endswith(upcoming.get_absolute_url()) for url in urls)
    assert not any(url.endswith(hidden.get_absolute_url()) for url in urls)
    assert not any(url.endswith(past.get_absolute_url()) for url in urls)
