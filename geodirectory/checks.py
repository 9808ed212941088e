"""Deployment checks of the directory (`manage.py check`)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Warning, register

IMMEDIATE_BACKEND = "django_tasks.backends.immediate.ImmediateBackend"


@register()
def geocoding_off_the_request_thread(app_configs, **kwargs) -> list[Warning]:
    """The national address API is a network call: places are located in a background task,
    which the immediate backend would run inside the request that saved the place."""
    backend = settings.TASKS.get("default", {}).get("BACKEND")
    if settings.GEOCODER == "ban" and backend == IMMEDIATE_BACKEND:
        return [
            Warning(
                "GEOCODER=ban with the immediate task backend: places are located through "
                "the national address API inside the request that saves them.",
                hint="Set TASKS_BACKEND to a backend run by workers.",
                id="geodirectory.W001",
            )
        ]
    return []
