import pytest
from django.core.cache import cache

from tests.public_site import factories


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Wagtail caches the sites' root paths in the cache; tests build their own trees.
    cache.clear()
    yield
    cache.clear()


# The public address: absolute links use it, not the Wagtail site record (localhost:80).
SITE_URL = "https://maillage.example.fr"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


@pytest.fixture
def home(db):
    return factories.home_page()
