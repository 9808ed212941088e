"""Websocket routes, all under /ws/. Modules add theirs here."""

from channels.generic.websocket import AsyncWebsocketConsumer
from django.urls import path, re_path

from core.notifications.consumers import NotificationConsumer


class UnknownRouteConsumer(AsyncWebsocketConsumer):
    """Closes sockets opened on an unknown path cleanly instead of raising in the router."""

    async def connect(self) -> None:
        await self.close(code=4404)


websocket_urlpatterns = [
    path("ws/notifications/", NotificationConsumer.as_asgi()),
    re_path(r"", UnknownRouteConsumer.as_asgi()),
]
