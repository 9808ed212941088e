"""Status posts on profiles, with their reactions and comments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class StatusPost(models.Model):
    """A short post on one's profile, seen by followers in their feed."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="status_posts"
    )
    text = models.TextField(_("text"), max_length=1000)
    link = models.URLField(_("link"), max_length=500, blank=True)
    # The picture's bytes live in the files module (the author's personal space).
    picture = models.ForeignKey(
        "files.File", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("status post")
        verbose_name_plural = _("status posts")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.text[:60]

    def get_absolute_url(self) -> str:
        return reverse("network:status", args=[self.pk])


class StatusComment(models.Model):
    status = models.ForeignKey(StatusPost, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("comment"), max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text[:60]


class StatusReaction(models.Model):
    """« Thanks / I like it »: one per person and post."""

    status = models.ForeignKey(StatusPost, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["status", "user"], name="status_reaction_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.status_id}"
