"""Folders, files and their versions, quotas, share links.

Bytes live in the `files` storage (local `var/media` by default, S3 with STORAGE_URL), one
blob per version under a random name: a name chosen by a user never reaches the disk.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.uploads import TYPES
from core.workspaces.models import Workspace

# Folders inside folders, at most this deep (the permission twins spell the levels out).
MAX_FOLDER_DEPTH = 8


class Quota(models.Model):
    """Bytes a workspace stores, and how many it may. Its row is the lock uploads take."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, primary_key=True, related_name="file_quota"
    )
    # Empty: the default of the workspace's kind (settings.FILES_DEFAULT_QUOTAS).
    limit_bytes = models.BigIntegerField(_("quota (bytes)"), null=True, blank=True)
    used_bytes = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("quota")
        constraints = [
            models.CheckConstraint(condition=Q(used_bytes__gte=0), name="files_quota_used_ge_0")
        ]

    def __str__(self) -> str:
        return f"{self.workspace}: {self.used_bytes}/{self.limit}"

    @property
    def limit(self) -> int:
        if self.limit_bytes is not None:
            return self.limit_bytes
        return settings.FILES_DEFAULT_QUOTAS[self.workspace.kind]

    @property
    def free(self) -> int:
        return max(0, self.limit - self.used_bytes)

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.used_bytes / self.limit)) if self.limit else 100


class TrashQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(trashed_at__isnull=True)

    def trashed(self):
        return self.filter(trashed_at__isnull=False)


class Folder(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="folders")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    name = models.CharField(_("name"), max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Set on the folder put in the trash only; what it holds goes with it.
    trashed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    trashed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = TrashQuerySet.as_manager()

    class Meta:
        verbose_name = _("folder")
        verbose_name_plural = _("folders")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "parent", "name"],
                condition=Q(trashed_at__isnull=True, parent__isnull=False),
                name="files_folder_unique_name",
            ),
            models.UniqueConstraint(
                fields=["workspace", "name"],
                condition=Q(trashed_at__isnull=True, parent__isnull=True),
                name="files_folder_unique_root_name",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("files:folder", kwargs={"slug": self.workspace.slug, "pk": self.pk})

    def ancestors(self) -> list[Folder]:
        """From the root down to this folder (one query per level; folders nest shallowly)."""
        chain, node = [], self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]


class File(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="files")
    folder = models.ForeignKey(
        Folder, on_delete=models.CASCADE, null=True, blank=True, related_name="files"
    )
    name = models.CharField(_("name"), max_length=255)
    # The current version, copied here so lists need no join: type, size, date.
    current = models.ForeignKey("Version", on_delete=models.SET_NULL, null=True, related_name="+")
    mime = models.CharField(max_length=100)
    size = models.BigIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)
    trashed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    trashed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Kept for the platform search to come (filled by a background task).
    text = models.TextField(blank=True)
    text_extracted_at = models.DateTimeField(null=True, blank=True)

    objects = TrashQuerySet.as_manager()

    class Meta:
        verbose_name = _("file")
        verbose_name_plural = _("files")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "folder", "name"],
                condition=Q(trashed_at__isnull=True, folder__isnull=False),
                name="files_file_unique_name",
            ),
            models.UniqueConstraint(
                fields=["workspace", "name"],
                condition=Q(trashed_at__isnull=True, folder__isnull=True),
                name="files_file_unique_root_name",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "folder", "trashed_at", "name"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("files:file", kwargs={"slug": self.workspace.slug, "pk": self.pk})

    def get_download_url(self) -> str:
        return reverse(
            "files:download", kwargs={"slug": self.workspace.slug, "pk": self.pk, "name": self.name}
        )

    @property
    def type(self):
        return TYPES.get(self.mime)

    @property
    def family(self) -> str:
        kind = self.type
        return kind.family if kind else "other"

    @property
    def viewable(self) -> bool:
        """Shown in the page's viewer: pictures (not SVG), PDF, audio, video."""
        kind = self.type
        return bool(kind and kind.inline)


class Version(models.Model):
    file = models.ForeignKey(File, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    # The storage name of the bytes. A restored version shares the blob of the one it
    # restores, and counts nothing more against the quota (counted_bytes 0).
    blob = models.CharField(max_length=255, db_index=True)
    size = models.BigIntegerField()
    counted_bytes = models.BigIntegerField()
    mime = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Set by the preview task: a PNG of the picture or of the PDF's first page.
    thumbnail = models.CharField(max_length=255, blank=True)
    preview_failed = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["file", "number"], name="files_version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.file} v{self.number}"

    @property
    def etag(self) -> str:
        # A version's bytes never change: its id and digest name them for good.
        return f'"{self.pk}-{self.sha256[:16]}"'


class ShareLink(models.Model):
    """A public, revocable link to one file or one folder."""

    token = models.CharField(max_length=64, unique=True)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    file = models.ForeignKey(
        File, on_delete=models.CASCADE, null=True, blank=True, related_name="share_links"
    )
    folder = models.ForeignKey(
        Folder, on_delete=models.CASCADE, null=True, blank=True, related_name="share_links"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires on"), null=True, blank=True)
    # A password hash (django.contrib.auth.hashers), empty without password.
    password = models.CharField(max_length=256, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    download_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("share link")
        verbose_name_plural = _("share links")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(file__isnull=False, folder__isnull=True)
                | Q(file__isnull=True, folder__isnull=False),
                name="files_share_one_target",
            )
        ]

    def __str__(self) -> str:
        return self.token[:8]

    def get_absolute_url(self) -> str:
        return reverse("files_share:open", kwargs={"token": self.token})

    @property
    def target(self):
        return self.file or self.folder

    @property
    def is_active(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()
