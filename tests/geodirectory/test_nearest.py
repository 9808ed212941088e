"""Nearest places against a brute-force great-circle oracle, the search filters, and the
directory's JSON API."""

from __future__ import annotations

import random
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from geodirectory.geo import box_around, haversine_m
from geodirectory.models import Place
from geodirectory.selectors import Filters, nearest, search
from tests.factories import PlaceFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def scatter(rng: random.Random, n: int) -> list[Place]:
    """Places over metropolitan France, denser in a few towns, some far overseas and one
    next to the antimeridian, to try the box logic's edges."""
    towns = [(47.51, 6.79), (44.73, 1.38), (45.43, 4.39), (49.17, 5.43), (48.85, 2.35)]
    points = []
    for _ in range(n):
        if rng.random() < 0.5:
            lat, lon = rng.choice(towns)
            points.append((lat + rng.gauss(0, 0.05), lon + rng.gauss(0, 0.07)))
        else:
            points.append((rng.uniform(42.3, 51.0), rng.uniform(-4.8, 8.2)))
    points += [(-21.11, 55.53), (14.6, -61.06), (-17.53, -149.56), (-16.0, 179.9), (-16.1, -179.9)]
    places = [
        Place(
            id_schema=f"p{i}",
            slug=f"p{i}",
            pivot="00000000000000",
            nom=f"Lieu {i}",
            commune="X",
            code_postal="00000",
            adresse="1 rue",
            date_maj="2026-01-01",
            latitude=lat,
            longitude=lon,
        )
        for i, (lat, lon) in enumerate(points)
    ]
    return Place.objects.bulk_create(places)


def oracle(places, lat, lon, limit):
    ranked = sorted(places, key=lambda p: (haversine_m(lat, lon, p.latitude, p.longitude), p.pk))
    return [p.pk for p in ranked[:limit]]


def test_nearest_agrees_with_a_brute_force_oracle_on_thousands_of_points():
    rng = random.Random(42)
    places = scatter(rng, 600)
    checked = 0
    for _ in range(2500):
        if rng.random() < 0.8:
            lat, lon = rng.uniform(41.0, 52.0), rng.uniform(-6.0, 10.0)
        else:  # anywhere on Earth, poles and antimeridian included
            lat, lon = rng.uniform(-90, 90), rng.uniform(-180, 180)
        limit = rng.choice([1, 5, 10, 40])
        got = [h.place_id for h in nearest(lat, lon, limit=limit)]
        assert got == oracle(places, lat, lon, limit), (lat, lon, limit)
        checked += 1
    assert checked == 2500


def test_distances_are_great_circle_metres():
    # Paris (Notre-Dame) to Lyon (Bellecour): 392 km as the crow flies.
    assert 390_000 < haversine_m(48.8530, 2.3499, 45.7578, 4.8320) < 393_000
    assert haversine_m(45.0, 5.0, 45.0, 5.0) == 0


def test_a_box_covering_a_pole_means_no_box():
    assert box_around(89.9, 0, 50_000) is None
    box = box_around(-16.05, 179.95, 20_000)
    assert box.crosses_antimeridian


def test_unpublished_and_unlocated_places_are_never_returned():
    hidden = PlaceFactory(is_published=False)
    nowhere = PlaceFactory(latitude=None, longitude=None)
    shown = PlaceFactory(latitude=47.6, longitude=6.9)
    ids = [h.place_id for h in nearest(47.5, 6.8, limit=10)]
    assert ids == [shown.pk]
    assert hidden.pk not in ids and nowhere.pk not in ids


@pytest.mark.parametrize(
    ("attr", "column", "value"),
    [
        ("services", "services", "Loisirs et créations numériques"),
        ("publics", "publics_specifiquement_adresses", "Seniors"),
        ("support", "prise_en_charge_specifique", "Langues étrangères (anglais)"),
        ("fees", "frais_a_charge", "Gratuit"),
        ("access", "modalites_acces", "Prendre un RDV en ligne"),
        ("modes", "modalites_accompagnement", "Dans un atelier collectif"),
        ("typologies", "typologie", "EPN"),
    ],
)
def test_each_filter_keeps_exactly_the_places_with_that_value(attr, column, value):
    other = {
        "frais_a_charge": "Gratuit sous condition",  # shares a prefix with "Gratuit"
        "typologie": "EPN_MOBILE",
    }.get(column, "Aide aux démarches administratives")
    match_alone = PlaceFactory(**{column: value})
    match_among = PlaceFactory(**{column: f"{other}|{value}"}, latitude=47.52)
    no_match = PlaceFactory(**{column: other}, latitude=47.53)
    empty = PlaceFactory(**{column: ""}, latitude=47.54)
    found, _ = search(filters=Filters(**{attr: [value]}), around=(47.5, 6.8), limit=10)
    assert {p.pk for p in found} == {match_alone.pk, match_among.pk}
    assert no_match not in found and empty not in found


def test_filters_combine_with_and_between_fields_and_or_within():
    a = PlaceFactory(services="Loisirs et créations numériques", frais_a_charge="Gratuit")
    b = PlaceFactory(services="Aide aux démarches administratives", frais_a_charge="Gratuit")
    PlaceFactory(services="Loisirs et créations numériques", frais_a_charge="Payant")
    filters = Filters(
        services=["Loisirs et créations numériques", "Aide aux démarches administratives"],
        fees=["Gratuit"],
    )
    found, _ = search(filters=filters, around=None, limit=10)
    assert {p.pk for p in found} == {a.pk, b.pk}


def test_open_now_keeps_the_places_open_at_that_moment():
    tuesday_10h = datetime(2026, 11, 24, 10, 0, tzinfo=PARIS)
    open_place = PlaceFactory(horaires="Mo-Fr 09:00-12:00")
    PlaceFactory(horaires="Mo-Fr 14:00-18:00", latitude=47.52)
    PlaceFactory(horaires="", latitude=47.53)
    found, distances = search(filters=Filters(open_at=tuesday_10h), around=(47.5, 6.8), limit=10)
    assert [p.pk for p in found] == [open_place.pk]
    assert distances[open_place.pk] > 0


def test_nearby_api_returns_ids_names_communes_and_metres(client):
    near = PlaceFactory(nom="Proche", latitude=47.51, longitude=6.80)
    far = PlaceFactory(nom="Loin", latitude=47.9, longitude=6.9)
    response = client.get(
        reverse("geodirectory:nearby"), {"lat": 47.5097, "lon": 6.7986, "limit": 2}
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == [near.id_schema, far.id_schema]
    assert results[0]["commune"] == "Montbéliard"
    assert 0 < results[0]["distance_m"] < results[1]["distance_m"]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"lat": "abc", "lon": "6"},
        {"lat": "95", "lon": "6"},
        {"lat": "47", "lon": "6", "limit": "0"},
        {"lat": "47", "lon": "6", "limit": "dix"},
        {"lat": "47", "lon": "6", "limit": "1000"},
    ],
)
def test_nearby_api_refuses_bad_input_with_a_message(client, params):
    response = client.get(reverse("geodirectory:nearby"), params)
    assert response.status_code == 400
    assert response.json()["error"]


def test_geojson_returns_only_the_places_in_the_box(client):
    inside = PlaceFactory(latitude=47.51, longitude=6.80)
    PlaceFactory(latitude=44.73, longitude=1.38)
    response = client.get(reverse("geodirectory:geojson"), {"bbox": "6.5,47.3,7.0,47.7"})
    data = response.json()
    assert data["type"] == "FeatureCollection"
    assert [f["id"] for f in data["features"]] == [inside.pk]
    assert data["features"][0]["geometry"]["coordinates"] == [6.80, 47.51]


@pytest.mark.parametrize("bbox", ["", "1,2,3", "a,b,c,d", "6,48,7,47", "6,47,7,95"])
def test_geojson_refuses_a_bad_box(client, bbox):
    response = client.get(reverse("geodirectory:geojson"), {"bbox": bbox})
    assert response.status_code == 400
