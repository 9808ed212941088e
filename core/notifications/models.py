from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Verb(models.TextChoices):
    """What happened, for the kernel's own notifications (groups, the network).

    Modules declare their kinds in `core.registry.notification_kinds` (e.g. "forum.reply");
    the sentence shown to the recipient comes from there (see selectors.py).
    """

    GROUP_INVITED = "group.invited", _("invited you to a group")
    GROUP_REQUESTED = "group.requested", _("asked to join a group")
    GROUP_REQUEST_ACCEPTED = "group.request_accepted", _("accepted your request to join")
    GROUP_REQUEST_REFUSED = "group.request_refused", _("declined your request to join")
    GROUP_INVITATION_ACCEPTED = "group.invitation_accepted", _("accepted your invitation")
    GROUP_ROLE_CHANGED = "group.role_changed", _("changed your role in a group")
    GROUP_REMOVED = "group.removed", _("removed you from a group")
    GROUP_JOINED = "group.joined", _("joined a group")
    NETWORK_INVITATION_ACCEPTED = "network.invitation_accepted", _("joined the network")


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # Increases by one per recipient: a client that saw seq N asks for what follows N.
    seq = models.PositiveBigIntegerField(editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # A key of core.registry.notification_kinds (the kernel's Verb or a module's kind).
    verb = models.CharField(_("what happened"), max_length=64)
    target_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    target_id = models.CharField(max_length=64, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    # Words the sentence needs that the target cannot give (a role, a name kept after
    # the recipient lost access to the target).
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Set when the notification went out by e-mail (alone or in a digest): never twice.
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-seq"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "seq"], name="notification_seq_unique")
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.recipient} — {self.verb}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class EmailFrequency(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediately: one e-mail per notification")
    DAILY = "daily", _("Once a day: a summary of the day")
    WEEKLY = "weekly", _("Once a week: a summary of the week")
    NEVER = "never", _("Never: I read them on the site")


class EmailPreference(models.Model):
    """How a person wants their notifications e-mailed.

    Created on the first change: a person without one gets `EmailFrequency.IMMEDIATE`.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="email_preference",
    )
    frequency = models.CharField(
        _("notification e-mails"),
        max_length=16,
        choices=EmailFrequency.choices,
        default=EmailFrequency.IMMEDIATE,
    )
    # When the last digest was put together: the next one covers what came after it.
    last_digest_at = models.DateTimeField(_("last digest at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("e-mail preference")
        verbose_name_plural = _("e-mail preferences")
        indexes = [models.Index(fields=["frequency"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_frequency_display()}"
