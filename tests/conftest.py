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
