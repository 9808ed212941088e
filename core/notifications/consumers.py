"""The notification stream now lives on the tab's one websocket (`core.live`, at /ws/)."""

from core.live import (  # noqa: F401  (kept for imports of the older path)
    CLOSE_ACCOUNT_CLOSED,
    CLOSE_FLOODING,
    CLOSE_UNAUTHENTICATED,
    LiveConsumer,
    SocketClosed,
    scope_language,
)

NotificationConsumer = LiveConsumer
