"""ASGI entry point: HTTP through Django, websockets under /ws/ through Channels.

Static files are served by WhiteNoise's middleware when SERVE_STATIC is on (settings).
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Django must be set up before anything imports models (the consumers do).
django_http = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from config.routing import websocket_urlpatterns  # noqa: E402
from config.server import tune_daphne  # noqa: E402
from core.proxies import TrustedProxyMiddleware  # noqa: E402

# daphne must not parse upload bodies itself (config/server.py).
tune_daphne()

# Outermost: the client's address and scheme, from a trusted proxy's forwarded headers,
# before anything (Django, its static files, the websocket origin check) reads the scope.
application = TrustedProxyMiddleware(
    ProtocolTypeRouter(
        {
            "http": django_http,
            # Origin checked against ALLOWED_HOSTS (cross-site websocket hijacking), then the
            # session cookie resolves the user; unknown paths close the socket.
            "websocket": AllowedHostsOriginValidator(
                AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
            ),
        }
    )
)
