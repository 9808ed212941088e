"""Behind a reverse proxy: the client's address and scheme come from forwarded headers only
when the connecting peer is one of TRUSTED_PROXIES. Requests go through the real ASGI
application (config.asgi), as daphne hands them over, with the peer's address in the scope."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from asgiref.sync import async_to_sync
from channels.testing import HttpCommunicator
from django.core.cache import cache

from config.asgi import application
from tests.factories import PASSWORD, PlaceFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
PROXY = "10.0.0.2"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Visitor:
    """One browser reaching the ASGI application from `peer` (the address daphne sees),
    with `forwarded` headers added by whatever stands in between. Keeps its cookies."""

    def __init__(self, peer: str, *, forwarded_for: str = "", proto: str = "", app=application):
        self.peer = peer
        self.app = app
        self.headers = [(b"host", b"localhost")]
        if forwarded_for:
            self.headers.append((b"x-forwarded-for", forwarded_for.encode()))
        if proto:
            self.headers.append((b"x-forwarded-proto", proto.encode()))
        self.cookies: dict[str, str] = {}
        self.csrf_token = ""

    def request(self, method: str, path: str, data: dict | None = None) -> dict:
        headers = list(self.headers)
        if self.cookies:
            cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            headers.append((b"cookie", cookie.encode()))
        body = b""
        if data is not None:
            body = urlencode({"csrfmiddlewaretoken": self.csrf_token, **data}).encode()
            headers.append((b"content-type", b"application/x-www-form-urlencoded"))
        communicator = HttpCommunicator(self.app, method, path, body=body, headers=headers)
        communicator.scope["client"] = [self.peer, 51000]
        communicator.scope["scheme"] = "http"
        response = async_to_sync(communicator.get_response)(timeout=10)
        response["headers"] = [(k.decode().lower(), v.decode()) for k, v in response["headers"]]
        for name, value in response["headers"]:
            if name == "set-cookie":
                for morsel in SimpleCookie(value).values():
                    self.cookies[morsel.key] = morsel.value
        response["text"] = response["body"].decode()
        if match := TOKEN.search(response["text"]):
            self.csrf_token = match.group(1)
        return response

    def get(self, path: str) -> dict:
        return self.request("GET", path)

    def post(self, path: str, data: dict) -> dict:
        self.get(path)  # the form, and its CSRF token
        return self.request("POST", path, data)


def fresh_application():
    """config.asgi's application built anew: Django's middleware reads some settings (such
    as SECURE_SSL_REDIRECT) once, when it is built."""
    import config.asgi

    return importlib.reload(config.asgi).application


def header(response: dict, name: str) -> str | None:
    return next((v for k, v in response["headers"] if k == name), None)


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    return settings


@pytest.fixture
def workshop():
    from tests.calendars.factories import make_workshop

    return make_workshop(PlaceFactory(), capacity=50)


# --- Rate limits --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_visitors_behind_a_trusted_proxy_each_get_their_own_registration_limit(
    behind_proxy, workshop
):
    behind_proxy.WORKSHOP_REGISTRATIONS_PER_HOUR = 1
    url = workshop.get_absolute_url()
    for n, address in enumerate(["203.0.113.7", "198.51.100.4", "2001:db8::5"]):
        visitor = Visitor(PROXY, forwarded_for=address)
        response = visitor.post(url, {"name": f"Personne {n}", "phone": f"06000000{n}"})
        assert response["status"] == 302, response["text"][:300]
    assert workshop.registrations.count() == 3

    # The limit still holds for each of them.
    again = Visitor(PROXY, forwarded_for="203.0.113.7").post(url, {"name": "Encore", "phone": "07"})
    assert again["status"] == 400
    assert workshop.registrations.count() == 3


@pytest.mark.django_db(transaction=True)
def test_an_ipv6_client_cannot_get_round_the_limit_by_changing_its_own_64_bits(workshop, settings):
    """An IPv6 client holds a whole /64: its addresses count as one; its neighbour in
    another /64, and an IPv4 client, still have their own."""
    settings.WORKSHOP_REGISTRATIONS_PER_HOUR = 1
    url = workshop.get_absolute_url()
    first = Visitor("2001:db8:1:2::5")
    assert first.post(url, {"name": "Un", "phone": "01"})["status"] == 302
    same_network = Visitor("2001:db8:1:2:ffff:1234:5678:9abc")
    refused = same_network.post(url, {"name": "Deux", "phone": "02"})
    assert refused["status"] == 400
    assert "Beaucoup d’inscriptions sont venues de votre connexion" in refused["text"]
    for n, other in enumerate(["2001:db8:1:3::5", "203.0.113.9"]):
        response = Visitor(other).post(url, {"name": f"Autre {n}", "phone": f"03{n}"})
        assert response["status"] == 302
    assert workshop.registrations.count() == 3


def test_the_rate_limit_key_of_an_address():
    from django.test import RequestFactory

    from core.proxies import rate_limit_key

    def key(address: str) -> str:
        return rate_limit_key(RequestFactory().get("/", REMOTE_ADDR=address))

    assert key("203.0.113.9") == "203.0.113.9"
    assert key("2001:db8:1:2:ffff::1") == key("2001:db8:1:2::9") == "2001:db8:1:2::/64"
    assert key("::ffff:203.0.113.9") == "203.0.113.9"  # IPv4 seen through IPv6
    assert key("") == ""


@pytest.mark.django_db(transaction=True)
def test_a_forged_forwarded_address_from_an_untrusted_peer_does_not_open_a_new_bucket(
    behind_proxy, workshop
):
    behind_proxy.WORKSHOP_REGISTRATIONS_PER_HOUR = 1
    url = workshop.get_absolute_url()
    first = Visitor("203.0.113.50", forwarded_for="192.0.2.1")
    assert first.post(url, {"name": "Un", "phone": "01"})["status"] == 302
    second = Visitor("203.0.113.50", forwarded_for="192.0.2.2")
    assert second.post(url, {"name": "Deux", "phone": "02"})["status"] == 400
    assert workshop.registrations.count() == 1


@pytest.mark.django_db(transaction=True)
def test_addresses_a_client_writes_left_of_our_proxy_are_not_believed(behind_proxy, workshop):
    """The proxy appends the address it saw; whatever stands left of it is the client's."""
    behind_proxy.WORKSHOP_REGISTRATIONS_PER_HOUR = 1
    url = workshop.get_absolute_url()
    first = Visitor(PROXY, forwarded_for="192.0.2.1, 203.0.113.9")
    assert first.post(url, {"name": "Un", "phone": "01"})["status"] == 302
    forged = Visitor(PROXY, forwarded_for="192.0.2.2, 203.0.113.9")
    assert forged.post(url, {"name": "Deux", "phone": "02"})["status"] == 400


@pytest.mark.django_db(transaction=True)
def test_failed_sign_ins_behind_the_proxy_are_counted_per_client(behind_proxy):
    behind_proxy.ACCOUNT_RATE_LIMITS = {"login_failed": "1/m/ip"}
    user = UserFactory(email="camille@exemple.fr")
    attacker = Visitor(PROXY, forwarded_for="203.0.113.66")
    refused = attacker.post("/comptes/login/", {"login": user.email, "password": "wrong"})
    assert refused["status"] == 200  # the form again, with its error

    # Another person behind the same proxy signs in: the attacker's failures are not hers.
    colleague = Visitor(PROXY, forwarded_for="198.51.100.23")
    response = colleague.post("/comptes/login/", {"login": user.email, "password": PASSWORD})
    assert response["status"] == 302, response["text"][:300]

    # The attacker, from the same address again, is throttled.
    again = attacker.post("/comptes/login/", {"login": user.email, "password": PASSWORD})
    assert again["status"] != 302


# --- Scheme -------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_https_reported_by_a_trusted_proxy_is_believed(behind_proxy):
    behind_proxy.SECURE_SSL_REDIRECT = True
    response = Visitor(PROXY, proto="https", app=fresh_application()).get("/comptes/login/")
    assert response["status"] == 200


@pytest.mark.django_db(transaction=True)
def test_https_claimed_by_an_untrusted_peer_is_redirected_to_https(behind_proxy):
    behind_proxy.SECURE_SSL_REDIRECT = True
    response = Visitor("203.0.113.50", proto="https", app=fresh_application())
    response = response.get("/comptes/login/")
    assert response["status"] == 301
    assert header(response, "location") == "https://localhost/comptes/login/"


def test_production_believes_no_forwarded_scheme_by_default():
    """The production settings, in a process of their own: a peer that is not a trusted
    proxy cannot make a plain-HTTP request look like HTTPS."""
    script = (
        "import django; django.setup()\n"
        "from tests.core.test_proxies import Visitor, header\n"
        "r = Visitor('203.0.113.50', proto='https').get('/comptes/login/')\n"
        "print(r['status'], header(r, 'location'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_ENV": "production",
            "SECRET_KEY": "x" * 60,
            "ALLOWED_HOSTS": "localhost",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "301 https://localhost/comptes/login/"


def test_a_mistyped_trusted_proxy_stops_the_process_with_a_one_line_reason():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "TRUSTED_PROXIES": "10.0.0.0/8,nginx.local"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "TRUSTED_PROXIES: 'nginx.local' is neither an IP address nor a network" in result.stderr


# --- The resolver itself ----------------------------------------------------------------------


def resolve(peer, forwarded_for=None, proto=None, scheme="http", trusted=("10.0.0.0/24", "::1")):
    from core.proxies import parse_networks, resolve_client

    return resolve_client(
        peer=peer,
        scheme=scheme,
        forwarded_for=forwarded_for,
        forwarded_proto=proto,
        networks=parse_networks(trusted),
    )


@pytest.mark.parametrize(
    ("peer", "forwarded_for", "client"),
    [
        # No trusted proxy: the peer, whatever it says.
        ("203.0.113.5", "192.0.2.1", "203.0.113.5"),
        # The proxy's appended hop is the client; what the client wrote further left is not.
        ("10.0.0.2", "192.0.2.1, 203.0.113.5", "203.0.113.5"),
        # Our own proxies in a chain are skipped, right to left.
        ("10.0.0.2", "192.0.2.1, 203.0.113.5, 10.0.0.7", "203.0.113.5"),
        # IPv6 clients, and IPv6 proxies.
        ("::1", "2001:db8::5", "2001:db8::5"),
        # IPv4 seen through a dual-stack socket is still our proxy.
        ("::ffff:10.0.0.2", "203.0.113.5", "203.0.113.5"),
        # A trusted proxy without the header: the proxy itself.
        ("10.0.0.2", None, "10.0.0.2"),
        # Every hop trusted: the leftmost is the nearest we know of.
        ("10.0.0.2", "10.0.0.9, 10.0.0.8", "10.0.0.9"),
        # Garbage (never written by a proxy of ours): the nearest hop we can vouch for.
        ("10.0.0.2", "203.0.113.5, not-an-address", "10.0.0.2"),
        ("10.0.0.2", "not-an-address, 203.0.113.5", "203.0.113.5"),
    ],
)
def test_the_client_is_the_first_untrusted_hop_from_the_right(peer, forwarded_for, client):
    assert resolve(peer, forwarded_for).address == client


@pytest.mark.parametrize(
    ("peer", "proto", "scheme", "expected"),
    [
        ("10.0.0.2", "https", "http", "https"),
        ("10.0.0.2", "http", "http", "http"),
        ("203.0.113.5", "https", "http", "http"),
        # A client's own value left of the proxy's does not count.
        ("10.0.0.2", "https, http", "http", "http"),
        ("10.0.0.2", "nonsense", "http", "http"),
        # Websockets: the proxy reports https for a wss upgrade.
        ("10.0.0.2", "https", "ws", "wss"),
        ("203.0.113.5", "https", "ws", "ws"),
    ],
)
def test_the_scheme_is_the_trusted_proxys(peer, proto, scheme, expected):
    assert resolve(peer, "198.51.100.1", proto, scheme=scheme).scheme == expected


def test_websocket_consumers_see_the_client_behind_a_trusted_proxy(settings):
    from core.proxies import TrustedProxyMiddleware

    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    seen = {}

    async def app(scope, receive, send):
        seen.update(scope)

    scope = {
        "type": "websocket",
        "scheme": "ws",
        "client": ["10.0.0.2", 40000],
        "headers": [(b"x-forwarded-for", b"203.0.113.5"), (b"x-forwarded-proto", b"https")],
    }
    async_to_sync(TrustedProxyMiddleware(app))(scope, None, None)
    assert seen["client"] == ["203.0.113.5", 0]
    assert seen["scheme"] == "wss"
    assert scope["client"] == ["10.0.0.2", 40000]  # the server's own scope is left alone
