from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = [
    pytest.mark.urls("tests.territories.urls"),
    pytest.mark.usefixtures("sample_territories"),
]


@pytest.mark.django_db
def test_search_endpoint_returns_matching_territories_as_json(client):
    response = client.get(reverse("territories:search"), {"q": "46300"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    first = response.json()["results"][0]
    assert first == {
        "id": first["id"],
        "kind": "commune",
        "code": "46127",
        "name": "Gourdon",
        "label": first["label"],
        "departement_code": "46",
        "postcodes": ["46300"],
        "latitude": 44.7348,
        "longitude": 1.37713,
    }
    assert first["label"].startswith("Gourdon — ")
    assert first["label"].endswith(" — 46127")


@pytest.mark.django_db
def test_search_endpoint_is_mounted_under_api_territoires():
    assert reverse("territories:search") == "/api/territoires/recherche/"


@pytest.mark.django_db
def test_search_endpoint_filters_by_repeated_kind(client):
    url = reverse("territories:search")
    response = client.get(url, {"q": "montbel", "kind": ["epci"]})
    assert [r["code"] for r in response.json()["results"]] == ["200065647"]

    response = client.get(f"{url}?q=montbel&kind=epci&kind=commune")
    assert [r["code"] for r in response.json()["results"]] == ["25388", "200065647"]


@pytest.mark.django_db
def test_search_endpoint_lists_postcodes_in_order(client):
    response = client.get(reverse("territories:search"), {"q": "st etienne", "kind": "commune"})
    assert response.json()["results"][0]["postcodes"] == ["42000", "42100", "42230"]


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "g", " g "])
def test_search_endpoint_answers_a_short_query_with_no_results(client, query):
    response = client.get(reverse("territories:search"), {"q": query})
    assert response.status_code == 200
    assert response.json() == {"results": []}


@pytest.mark.django_db
def test_search_endpoint_rejects_an_unknown_kind(client):
    response = client.get(reverse("territories:search"), {"q": "gourdon", "kind": "canton"})
    assert response.status_code == 400
    assert "canton" in response.json()["error"]


@pytest.mark.django_db
def test_search_endpoint_accepts_only_get(client):
    response = client.post(reverse("territories:search"), {"q": "gourdon"})
    assert response.status_code == 405


@pytest.mark.django_db
def test_search_endpoint_query_count_does_not_grow_with_results(
    client, django_assert_max_num_queries
):
    # Name search (2) + postcodes of every result at once (1).
    with django_assert_max_num_queries(3):
        response = client.get(reverse("territories:search"), {"q": "gourdon"})
    assert len(response.json()["results"]) == 2
