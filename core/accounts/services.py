from __future__ import annotations

import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.accounts.models import Invitation, NetworkPolicy, NetworkRole, User
from core.accounts.selectors import forget_network_policy
from core.notifications.models import Verb
from core.notifications.services import notification_create
from core.permissions import can, forget_cached_permissions, require
from core.realtime import broadcast_on_commit, session_group, user_group
from core.tasks import send_email
from core.territories.models import Territory, TerritoryRole
from core.workspaces.models import Workspace


def unique_handle(name: str, *, exclude_pk: int | None = None) -> str:
    """A free @handle from a name: "Sophie Girard" → "sophie-girard", then "-2"…"""
    from django.utils.text import slugify

    base = slugify(name)[:44].strip("-_") or "membre"
    if len(base) < 2:
        base = f"membre-{base}"
    taken = User.objects.exclude(pk=exclude_pk) if exclude_pk else User.objects.all()
    handle, n = base, 2
    while taken.filter(handle=handle).exists():
        handle, n = f"{base}-{n}", n + 1
    return handle


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None = None,
    display_name: str = "",
    email_verified: bool = False,
    **fields,
) -> User:
    """Create an account and its personal desktop, the one way every account is made."""
    from core.workspaces.services import workspace_create_personal

    email = BaseUserManager.normalize_email(email).strip()
    display_name = display_name or email.split("@")[0]
    fields.setdefault("handle", unique_handle(display_name))
    user = User(email=email, display_name=display_name, **fields)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    workspace_create_personal(user=user)
    if email_verified:
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
    return user


# --- Invitations to the network -------------------------------------------------------------


def _invitation_url(token: str) -> str:
    return settings.SITE_URL + reverse("accounts:invitation", kwargs={"token": token})


@transaction.atomic
def invitation_create(
    *,
    actor: User,
    email: str,
    network_role: str = NetworkRole.FACILITATOR,
    territory: Territory | None = None,
    workspace: Workspace | None = None,
    message: str = "",
) -> tuple[Invitation, str]:
    """Invite someone by e-mail. Returns the invitation and the token (sent, never stored)."""
    require(actor, "invite_to_network")
    if territory is not None:
        require(actor, "invite", territory)
    elif not can(actor, "manage_network"):
        raise ValidationError({"territory": _("Choose the territory this person belongs to.")})
    if workspace is not None:
        require(actor, "invite", workspace)
    email = BaseUserManager.normalize_email(email).strip()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("This person already has an account.")})
    # A new invitation replaces a pending one for the same address.
    Invitation.objects.filter(
        email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        email=email,
        token_hash=Invitation.hash_token(token),
        invited_by=actor,
        network_role=network_role,
        territory=territory,
        workspace=workspace,
        message=message,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALIDITY_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    _send_invitation_email(invitation, token)
    return invitation, token


def _send_invitation_email(invitation: Invitation, token: str) -> None:
    # The invitee has no language preference yet: French, the network's language.
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "invitation": invitation,
            "url": _invitation_url(token),
            "days": settings.INVITATION_VALIDITY_DAYS,
        }
        subject = _("%(name)s invites you to join Maillage") % {"name": invitation.invited_by}
        body = render_to_string("accounts/email/invitation.txt", context)
    transaction.on_commit(
        lambda: send_email.enqueue(subject=subject, body=body, to=[invitation.email])
    )


def invitation_resend(*, actor: User, invitation: Invitation) -> tuple[Invitation, str]:
    require(actor, "manage", invitation)
    return invitation_create(
        actor=actor,
        email=invitation.email,
        network_role=invitation.network_role,
        territory=invitation.territory,
        workspace=invitation.workspace,
        message=invitation.message,
    )


def invitation_revoke(*, actor: User, invitation: Invitation) -> None:
    require(actor, "manage", invitation)
    if invitation.state == Invitation.State.PENDING:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


def invitation_from_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("invited_by", "workspace", "territory")
        .filter(token_hash=Invitation.hash_token(token))
        .first()
    )


@transaction.atomic
def invitation_accept(*, token: str, display_name: str, password: str) -> tuple[Invitation, User]:
    """Create the invitee's account. The link proves the address, so it is verified."""
    from core.workspaces.models import Membership, MembershipRole, MembershipStatus

    invitation = (
        Invitation.objects.select_for_update()
        .filter(token_hash=Invitation.hash_token(token))
        .first()
    )
    if invitation is None or invitation.state != Invitation.State.PENDING:
        raise ValidationError(_("This invitation can no longer be used."))
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError(_("An account already exists for this address: sign in instead."))
    user = user_create(
        email=invitation.email,
        password=password,
        display_name=display_name,
        network_role=invitation.network_role,
        home_territory=invitation.territory,
        email_verified=True,
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    if invitation.workspace is not None and not invitation.workspace.is_archived:
        Membership.objects.get_or_create(
            user=user,
            workspace=invitation.workspace,
            defaults={
                "role": MembershipRole.MEMBER,
                "status": MembershipStatus.ACTIVE,
                "invited_by": invitation.invited_by,
            },
        )
    if invitation.invited_by and invitation.invited_by.is_active:
        notification_create(
            recipient=invitation.invited_by,
            verb=Verb.NETWORK_INVITATION_ACCEPTED,
            actor=user,
            target=user,
        )
    return invitation, user


# --- Accounts --------------------------------------------------------------------------------


@transaction.atomic
def profile_update(*, user: User, actor: User, **fields) -> User:
    """One's own profile: name, handle, presentation, photo, skills."""
    require(actor, "edit_profile", user)
    if "home_territory" in fields:
        # The home territory decides which local administrator manages the account: only
        # those who manage it change it (`user_update_role`), or one could leave their reach.
        require(actor, "manage", user)
    skills = fields.pop("skills", None)
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save()
    if skills is not None:
        user.skills.set(skills, clear=True)
    return user


@transaction.atomic
def user_update_role(
    *, actor: User, user: User, network_role: str, home_territory: Territory | None
) -> User:
    require(actor, "manage", user)
    if network_role == NetworkRole.COORDINATOR and not can(actor, "manage_network"):
        raise ValidationError({"network_role": _("Only the coordinator can appoint one.")})
    if home_territory is not None and not can(actor, "administer", home_territory):
        raise ValidationError({"home_territory": _("This territory is not yours to manage.")})
    user.network_role = network_role
    user.home_territory = home_territory
    # The coordinator edits the public site and the directory in the Wagtail admin.
    user.is_staff = user.is_superuser = network_role == NetworkRole.COORDINATOR
    user.full_clean(exclude=["password"])
    user.save(update_fields=["network_role", "home_territory", "is_staff", "is_superuser"])
    return user


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool) -> User:
    """Close or reopen an account. Closing also closes its live sockets at once."""
    require(actor, "manage", user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        broadcast_on_commit(user_group(user.pk), {"type": "account.closed"})
    return user


def account_password_changed(*, user: User) -> None:
    """The password was changed, set or reset: the person's live sockets check their
    session at once, and those of every session signed in with the old password close (the
    session that changed it, if Django keeps it, stays)."""
    broadcast_on_commit(user_group(user.pk), {"type": "account.changed"})


def session_signed_out(*, session_key: str | None) -> None:
    """A session signed out: its live sockets close at once, not the person's others."""
    if session_key:
        broadcast_on_commit(session_group(session_key), {"type": "session.ended"})


@transaction.atomic
def territory_role_grant(*, actor: User, user: User, territory: Territory) -> TerritoryRole:
    require(actor, "manage_network")
    role, _created = TerritoryRole.objects.get_or_create(
        user=user, territory=territory, role=TerritoryRole.Role.ADMIN
    )
    forget_cached_permissions(user)
    return role


def territory_role_revoke(*, actor: User, role: TerritoryRole) -> None:
    require(actor, "manage_network")
    role.delete()
    forget_cached_permissions(role.user)


def network_policy_update(*, actor: User, require_mfa_for_administrators: bool) -> NetworkPolicy:
    require(actor, "manage_network")
    policy = NetworkPolicy.current()
    policy.require_mfa_for_administrators = require_mfa_for_administrators
    policy.save()
    transaction.on_commit(forget_network_policy)
    return policy
