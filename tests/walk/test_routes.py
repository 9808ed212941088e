"""The page walk finds routes by itself and fills their arguments by convention; a route it
cannot fill stops it with the line to add."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.http import HttpResponse
from django.urls import include, path, re_path

from tests.walk.routes import UnknownArgument, routes, url_for


def view(request, **kwargs):
    return HttpResponse("")


forum_patterns = [
    path("sujets/<int:pk>/", view, name="topic"),
    # A page added later, reusing a known pair: walked without anyone listing it.
    path("sujets/<int:pk>/imprimer/", view, name="print"),
    path("pieces-jointes/<int:pk>/<str:name>", view, name="attachment"),
]

urlpatterns = [
    path("espace/forum/", include((forum_patterns, "forum"))),
    path("espace/nouveautes/<slug:edition>/", view, name="newsletter"),
    re_path(r"^documents/(\d+)/(.*)$", view, name="document"),
    path("admin/pages/<int:pk>/", view, name="admin_page"),
    path("anonyme/", view),
]

URLCONF = __name__
DEMO = SimpleNamespace(
    topic=SimpleNamespace(pk=7),
    attachment=SimpleNamespace(pk=3, name="notes.txt"),
    document=SimpleNamespace(pk=5, filename="charte.pdf"),
)


def found() -> dict:
    return {route.name: route for route in routes(URLCONF)}


def test_every_named_route_is_found_but_the_wagtail_admin():
    assert set(found()) == {
        "forum:topic",
        "forum:print",
        "forum:attachment",
        "newsletter",
        "document",
    }


def test_arguments_are_filled_by_the_segment_before_them_and_their_name():
    routes_ = found()
    assert url_for(routes_["forum:print"], DEMO, URLCONF) == "/espace/forum/sujets/7/imprimer/"
    assert (
        url_for(routes_["forum:attachment"], DEMO, URLCONF)
        == "/espace/forum/pieces-jointes/3/notes.txt"
    )
    assert url_for(routes_["document"], DEMO, URLCONF) == "/documents/5/charte.pdf"


def test_a_route_with_an_argument_of_a_new_kind_stops_the_walk_saying_what_to_add():
    with pytest.raises(UnknownArgument) as error:
        url_for(found()["newsletter"], DEMO, URLCONF)
    message = str(error.value)
    assert "'edition'" in message and "'newsletter'" in message
    assert "add ('nouveautes', 'edition') to ARGUMENTS in tests/walk/routes.py" in message
