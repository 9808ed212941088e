"""The public search: one box over pages, news, dossiers and places, with each result's kind."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from public_site.demo import load_public_demo
from tests.factories import PlaceFactory
from tests.public_site import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def content():
    load_public_demo()
    PlaceFactory(
        nom="Fablab de Bras-sur-Meuse",
        commune="Bras-sur-Meuse",
        code_postal="55100",
        presentation_resume="Repair café et impression 3D.",
    )
    PlaceFactory(nom="Brouillon", is_published=False, presentation_resume="Repair café caché.")


def kinds_and_titles(response):
    return [(r.kind, r.title) for r in response.context["results"]]


def test_one_box_finds_places_and_pages_with_their_kind(client, content):
    response = client.get(reverse("search"), {"q": "repair café"})
    found = kinds_and_titles(response)
    assert ("place", "Fablab de Bras-sur-Meuse") in found
    assert any(kind == "news" for kind, _title in found)
    body = response.content.decode()
    assert "Lieu" in body and "Actualité" in body


def test_unpublished_places_are_never_found(client, content):
    response = client.get(reverse("search"), {"q": "caché"})
    assert all(title != "Brouillon" for _kind, title in kinds_and_titles(response))


def test_the_kind_filter_narrows(client, content):
    response = client.get(reverse("search"), {"q": "repair café", "type": "place"})
    assert {kind for kind, _title in kinds_and_titles(response)} == {"place"}


def test_a_search_for_a_dossier_finds_it(client, content):
    response = client.get(reverse("search"), {"q": "dossier de presse"})
    assert any(kind == "dossier" for kind, _title in kinds_and_titles(response))


def test_empty_and_odd_queries_are_harmless(client, content):
    assert client.get(reverse("search")).status_code == 200
    odd = client.get(
        reverse("search"), {"q": "' OR 1=1 -- \" ) AND (", "type": "nope", "page": "x"}
    )
    assert odd.status_code == 200
    nothing = client.get(reverse("search"), {"q": "zzqxwv"})
    assert "Aucun résultat" in nothing.content.decode() or nothing.context["count"] == 0


def test_the_search_costs_the_same_queries_whatever_the_number_of_pages_found(client, home):
    index = factories.news_index(home)
    factories.news(index, "Le numérique au quotidien", slug="n-0")

    def queries() -> int:
        client.get(reverse("search"), {"q": "numérique"})
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("search"), {"q": "numérique"})
        return len(captured)

    few = queries()
    for n in range(1, 6):
        factories.news(index, f"Le numérique, épisode {n}", slug=f"n-{n}")
    assert queries() == few
