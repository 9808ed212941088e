"""The project's URLs plus sitemap.xml, as config/urls.py will have them."""

from django.urls import path

from config.urls import urlpatterns as core_urlpatterns
from core.sitemaps import sitemap

urlpatterns = [path("sitemap.xml", sitemap, name="sitemap"), *core_urlpatterns]
