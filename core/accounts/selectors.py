from __future__ import annotations

from django.core.cache import cache

from core.accounts.models import NetworkPolicy

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
