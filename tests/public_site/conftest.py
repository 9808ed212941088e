import pytest
from django.core.cache import cache

from tests.public_site import factories


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Wagtail caches the sites' root paths in the cache; tests build their own trees.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def home(db):
    return factories.home_page()
