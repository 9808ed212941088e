"""The public directory's pages: search by commune, postcode or position, filters in the
query string, pagination, the place page with its hours in French and its JSON-LD."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from tests.factories import PlaceFactory

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [r["place"].nom for r in response.context["results"]]


def test_a_commune_name_lists_the_nearest_places_first_with_their_distance(client):
    PlaceFactory(nom="Au centre", latitude=47.5097, longitude=6.7986)
    PlaceFactory(nom="À Bethoncourt", latitude=47.541, longitude=6.800)
    PlaceFactory(nom="À Gourdon", latitude=44.735, longitude=1.377, commune="Gourdon")
    response = client.get(reverse("geodirectory:directory"), {"q": "Montbéliard"})
    assert response.status_code == 200
    assert names(response) == ["Au centre", "À Bethoncourt", "À Gourdon"]
    body = response.content.decode()
    assert "Lieux les plus proches de Montbéliard" in body
    assert re.search(r"à \d+(,\d)? km", body)


def test_a_postcode_finds_its_commune(client):
    PlaceFactory(nom="Médiathèque", latitude=44.735, longitude=1.377, commune="Gourdon")
    PlaceFactory(nom="Ailleurs", latitude=47.5, longitude=6.8)
    response = client.get(reverse("geodirectory:directory"), {"q": "46300"})
    assert names(response)[0] == "Médiathèque"


def test_around_me_uses_the_position_sent_by_the_browser(client):
    PlaceFactory(nom="Loin", latitude=47.5, longitude=6.8)
    PlaceFactory(nom="Tout près", latitude=45.43, longitude=4.39, commune="Saint-Étienne")
    response = client.get(reverse("geodirectory:directory"), {"lat": "45.4301", "lon": "4.3879"})
    assert names(response) == ["Tout près", "Loin"]


def test_an_unknown_place_gets_a_clear_message(client):
    PlaceFactory()
    response = client.get(reverse("geodirectory:directory"), {"q": "Zzyzx-sur-Mer"})
    body = response.content.decode()
    assert "Nous n’avons pas trouvé « Zzyzx-sur-Mer »" in body or "pas trouvé" in body
    assert response.context["results"] == []


def test_bad_query_values_are_explained_not_crashing(client):
    response = client.get(
        reverse("geodirectory:directory"),
        {"lat": "91", "lon": "abc", "services": "Réparation de vélos", "page": "x"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors


def test_filters_live_in_the_query_string_and_narrow_the_list(client):
    PlaceFactory(nom="Gratuit", frais_a_charge="Gratuit")
    PlaceFactory(nom="Payant", frais_a_charge="Payant", latitude=47.52)
    url = reverse("geodirectory:directory") + "?q=Montb%C3%A9liard&fees=Gratuit"
    response = client.get(url)
    assert names(response) == ["Gratuit"]
    assert 'value="Gratuit"' in response.content.decode() and "checked" in response.content.decode()


def test_the_list_is_paginated_without_javascript(client):
    for i in range(45):
        PlaceFactory(nom=f"Lieu {i:02d}", latitude=47.5 + i / 1000)
    first = client.get(reverse("geodirectory:directory"), {"q": "Montbéliard"})
    assert len(first.context["results"]) == 20
    assert first.context["page_obj"].has_next
    third = client.get(reverse("geodirectory:directory"), {"q": "Montbéliard", "page": 3})
    assert len(third.context["results"]) == 5
    assert not third.context["page_obj"].has_next
    assert 'start="41"' in third.content.decode()


def test_without_a_place_the_directory_lists_by_name(client):
    PlaceFactory(nom="Bibliothèque")
    PlaceFactory(nom="Atelier")
    response = client.get(reverse("geodirectory:directory"))
    assert names(response) == ["Atelier", "Bibliothèque"]


def test_the_place_page_shows_hours_in_french_and_json_ld(client):
    place = PlaceFactory(
        nom="EPN de la Petite-Hollande",
        horaires="Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00; PH off",
        telephone="+33381990000",
        courriels="epn@exemple.fr",
        services="Aide aux démarches administratives|Loisirs et créations numériques",
        prise_en_charge_specifique="Surdité",
        modalites_acces="Se présenter|Téléphoner",
        fiche_acces_libre="https://acceslibre.beta.gouv.fr/app/exemple/",
        computers=8,
        membership_fee="30",
        workshop_fee="8",
    )
    response = client.get(place.get_absolute_url())
    body = response.content.decode()
    assert "Du lundi au vendredi de 9 h à 12 h et de 14 h à 18 h" in body
    assert re.search(r"(Ouvert, ferme|Fermé, ouvre)", body)
    assert "Surdité" in body and "Se présenter" in body and "acceslibre" in body
    assert "8 ordinateurs" in body
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S).group(1)
    )
    assert data["@type"] == "Place"
    assert data["name"] == "EPN de la Petite-Hollande"
    assert data["address"]["postalCode"] == "25200"
    assert data["geo"]["latitude"] == place.latitude


def test_an_unpublished_place_is_hidden_from_the_public(client):
    place = PlaceFactory(is_published=False)
    assert client.get(place.get_absolute_url()).status_code == 302  # sign in, like any private page
    response = client.get(reverse("geodirectory:directory"))
    assert place not in [r["place"] for r in response.context["results"]]


def test_the_directory_query_count_does_not_grow_with_results(
    client, django_assert_max_num_queries
):
    for i in range(20):
        PlaceFactory(latitude=47.5 + i / 1000)
    client.get(reverse("geodirectory:directory"), {"q": "Montbéliard"})
    with django_assert_max_num_queries(12):
        client.get(reverse("geodirectory:directory"), {"q": "Montbéliard"})


def test_a_place_name_cannot_break_out_of_the_json_ld(client):
    name = "EPN </script><script>alert(1)</script>"
    place = PlaceFactory(nom=name)
    html = client.get(place.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert json.loads(block)["name"] == name
