"""What browsers and shared caches are told: anonymous public pages are kept a few minutes
and set no cookie, anything personal is private, pages that change are purged."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse
from wagtail.contrib.frontend_cache.backends import BaseBackend

from geodirectory.models import Place
from geodirectory.services import place_save
from tests.calendars.factories import make_workshop
from tests.factories import PlaceFactory, UserFactory, coordinator
from tests.public_site import factories

pytestmark = pytest.mark.django_db

PUBLIC = "public, max-age=300"


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Wagtail caches the sites' root paths; each test builds its own tree.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def site(db):
    home = factories.home_page()
    index = factories.news_index(home)
    news = factories.news(index, "Ouverture à Gourdon", slug="ouverture", tags=("lot",))
    place = PlaceFactory(nom="EPN du centre", slug="epn-du-centre")
    workshop = make_workshop(place, title="Premiers pas", slug="premiers-pas")
    return {"home": home, "index": index, "news": news, "place": place, "workshop": workshop}


def vary(response) -> set[str]:
    return {v.strip() for v in response.get("Vary", "").split(",") if v.strip()}


PUBLIC_PAGES = [
    "/",
    "/actualites/",
    "/actualites/ouverture/",
    "/actualites/rss/",
    "/actualites/tag/lot/",
    "/lieux/",
    "/lieux/?q=25200",
    "/lieux/epn-du-centre/",
    "/ateliers/",
    "/recherche/?q=gourdon",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_anonymous_public_pages_are_cacheable_and_set_no_cookie(client, site, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Cache-Control"] == PUBLIC
    assert not response.cookies, f"{path} sets {list(response.cookies)}"
    # The page changes with the language (cookie or Accept-Language) and with signing in
    # (the session cookie): that, and nothing else.
    assert vary(response) == {"Accept-Language", "Cookie"}


@pytest.mark.parametrize("path", ["/api/lieux.geojson?bbox=6,47,7,48", "/api/lieux.csv"])
def test_open_data_is_cacheable_whatever_the_language(client, site, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Cache-Control"] == PUBLIC
    assert not response.cookies
    assert "Accept-Language" not in vary(response)


def test_a_page_with_a_form_keeps_its_csrf_cookie_and_stays_private(client, site):
    response = client.get(site["workshop"].get_absolute_url())
    assert response.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()
    assert "csrftoken" in response.cookies
    assert response["Cache-Control"] == "private"


def test_a_visitor_who_already_has_a_csrf_cookie_still_gets_a_private_form(client, site):
    url = site["workshop"].get_absolute_url()
    client.get(url)
    response = client.get(url)
    assert "public" not in response["Cache-Control"]


def test_signed_in_people_get_private_pages_kept_nowhere(client, site):
    client.force_login(UserFactory())
    for path in ["/", "/lieux/epn-du-centre/", reverse("dashboard:home")]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Cache-Control"] == "private, no-store", path


def test_personal_pages_reached_by_a_secret_link_are_private(client, site):
    from tests.calendars.factories import register

    registration = register(site["workshop"], email="camille@exemple.fr")
    response = client.get(registration.get_absolute_url())
    assert response.status_code == 200
    assert "public" not in response["Cache-Control"]


def test_redirects_and_missing_pages_are_not_shared(client, site):
    assert client.get("/lieux/inconnu/")["Cache-Control"] == "private"
    assert "public" not in client.get("/espace/")["Cache-Control"]  # to sign in


def test_a_page_with_a_csp_nonce_is_not_shared(rf):
    """A nonce cached for every visitor would protect nothing (django-csp keeps a used
    nonce in request._csp_nonce)."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    from core.http_cache import CacheHeadersMiddleware

    def view(request):
        request._csp_nonce = "bm9uY2U="  # the template used {{ CSP_NONCE }}
        return HttpResponse("<script nonce='bm9uY2U='></script>")

    request = rf.get("/")
    request.user = AnonymousUser()
    request.http_cache_public = True
    response = CacheHeadersMiddleware(view)(request)
    assert response["Cache-Control"] == "private"


def test_a_view_that_decided_keeps_its_own_cache_control(client, site):
    response = client.get(reverse("feeds:place", args=[site["place"].slug]))
    assert response["Cache-Control"] == "public, max-age=300"


# --- The language switch: a link, no CSRF cookie ------------------------------------------------


def test_the_language_switch_is_a_link_that_sets_the_language_and_comes_back(client, site):
    page = client.get("/lieux/?q=25200").content.decode()
    assert 'href="/i18n/en/?next=/lieux/%3Fq%3D25200"' in page
    response = client.get("/i18n/en/?next=/lieux/%3Fq%3D25200")
    assert response.status_code == 302
    assert response["Location"] == "/lieux/?q=25200"
    assert response.cookies["django_language"].value == "en"
    assert "no-store" in response["Cache-Control"]
    english = client.get("/lieux/?q=25200").content.decode()
    assert '<html lang="en">' in english


def test_the_language_switch_goes_nowhere_but_this_site(client):
    response = client.get("/i18n/en/?next=https://ailleurs.example/")
    assert response["Location"] == "/"
    assert client.get("/i18n/xx/?next=/").status_code == 404


# --- Purging a shared cache when pages change -------------------------------------------------

PURGED: list[str] = []


class RecordingBackend(BaseBackend):
    def purge(self, url: str) -> None:
        PURGED.append(url)


@pytest.fixture
def shared_cache(settings):
    settings.WAGTAILFRONTENDCACHE = {"default": {"BACKEND": f"{__name__}.RecordingBackend"}}
    settings.SITE_URL = "https://maillage.example.fr"
    PURGED.clear()
    return PURGED


def test_publishing_news_purges_it_its_index_feed_tags_and_the_home_page(
    site, shared_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        factories.news(site["index"], "Nouvelle salle", slug="nouvelle-salle", tags=("lot",))
    assert {
        "https://maillage.example.fr/actualites/nouvelle-salle/",
        "https://maillage.example.fr/actualites/",
        "https://maillage.example.fr/actualites/rss/",
        "https://maillage.example.fr/actualites/tag/lot/",
        "https://maillage.example.fr/",
    } <= set(shared_cache)


def test_editing_a_place_purges_its_page_and_the_directory(
    site, shared_cache, django_capture_on_commit_callbacks
):
    place = Place.objects.get(pk=site["place"].pk)
    place.telephone = "+33381000000"
    with django_capture_on_commit_callbacks(execute=True):
        place_save(place=place, actor=coordinator())
    assert set(shared_cache) >= {
        "https://maillage.example.fr/lieux/epn-du-centre/",
        "https://maillage.example.fr/lieux/",
    }


def test_a_registration_purges_the_place_page_that_shows_the_seats_left(
    site, shared_cache, django_capture_on_commit_callbacks
):
    from calendars.services.workshops import registration_create

    with django_capture_on_commit_callbacks(execute=True):
        registration_create(workshop=site["workshop"], name="Camille", email="c@exemple.fr")
    assert set(shared_cache) >= {
        "https://maillage.example.fr/lieux/epn-du-centre/",
        "https://maillage.example.fr/ateliers/",
        "https://maillage.example.fr/ateliers/premiers-pas/",
    }


def test_nothing_is_purged_after_a_rollback(site, shared_cache):
    place = Place.objects.get(pk=site["place"].pk)
    place.telephone = "+33381000000"
    place_save(place=place, actor=coordinator())  # the test's transaction never commits
    assert shared_cache == []
