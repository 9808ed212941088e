"""Who may read, write and share files, on top of the workspace rules.

read = may read the workspace (with the files module on); write = may contribute to it
(archived groups are read-only). A file of a secret group is invisible to everyone else:
lists are filtered by `files_visible_to`, and a URL answers 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from core.permissions import (
    can,
    is_coordinator,
    is_network_member,
    oversees_workspace,
    rule,
    workspaces_readable_by,
)
from core.workspaces.models import Module, Visibility, Workspace, WorkspaceKind
from extranet.files.models import MAX_FOLDER_DEPTH, File, Folder, ShareLink, Version

if TYPE_CHECKING:
    from core.permissions import AnyUser


def _files_on(workspace: Workspace) -> bool:
    return workspace.has_module(Module.FILES)


@rule(Workspace, "use_files")
def can_use_files(user: AnyUser, workspace: Workspace) -> bool:
    """See the workspace's files: its content is readable and the module is on."""
    return is_network_member(user) and _files_on(workspace) and can(user, "read", workspace)


@rule(Workspace, "write_files")
def can_write_files(user: AnyUser, workspace: Workspace) -> bool:
    """Upload, rename, move, delete, restore: contributors (never in an archived group)."""
    return _files_on(workspace) and can(user, "contribute", workspace)


@rule(Workspace, "set_files_quota")
def can_set_files_quota(user: AnyUser, workspace: Workspace) -> bool:
    """The coordinator, and who oversees a group (local administrators of its territory)."""
    return is_coordinator(user) or oversees_workspace(user, workspace)


@rule(Workspace, "share_files")
def can_share_files(user: AnyUser, workspace: Workspace) -> bool:
    """Public links: never out of a secret group, whose files must not appear anywhere."""
    secret = workspace.kind == WorkspaceKind.GROUP and workspace.visibility == Visibility.SECRET
    return not secret and can_write_files(user, workspace)


def _in_trash(item: File | Folder) -> bool:
    if item.trashed_at is not None:
        return True
    folder = item.folder if isinstance(item, File) else item.parent
    while folder is not None:
        if folder.trashed_at is not None:
            return True
        folder = folder.parent
    return False


@rule(Folder, "view")
def can_view_folder(user: AnyUser, folder: Folder) -> bool:
    """A folder in the trash is seen from the trash only, by who may restore it."""
    if not can_use_files(user, folder.workspace):
        return False
    return not _in_trash(folder) or can_write_files(user, folder.workspace)


@rule(Folder, "change")
def can_change_folder(user: AnyUser, folder: Folder) -> bool:
    return can_write_files(user, folder.workspace)


@rule(File, "view")
def can_view_file(user: AnyUser, file: File) -> bool:
    """Read, download, preview, list its versions."""
    if not can_use_files(user, file.workspace):
        return False
    return not _in_trash(file) or can_write_files(user, file.workspace)


@rule(File, "change")
def can_change_file(user: AnyUser, file: File) -> bool:
    """New version, restore a version, rename, move, copy elsewhere, delete."""
    return can_write_files(user, file.workspace)


@rule(File, "share")
def can_share_file(user: AnyUser, file: File) -> bool:
    return file.trashed_at is None and can_share_files(user, file.workspace)


@rule(Folder, "share")
def can_share_folder(user: AnyUser, folder: Folder) -> bool:
    return folder.trashed_at is None and can_share_files(user, folder.workspace)


@rule(Version, "view")
def can_view_version(user: AnyUser, version: Version) -> bool:
    return can_view_file(user, version.file)


@rule(ShareLink, "view")
def can_view_share_link(user: AnyUser, link: ShareLink) -> bool:
    """Who sees the link listed on its item: who may read the item."""
    return can(user, "view", link.target)


@rule(ShareLink, "revoke")
def can_revoke_share_link(user: AnyUser, link: ShareLink) -> bool:
    return can_write_files(user, link.workspace) or (
        is_network_member(user) and link.created_by_id == user.pk
    )


@rule(ShareLink, "open")
def can_open_share_link(_user: AnyUser, link: ShareLink) -> bool:
    """Anyone with the address, while the link lives, its item is out of the trash, the
    workspace is not secret, and the person who made it may still read the workspace."""
    target = link.target
    if not link.is_active or target is None or _in_trash(target):
        return False
    workspace = link.workspace
    if workspace.kind == WorkspaceKind.GROUP and workspace.visibility == Visibility.SECRET:
        return False
    return can_use_files(link.created_by, workspace)


# --- Queryset twins ----------------------------------------------------------------------------


def workspaces_with_files_for(user: AnyUser) -> QuerySet[Workspace]:
    """The twin of `can(user, "use_files", workspace)`."""
    if not is_network_member(user):
        return Workspace.objects.none()
    files_on = ~Q(kind=WorkspaceKind.GROUP) | Q(files_enabled=True)
    return workspaces_readable_by(user).filter(files_on)


def files_visible_to(user: AnyUser) -> QuerySet[File]:
    """Files `user` may read, out of the trash: the twin of `can(user, "view", file)` for
    everything lists, search and counts show. (Trash listings add the trashed ones of
    workspaces the user may write to.)"""
    return File.objects.filter(
        workspace__in=workspaces_with_files_for(user),
        trashed_at__isnull=True,
    ).exclude(folder__in=Folder.objects.filter(_trashed_folder_q()))


def _trashed_folder_q() -> Q:
    # A folder is in the trash when it or one of its ancestors is; folders nest at most
    # MAX_FOLDER_DEPTH levels deep, so the ancestors are spelled out to that depth.
    q = Q(trashed_at__isnull=False)
    path = ""
    for _level in range(MAX_FOLDER_DEPTH):
        path += "parent__"
        q |= Q(**{f"{path}trashed_at__isnull": False})
    return q
