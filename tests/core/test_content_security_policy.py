"""A Content-Security-Policy on every HTML page: no inline script or style without the
page's nonce, no plugins, no <base>, no framing; the map's tiles and the site's websockets
allowed. (The browser tests check that pages run under it without a violation.)"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from tests.factories import PlaceFactory, UserFactory
from tests.public_site import factories as pages

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def assert_strict(directives: dict[str, list[str]]) -> None:
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    for name in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in directives[name]
        assert "'unsafe-eval'" not in directives[name]
        assert "'self'" in directives[name]


@pytest.fixture
def home():
    return pages.home_page()


@pytest.mark.parametrize(
    "path",
    ["/", "/lieux/", "/lieux/epn-des-tilleuls/", "/ateliers/", "/comptes/login/", "/introuvable/"],
)
def test_public_pages_carry_a_strict_policy(client, home, path):
    PlaceFactory(slug="epn-des-tilleuls")
    response = client.get(path)
    assert response["Content-Type"].startswith("text/html")
    assert_strict(policy(response))


@pytest.mark.parametrize(
    "path", ["/espace/", "/espace/forum/", "/espace/agenda/", "/espace/notifications/"]
)
def test_members_pages_carry_a_strict_policy(client, path):
    client.force_login(UserFactory())
    response = client.get(path)
    assert response.status_code == 200
    assert_strict(policy(response))


def test_the_map_tiles_and_the_sites_websockets_may_be_reached(client, settings, home):
    settings.MAP_TILE_URL = "https://{s}.tuiles.exemple.fr/osm/{z}/{x}/{y}.png"
    directives = policy(client.get("/lieux/"))
    assert "https://*.tuiles.exemple.fr" in directives["img-src"]
    assert "https://*.tuiles.exemple.fr" in directives["connect-src"]
    # Live notifications: the page's own host, over ws (wss when the page is https).
    assert {"'self'", "ws://testserver"} <= set(directives["connect-src"])
    secure = policy(client.get("/lieux/", secure=True))
    assert "wss://testserver" in secure["connect-src"]


@pytest.mark.parametrize(
    ("tile_url", "source"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        (
            "https://{s}.tile.openstreetmap.fr/osmfr/{z}/{x}/{y}.png",
            "https://*.tile.openstreetmap.fr",
        ),
        ("http://tuiles.exemple.fr:8080/{z}/{x}/{y}.png?cle=abc", "http://tuiles.exemple.fr:8080"),
        ("//tuiles.exemple.fr/{z}/{x}/{y}.png", "tuiles.exemple.fr"),
        ("/tuiles/{z}/{x}/{y}.png", None),  # served by the site itself: 'self'
    ],
)
def test_the_tile_source_is_the_origin_of_the_tile_url(tile_url, source):
    from core.csp import tile_source

    assert tile_source(tile_url) == source


def test_a_page_that_uses_the_nonce_gets_it_in_its_policy(rf):
    """New inline code must carry the request's nonce; the policy then names it."""
    from django.http import HttpResponse
    from django.template import engines

    from core.csp import ContentSecurityPolicyMiddleware

    template = engines["django"].from_string(
        '<script nonce="{{ request.csp_nonce }}">1</script>'
        '<style nonce="{{ CSP_NONCE }}">p{}</style>'
    )
    request = rf.get("/")
    request.user = AnonymousUser()
    middleware = ContentSecurityPolicyMiddleware(
        lambda request: HttpResponse(template.render({}, request))
    )
    response = middleware(request)
    nonces = set(re.findall(r'nonce="([^"]+)"', response.content.decode()))
    assert len(nonces) == 1
    nonce = nonces.pop()
    directives = policy(response)
    assert f"'nonce-{nonce}'" in directives["script-src"]
    assert f"'nonce-{nonce}'" in directives["style-src"]


def test_the_wagtail_admin_has_its_own_policy(client, home):
    editor = get_user_model().objects.create_superuser(
        email="redaction@exemple.fr", password="correct-horse-battery-staple"
    )
    client.force_login(editor)
    directives = policy(client.get(f"/admin/pages/{home.pk}/edit/"))
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    # Previews of pages are shown in a frame of the admin itself, nowhere else.
    assert directives["frame-ancestors"] == ["'self'"]


@pytest.mark.parametrize("path", ["/", "/espace/", "/lieux/"])
def test_a_request_for_a_host_that_is_not_ours_is_refused_not_a_server_error(
    client, settings, path
):
    """The policy names the page's own websocket origin, read from the Host header: a Host
    outside ALLOWED_HOSTS made that crash the answer into a 500."""
    settings.ALLOWED_HOSTS = ["maillage.example"]
    response = client.get(path, HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "evil.example" not in response.headers.get("Content-Security-Policy", "")
