"""Factories for the kernel's models. Accounts go through the `user_create` service, as in
the application, so each gets its personal desktop."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from core.accounts.models import NetworkRole, User
from core.accounts.services import user_create
from core.territories.models import Territory, TerritoryKind, TerritoryRole
from core.territories.text import normalize
from core.workspaces.models import (
    JoinPolicy,
    Membership,
    MembershipRole,
    MembershipStatus,
    Visibility,
    Workspace,
    WorkspaceKind,
)

PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    display_name = factory.Sequence(lambda n: f"Personne {n}")
    network_role = NetworkRole.FACILITATOR

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        kwargs.setdefault("password", PASSWORD)
        kwargs.setdefault("email_verified", True)
        return user_create(**kwargs)


def coordinator(**kwargs) -> User:
    return UserFactory(network_role=NetworkRole.COORDINATOR, **kwargs)


class TerritoryFactory(DjangoModelFactory):
    class Meta:
        model = Territory
        django_get_or_create = ("kind", "code")

    kind = TerritoryKind.COMMUNE
    code = factory.Sequence(lambda n: f"{90000 + n}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    search_name = factory.LazyAttribute(lambda o: normalize(o.name))


def france() -> dict[str, Territory]:
    """A small slice of the real tree: Montbéliard in its EPCI, and Gourdon in the Lot."""
    t = {}
    t["bfc"] = TerritoryFactory(
        kind=TerritoryKind.REGION, code="27", name="Bourgogne-Franche-Comté"
    )
    t["doubs"] = TerritoryFactory(
        kind=TerritoryKind.DEPARTEMENT, code="25", name="Doubs", parent=t["bfc"], region_code="27"
    )
    t["pma"] = TerritoryFactory(
        kind=TerritoryKind.EPCI,
        code="200065647",
        name="Pays de Montbéliard Agglomération",
        parent=t["doubs"],
        region_code="27",
        departement_code="25",
    )
    t["montbeliard"] = TerritoryFactory(
        kind=TerritoryKind.COMMUNE,
        code="25388",
        name="Montbéliard",
        parent=t["pma"],
        region_code="27",
        departement_code="25",
        epci_code="200065647",
        latitude=47.5097,
        longitude=6.7986,
    )
    t["occitanie"] = TerritoryFactory(kind=TerritoryKind.REGION, code="76", name="Occitanie")
    t["lot"] = TerritoryFactory(
        kind=TerritoryKind.DEPARTEMENT,
        code="46",
        name="Lot",
        parent=t["occitanie"],
        region_code="76",
    )
    t["gourdon"] = TerritoryFactory(
        kind=TerritoryKind.COMMUNE,
        code="46127",
        name="Gourdon",
        parent=t["lot"],
        region_code="76",
        departement_code="46",
    )
    return t


def local_admin(territory: Territory, **kwargs) -> User:
    """A local administrator of `territory`, living there unless `home_territory` says."""
    kwargs.setdefault("home_territory", territory)
    user = UserFactory(**kwargs)
    TerritoryRole.objects.create(user=user, territory=territory)
    return user


class GroupFactory(DjangoModelFactory):
    class Meta:
        model = Workspace

    kind = WorkspaceKind.GROUP
    name = factory.Sequence(lambda n: f"Groupe {n}")
    slug = factory.Sequence(lambda n: f"groupe-{n}")
    visibility = Visibility.NETWORK
    join_policy = JoinPolicy.REQUEST


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    workspace = factory.SubFactory(GroupFactory)
    role = MembershipRole.MEMBER
    status = MembershipStatus.ACTIVE


class PlaceFactory(DjangoModelFactory):
    """A published place; coordinates default to Montbéliard's centre."""

    class Meta:
        model = "geodirectory.Place"

    id_schema = factory.Sequence(lambda n: f"lieu-{n}")
    slug = factory.Sequence(lambda n: f"lieu-{n}")
    pivot = "00000000000000"
    nom = factory.Sequence(lambda n: f"Espace numérique {n}")
    commune = "Montbéliard"
    code_postal = "25200"
    code_insee = "25388"
    adresse = "1 rue de la Mairie"
    latitude = 47.5097
    longitude = 6.7986
    geocoding_precision = "source"
    date_maj = factory.LazyFunction(lambda: __import__("datetime").date(2026, 11, 1))
    services = "Aide aux démarches administratives"
