"""Co-edited documents, the append-only log of their Yjs updates, and their versions.

A document's content is a Yjs document: the merge of its logged updates (Yjs v1 encoding,
the only one pycrdt reads correctly). Every update a client sends is stored in the log with
the document's next sequence number before anyone else hears of it; compaction merges the
oldest rows into one, under a lock on the document's row. The plain text is derived from the
content, kept for search and lists.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.workspaces.models import Workspace


class DocumentQuerySet(models.QuerySet):
    def alive(self) -> DocumentQuerySet:
        return self.filter(trashed_at__isnull=True)

    def trashed(self) -> DocumentQuerySet:
        return self.filter(trashed_at__isnull=False)


class Document(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    # The content as plain text, refreshed from the log (search, lists, exports' previews).
    text = models.TextField(blank=True, default="")
    # The last sequence number given to an update of the log (the row is the writers' lock).
    seq = models.BigIntegerField(default=0)
    # The sequence number `text` reflects.
    text_seq = models.BigIntegerField(default=0)
    # The log was last merged up to this sequence number (compaction).
    compacted_seq = models.BigIntegerField(default=0)
    # Bytes the log holds (before compaction merges them): the per-document size limit.
    size_bytes = models.BigIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_edited_at = models.DateTimeField(default=timezone.now, db_index=True)
    # When the current stretch of editing began (automatic snapshots after a while of it).
    activity_since = models.DateTimeField(null=True, blank=True)
    trashed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    trashed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-last_edited_at"]
        constraints = [
            models.CheckConstraint(condition=Q(seq__gte=0), name="documents_seq_ge_0"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("documents:edit", kwargs={"slug": self.workspace.slug, "pk": self.pk})

    @property
    def room(self) -> str:
        """The channel-layer group of the document's sockets (ids only)."""
        return f"document.{int(self.pk)}"


class Update(models.Model):
    """One Yjs v1 update of a document, as a client sent it (or several merged)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="updates")
    seq = models.BigIntegerField()
    data = models.BinaryField()
    # Who sent it (empty for merged rows of several authors and for restores by the system).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # How many client updates this row holds (more than one after compaction).
    merged = models.IntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "seq"], name="documents_update_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.document_id}#{self.seq}"


class Authorship(models.Model):
    """Who wrote in a document during a minute, written when compaction merges their
    updates: with the log's rows not merged yet, what "who wrote what between two versions"
    reads."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="authorships")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    first_seq = models.BigIntegerField()
    last_seq = models.BigIntegerField()
    updates = models.IntegerField(default=0)
    bytes = models.BigIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["document", "last_seq"])]

    def __str__(self) -> str:
        return f"{self.author_id} in {self.document_id} ({self.first_seq}-{self.last_seq})"


class VersionKind(models.TextChoices):
    AUTOMATIC = "auto", _("Automatic snapshot")
    NAMED = "named", _("Named version")
    RESTORE = "restore", _("Before a restore")
    IMPORT = "import", _("Imported")


class Version(models.Model):
    """The whole content of a document at a sequence number (a v1 update from empty)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    kind = models.CharField(max_length=8, choices=VersionKind.choices)
    name = models.CharField(_("name"), max_length=200, blank=True)
    seq = models.BigIntegerField()
    state = models.BinaryField()
    text = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["-seq", "-pk"]

    def __str__(self) -> str:
        return self.name or f"{self.document_id}@{self.seq}"


class Presence(models.Model):
    """A socket open on a document, for "who is in it now" (rows of a killed process age
    out: a live socket refreshes `seen_at`)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="presences")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel_name = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.user_id} in {self.document_id}"
