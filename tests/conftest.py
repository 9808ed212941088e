import csv
import gzip
from pathlib import Path

import pytest


def pytest_configure(config):
    """Remove a previous run's SQLite write-ahead log before the test database is created.

    Django deletes the old test database file but not its -wal/-shm companions; SQLite
    would replay that stale log into the new file (e.g. after a browser-test server was
    killed while holding a connection).
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        name = database.get("TEST", {}).get("NAME")
        if name:
            for suffix in ("-wal", "-shm", "-journal"):
                Path(f"{name}{suffix}").unlink(missing_ok=True)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _default_language():
    """Each test ends back in the default language: a request in English leaves English
    active in the thread (the locale middleware activates it; nothing deactivates it)."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _no_cached_menus():
    """The public menus are cached across requests (and, with REDIS_URL, across runs): a
    page a test made, rolled back with its transaction, must not show in the next test."""
    from django.core.cache import cache

    from public_site.selectors import menu_cache_keys

    cache.delete_many(menu_cache_keys())
    yield
    cache.delete_many(menu_cache_keys())


# Montbéliard and Bethoncourt (25), both Gourdons (46, 71), Saint-Étienne (42),
# Bras-sur-Meuse (55), and Abondance (74), the first of the 687 real places.
COMMUNES = {"25388", "25057", "46127", "71222", "42218", "55073", "74001"}


@pytest.fixture(scope="session")
def territory_subset(tmp_path_factory) -> Path:
    """The real territory rows of COMMUNES and of every level above them, as a file."""
    from core.territories.management.commands.load_territories import DEFAULT_FILE

    with gzip.open(DEFAULT_FILE, "rt", encoding="utf-8") as source:
        rows = list(csv.DictReader(source))
    communes = [r for r in rows if r["kind"] == "commune" and r["code"] in COMMUNES]
    epcis = {r["epci_code"] for r in communes}
    kept = [
        r
        for r in rows
        if r["kind"] in ("region", "departement")
        or (r["kind"] == "epci" and r["code"] in epcis)
        or r in communes
    ]
    path = tmp_path_factory.mktemp("territories") / "subset.csv"
    with path.open("w", encoding="utf-8", newline="") as target:
        writer = csv.DictWriter(target, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(kept)
    return path
