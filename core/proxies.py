"""Who is really on the other end: the client's address and scheme, through the reverse
proxies this deployment trusts (`TRUSTED_PROXIES`), and no others.

`X-Forwarded-For` and `X-Forwarded-Proto` are read only when the connecting peer is one of
`TRUSTED_PROXIES` (addresses or networks; empty by default, so no forwarded header is ever
believed). `X-Forwarded-For` is read from right to left, each hop appended by the proxy to
its right, skipping the addresses of trusted proxies: the first address that is not one of
ours is the client, and whatever a client wrote itself further left is never reached.

`TrustedProxyMiddleware` (config/asgi.py) applies it once per connection, HTTP and
websocket, by rewriting the ASGI scope's `client` and `scheme`. Everything downstream then
sees the real client: Django's `REMOTE_ADDR` and `request.is_secure()` (HTTPS redirect,
HSTS, secure cookies' CSRF checks), allauth's sign-in throttling (core.accounts.adapter),
our rate limits (`client_address`) and the consumers' `scope["client"]`. Daphne must run
without `--proxy-headers`, which believes any peer and takes the leftmost address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

SECURE_SCHEMES = {"https", "wss"}


@lru_cache(maxsize=8)
def parse_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """`TRUSTED_PROXIES` entries ("10.0.0.5", "10.0.0.0/8", "::1") as networks."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {entry!r} is neither an IP address nor a network "
                "(e.g. 127.0.0.1 or 10.0.0.0/8)."
            ) from None
    return tuple(networks)


def trusted_networks() -> tuple[Network, ...]:
    return parse_networks(tuple(settings.TRUSTED_PROXIES))


def parse_address(value: str | None) -> Address | None:
    """An address as a peer or a proxy reports it, or None if it is not one. IPv4 seen
    through a dual-stack socket (::ffff:10.0.0.5) counts as the IPv4 address."""
    if not value:
        return None
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def is_trusted(address: Address | None, networks: Iterable[Network]) -> bool:
    return address is not None and any(address in network for network in networks)


@dataclass(frozen=True)
class Client:
    address: str | None
    scheme: str

    @property
    def secure(self) -> bool:
        return self.scheme in SECURE_SCHEMES


def resolve_client(
    *,
    peer: str | None,
    scheme: str,
    forwarded_for: str | None,
    forwarded_proto: str | None,
    networks: Iterable[Network] | None = None,
) -> Client:
    """The client behind `peer`, the address that connected to us with `scheme` ("http",
    "https", "ws" or "wss"). Forwarded values are used only if `peer` is trusted."""
    networks = tuple(trusted_networks() if networks is None else networks)
    hop = parse_address(peer)
    if not is_trusted(hop, networks):
        return Client(peer, scheme)

    client = hop
    for entry in reversed((forwarded_for or "").split(",")):
        if not entry.strip():
            continue
        address = parse_address(entry)
        if address is None:
            # Not an address: a trusted proxy never writes that, so it came from the
            # client's side. The nearest hop we can vouch for stands for the client.
            break
        client = address
        if not is_trusted(address, networks):
            break

    # The proxy that talks to us sets the scheme it was reached with. A client may send its
    # own value, which a proxy that appends rather than replaces would keep on the left:
    # only the rightmost value is the proxy's.
    proto = (forwarded_proto or "").split(",")[-1].strip().lower()
    if proto in {"http", "https", "ws", "wss"}:
        secure = proto in SECURE_SCHEMES
        if scheme in {"ws", "wss"}:
            scheme = "wss" if secure else "ws"
        else:
            scheme = "https" if secure else "http"
    return Client(str(client), scheme)


def _header(scope: dict, name: bytes) -> str | None:
    """All the values of a header in an ASGI scope, joined as HTTP joins repeated fields."""
    values = [value.decode("latin-1") for key, value in scope.get("headers", ()) if key == name]
    return ",".join(values) if values else None


def resolve_scope(scope: dict) -> Client:
    peer = scope.get("client")
    default_scheme = "ws" if scope["type"] == "websocket" else "http"
    return resolve_client(
        peer=peer[0] if peer else None,
        scheme=scope.get("scheme") or default_scheme,
        forwarded_for=_header(scope, b"x-forwarded-for"),
        forwarded_proto=_header(scope, b"x-forwarded-proto"),
    )


class TrustedProxyMiddleware:
    """ASGI middleware: the scope's `client` and `scheme` become the real client's when the
    connection comes from a trusted proxy; left untouched otherwise."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] in {"http", "websocket"} and settings.TRUSTED_PROXIES:
            client = resolve_scope(scope)
            peer = scope.get("client")
            if client.address != (peer[0] if peer else None) or client.scheme != scope.get(
                "scheme"
            ):
                # The client's own port is unknown: 0, as daphne does for proxied requests.
                scope = {**scope, "client": [client.address, 0], "scheme": client.scheme}
        return await self.app(scope, receive, send)


def client_address(request: HttpRequest) -> str:
    """The client's address for rate limits and records. `REMOTE_ADDR` is already the real
    client's (TrustedProxyMiddleware); forwarded headers must not be read again here."""
    return request.META.get("REMOTE_ADDR") or ""


def rate_limit_key(request: HttpRequest) -> str:
    """Who a per-address rate limit counts: the client's address, or for IPv6 its /64. An
    IPv6 client is given a whole /64 and may change the last 64 bits at will, so counting
    single addresses would let one machine get round any limit."""
    address = client_address(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)
