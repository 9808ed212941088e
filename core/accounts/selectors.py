from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
from django.core.cache import cache
from django.db.models import Q
from django.utils.crypto import constant_time_compare

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


def session_auth_hash_matches(session_hash: str | None, user: User) -> bool:
    """Whether a session's auth hash is still `user`'s, as `django.contrib.auth.get_user`
    decides: the current hash (a salted HMAC of the password), or one made with a key of
    SECRET_KEY_FALLBACKS. A password changed since makes it fail."""
    if not session_hash:
        return False
    if constant_time_compare(session_hash, user.get_session_auth_hash()):
        return True
    return any(
        constant_time_compare(session_hash, fallback)
        for fallback in user.get_session_auth_fallback_hash()
    )


def session_user(session_key: str | None, user_id: int) -> User | None:
    """The account signed in on session `session_key`, if it is still `user_id`, its
    backend still allows it (an inactive account is refused) and the session's auth hash
    still matches: what a live socket re-checks. Unlike `get_user`, it changes nothing
    (the session is neither flushed nor rotated: the next HTTP request does that)."""
    if not session_key:
        return None
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)
    if str(store.get(SESSION_KEY)) != str(user_id):
        return None  # signed out, or another account signed in on this browser
    backend_path = store.get(BACKEND_SESSION_KEY)
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return None
    user = load_backend(backend_path).get_user(user_id)
    if user is None or not session_auth_hash_matches(store.get(HASH_SESSION_KEY), user):
        return None
    return user


def sessions_still_signed_in(
    pairs: list[tuple[str, int]], users_out: dict[int, User] | None = None
) -> dict[tuple[str, int], str | None]:
    """For many live sockets at once, each `(session key, user id)`: None if the session
    still holds (what `session_user` checks), "signed_out" if the account is active but the
    session no longer signed in with its password, "closed" if the account is closed.

    One query for the accounts and one cache read for the sessions, whatever their number:
    what every socket reached by one broadcast asks before forwarding it.
    """
    from django.contrib.sessions.backends.cached_db import KEY_PREFIX

    engine = import_module(settings.SESSION_ENGINE)
    stores: dict[str, dict] = {}
    keys = {key for key, _uid in pairs if key}
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db":
        from django.core.cache import caches

        found = caches[settings.SESSION_CACHE_ALIAS].get_many([KEY_PREFIX + k for k in keys])
        stores = {k[len(KEY_PREFIX) :]: v for k, v in found.items() if isinstance(v, dict)}
    for key in keys - set(stores):
        stores[key] = dict(engine.SessionStore(session_key=key).load())
    users = {u.pk: u for u in User.objects.filter(pk__in={uid for _key, uid in pairs})}
    if users_out is not None:
        users_out.update(users)
    answers: dict[tuple[str, int], str | None] = {}
    for key, uid in pairs:
        user = users.get(uid)
        if user is None or not user.is_active:
            answers[(key, uid)] = "closed"
            continue
        data = stores.get(key) or {}
        holds = (
            str(data.get(SESSION_KEY)) == str(uid)
            and data.get(BACKEND_SESSION_KEY) in settings.AUTHENTICATION_BACKENDS
            and session_auth_hash_matches(data.get(HASH_SESSION_KEY), user)
        )
        answers[(key, uid)] = None if holds else "signed_out"
    return answers
