from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase

# What the forum recognises after "@" (forum/markdown.py): 2 to 50 characters.
HANDLE = RegexValidator(
    r"^[a-z0-9][a-z0-9._-]{0,48}[a-z0-9_-]$",
    _(
        "2 to 50 lower-case letters, digits, dots, dashes or underscores, starting with a letter "
        "or a digit and not ending with a dot."
    ),
)


class NetworkRole(models.TextChoices):
    MEMBER = "member", _("Member")
    FACILITATOR = "facilitator", _("Facilitator")
    COORDINATOR = "coordinator", _("Network coordinator")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        # Every creation path (invitation, createsuperuser, admin, demo) goes through the
        # service so the personal workspace exists from the start.
        from core.accounts.services import user_create

        return user_create(email=email, password=password, **extra)

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("network_role", NetworkRole.COORDINATOR)
        return self._create_user(email, password, **extra)


class Skill(TagBase):
    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")


class UserSkill(TaggedItemBase):
    tag = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="tagged_users")
    content_object = models.ForeignKey("User", on_delete=models.CASCADE)


def profile_photo_path(instance: User, filename: str) -> str:
    return f"profiles/{instance.pk}/{filename}"


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=120)
    # What colleagues type after "@" to mention someone in the forum.
    handle = models.CharField(
        _("handle"),
        max_length=50,
        unique=True,
        validators=[HANDLE],
        help_text=_("Colleagues mention you with @ followed by it."),
    )
    bio = models.TextField(_("short bio"), max_length=1000, blank=True)
    photo = models.ImageField(_("photo"), upload_to=profile_photo_path, blank=True)
    skills = TaggableManager(
        verbose_name=_("skills"),
        help_text=_("Separate skills with commas."),
        through=UserSkill,
        blank=True,
    )
    home_territory = models.ForeignKey(
        "territories.Territory",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="residents",
        verbose_name=_("home territory"),
    )
    network_role = models.CharField(
        _("network role"), max_length=16, choices=NetworkRole.choices, default=NetworkRole.MEMBER
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Last sequence number given to this user's notifications: the live stream's cursor.
    notification_seq = models.PositiveBigIntegerField(default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name or self.email

    def get_full_name(self) -> str:
        return str(self)

    def get_short_name(self) -> str:
        return str(self)

    @property
    def is_coordinator(self) -> bool:
        return self.is_active and self.network_role == NetworkRole.COORDINATOR


class Invitation(models.Model):
    """An e-mailed, single-use, expiring invitation to join the extranet.

    Only the SHA-256 of the token is stored: the link in the e-mail is the only copy.
    """

    email = models.EmailField(_("e-mail address"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="invitations_sent",
        verbose_name=_("invited by"),
    )
    network_role = models.CharField(
        _("role in the network"),
        max_length=16,
        choices=[
            (NetworkRole.MEMBER, NetworkRole.MEMBER.label),
            (NetworkRole.FACILITATOR, NetworkRole.FACILITATOR.label),
        ],
        default=NetworkRole.FACILITATOR,
    )
    territory = models.ForeignKey(
        "territories.Territory",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("home territory"),
    )
    workspace = models.ForeignKey(
        "workspaces.Workspace",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="email_invitations",
        verbose_name=_("working group to join"),
    )
    message = models.TextField(_("personal message"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    @property
    def state(self) -> str:
        if self.accepted_at:
            return self.State.ACCEPTED
        if self.revoked_at:
            return self.State.REVOKED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.PENDING

    def get_state_display(self) -> str:
        return self.State(self.state).label


class NetworkPolicy(models.Model):
    """Network-wide security choices made by the coordinator (a single row)."""

    require_mfa_for_administrators = models.BooleanField(
        _("require two-factor authentication for administrators"),
        default=False,
        help_text=_(
            "The coordinator and local administrators must turn on an authenticator app "
            "before they can use the extranet."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("network policy")
        verbose_name_plural = _("network policy")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> NetworkPolicy:
        policy, _created = cls.objects.get_or_create(pk=1)
        return policy
