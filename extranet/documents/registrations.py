"""What the documents module brings to the kernel (core.registry), registered by apps.py."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core import registry
from core.registry import DemoContext, SearchResult


def _signed_in(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def search_documents(user, query: str) -> list[SearchResult]:
    from extranet.documents.selectors import search_documents

    return [
        SearchResult("documents.document", d.title, d.get_absolute_url(), d.workspace.name)
        for d in search_documents(user, query)
    ]


def load_demo(context: DemoContext) -> str | None:
    from extranet.documents.demo import load_documents_demo

    count = load_documents_demo(context.people, context.network)
    return f"Documents: {count} demo document added." if count else None


def register() -> None:
    registry.urls.register(
        registry.Urls("documents", "espace/documents/", "extranet.documents.urls")
    )
    registry.websocket_routes.register(
        registry.WebsocketRoute(
            "documents",
            # y-websocket connects to serverUrl + "/" + room, the room being the document's id.
            "ws/documents/<int:pk>",
            "extranet.documents.consumers.DocumentConsumer",
        )
    )
    registry.nav_links.register(
        registry.NavLink(
            "documents",
            _("Documents"),
            "documents:index",
            app_names=("documents",),
            visible=_signed_in,
            order=26,
        )
    )
    registry.workspace_modules.register(
        registry.WorkspaceModule("documents", "documents:workspace")
    )
    registry.search_kinds.register(
        registry.SearchKind("documents.document", _("Document"), search_documents)
    )
    registry.demo_loaders.register(registry.DemoLoader("documents", load_demo, after=("network",)))
