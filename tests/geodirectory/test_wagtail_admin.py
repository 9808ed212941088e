"""The coordinator edits places in the Wagtail admin too; the change is recorded."""

from __future__ import annotations

import pytest
from django.urls import reverse

from geodirectory.models import PlaceRevision
from tests.factories import PlaceFactory, UserFactory, coordinator

pytestmark = pytest.mark.django_db


def admin_coordinator():
    user = coordinator()
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def test_the_coordinator_edits_a_place_in_the_wagtail_admin_and_it_is_recorded(client):
    place = PlaceFactory(nom="EPN du Centre")
    boss = admin_coordinator()
    client.force_login(boss)
    url = reverse("places:edit", args=[place.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if isinstance(value, list):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = value
    data["nom"] = "EPN du Centre-Ville"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    place.refresh_from_db()
    assert place.nom == "EPN du Centre-Ville"
    revision = place.revisions.get(origin=PlaceRevision.Origin.ADMIN)
    assert revision.author == boss
    assert revision.changes["nom"] == ["EPN du Centre", "EPN du Centre-Ville"]


def test_facilitators_do_not_reach_the_admin(client):
    place = PlaceFactory()
    client.force_login(UserFactory())
    response = client.get(reverse("places:edit", args=[place.pk]))
    assert response.status_code in {302, 403}
