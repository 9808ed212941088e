"""The Content-Security-Policy of every page (django-csp), with what only a request knows.

The policy itself is `CONTENT_SECURITY_POLICY` in config/settings.py: scripts and styles
from the site's own static files, inline code only with the request's nonce. This
middleware adds, per response, the sources that depend on the deployment or the request:

- the origin of the map tiles (`MAP_TILE_URL`) to `img-src` and `connect-src`;
- the site's websocket origin (ws:// or wss:// of the host the page was asked from) to
  `connect-src` (CSP 3 lets 'self' cover it, older browsers do not);
- under the Wagtail admin, `CONTENT_SECURITY_POLICY_WAGTAIL_ADMIN` in place of the site's
  directives it names (see settings for why the admin needs them); a page previewed in the
  admin keeps the site's policy, framed by the admin only.

New inline code (rare: prefer a file in static/) carries the nonce:
`<script nonce="{{ CSP_NONCE }}">` or `<style nonce="{{ CSP_NONCE }}">`; the policy names
the nonce only on pages that use it. Inline `style="…"` attributes and `on…=` handlers
cannot carry one: use classes and listeners in a static file. `<script type="application/
ld+json">` and other data blocks are not run, and browsers do not check them against the
policy.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from csp.constants import SELF
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponseBase
from django.urls import NoReverseMatch, reverse


@lru_cache(maxsize=8)
def tile_source(tile_url: str) -> str | None:
    """The CSP source that lets a browser load tiles from `tile_url`, a Leaflet URL template
    such as "https://{s}.tile.example.org/{z}/{x}/{y}.png"; None when the tiles come from
    the site itself ('self' already allows them)."""
    parts = urlsplit(tile_url)
    if not parts.netloc:
        return None
    labels = parts.netloc.split(".")
    # A placeholder ({s}: a, b, c…) in the leftmost label: any subdomain. CSP allows a
    # wildcard only there; elsewhere, fall back to the scheme (any host over it).
    if "{" in labels[0]:
        labels[0] = "*"
    if any("{" in label for label in labels):
        return f"{parts.scheme}:" if parts.scheme else None
    host = ".".join(labels)
    return f"{parts.scheme}://{host}" if parts.scheme else host


def websocket_source(request: HttpRequest) -> str | None:
    """The page's own websocket origin; none for a request whose Host is not ours (it is
    answered 400, and its error page opens no socket)."""
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    scheme = "wss" if request.is_secure() else "ws"
    return f"{scheme}://{host}"


@lru_cache(maxsize=1)
def _admin_prefix() -> str | None:
    try:
        return reverse("wagtailadmin_home")
    except NoReverseMatch:
        return None


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        tiles = tile_source(settings.MAP_TILE_URL)
        extra = {
            "img-src": [tiles] if tiles else [],
            "connect-src": [
                source for source in (websocket_source(request), tiles) if source is not None
            ],
        }
        update = dict(parts.update or {})
        for directive, sources in extra.items():
            update[directive] = [*update.get(directive, []), *sources]
        parts.update = update

        admin = _admin_prefix()
        if admin and request.path_info.startswith(admin):
            replace = settings.CONTENT_SECURITY_POLICY_WAGTAIL_ADMIN
        elif getattr(request, "is_dummy", False):
            # Wagtail's preview of a page: the page runs through the middleware again with a
            # request of its public address, so it gets the site's policy; it is shown in a
            # frame of the admin.
            replace = {"frame-ancestors": [SELF]}
        else:
            replace = {}
        if replace:
            parts.replace = {**replace, **(parts.replace or {})}
        return parts
