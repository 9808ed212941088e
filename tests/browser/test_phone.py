"""On a phone (390×844): the menu folds behind a button, maps and their tiles load only when
they near the screen, and the directory shows the map, or after a search the nearest
places, first. Cluster markers have a name a screen reader can say."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from public_site.models import HomeKeyFigure
from tests.browser.conftest import PolicyWatch, collect_html
from tests.factories import PlaceFactory
from tests.public_site import factories

PHONE = {"width": 390, "height": 844}
TILES = re.compile(r"^https://tile\.openstreetmap\.org/")


@pytest.fixture
def phone(request, browser, live_server_url, html_validator):
    """A phone's browser on the live server, in French, recording what it asks for; map
    tiles are counted and refused (no network in tests). As with `new_page`, the test
    fails on a Content-Security-Policy violation or an HTML error."""
    watch = PolicyWatch(live_server_url)
    request.node.csp_watch = watch
    context = browser.new_context(
        base_url=live_server_url, locale="fr-FR", viewport=PHONE, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    watch.watch(context)
    page = context.new_page()
    page.requested = []
    page.on("request", lambda request: page.requested.append(request.url))
    page.route(TILES, lambda route: route.abort())
    received: dict[str, str] = {}
    collect_html(page, received)
    yield page
    context.close()
    found = html_validator(received)
    assert not found, "HTML errors (html-validate):\n" + "\n".join(found)


def asked_for(page, pattern: str) -> list[str]:
    return [url for url in page.requested if re.search(pattern, url)]


@pytest.fixture
def home(db):
    paragraph = "<p>Les espaces publics numériques accueillent chacun, sans rendez-vous.</p>"
    home = factories.home_page(
        intro="Trouvez le lieu le plus proche de chez vous.", body=paragraph * 6
    )
    factories.standard_page(home, title="Le programme", slug="le-programme", show_in_menus=True)
    for number, label in [("23", "lieux"), ("2 500", "personnes formées"), ("9", "EPCI")]:
        HomeKeyFigure.objects.create(page=home, number=number, label=label)
    PlaceFactory(nom="EPN du centre")
    return home


def test_the_menu_folds_behind_a_button(phone, home):
    phone.goto("/")
    header = phone.get_by_role("banner")
    assert header.bounding_box()["height"] < 120  # one line: the name and the button
    menu = phone.get_by_role("navigation", name="Menu principal")
    expect(menu).to_be_hidden()
    button = phone.get_by_role("button", name="Menu")
    expect(button).to_have_attribute("aria-expanded", "false")

    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("link", name="Le programme")).to_be_visible()
    expect(phone.get_by_role("search").first).to_be_visible()  # the site search comes along

    phone.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(button).to_be_focused()


def test_the_home_pages_map_loads_only_when_scrolled_to(phone, home):
    phone.goto("/")
    phone.wait_for_load_state("networkidle")
    teaser = phone.locator("#teaser-map")
    assert teaser.bounding_box()["y"] > PHONE["height"] + 200  # well below the first screen
    assert asked_for(phone, r"leaflet") == []
    assert asked_for(phone, TILES.pattern) == []
    assert asked_for(phone, r"directory-map") == []

    teaser.scroll_into_view_if_needed()
    expect(teaser).to_have_class(re.compile(r"\bleaflet-container\b"))
    phone.wait_for_load_state("networkidle")
    assert asked_for(phone, r"/static/vendor/leaflet/leaflet\.js")
    assert asked_for(phone, TILES.pattern)  # the tiles, once the map is there


@pytest.fixture
def places(territory_subset):
    call_command("load_territories", file=territory_subset, verbosity=0)
    # Three places a few metres apart (one cluster), and one at the other end of France.
    for n in range(3):
        PlaceFactory(nom=f"EPN du centre {n}", latitude=47.5097 + n * 0.0003, longitude=6.7986)
    PlaceFactory(
        nom="Point numérique de Gourdon",
        latitude=44.7370,
        longitude=1.3824,
        commune="Gourdon",
        code_postal="46300",
    )


def test_the_directory_shows_the_map_first_and_the_nearest_places_after_a_search(phone, places):
    phone.goto("/lieux/")
    switch = phone.get_by_role("group", name="Afficher les lieux")
    as_list = switch.get_by_role("button", name="Liste")
    as_map = switch.get_by_role("button", name="Carte")
    expect(as_map).to_have_attribute("aria-pressed", "true")
    expect(phone.locator("#places-map")).to_be_visible()
    expect(phone.locator("[data-results]")).to_be_hidden()
    # The cluster of the three close places says what it holds.
    expect(phone.get_by_role("button", name="3 lieux")).to_be_visible()

    as_list.click()
    expect(as_list).to_have_attribute("aria-pressed", "true")
    expect(phone.locator("[data-results]")).to_be_visible()
    expect(phone.locator("#places-map")).to_be_hidden()

    # After a search, the nearest places come first, and no map is loaded until asked for.
    phone.requested.clear()
    phone.goto("/lieux/?q=Gourdon")
    expect(phone.get_by_role("button", name="Liste")).to_have_attribute("aria-pressed", "true")
    titles = phone.locator("[data-results] h3").all_inner_texts()
    assert titles[0] == "Point numérique de Gourdon"
    phone.wait_for_load_state("networkidle")
    assert not asked_for(phone, TILES.pattern)
    phone.get_by_role("button", name="Carte").click()
    expect(phone.locator("#places-map")).to_have_class(re.compile(r"\bleaflet-container\b"))
