"""Every kind of page runs under its Content-Security-Policy in Chromium: the public site
(maps, JSON-LD), the members' pages (live notifications over the websocket, charts, forms)
and the Wagtail admin. The `new_page` fixture fails a test on any violation the browser
reports, and on any HTML page served without a policy; here we only have to go there."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from PIL import Image
from playwright.sync_api import expect

from core.workspaces.services import network_workspace
from forum.services import category_create, topic_create
from geodirectory.models import PlacePhoto
from tests.browser.conftest import sign_in
from tests.calendars.factories import make_workshop
from tests.factories import PASSWORD, PlaceFactory, coordinator
from tests.public_site import factories as pages


def visit(page, path: str, status: int = 200) -> None:
    response = page.goto(path)
    assert response.status == status, f"{path}: {response.status}"
    page.wait_for_load_state("load")


def photo(place) -> PlacePhoto:
    output = io.BytesIO()
    Image.new("RGB", (40, 30), "#00557f").save(output, format="PNG")
    return PlacePhoto.objects.create(
        place=place, image=ContentFile(output.getvalue(), name="salle.png"), alt_text="La salle"
    )


def test_the_public_site_runs_under_its_policy(new_page, territory_subset):
    call_command("load_territories", file=territory_subset, verbosity=0)
    home = pages.home_page()
    pages.news_index(home)
    place = PlaceFactory(
        nom="EPN des Fougères", slug="epn-des-fougeres", horaires="Mo-Fr 09:00-18:00"
    )
    PlaceFactory(nom="Médiathèque", slug="mediatheque", latitude=47.54, longitude=6.80)
    workshop = make_workshop(place, title="Premiers pas sur tablette")

    page = new_page()
    visit(page, "/")
    expect(page.locator("#teaser-map")).to_be_visible()  # Leaflet ran
    visit(page, "/lieux/?q=Montbéliard")
    expect(page.locator("#places-map .leaflet-marker-icon").first).to_be_visible()
    visit(page, "/lieux/epn-des-fougeres/")
    expect(page.locator("#place-map")).to_be_visible()
    visit(page, "/ateliers/")
    visit(page, workshop.get_absolute_url())
    visit(page, "/actualites/")
    visit(page, "/recherche/?q=numérique")
    visit(page, "/comptes/login/")
    visit(page, "/cette-page-n-existe-pas/", status=404)


@pytest.fixture
def facilitator():
    """The place of a coordinator who runs it, with a photo, a workshop and a forum topic."""
    boss = coordinator(email="helene@exemple.fr", display_name="Hélène Coordination")
    place = PlaceFactory(nom="EPN des Fougères", slug="epn-des-fougeres")
    place.facilitators.add(boss)
    photo(place)
    category = category_create(actor=boss, workspace=network_workspace(), name="Matériel")
    topic_create(actor=boss, category=category, title="Imprimante", body="Le pilote **Brother**.")
    make_workshop(place, title="Premiers pas sur tablette")
    return place


def test_the_desktop_forum_and_agenda_run_under_their_policy(new_page, facilitator):
    page = new_page()
    sign_in(page, "helene@exemple.fr", PASSWORD)
    # The desktop opens the live notification socket.
    expect(page.locator("[data-notification-count]")).to_be_attached()
    visit(page, "/espace/forum/")
    page.get_by_role("link", name="Imprimante").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Imprimante")
    for path in ["/espace/agenda/", "/espace/ateliers/", "/espace/activite/"]:
        visit(page, path)


def test_places_groups_and_network_pages_run_under_their_policy(new_page, facilitator):
    place = facilitator
    page = new_page()
    sign_in(page, "helene@exemple.fr", PASSWORD)
    for path in [
        f"/espace/lieux/{place.pk}/modifier/",
        f"/espace/lieux/{place.pk}/photos/",
        "/espace/groupes/nouveau/",
        "/espace/notifications/",
        "/espace/reseau/administration/invitations/nouvelle/",
    ]:
        visit(page, path)


def test_turning_on_two_factor_authentication_runs_under_its_policy(new_page):
    coordinator(email="helene@exemple.fr")
    page = new_page()
    sign_in(page, "helene@exemple.fr", PASSWORD)
    # It asks for the password again, then shows a QR code to scan.
    visit(page, "/comptes/2fa/totp/activate/")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Confirmer").click()
    expect(page.locator("img[src^='data:']")).to_be_visible()


@pytest.fixture
def home():
    """The public site's home page, with the news, and an editor of the Wagtail admin."""
    home = pages.home_page()
    pages.news_index(home)
    coordinator(email="redaction@exemple.fr", is_staff=True, is_superuser=True)
    return home


def test_the_wagtail_admin_runs_under_its_policy(new_page, home):
    pages.image()
    PlaceFactory(nom="EPN des Fougères")
    news = home.get_children().get()
    page = new_page()
    sign_in(page, "redaction@exemple.fr", PASSWORD)
    for path in [
        "/admin/",
        f"/admin/pages/{home.pk}/",
        f"/admin/pages/add/public_site/newspage/{news.pk}/",
        "/admin/images/",
        "/admin/images/multiple/add/",
        "/admin/places/",
        "/admin/users/",
    ]:
        visit(page, path)


def test_the_preview_of_a_page_shows_in_the_admin_under_its_policy(new_page, home):
    page = new_page()
    sign_in(page, "redaction@exemple.fr", PASSWORD)
    visit(page, f"/admin/pages/{home.pk}/edit/")
    page.locator("[data-side-panel-toggle='preview']").click()
    preview = page.frame_locator("#w-preview-iframe")
    expect(preview.get_by_role("heading", level=1)).to_have_text(home.title)
