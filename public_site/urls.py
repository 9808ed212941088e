from django.urls import path

from public_site.views import search

urlpatterns = [
    path("recherche/", search, name="search"),
]
