"""Websocket plumbing shared by every route."""

from channels.generic.websocket import AsyncWebsocketConsumer


class UnknownRouteConsumer(AsyncWebsocketConsumer):
    """Closes sockets opened on an unknown path cleanly instead of raising in the router."""

    async def connect(self) -> None:
        await self.close(code=4404)
