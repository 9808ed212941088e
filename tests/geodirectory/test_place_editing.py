"""Who edits a place, the history of changes, photos, and locating places (offline by
default, the national address API when configured)."""

from __future__ import annotations

import io
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from PIL import Image

from core.territories.models import Territory
from geodirectory.geocoding import GeocodingError
from geodirectory.models import GeocodingPrecision, Place, PlaceRevision
from geodirectory.permissions import places_editable_by
from geodirectory.services import place_save
from tests.factories import PlaceFactory, UserFactory, coordinator, local_admin

pytestmark = pytest.mark.django_db


def montbeliard_place(**kwargs) -> Place:
    place = PlaceFactory(**kwargs)
    place.territory = Territory.objects.get(kind="commune", code="25388")
    place.save()
    return place


def form_data(place: Place, **changes) -> dict:
    data = {
        "nom": place.nom,
        "adresse": place.adresse,
        "code_postal": place.code_postal,
        "commune": place.commune,
        "latitude": place.latitude or "",
        "longitude": place.longitude or "",
        "pivot": place.pivot,
        "services": place.values("services"),
        "is_published": "on",
    }
    data.update(changes)
    return data


ROLES = [
    "anonymous",
    "member",
    "facilitator_here",
    "facilitator_elsewhere",
    "admin_here",
    "admin_elsewhere",
    "coordinator",
]


@pytest.fixture
def people():
    epci = Territory.objects.get(kind="epci", code="200065647")
    lot = Territory.objects.get(kind="departement", code="46")
    return {
        "member": UserFactory(network_role="member"),
        "facilitator_here": UserFactory(
            home_territory=Territory.objects.get(kind="commune", code="25388")
        ),
        "facilitator_elsewhere": UserFactory(),
        "admin_here": local_admin(epci),
        "admin_elsewhere": local_admin(lot),
        "coordinator": coordinator(),
    }


@pytest.mark.parametrize("role", ROLES)
def test_editing_permission_by_role(client, people, role):
    place = montbeliard_place(nom="EPN du Centre")
    place.facilitators.add(people["facilitator_here"])
    allowed = role in {"facilitator_here", "admin_here", "coordinator"}
    if role != "anonymous":
        client.force_login(people[role])
    url = reverse("geodirectory:place_edit", args=[place.pk])
    response = client.get(url)
    expected = 200 if allowed else (302 if role == "anonymous" else 403)
    assert response.status_code == expected
    response = client.post(url, form_data(place, nom="Nouveau nom"))
    place.refresh_from_db()
    assert (place.nom == "Nouveau nom") == allowed


def test_an_unpublished_place_is_404_to_those_who_cannot_edit_it(client, people):
    place = montbeliard_place(is_published=False)
    client.force_login(people["facilitator_elsewhere"])
    assert client.get(reverse("geodirectory:place_edit", args=[place.pk])).status_code == 404
    assert client.get(place.get_absolute_url()).status_code == 404


def test_every_change_is_recorded_with_who_and_what(client, people):
    place = montbeliard_place(nom="EPN du Centre", horaires="Mo 09:00-12:00")
    place.facilitators.add(people["facilitator_here"])
    client.force_login(people["facilitator_here"])
    client.post(
        reverse("geodirectory:place_edit", args=[place.pk]),
        form_data(place, nom="EPN du Centre-Ville", horaires="Mo-Tu 09:00-12:00"),
    )
    revision = place.revisions.get(origin=PlaceRevision.Origin.EXTRANET)
    assert revision.author == people["facilitator_here"]
    assert revision.changes["nom"] == ["EPN du Centre", "EPN du Centre-Ville"]
    assert revision.changes["horaires"] == ["Mo 09:00-12:00", "Mo-Tu 09:00-12:00"]
    history = client.get(reverse("geodirectory:place_history", args=[place.pk])).content.decode()
    assert "EPN du Centre-Ville" in history and str(people["facilitator_here"]) in history


def test_invalid_input_is_explained_and_nothing_is_lost(client, people):
    place = montbeliard_place(nom="EPN du Centre")
    client.force_login(people["coordinator"])
    response = client.post(
        reverse("geodirectory:place_edit", args=[place.pk]),
        form_data(
            place,
            nom="Nom gardé",
            code_postal="2520",
            horaires="lundi 9h-12h",
            telephone="03 81 99 00 00",
        ),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nom gardé" in body
    assert "error-summary" in body
    place.refresh_from_db()
    assert place.nom == "EPN du Centre"


def test_a_local_admin_adds_a_place_and_assigns_facilitators(
    client, people, django_capture_on_commit_callbacks
):
    client.force_login(people["admin_here"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("geodirectory:place_create"),
            {
                "nom": "Médiathèque de Bethoncourt",
                "adresse": "2 rue de la Libération",
                "code_postal": "25200",
                "commune": "Bethoncourt",
                "pivot": "21250057000019",
                "services": ["Accès internet et matériel informatique"],
                "facilitators": [people["facilitator_here"].pk],
                "is_published": "on",
            },
        )
    place = Place.objects.get(nom="Médiathèque de Bethoncourt")
    assert list(place.facilitators.all()) == [people["facilitator_here"]]
    assert response.status_code == 302
    assert place.territory.code == "25057"
    # No coordinates given: located at once (immediate tasks) at the commune.
    assert place.geocoding_precision == GeocodingPrecision.COMMUNE
    assert place.latitude == pytest.approx(place.territory.latitude)


def test_facilitators_cannot_create_places(client, people):
    client.force_login(people["facilitator_here"])
    assert client.get(reverse("geodirectory:place_create")).status_code == 403


def test_my_places_lists_what_one_may_edit(client, people):
    mine = montbeliard_place(nom="Le mien")
    mine.facilitators.add(people["facilitator_here"])
    montbeliard_place(nom="Un autre")
    client.force_login(people["facilitator_here"])
    body = client.get(reverse("geodirectory:my_places")).content.decode()
    assert "Le mien" in body and "Un autre" not in body


def _png() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "green").save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "facade.png"
    return buffer


def test_photos_are_added_with_a_description_and_served(client, people):
    place = montbeliard_place()
    client.force_login(people["coordinator"])
    client.post(
        reverse("geodirectory:place_photos", args=[place.pk]),
        {"image": _png(), "alt_text": "La façade de l'EPN"},
    )
    photo = place.photos.get()
    response = client.get(reverse("geodirectory:place_photo", args=[place.slug, photo.pk]))
    assert response.status_code == 200
    page = client.get(place.get_absolute_url()).content.decode()
    assert 'alt="La façade de l&#x27;EPN"' in page or "La façade" in page
    refused = client.post(
        reverse("geodirectory:place_photos", args=[place.pk]),
        {"image": io.BytesIO(b"not an image"), "alt_text": "x"},
    )
    assert refused.status_code == 200 and place.photos.count() == 1


# --- Locating ------------------------------------------------------------------------------


def _unlocated(**kwargs) -> Place:
    place = Place(
        id_schema="sans-coordonnees",
        pivot="00000000000000",
        nom="Sans coordonnées",
        adresse="Place Saint-Pierre",
        code_postal="46300",
        commune="Gourdon",
        date_maj="2026-10-01",
        **kwargs,
    )
    return place_save(place=place, actor=None, check_permission=False)


def test_offline_a_place_lands_on_its_commune(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        place = _unlocated()
    place.refresh_from_db()
    assert place.geocoding_precision == GeocodingPrecision.COMMUNE
    assert (place.latitude, place.longitude) == (44.7348, 1.37713)
    assert place.revisions.filter(origin="geocoding").exists()


def test_a_failure_is_reported_and_never_stored_as_zero_zero(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        place = place_save(
            place=Place(
                id_schema="introuvable",
                pivot="00000000000000",
                nom="Introuvable",
                adresse="1 rue",
                code_postal="99999",
                commune="Nulle-Part",
                date_maj="2026-10-01",
            ),
            actor=None,
            check_permission=False,
        )
    place.refresh_from_db()
    assert place.latitude is None and place.longitude is None
    assert "Nulle-Part" in place.geocoding_error


def test_with_the_ban_geocoder_the_address_is_used(settings, django_capture_on_commit_callbacks):
    settings.GEOCODER = "ban"
    found = mock.Mock(
        latitude=44.7371,
        longitude=1.3832,
        address="Place Saint-Pierre 46300 Gourdon",
        raw={"properties": {"type": "street"}},
    )
    with (
        mock.patch("geopy.geocoders.BANFrance.geocode", return_value=found) as geocode,
        django_capture_on_commit_callbacks(execute=True),
    ):
        place = _unlocated()
    geocode.assert_called_once()
    assert "Place Saint-Pierre" in geocode.call_args.args[0]
    place.refresh_from_db()
    assert place.geocoding_precision == GeocodingPrecision.ADDRESS
    assert (place.latitude, place.longitude) == (44.7371, 1.3832)


def test_when_the_address_service_is_down_the_commune_does(
    settings, django_capture_on_commit_callbacks
):
    from geopy.exc import GeocoderUnavailable

    settings.GEOCODER = "ban"
    with (
        mock.patch("geopy.geocoders.BANFrance.geocode", side_effect=GeocoderUnavailable("down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        place = _unlocated()
    place.refresh_from_db()
    assert place.geocoding_precision == GeocodingPrecision.COMMUNE
    assert place.geocoding_error == ""


def test_ban_errors_are_translated_sentences():
    from geopy.exc import GeocoderTimedOut

    from geodirectory.geocoding import ban

    with (
        mock.patch("geopy.geocoders.BANFrance.geocode", side_effect=GeocoderTimedOut("t")),
        pytest.raises(GeocodingError, match="adresse"),
    ):
        ban("1 rue de la Paix Paris")


# --- A place belongs to a territory: who may put it there -------------------------------------


def creation_data(**changes) -> dict:
    data = {
        "nom": "Médiathèque de Gourdon",
        "adresse": "Place Saint-Pierre",
        "code_postal": "46300",
        "commune": "Gourdon",
        "pivot": "21460127000019",
        "services": ["Accès internet et matériel informatique"],
        "is_published": "on",
    }
    data.update(changes)
    return data


def test_a_local_admin_cannot_create_a_place_outside_their_territory(client, people):
    # Pays de Montbéliard's administrator, a place in Gourdon (Lot).
    client.force_login(people["admin_here"])
    response = client.post(reverse("geodirectory:place_create"), creation_data())
    assert response.status_code == 200
    assert "Gourdon" in response.content.decode()
    assert not Place.objects.filter(nom="Médiathèque de Gourdon").exists()


def test_a_local_admin_cannot_create_a_place_whose_commune_is_unknown(client, people):
    client.force_login(people["admin_here"])
    response = client.post(
        reverse("geodirectory:place_create"),
        creation_data(code_postal="99999", commune="Nulle-Part"),
    )
    assert response.status_code == 200
    assert not Place.objects.filter(nom="Médiathèque de Gourdon").exists()


def test_the_coordinator_creates_a_place_anywhere(client, people):
    client.force_login(people["coordinator"])
    response = client.post(reverse("geodirectory:place_create"), creation_data())
    assert response.status_code == 302
    place = Place.objects.get(nom="Médiathèque de Gourdon")
    assert place.territory.code == "46127"


def test_a_local_admin_attaches_only_facilitators_they_manage(client, people):
    lot_facilitator = UserFactory(home_territory=Territory.objects.get(code="46127"))
    place = Place(
        id_schema="bethoncourt",
        pivot="21250057000019",
        nom="Médiathèque de Bethoncourt",
        adresse="2 rue de la Libération",
        code_postal="25200",
        commune="Bethoncourt",
        date_maj="2026-10-01",
        latitude=47.53,
        longitude=6.8,
    )
    with pytest.raises(ValidationError) as refused:
        place_save(place=place, actor=people["admin_here"], facilitators=[lot_facilitator])
    assert "facilitators" in refused.value.error_dict
    assert not Place.objects.filter(id_schema="bethoncourt").exists()


def test_a_local_admin_cannot_move_a_place_out_of_their_territory(client, people):
    place = montbeliard_place(nom="EPN du Centre")
    client.force_login(people["admin_here"])
    response = client.post(
        reverse("geodirectory:place_edit", args=[place.pk]),
        form_data(place, code_postal="46300", commune="Gourdon"),
    )
    assert response.status_code == 200
    place.refresh_from_db()
    assert (place.commune, place.code_insee, place.territory.code) == (
        "Montbéliard",
        "25388",
        "25388",
    )


def test_a_facilitator_cannot_move_their_place_to_another_territory(client, people):
    place = montbeliard_place(nom="EPN du Centre")
    place.facilitators.add(people["facilitator_here"])
    client.force_login(people["facilitator_here"])
    response = client.post(
        reverse("geodirectory:place_edit", args=[place.pk]),
        form_data(place, code_postal="46300", commune="Gourdon"),
    )
    assert response.status_code == 200
    place.refresh_from_db()
    assert place.territory.code == "25388"
    # Within the same commune, the facilitator edits as before.
    response = client.post(
        reverse("geodirectory:place_edit", args=[place.pk]),
        form_data(place, adresse="3 rue de la Mairie"),
    )
    assert response.status_code == 302


def test_changing_the_commune_updates_the_insee_code_and_the_territory(client, people):
    place = montbeliard_place(nom="EPN du Centre")
    client.force_login(people["admin_here"])
    # Bethoncourt shares Montbéliard's postcode: the name tells them apart.
    response = client.post(
        reverse("geodirectory:place_edit", args=[place.pk]),
        form_data(place, commune="Bethoncourt"),
    )
    assert response.status_code == 302
    place.refresh_from_db()
    assert (place.code_insee, place.territory.code) == ("25057", "25057")
    revision = place.revisions.latest("created_at")
    assert revision.changes["code_insee"] == ["25388", "25057"]


def test_changing_the_postcode_and_commune_moves_the_place_for_the_coordinator(
    client, people, django_capture_on_commit_callbacks
):
    place = montbeliard_place(nom="EPN du Centre")
    client.force_login(people["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("geodirectory:place_edit", args=[place.pk]),
            form_data(place, code_postal="46300", commune="Gourdon"),
        )
    assert response.status_code == 302
    place.refresh_from_db()
    assert (place.code_insee, place.territory.code) == ("46127", "46127")
    # Montbéliard's coordinates went with the old commune: located again, in Gourdon.
    assert place.geocoding_precision == GeocodingPrecision.COMMUNE
    assert (place.latitude, place.longitude) == (44.7348, 1.37713)
    assert place in places_editable_by(people["admin_elsewhere"])
    assert place not in places_editable_by(people["admin_here"])


@pytest.mark.parametrize("role", ROLES)
def test_who_edits_and_who_puts_places_where_and_the_list_agrees(people, role):
    from django.contrib.auth.models import AnonymousUser

    from core.permissions import can

    montbeliard = Territory.objects.get(kind="commune", code="25388")
    gourdon = Territory.objects.get(kind="commune", code="46127")
    here = montbeliard_place(nom="Ici")
    here.facilitators.add(people["facilitator_here"])
    elsewhere = PlaceFactory(nom="Ailleurs", commune="Gourdon", code_postal="46300")
    elsewhere.territory = gourdon
    elsewhere.save()
    user = AnonymousUser() if role == "anonymous" else people[role]
    edits = {
        here: role in {"facilitator_here", "admin_here", "coordinator"},
        elsewhere: role in {"admin_elsewhere", "coordinator"},
    }
    editable = set(places_editable_by(user))
    for place, allowed in edits.items():
        assert can(user, "edit", place) == allowed, place
        assert (place in editable) == allowed, place
    puts = {
        montbeliard: role in {"admin_here", "coordinator"},
        gourdon: role in {"admin_elsewhere", "coordinator"},
    }
    for territory, allowed in puts.items():
        assert can(user, "put_place", territory) == allowed, territory
