"""Who may read and write co-edited documents, on top of the workspace rules.

read = may read the workspace (with the documents module on); write = may contribute to it
(never in an archived group). A document of a secret group is invisible to everyone else:
lists go through `documents_visible_to`, a URL or a socket answers 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from core.permissions import can, is_network_member, rule, workspaces_readable_by
from core.workspaces.models import Module, Workspace, WorkspaceKind
from extranet.documents.models import Document, Version

if TYPE_CHECKING:
    from core.permissions import AnyUser


def _documents_on(workspace: Workspace) -> bool:
    return workspace.has_module(Module.DOCUMENTS)


@rule(Workspace, "use_documents")
def can_use_documents(user: AnyUser, workspace: Workspace) -> bool:
    """See the workspace's documents: its content is readable and the module is on."""
    return is_network_member(user) and _documents_on(workspace) and can(user, "read", workspace)


@rule(Workspace, "write_documents")
def can_write_documents(user: AnyUser, workspace: Workspace) -> bool:
    """Create, edit, rename, trash, restore: contributors (never in an archived group)."""
    return _documents_on(workspace) and can(user, "contribute", workspace)


@rule(Document, "view")
def can_view_document(user: AnyUser, document: Document) -> bool:
    """Open (read-only at least), export, see its history. A trashed document is seen from
    the trash only, by who may restore it."""
    if not can_use_documents(user, document.workspace):
        return False
    return document.trashed_at is None or can_write_documents(user, document.workspace)


@rule(Document, "change")
def can_change_document(user: AnyUser, document: Document) -> bool:
    """Edit the content, rename, name or restore a version, trash, restore from the trash."""
    return can_write_documents(user, document.workspace)


@rule(Version, "view")
def can_view_version(user: AnyUser, version: Version) -> bool:
    return can_view_document(user, version.document)


# --- Queryset twins ---------------------------------------------------------------------------


def workspaces_with_documents_for(user: AnyUser) -> QuerySet[Workspace]:
    """The twin of `can(user, "use_documents", workspace)`."""
    if not is_network_member(user):
        return Workspace.objects.none()
    on = ~Q(kind=WorkspaceKind.GROUP) | Q(documents_enabled=True)
    return workspaces_readable_by(user).filter(on)


def documents_visible_to(user: AnyUser) -> QuerySet[Document]:
    """Documents `user` may read, out of the trash: the twin of `can(user, "view", doc)`
    for everything lists and counts show. (The trash listing adds the trashed ones of
    workspaces the user may write to.)"""
    return Document.objects.filter(
        workspace__in=workspaces_with_documents_for(user), trashed_at__isnull=True
    )
