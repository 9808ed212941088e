"""The activity feed's items, and who follows whom.

Modules record what happened (a topic, a solution, a file, a workshop…) through
`core.activity.services.activity_record`; the feed reads them back for the people, groups
and places one follows, asking the permission authority about each item's subject.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Activity(models.Model):
    # A FeedKind's key (core.registry.feed_kinds), e.g. "forum.solution".
    kind = models.CharField(_("kind"), max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    # The group it happened in (None: network-wide, e.g. a status post).
    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The place it concerns (geodirectory), by id: the kernel does not import the directory.
    place_id = models.PositiveBigIntegerField(null=True, blank=True)
    # What the feed links to; read permission is asked of it for every reader.
    subject_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    subject_id = models.CharField(max_length=64)
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-pk"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"]),
            models.Index(fields=["actor", "-id"]),
            models.Index(fields=["workspace", "-id"]),
            models.Index(fields=["place_id", "-id"]),
            models.Index(fields=["kind", "-id"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}"


class Follow(models.Model):
    """`follower` follows a colleague (`user`) or a group (`workspace`)."""

    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="followers",
    )
    workspace = models.ForeignKey(
        "workspaces.Workspace",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="followers",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(workspace__isnull=True))
                | (Q(user__isnull=True) & Q(workspace__isnull=False)),
                name="follow_one_target",
            ),
            models.UniqueConstraint(
                fields=["follower", "user"],
                name="follow_user_once",
                condition=Q(user__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["follower", "workspace"],
                name="follow_workspace_once",
                condition=Q(workspace__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.follower_id} → {self.user_id or self.workspace_id}"
