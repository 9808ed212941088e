"""Mounts only the territory endpoints, as config/urls.py does, for tests that must not
depend on the rest of the project's URLs."""

from django.urls import include, path

urlpatterns = [
    path("api/territoires/", include("core.territories.urls")),
]
