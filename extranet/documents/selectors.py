"""Reads of the documents module, with their joins built in (a constant number of queries)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count, Max, Prefetch, QuerySet, Sum
from django.db.models.functions import Length
from django.utils import timezone

from core.accounts.models import User
from core.workspaces.models import Workspace
from extranet.documents.models import Authorship, Document, Presence, Update, Version
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
    """Who wrote in the document between two sequence numbers, with how much: from the
    log's rows not merged yet, and the authorship kept by compaction for the others."""
    people: dict[int, dict] = {}

    def add(author_id: int, updates: int, nbytes: int, when) -> None:
        entry = people.setdefault(
            author_id, {"author_id": author_id, "updates": 0, "bytes": 0, "last": when}
        )
        entry["updates"] += updates
        entry["bytes"] += nbytes
        entry["last"] = max(entry["last"], when)

    runs = Authorship.objects.filter(
        document=document, last_seq__gt=after_seq, first_seq__lte=upto_seq
    ).values_list("author_id", "updates", "bytes", "started_at")
    for author_id, updates, nbytes, when in runs:
        add(author_id, updates, nbytes, when)
    rows = (
        Update.objects.filter(
            document=document,
            seq__gt=after_seq,
            seq__lte=upto_seq,
            merged=1,
            author__isnull=False,
        )
        .values("author_id")
        .annotate(updates=Count("pk"), nbytes=Sum(Length("data")), last=Max("created_at"))
    )
    for row in rows:
        add(row["author_id"], row["updates"], row["nbytes"] or 0, row["last"])
    users = {u.pk: u for u in User.objects.filter(pk__in=list(people))}
    for entry in people.values():
        entry["author"] = users.get(entry["author_id"])
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
