"""What every benchmark's worker process does first."""

from __future__ import annotations

import os


def start_django() -> None:
    """Django set up in this worker, serving the benchmark URLs (bench/urls.py) to the test
    client, on a freshly migrated database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ROOT_URLCONF = "bench.urls"
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
