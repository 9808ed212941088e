"""What the files module brings to the kernel's pages (core.registry), registered by apps.py."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core import registry
from core.registry import DemoContext, SearchResult


def _signed_in(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def recent_files(request: HttpRequest) -> dict | None:
    from extranet.files.selectors import recent_files

    files = list(recent_files(request.user, limit=6))
    personal = getattr(request.user, "personal_workspace", None)
    return {"files": files, "personal": personal}


def visible_files(user, ids: set[str]) -> set[str]:
    """The feed's bulk check: which of these files `user` may read (one query)."""
    from extranet.files.permissions import files_visible_to

    pks = [int(i) for i in ids if i.isdigit()]
    return {
        str(pk) for pk in files_visible_to(user).filter(pk__in=pks).values_list("pk", flat=True)
    }


def search_files(user, query: str) -> list[SearchResult]:
    from extranet.files.selectors import search_files

    return [
        SearchResult("files.file", f.name, f.get_absolute_url(), f.workspace.name)
        for f in search_files(user, query)
    ]


def load_demo(context: DemoContext) -> str | None:
    from extranet.files.demo import load_files_demo

    count = load_files_demo(context.people, context.network)
    return f"Files: {count} demo files added." if count else None


def register() -> None:
    registry.urls.register(registry.Urls("files", "espace/fichiers/", "extranet.files.urls"))
    registry.urls.register(registry.Urls("files_share", "partage/", "extranet.files.urls_share"))
    registry.nav_links.register(
        registry.NavLink(
            "files", _("Files"), "files:index", app_names=("files",), visible=_signed_in, order=25
        )
    )
    registry.workspace_modules.register(registry.WorkspaceModule("files", "files:workspace"))
    registry.desktop_widgets.register(
        registry.DesktopWidget(
            "files.recent",
            _("Recent files"),
            "files/widgets/recent.html",
            recent_files,
            order=40,
            roles=("facilitator", "administrator"),
            size="small",
        )
    )
    registry.feed_kinds.register(
        registry.FeedKind(
            "files.file", _("Files"), order=40, visible=visible_files, verb=_("added the file")
        )
    )
    registry.search_kinds.register(registry.SearchKind("files.file", _("File"), search_files))
    registry.demo_loaders.register(registry.DemoLoader("files", load_demo, after=("network",)))
