from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Q

from core.accounts.models import NetworkPolicy, NetworkRole, User
from core.territories.models import SCOPE_FIELD, Territory, TerritoryKind, TerritoryRole

POLICY_CACHE_KEY = "maillage:network-policy"


def network_policy() -> NetworkPolicy:
    """The network's policy, cached: the MFA middleware asks on every request."""
    policy = cache.get(POLICY_CACHE_KEY)
    if policy is None:
        policy = NetworkPolicy.current()
        cache.set(POLICY_CACHE_KEY, policy, 300)
    return policy


def forget_network_policy() -> None:
    cache.delete(POLICY_CACHE_KEY)


@dataclass
class AccountManager:
    user: User
    territory: Territory | None  # None: the network's coordinator


# Nearest first: a commune's administrator before the EPCI's, the département's, the région's.
LEVELS = [
    TerritoryKind.COMMUNE,
    TerritoryKind.EPCI,
    TerritoryKind.DEPARTEMENT,
    TerritoryKind.REGION,
]


def account_managers(person: User) -> list[AccountManager]:
    """Whom `person` asks to change what only their managers change (the home territory):
    the nearest local administrators who manage the account, else the coordinators."""
    from core.permissions import can, remember_administered_territories

    home = person.home_territory
    if home is not None:
        around = Q(pk=home.pk)
        for kind, field in SCOPE_FIELD.items():
            if getattr(home, field):
                around |= Q(kind=kind, code=getattr(home, field))
        roles = TerritoryRole.objects.filter(
            territory__in=Territory.objects.filter(around), user__is_active=True
        ).select_related("user", "territory")
        # `can(manager, "manage", person)` reads each manager's territories: once for all.
        remember_administered_territories(role.user for role in roles)
        for level in LEVELS:
            nearest = [
                AccountManager(role.user, role.territory)
                for role in roles
                if role.territory.kind == level and can(role.user, "manage", person)
            ]
            if nearest:
                return sorted(nearest, key=lambda m: m.user.display_name)
    coordinators = User.objects.filter(network_role=NetworkRole.COORDINATOR, is_active=True)
    return [
        AccountManager(user, None)
        for user in coordinators.exclude(pk=person.pk).order_by("display_name")
    ]
