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


RECENT_DOCUMENTS = 6


def recent_documents(request) -> dict:
    """The documents edited last in the groups one may read (one query)."""
    from extranet.documents.permissions import documents_visible_to

    documents = (
        documents_visible_to(request.user)
        .select_related("workspace", "last_edited_by")
        .order_by("-last_edited_at", "-pk")[:RECENT_DOCUMENTS]
    )
    return {"documents": list(documents)}


def group_recent_documents(request, workspace) -> dict:
    from extranet.documents.permissions import documents_visible_to

    documents = (
        documents_visible_to(request.user)
        .filter(workspace=workspace)
        .select_related("workspace", "last_edited_by")
        .order_by("-last_edited_at", "-pk")[:RECENT_DOCUMENTS]
    )
    return {"documents": list(documents)}


def visible_documents(user, ids: set[str]) -> set[str]:
    """The feed's bulk check: which of these documents `user` may read (one query)."""
    from extranet.documents.permissions import documents_visible_to

    pks = [int(i) for i in ids if i.isdigit()]
    found = documents_visible_to(user).filter(pk__in=pks).values_list("pk", flat=True)
    return {str(pk) for pk in found}


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
    registry.desktop_widgets.register(
        registry.DesktopWidget(
            "documents.recent",
            _("Documents edited recently"),
            "documents/widgets/recent.html",
            recent_documents,
            group_context=group_recent_documents,
            order=45,
            roles=("facilitator", "administrator", "coordinator"),
            size="small",
        )
    )
    registry.feed_kinds.register(
        registry.FeedKind(
            "documents.document",
            _("Documents"),
            order=45,
            visible=visible_documents,
            verb=_("created the document"),
        )
    )
    registry.demo_loaders.register(registry.DemoLoader("documents", load_demo, after=("network",)))
