"""Workspaces, the container every module hangs off, and the memberships in them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class WorkspaceKind(models.TextChoices):
    PERSONAL = "personal", _("Personal desktop")
    GROUP = "group", _("Working group")
    NETWORK = "network", _("Network")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Listed publicly")
    NETWORK = "network", _("Visible to members of the network")
    SECRET = "secret", _("Secret")


class JoinPolicy(models.TextChoices):
    OPEN = "open", _("Open: anyone in the network can join")
    REQUEST = "request", _("On request: a moderator accepts")
    INVITATION = "invitation", _("Invitation only")


class Module(models.TextChoices):
    FORUM = "forum", _("Forum")
    FILES = "files", _("Files")
    DOCUMENTS = "documents", _("Documents")
    CALENDAR = "calendar", _("Calendar")
    CHAT = "chat", _("Chat")


class WorkspaceQuerySet(models.QuerySet):
    def groups(self) -> WorkspaceQuerySet:
        return self.filter(kind=WorkspaceKind.GROUP)

    def active(self) -> WorkspaceQuerySet:
        return self.filter(archived_at__isnull=True)


class Workspace(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=WorkspaceKind.choices)
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("address"), max_length=160, unique=True, allow_unicode=False)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.NETWORK
    )
    join_policy = models.CharField(
        _("join policy"), max_length=16, choices=JoinPolicy.choices, default=JoinPolicy.REQUEST
    )
    # One switch per module, so "groups with the forum on" is a plain indexed filter.
    forum_enabled = models.BooleanField(_("forum"), default=True)
    files_enabled = models.BooleanField(_("files"), default=True)
    documents_enabled = models.BooleanField(_("documents"), default=True)
    calendar_enabled = models.BooleanField(_("calendar"), default=True)
    chat_enabled = models.BooleanField(_("chat"), default=True)
    territory = models.ForeignKey(
        "territories.Territory",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workspaces",
        verbose_name=_("territory"),
    )
    # The owner of a personal desktop; empty for groups and the network.
    personal_owner = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="personal_workspace",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    objects = WorkspaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("workspace")
        verbose_name_plural = _("workspaces")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(kind="network"),
                name="workspace_single_network",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="personal") | models.Q(personal_owner__isnull=False),
                name="workspace_personal_has_owner",
            ),
        ]
        indexes = [models.Index(fields=["kind", "visibility"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("workspaces:detail", kwargs={"slug": self.slug})

    @property
    def is_group(self) -> bool:
        return self.kind == WorkspaceKind.GROUP

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def has_module(self, module: str) -> bool:
        # Personal desktops and the network have every module; groups choose theirs.
        return self.kind != WorkspaceKind.GROUP or getattr(self, f"{Module(module)}_enabled")

    @property
    def enabled_modules(self) -> list[str]:
        return [m for m in Module.values if self.has_module(m)]

    def get_modules_display(self) -> list[str]:
        return [str(Module(m).label) for m in self.enabled_modules]


class MembershipRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    MODERATOR = "moderator", _("Moderator")
    MEMBER = "member", _("Member")


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    REQUESTED = "requested", _("Request pending")
    INVITED = "invited", _("Invited")


class MembershipQuerySet(models.QuerySet):
    def active(self) -> MembershipQuerySet:
        return self.filter(status=MembershipStatus.ACTIVE)


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(
        _("role"), max_length=16, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=MembershipStatus.choices,
        default=MembershipStatus.ACTIVE,
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    message = models.TextField(_("message"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "workspace"], name="membership_unique")
        ]
        indexes = [models.Index(fields=["workspace", "status", "role"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.workspace} ({self.get_role_display()})"

    @property
    def is_active(self) -> bool:
        return self.status == MembershipStatus.ACTIVE
