"""Who manages whose account (close, reopen, change role or home territory).

The rule (README.md, "Permissions"): the coordinator manages every account but their own;
a local administrator manages the accounts whose home territory lies in their territory,
except accounts that administer a territory not strictly inside one of theirs (their
peers, those above them, those of other territories) and the coordinator's.
`users_managed_by` must list exactly the accounts `can(user, "manage", …)` allows.
"""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core.accounts.services import user_set_active, user_update_role
from core.permissions import can, users_managed_by
from core.territories.models import TerritoryRole
from tests.factories import UserFactory, coordinator, france, local_admin

pytestmark = pytest.mark.django_db

ACTORS = [
    "anonymous",
    "facilitator",
    "commune_admin",
    "epci_admin",
    "departement_admin",
    "lot_admin",
    "coordinator",
]
PEOPLE = [
    "facilitator",
    "other_facilitator",
    "commune_admin",
    "other_commune_admin",
    "epci_admin",
    "departement_admin",
    "closed_departement_admin",
    "lot_admin",
    "lot_admin_living_here",
    "coordinator",
    "other_coordinator",
]

# The level of each administrator living in Montbéliard: commune < EPCI < département.
LEVEL = {"commune_admin": 1, "epci_admin": 2, "departement_admin": 3}


def expected(actor: str, person: str) -> bool:
    if actor == person or actor in {"anonymous", "facilitator"}:
        return False
    if actor == "coordinator":
        return True
    if person in {"coordinator", "other_coordinator"} or actor == "lot_admin":
        return False  # Lot's administrator: nobody of theirs lives in Montbéliard here
    if person in {"facilitator", "other_facilitator"}:
        return True
    if person == "other_commune_admin":
        person = "commune_admin"
    if person == "closed_departement_admin":
        person = "departement_admin"
    if person in {"lot_admin", "lot_admin_living_here"}:
        return False  # administers a territory that is not inside the actor's
    return LEVEL[person] < LEVEL[actor]


def build():
    t = france()
    here = t["montbeliard"]
    people = {
        "anonymous": AnonymousUser(),
        "facilitator": UserFactory(home_territory=here),
        "other_facilitator": UserFactory(home_territory=here),
        "commune_admin": local_admin(here),
        "other_commune_admin": local_admin(here),
        "epci_admin": local_admin(t["pma"], home_territory=here),
        "departement_admin": local_admin(t["doubs"], home_territory=here),
        "closed_departement_admin": local_admin(t["doubs"], home_territory=here),
        "lot_admin": local_admin(t["lot"]),
        "lot_admin_living_here": local_admin(t["lot"], home_territory=here),
        "coordinator": coordinator(home_territory=here),
        "other_coordinator": coordinator(home_territory=here),
    }
    closed = people["closed_departement_admin"]
    closed.is_active = False
    closed.save()
    return t, people


def test_every_administrator_manages_exactly_the_accounts_below_them():
    _t, people = build()
    wrong = []
    for actor, person in itertools.product(ACTORS, PEOPLE):
        want = expected(actor, person)
        got = can(people[actor], "manage", people[person])
        if got != want:
            wrong.append(f"{actor} manages {person}: got {got}, expected {want}")
    assert wrong == []


def test_the_list_of_managed_accounts_agrees_with_can():
    _t, people = build()
    for actor in ACTORS:
        listed = set(users_managed_by(people[actor]).values_list("pk", flat=True))
        for person in PEOPLE:
            assert (people[person].pk in listed) == expected(actor, person), (actor, person)


def test_a_communes_admin_cannot_close_demote_or_move_the_departements_admin(client):
    t, people = build()
    commune_admin, chief = people["commune_admin"], people["departement_admin"]
    client.force_login(commune_admin)
    assert str(chief) not in client.get(reverse("network:accounts")).content.decode()
    assert client.get(reverse("network:account", args=[chief.pk])).status_code == 403
    response = client.post(reverse("network:account_set_active", args=[chief.pk]), {"active": "0"})
    assert response.status_code == 403
    response = client.post(
        reverse("network:account", args=[chief.pk]),
        {"network_role": "member", "home_territory": t["montbeliard"].code},
    )
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        user_set_active(actor=commune_admin, user=chief, active=False)
    with pytest.raises(PermissionDenied):
        user_update_role(
            actor=commune_admin, user=chief, network_role="member", home_territory=None
        )
    chief.refresh_from_db()
    assert chief.is_active and chief.network_role == "facilitator"
    assert chief.home_territory == t["montbeliard"]
    # The other way round, the département's administrator manages the commune's.
    user_set_active(actor=chief, user=commune_admin, active=False)
    commune_admin.refresh_from_db()
    assert not commune_admin.is_active


def test_a_new_role_takes_effect_on_who_manages_the_account():
    t, people = build()
    facilitator = people["facilitator"]
    assert can(people["commune_admin"], "manage", facilitator)
    TerritoryRole.objects.create(user=facilitator, territory=t["pma"])
    refreshed = type(facilitator).objects.get(pk=facilitator.pk)
    assert not can(people["commune_admin"], "manage", refreshed)
    assert can(people["departement_admin"], "manage", refreshed)
