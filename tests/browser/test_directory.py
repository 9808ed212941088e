"""The public directory in Chromium: the nearest places to Montbéliard, in order, on the
map; "open now" narrowing the list; a place page with its hours in French."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.factories import PlaceFactory


@pytest.fixture
def places(territory_subset):
    call_command("load_territories", file=territory_subset, verbosity=0)
    return [
        PlaceFactory(
            nom="EPN du centre",
            slug="epn-du-centre",
            latitude=47.5100,
            longitude=6.7990,
            horaires="24/7",
        ),
        PlaceFactory(
            nom="Médiathèque de Bethoncourt",
            slug="mediatheque-bethoncourt",
            latitude=47.5410,
            longitude=6.8040,
            commune="Bethoncourt",
            horaires="off",
        ),
        PlaceFactory(
            nom="Point numérique de Gourdon",
            slug="point-gourdon",
            latitude=44.7370,
            longitude=1.3824,
            commune="Gourdon",
            code_postal="46300",
            horaires="24/7",
        ),
    ]


def test_search_for_montbeliard_lists_the_nearest_places_by_distance_on_the_map(new_page, places):
    page = new_page()
    page.goto("/lieux/")
    page.get_by_label("Commune, code postal ou adresse").fill("Montbéliard")
    directory_search = page.get_by_role("search", name="Chercher dans l’annuaire")
    directory_search.get_by_role("button", name="Rechercher").click()
    expect(
        page.get_by_role(
            "heading", level=2, name=re.compile("Lieux les plus proches de Montbéliard")
        )
    ).to_be_visible()
    titles = page.locator("[data-results] h3").all_inner_texts()
    assert titles == ["EPN du centre", "Médiathèque de Bethoncourt", "Point numérique de Gourdon"]
    distances = page.locator("[data-results] li strong").all_inner_texts()
    assert all(re.search(r"à \d", d) for d in distances)
    # The map shows the results (markers or clusters), and a result shows where it is.
    map_element = page.locator("#places-map")
    expect(map_element).to_be_visible()
    expect(map_element.locator(".leaflet-marker-icon").first).to_be_visible()
    page.locator("[data-results] li").first.hover()
    expect(page.locator("[data-results] li").first).to_have_class(re.compile("is-highlighted"))
    expect(map_element.locator(".leaflet-popup")).to_contain_text("EPN du centre")


def test_open_now_narrows_the_list(new_page, places):
    page = new_page()
    page.goto("/lieux/?q=Montb%C3%A9liard")
    assert page.locator("[data-results] li").count() == 3
    page.get_by_text("Filtres", exact=True).click()
    page.get_by_label("Ouvert maintenant").check()
    page.get_by_role("button", name="Appliquer les filtres").click()
    titles = page.locator("[data-results] h3").all_inner_texts()
    assert titles == ["EPN du centre", "Point numérique de Gourdon"]
    assert "open=now" in page.url


def test_a_place_page_shows_its_hours_in_french(new_page, territory_subset):
    call_command("load_territories", file=territory_subset, verbosity=0)
    PlaceFactory(
        nom="EPN de la Petite-Hollande",
        slug="petite-hollande",
        horaires="Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00; PH off",
    )
    page = new_page()
    page.goto("/lieux/?q=25200")
    page.get_by_role("link", name="EPN de la Petite-Hollande").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("EPN de la Petite-Hollande")
    expect(page.locator(".status")).to_have_text(re.compile(r"^(Ouvert, ferme|Fermé, ouvre) "))
    table = page.get_by_role("table")
    expect(table).to_contain_text("lundi")
    expect(table).to_contain_text("09:00–12:00, 14:00–18:00")
    expect(page.get_by_text("Du lundi au vendredi de 9 h à 12 h et de 14 h à 18 h")).to_be_visible()
