"""Websocket routes, all under /ws/: the tab's one socket (`core.live`, multiplexing the
notification stream and the streams modules register), then what each installed module
registered as a route of its own (`core.registry.websocket_routes`, e.g. a co-edited
document's socket)."""

from django.urls import path, re_path
from django.utils.module_loading import import_string

from core import registry
from core.consumers import UnknownRouteConsumer
from core.live import LiveConsumer

websocket_urlpatterns = [path("ws/", LiveConsumer.as_asgi())]
websocket_urlpatterns += [
    (re_path if route.regex else path)(route.path, import_string(route.consumer).as_asgi())
    for route in registry.websocket_routes
]
websocket_urlpatterns += [re_path(r"", UnknownRouteConsumer.as_asgi())]
