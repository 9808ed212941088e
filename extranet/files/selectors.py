"""Reads of the files module, with their joins built in (a constant number of queries)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from core.permissions import can
from core.workspaces.models import Workspace
from extranet.files.models import File, Folder, Quota, ShareLink, Version
from extranet.files.permissions import files_visible_to, workspaces_with_files_for

if TYPE_CHECKING:
    from core.permissions import AnyUser

PAGE_SIZE = 100
SORTS = {
    "name": ("name",),
    "date": ("updated_at", "name"),
    "size": ("size", "name"),
}


@dataclass
class Listing:
    folders: list[Folder]
    page: Page
    sort: str
    descending: bool


def folder_listing(
    workspace: Workspace,
    folder: Folder | None,
    *,
    sort: str = "name",
    descending: bool = False,
    page: int | str = 1,
) -> Listing:
    sort = sort if sort in SORTS else "name"
    order = [("-" if descending else "") + field for field in SORTS[sort]]
    folders = Folder.objects.alive().filter(workspace=workspace, parent=folder)
    folder_order = (
        "-updated_at"
        if sort == "date" and descending
        else (
            "updated_at"
            if sort == "date"
            else ("-name" if descending and sort == "name" else "name")
        )
    )
    files = (
        File.objects.alive()
        .filter(workspace=workspace, folder=folder)
        .select_related("current", "created_by", "current__uploaded_by")
        .order_by(*order, "pk")
    )
    folder_list = list(folders.order_by(folder_order, "pk"))
    page_obj = Paginator(files, PAGE_SIZE).get_page(page)
    page_obj.object_list = list(page_obj.object_list)
    # Their links name the workspace: given here, not fetched once per line.
    for item in [*folder_list, *page_obj.object_list]:
        item.workspace = workspace
    return Listing(folders=folder_list, page=page_obj, sort=sort, descending=descending)


def quotas_of(workspaces: list[Workspace]) -> list[Quota]:
    quotas = list(Quota.objects.filter(workspace__in=workspaces))
    by_id = {w.pk: w for w in workspaces}
    for quota in quotas:
        quota.workspace = by_id[quota.pk]
    return quotas


def file_versions(file: File) -> QuerySet[Version]:
    return file.versions.select_related("uploaded_by").order_by("-number")


def share_links_of(item: File | Folder) -> QuerySet[ShareLink]:
    field = "file" if isinstance(item, File) else "folder"
    return ShareLink.objects.filter(**{field: item}).select_related("created_by")


def search_files(user: AnyUser, query: str, *, limit: int = 50) -> QuerySet[File]:
    """The search hook: files whose name or extracted text holds `query`, among those the
    user may read (a secret group's files are never returned or counted)."""
    from django.db.models import Q

    query = query.strip()
    if not query:
        return File.objects.none()
    return (
        files_visible_to(user)
        .filter(Q(name__icontains=query) | Q(text__icontains=query))
        .select_related("workspace")
        .order_by("-updated_at")[:limit]
    )


def recent_files(user: AnyUser, *, limit: int = 8) -> QuerySet[File]:
    """« Recent files » of the desktop: what changed lately in the user's spaces."""
    return files_visible_to(user).select_related("workspace").order_by("-updated_at")[:limit]


@dataclass
class Destination:
    workspace: Workspace
    folders: list[tuple[Folder, str]]  # (folder, indent showing its depth) in tree order


def destinations_for(user: AnyUser) -> list[Destination]:
    """Where the user may put a file: every folder of every space they may write to."""
    workspaces = [
        w
        for w in workspaces_with_files_for(user).order_by("kind", "name")
        if can(user, "write_files", w)
    ]
    by_parent: dict[tuple[int, int | None], list[Folder]] = {}
    for folder in Folder.objects.alive().filter(workspace__in=workspaces).order_by("name"):
        by_parent.setdefault((folder.workspace_id, folder.parent_id), []).append(folder)

    def walk(workspace_id: int, parent_id: int | None, depth: int) -> list[tuple[Folder, str]]:
        out = []
        for folder in by_parent.get((workspace_id, parent_id), []):
            out.append((folder, "– " * (depth + 1)))
            out += walk(workspace_id, folder.pk, depth + 1)
        return out

    return [Destination(w, walk(w.pk, None, 0)) for w in workspaces]
