from django.urls import path

from public_site.views import robots_txt, search

urlpatterns = [
    path("recherche/", search, name="search"),
    path("robots.txt", robots_txt, name="robots_txt"),
]
