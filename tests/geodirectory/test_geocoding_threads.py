"""The national address API (GEOCODER=ban) is a network call of up to several seconds: it
never runs on the thread that serves a request (nor a socket's), its answers are kept, and
when too many lookups are under way the offline gazetteer answers at once."""

from __future__ import annotations

import threading
from unittest import mock

import pytest
from django.core.cache import cache
from django.urls import reverse

from geodirectory import geocoding
from tests.factories import PlaceFactory

pytestmark = pytest.mark.django_db

GOURDON_STREET = mock.Mock(
    latitude=44.7371,
    longitude=1.3832,
    address="Place Saint-Pierre 46300 Gourdon",
    raw={"properties": {"type": "street"}},
)


@pytest.fixture(autouse=True)
def ban(settings):
    settings.GEOCODER = "ban"
    cache.clear()
    yield
    cache.clear()


class FakeBAN:
    """Stands for geopy's BANFrance.geocode: records the threads it is called on."""

    def __init__(self, answer=GOURDON_STREET) -> None:
        self.answer = answer
        self.threads: list[int] = []
        self.queries: list[str] = []

    def __call__(self, query, *args, **kwargs):
        self.threads.append(threading.get_ident())
        self.queries.append(query)
        return self.answer


@pytest.mark.parametrize(
    "url",
    [reverse("geodirectory:directory"), reverse("workshops:list")],
    ids=["places", "workshops"],
)
def test_searches_ask_the_address_api_off_the_request_thread(client, url):
    PlaceFactory(nom="Médiathèque de Gourdon", commune="Gourdon", latitude=44.737, longitude=1.383)
    fake = FakeBAN()
    with mock.patch("geopy.geocoders.BANFrance.geocode", fake):
        response = client.get(url, {"q": "place Saint-Pierre, Gourdon"})
    assert response.status_code == 200
    assert fake.queries == ["place Saint-Pierre, Gourdon"]
    # The test client serves the request's synchronous code on this very thread.
    assert threading.get_ident() not in fake.threads
    assert "Place Saint-Pierre 46300 Gourdon" in response.content.decode()


def test_an_address_is_asked_once_then_remembered(client):
    fake = FakeBAN()
    with mock.patch("geopy.geocoders.BANFrance.geocode", fake):
        for _ in range(3):
            response = client.get(reverse("geodirectory:directory"), {"q": "place Saint-Pierre"})
            assert "Place Saint-Pierre 46300 Gourdon" in response.content.decode()
    assert len(fake.queries) == 1


def test_when_every_lookup_slot_is_taken_the_gazetteer_answers_at_once(client):
    fake = FakeBAN()
    taken = 0
    while geocoding._ban_slots.acquire(blocking=False):
        taken += 1
    try:
        with mock.patch("geopy.geocoders.BANFrance.geocode", fake):
            response = client.get(reverse("geodirectory:directory"), {"q": "Gourdon"})
    finally:
        for _ in range(taken):
            geocoding._ban_slots.release()
    assert taken == geocoding.BAN_CONCURRENCY
    assert fake.queries == []
    assert response.status_code == 200
    assert "Gourdon" in response.context["located"]["label"]


def test_the_address_api_being_down_falls_back_to_the_commune(client):
    from geopy.exc import GeocoderUnavailable

    with mock.patch("geopy.geocoders.BANFrance.geocode", side_effect=GeocoderUnavailable("down")):
        response = client.get(reverse("geodirectory:directory"), {"q": "Gourdon"})
    assert response.status_code == 200
    assert response.context["located"]["precision"] == "commune"


def test_locating_places_inline_with_the_national_api_is_reported_by_check(settings):
    from django.core.checks import run_checks

    assert "geodirectory.W001" in {m.id for m in run_checks()}
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    assert "geodirectory.W001" not in {m.id for m in run_checks()}
    settings.GEOCODER = "gazetteer"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert "geodirectory.W001" not in {m.id for m in run_checks()}
