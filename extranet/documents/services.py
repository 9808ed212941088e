"""Writes of the documents module.

The live path (the room, `consumers.py`) calls `update_store` for each update a client
sends: validated, size-checked and committed with the document's next sequence number
before anyone else hears of it. Restores and imports write their change the same way, then
broadcast it to the document's sockets after commit, so everyone connected converges.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from core.accounts.models import User
from core.activity.services import activity_record
from core.permissions import require
from core.realtime import broadcast_on_commit
from core.workspaces.models import Workspace
from extranet.documents import ydoc
from extranet.documents.models import Authorship, Document, Presence, Update, Version, VersionKind

TITLE_MAX = 200


class DocumentFull(Exception):
    """The document's log would pass DOCUMENTS_MAX_BYTES."""


def _title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": _("Give the document a title.")})
    if len(title) > TITLE_MAX:
        raise ValidationError(
            {"title": _("A title has at most %(n)d characters.") % {"n": TITLE_MAX}}
        )
    return title


@transaction.atomic
def document_create(
    *, actor: User, workspace: Workspace, title: str, state: bytes | None = None
) -> Document:
    """A new document, empty or holding `state` (a v1 update: a duplicate, an import)."""
    require(actor, "write_documents", workspace)
    document = Document(
        workspace=workspace, title=_title(title), created_by=actor, last_edited_by=actor
    )
    document.save()
    if state and state != ydoc.EMPTY_UPDATE:
        if len(state) > settings.DOCUMENTS_MAX_BYTES:
            raise ValidationError(_("This content is larger than a document may be."))
        _append(document, state, actor)
        document.text = ydoc.plain_text(state)
        document.text_seq = document.seq
        document.save(update_fields=["seq", "size_bytes", "text", "text_seq"])
    activity_record(
        kind="documents.document",
        actor=actor,
        subject=document,
        title=document.title,
        url=document.get_absolute_url(),
        workspace=workspace,
    )
    return document


def document_rename(*, actor: User, document: Document, title: str) -> Document:
    require(actor, "change", document)
    document.title = _title(title)
    document.save(update_fields=["title"])
    return document


def document_duplicate(*, actor: User, document: Document, title: str = "") -> Document:
    require(actor, "view", document)
    state = document_state(document)
    return document_create(
        actor=actor,
        workspace=document.workspace,
        title=title or _("Copy of %(title)s") % {"title": document.title},
        state=state,
    )


@transaction.atomic
def document_trash(*, actor: User, document: Document) -> None:
    require(actor, "change", document)
    document.trashed_at = timezone.now()
    document.trashed_by = actor
    document.save(update_fields=["trashed_at", "trashed_by"])
    # Its sockets close: a trashed document is not edited.
    broadcast_on_commit(document.room, {"type": "document.closed", "code": 4410})


def document_restore(*, actor: User, document: Document) -> Document:
    require(actor, "change", document)
    document.trashed_at = None
    document.trashed_by = None
    document.save(update_fields=["trashed_at", "trashed_by"])
    return document


# --- The update log ---------------------------------------------------------------------------


def _append(document: Document, data: bytes, author: User | None) -> int:
    """Log `data` with the document's next sequence number (the caller holds its row)."""
    document.seq += 1
    document.size_bytes += len(data)
    Update.objects.create(document=document, seq=document.seq, data=data, author=author)
    return document.seq


@dataclass(frozen=True)
class Stored:
    seq: int
    compact: bool  # the log is long enough to be compacted
    snapshot: bool  # a stretch of editing is long enough for an automatic snapshot


def update_store(*, document_id: int, author_id: int, data: bytes) -> Stored:
    """Commit one client update (already checked as a v1 update). Raises DocumentFull."""
    stored = updates_store(document_id=document_id, items=[(author_id, data)])[0]
    if stored is None:
        raise DocumentFull
    return stored


def updates_store(*, document_id: int, items: list[tuple[int, bytes]]) -> list[Stored | None]:
    """Commit client updates `items` ((author id, v1 update), in arrival order), in one
    transaction, each with the document's next sequence number; None for an update that
    would pass the document's size limit (not stored).

    The callers have checked the sockets' right to write. The document's row is locked for
    the sequence numbers, so writers in any process queue here; the room gathers the updates
    that arrive while a transaction runs into the next one (a group commit), so a busy room
    pays one transaction for many updates.
    """
    now = timezone.now()
    fast = _updates_store_fast(document_id, items, now)
    if fast is not None:
        return fast
    results: list[Stored | None] = []
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document_id)
        rows = []
        for author_id, data in items:
            if document.size_bytes + len(data) > settings.DOCUMENTS_MAX_BYTES:
                results.append(None)
                continue
            document.seq += 1
            document.size_bytes += len(data)
            rows.append(
                Update(
                    document_id=document_id,
                    seq=document.seq,
                    data=data,
                    author_id=author_id,
                    created_at=now,
                )
            )
            results.append(document.seq)
            document.last_edited_by_id = author_id
        if not rows:
            return results
        Update.objects.bulk_create(rows)
        if document.activity_since is None:
            document.activity_since = now
        document.last_edited_at = now
        document.save(
            update_fields=[
                "seq",
                "size_bytes",
                "last_edited_at",
                "last_edited_by",
                "activity_since",
            ]
        )
    compact = document.seq - document.compacted_seq >= settings.DOCUMENTS_COMPACT_EVERY
    snapshot = now - document.activity_since >= timedelta(
        seconds=settings.DOCUMENTS_SNAPSHOT_SECONDS
    )
    return [
        None if seq is None else Stored(seq=seq, compact=compact, snapshot=snapshot)
        for seq in results
    ]


def _updates_store_fast(
    document_id: int, items: list[tuple[int, bytes]], now
) -> list[Stored] | None:
    """The live path's usual case, in two statements: the document's row takes the whole
    batch (its numbers, its size, who and when) in one UPDATE … RETURNING, which locks the
    row as SELECT … FOR UPDATE would; then one INSERT of the rows. None when the batch would
    pass the size limit: the caller then goes update by update."""
    total = sum(len(data) for _author, data in items)
    ops = connection.ops
    table = connection.ops.quote_name(Document._meta.db_table)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET seq = seq + %s, size_bytes = size_bytes + %s,"  # noqa: S608
                " last_edited_at = %s, last_edited_by_id = %s,"
                " activity_since = COALESCE(activity_since, %s)"
                " WHERE id = %s AND size_bytes + %s <= %s"
                " RETURNING seq, compacted_seq, activity_since",
                [
                    len(items),
                    total,
                    ops.adapt_datetimefield_value(now),
                    items[-1][0],
                    ops.adapt_datetimefield_value(now),
                    document_id,
                    total,
                    settings.DOCUMENTS_MAX_BYTES,
                ],
            )
            row = cursor.fetchone()
        if row is None:
            return None
        last, compacted, since = row
        first = last - len(items) + 1
        Update.objects.bulk_create(
            Update(
                document_id=document_id, seq=first + i, data=data, author_id=author, created_at=now
            )
            for i, (author, data) in enumerate(items)
        )
    # SQLite answers a naive UTC datetime (or its text), PostgreSQL an aware one.
    if isinstance(since, str):
        since = parse_datetime(since)
    if since is not None and timezone.is_naive(since):
        since = timezone.make_aware(since, UTC)
    compact = last - compacted >= settings.DOCUMENTS_COMPACT_EVERY
    snapshot = since is not None and now - since >= timedelta(
        seconds=settings.DOCUMENTS_SNAPSHOT_SECONDS
    )
    return [Stored(seq=first + i, compact=compact, snapshot=snapshot) for i in range(len(items))]


def _note_authors(document: Document, rows: list[Update]) -> None:
    """Keep who wrote what when compaction merges their updates: one row per author and
    minute of writing."""
    runs: dict[tuple[int, object], Authorship] = {}
    for row in rows:
        if row.author_id is None or row.merged != 1:
            continue
        minute = row.created_at.replace(second=0, microsecond=0)
        run = runs.get((row.author_id, minute))
        if run is None:
            runs[(row.author_id, minute)] = Authorship(
                document=document,
                author_id=row.author_id,
                first_seq=row.seq,
                last_seq=row.seq,
                updates=1,
                bytes=len(row.data),
                started_at=minute,
            )
        else:
            run.last_seq = row.seq
            run.updates += 1
            run.bytes += len(row.data)
    Authorship.objects.bulk_create(runs.values())


def document_state(document: Document | int) -> bytes:
    """The whole content: the merge of the log (one v1 update)."""
    document_id = document if isinstance(document, int) else document.pk
    rows = (
        Update.objects.filter(document_id=document_id)
        .order_by("seq")
        .values_list("data", flat=True)
    )
    return ydoc.merge(bytes(row) for row in rows)


def document_compact(*, document_id: int) -> int:
    """Merge the log into one row; refresh the text. Returns how many rows were merged.

    The rows are read and merged outside any lock (logged rows never change, and updates
    logged meanwhile get later numbers); only replacing them takes the document's row lock
    (`select_for_update`), briefly, so writers wait for a delete and an update, not for the
    merge. If another compaction replaced those rows meanwhile, this one gives up.
    """
    rows = list(Update.objects.filter(document_id=document_id).order_by("seq"))
    if len(rows) < 2:
        return 0
    state = ydoc.merge(bytes(row.data) for row in rows)
    text = ydoc.plain_text(state)
    last = rows[-1]
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document_id)
        still = Update.objects.filter(document_id=document_id, seq__lte=last.seq)
        if still.count() != len(rows):
            return 0
        _note_authors(document, rows)
        still.filter(seq__lt=last.seq).delete()
        Update.objects.filter(pk=last.pk).update(
            data=state, author=None, merged=sum(row.merged for row in rows)
        )
        later = sum(
            len(data)
            for data in Update.objects.filter(
                document_id=document_id, seq__gt=last.seq
            ).values_list("data", flat=True)
        )
        Document.objects.filter(pk=document_id).update(
            size_bytes=len(state) + later,
            compacted_seq=last.seq,
            text=text,
            text_seq=last.seq,
        )
    return len(rows)


def text_refresh(*, document_id: int) -> None:
    """Bring the plain text up to the log (after a stretch of editing)."""
    document = Document.objects.get(pk=document_id)
    if document.text_seq >= document.seq:
        return
    state = document_state(document_id)
    Document.objects.filter(pk=document_id, text_seq__lt=document.seq).update(
        text=ydoc.plain_text(state), text_seq=document.seq
    )


# --- Versions ---------------------------------------------------------------------------------


def _version(document: Document, kind: str, actor: User | None, name: str = "") -> Version:
    state = document_state(document)
    version = Version.objects.create(
        document=document,
        kind=kind,
        name=name,
        seq=document.seq,
        state=state,
        text=ydoc.plain_text(state),
        created_by=actor,
    )
    return version


def snapshot_take(*, document_id: int) -> Version | None:
    """An automatic snapshot at the end of a stretch of editing (unless nothing changed)."""
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document_id)
        if document.activity_since is None:
            return None
        document.activity_since = None
        document.save(update_fields=["activity_since"])
        latest = document.versions.first()
        if latest is not None and latest.seq == document.seq:
            return None
        version = _version(document, VersionKind.AUTOMATIC, None)
        Document.objects.filter(pk=document_id).update(text=version.text, text_seq=version.seq)
        return version


def version_name(*, actor: User, document: Document, name: str) -> Version:
    require(actor, "change", document)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Give the version a name.")})
    if len(name) > TITLE_MAX:
        raise ValidationError(
            {"name": _("A name has at most %(n)d characters.") % {"n": TITLE_MAX}}
        )
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        return _version(document, VersionKind.NAMED, actor, name)


def version_restore(*, actor: User, version: Version) -> int:
    """Make the document hold the version's content again, as a new change: stored in the
    log like any edit and sent to everyone connected, so all converge on it."""
    require(actor, "change", version.document)
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=version.document_id)
        current = document_state(document)
        doc = ydoc.load(current)
        before = doc.get_state()
        ydoc.set_content(doc, ydoc.tree(bytes(version.state)))
        change = doc.get_update(before)
        if document.size_bytes + len(change) > settings.DOCUMENTS_MAX_BYTES:
            raise ValidationError(_("The document is full: it cannot take this restore."))
        seq = _append(document, change, actor)
        document.last_edited_at = timezone.now()
        document.last_edited_by = actor
        document.text = version.text
        document.text_seq = seq
        document.save(
            update_fields=[
                "seq",
                "size_bytes",
                "last_edited_at",
                "last_edited_by",
                "text",
                "text_seq",
            ]
        )
        broadcast_on_commit(
            document.room, {"type": "document.update", "data": change, "seq": seq, "sender": ""}
        )
    return seq


# --- Presence ---------------------------------------------------------------------------------


def presence_enter(*, document_id: int, user_id: int, channel_name: str) -> None:
    Presence.objects.update_or_create(
        channel_name=channel_name,
        defaults={"document_id": document_id, "user_id": user_id, "seen_at": timezone.now()},
    )


def presence_refresh(*, channel_name: str) -> None:
    Presence.objects.filter(channel_name=channel_name).update(seen_at=timezone.now())


def presence_leave(*, channel_name: str) -> None:
    Presence.objects.filter(channel_name=channel_name).delete()
