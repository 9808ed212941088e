"""What the chat brings to the kernel (core.registry), registered by apps.py."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core import registry
from core.registry import DemoContext, SearchResult


def _signed_in(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def unread_rooms(request: HttpRequest) -> dict | None:
    from extranet.chat import selectors

    rooms = list(selectors.rooms_for(request.user)[:50])
    names = selectors.direct_names(rooms, request.user)
    for room in rooms:
        room.title = selectors.room_title(room, names)
    return {
        "rooms": [r for r in rooms if r.unread and not r.muted][:6],
        "recent": rooms[:6],
        "unread_total": selectors.unread_total(rooms),
    }


def search_messages(user, query: str) -> list[SearchResult]:
    from core.markdown import excerpt
    from extranet.chat.selectors import search_messages

    return [
        SearchResult(
            "chat.message",
            f"{m.author or ''} — {m.room}",
            m.get_absolute_url(),
            excerpt(m.body, 160),
        )
        for m in search_messages(user, query)
    ]


def load_demo(context: DemoContext) -> str | None:
    from extranet.chat.demo import load_chat_demo

    return load_chat_demo(context)


def register() -> None:
    registry.urls.register(registry.Urls("chat", "espace/discussions/", "extranet.chat.urls"))
    registry.nav_links.register(
        registry.NavLink(
            "chat",
            _("Chat"),
            "chat:index",
            app_names=("chat",),
            visible=_signed_in,
            order=27,
            live_stream="chat",
        )
    )
    registry.workspace_modules.register(registry.WorkspaceModule("chat", "chat:workspace"))
    registry.live_streams.register(registry.LiveStream("chat", "extranet.chat.live.ChatStream"))
    registry.notification_kinds.register(
        registry.NotificationKind(
            "chat.mention",
            _("mentioned you in the chat"),
            _("%(actor)s mentioned you in the chat (%(target)s)."),
        )
    )
    registry.desktop_widgets.register(
        registry.DesktopWidget(
            "chat.unread", _("Chat"), "chat/widgets/unread.html", unread_rooms, order=30
        )
    )
    registry.search_kinds.register(
        registry.SearchKind("chat.message", _("Chat message"), search_messages)
    )
    registry.demo_loaders.register(registry.DemoLoader("chat", load_demo, after=("network",)))
