"""Websocket routes, all under /ws/: the kernel's notification stream, then what each
installed module registered (`core.registry.websocket_routes`)."""

from django.urls import path, re_path
from django.utils.module_loading import import_string

from core import registry
from core.consumers import UnknownRouteConsumer
from core.notifications.consumers import NotificationConsumer

websocket_urlpatterns = [path("ws/notifications/", NotificationConsumer.as_asgi())]
websocket_urlpatterns += [
    (re_path if route.regex else path)(route.path, import_string(route.consumer).as_asgi())
    for route in registry.websocket_routes
]
websocket_urlpatterns += [re_path(r"", UnknownRouteConsumer.as_asgi())]
