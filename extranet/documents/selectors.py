"""Reads of the documents module, with their joins built in (a constant number of queries)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from core.workspaces.models import Workspace
from extranet.documents.models import Authorship, Document, Presence, Version
from extranet.documents.permissions import documents_visible_to

if TYPE_CHECKING:
    from core.permissions import AnyUser


def _present_since():
    # A live socket refreshes its row every WEBSOCKET_RECHECK_SECONDS; a killed one stops.
    return timezone.now() - timedelta(seconds=2 * settings.WEBSOCKET_RECHECK_SECONDS + 5)


def documents_of(workspace: Workspace) -> QuerySet[Document]:
    """The workspace's documents out of the trash, last edited first, with who edited them
    last and who is in them now (three queries whatever their number)."""
    present = Presence.objects.filter(seen_at__gte=_present_since()).select_related("user")
    return (
        Document.objects.alive()
        .filter(workspace=workspace)
        .select_related("last_edited_by", "workspace")
        .prefetch_related(Prefetch("presences", queryset=present, to_attr="present"))
        .order_by("-last_edited_at", "pk")
    )


def people_present(document: Document) -> list:
    """Who has the document open now, each once."""
    seen: dict[int, object] = {}
    for presence in getattr(document, "present", None) or document.presences.filter(
        seen_at__gte=_present_since()
    ).select_related("user"):
        seen.setdefault(presence.user_id, presence.user)
    return list(seen.values())


def trashed_documents_of(workspace: Workspace) -> QuerySet[Document]:
    return (
        Document.objects.trashed()
        .filter(workspace=workspace)
        .select_related("trashed_by")
        .order_by("-trashed_at")
    )


def versions_of(document: Document) -> QuerySet[Version]:
    return document.versions.select_related("created_by").defer("state").order_by("-seq", "-pk")


def authors_between(document: Document, after_seq: int, upto_seq: int) -> list[dict]:
    """Who wrote in the document between two sequence numbers, with how much."""
    rows = (
        Authorship.objects.filter(
            document=document, last_seq__gt=after_seq, first_seq__lte=upto_seq
        )
        .select_related("author")
        .order_by("first_seq")
    )
    people: dict[int, dict] = {}
    for row in rows:
        entry = people.setdefault(
            row.author_id, {"author": row.author, "updates": 0, "bytes": 0, "last": row.started_at}
        )
        entry["updates"] += row.updates
        entry["bytes"] += row.bytes
        entry["last"] = max(entry["last"], row.started_at)
    return sorted(people.values(), key=lambda e: -e["bytes"])


def search_documents(user: AnyUser, query: str, limit: int = 20) -> QuerySet[Document]:
    query = query.strip()
    if not query:
        return Document.objects.none()
    from django.db.models import Q

    return (
        documents_visible_to(user)
        .filter(Q(title__icontains=query) | Q(text__icontains=query))
        .select_related("workspace")
        .order_by("-last_edited_at")[:limit]
    )
