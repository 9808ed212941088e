import pytest


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate limits count per account id in the cache, and ids come back after a rolled-back
    test: start each test with none counted."""
    from django.core.cache import cache

    cache.clear()
