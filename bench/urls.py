"""The platform's URLs plus a trivial view: the baseline of page benchmarks (same
middleware, same session, same stack; no work of its own)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from config.urls import urlpatterns as platform_urlpatterns


def trivial(request):
    return HttpResponse("ok")


def empty_page(request):
    """The members' area layout with nothing in it: header, menus, unread count."""
    return render(request, "layouts/extranet.html", {})


def empty_public_page(request):
    """The public site's layout with nothing in it: header, menus, footer."""
    return render(request, "base.html", {})


urlpatterns = [
    path("bench/trivial/", trivial),
    path("bench/empty-page/", empty_page),
    path("bench/empty-public-page/", empty_public_page),
    *platform_urlpatterns,
]
