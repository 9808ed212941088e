"""The arranged desktops (one's own, a group's home page), personal notes and bookmarks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Desktop(models.Model):
    """The widgets of a workspace's desktop, in order: the personal workspace's is one's own
    desktop, a group's is its home page. No row: the default layout (per role)."""

    workspace = models.OneToOneField(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="desktop"
    )
    # [{"key": "forum.unread", "size": "medium"}, …]: keys of core.registry.desktop_widgets.
    widgets = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("desktop")
        verbose_name_plural = _("desktops")

    def __str__(self) -> str:
        return str(self.workspace)


class Note(models.Model):
    """The personal notes widget: one text per person, private."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="desktop_note"
    )
    text = models.TextField(_("notes"), max_length=5000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")

    def __str__(self) -> str:
        return self.text[:40]


class Bookmark(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookmarks"
    )
    title = models.CharField(_("title"), max_length=120)
    url = models.CharField(_("address"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bookmark")
        verbose_name_plural = _("bookmarks")
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title
