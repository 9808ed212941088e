"""The network: colleagues' directory, and administration of accounts, invitations,
groups of a territory, and (for the coordinator) security and local administrators."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.accounts import services as account_services
from core.accounts.models import User
from core.accounts.selectors import network_policy
from core.permissions import (
    administered_scope,
    can,
    invitations_managed_by,
    users_managed_by,
    workspaces_visible_to,
)
from core.territories.models import TerritoryRole
from core.views import get_object_or_deny, require_or_deny
from core.workspaces.models import MembershipStatus, Workspace, WorkspaceKind
from extranet.network.forms import AccountForm, InvitationForm, SecurityForm, TerritoryRoleForm

PER_PAGE = 30


def _search_people(qs, query: str):
    if query:
        qs = qs.filter(
            Q(display_name__icontains=query)
            | Q(email__iexact=query)
            | Q(skills__name__iexact=query)
            | Q(home_territory__name__icontains=query)
        ).distinct()
    return qs


@login_required
def people(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    qs = User.objects.filter(is_active=True).select_related("home_territory")
    qs = _search_people(qs, query).order_by("display_name")
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "network/people.html",
        {"page_obj": page, "people": page.object_list, "query": query},
    )


# --- Administration --------------------------------------------------------------------------


@login_required
def accounts(request: HttpRequest) -> HttpResponse:
    require_or_deny(request, "invite_to_network")
    query = request.GET.get("q", "").strip()[:100]
    qs = _search_people(users_managed_by(request.user).select_related("home_territory"), query)
    if request.GET.get("closed") == "1":
        qs = qs.filter(is_active=False)
    page = Paginator(qs.order_by("display_name"), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "network/accounts.html",
        {"page_obj": page, "accounts": page.object_list, "query": query},
    )


@login_required
def account(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_deny(
        request, User.objects.select_related("home_territory"), "manage", pk=pk
    )
    form = AccountForm(
        request.POST or None,
        actor=request.user,
        initial={"network_role": person.network_role, "home_territory": person.home_territory},
    )
    if request.method == "POST" and form.is_valid():
        try:
            account_services.user_update_role(
                actor=request.user,
                user=person,
                network_role=form.cleaned_data["network_role"],
                home_territory=form.cleaned_data["home_territory"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The account of %(name)s is saved.") % {"name": person})
            return redirect("network:account", pk=person.pk)
    return render(request, "network/account.html", {"person": person, "form": form})


@login_required
@require_POST
def account_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_deny(request, User, "manage", pk=pk)
    active = request.POST.get("active") == "1"
    account_services.user_set_active(actor=request.user, user=person, active=active)
    if active:
        messages.success(request, _("The account of %(name)s is reopened.") % {"name": person})
    else:
        messages.success(
            request,
            _("The account of %(name)s is closed: they can no longer sign in.") % {"name": person},
        )
    return redirect("network:account", pk=person.pk)


@login_required
def invitations(request: HttpRequest) -> HttpResponse:
    require_or_deny(request, "invite_to_network")
    qs = invitations_managed_by(request.user).select_related("invited_by", "territory", "workspace")
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "network/invitations.html", {"page_obj": page, "invitations": page.object_list}
    )


def _invitable_groups(user: User):
    return (
        workspaces_visible_to(user)
        .filter(kind=WorkspaceKind.GROUP, archived_at__isnull=True)
        .order_by("name")
    )


@login_required
def invitation_create(request: HttpRequest) -> HttpResponse:
    require_or_deny(request, "invite_to_network")
    groups = _invitable_groups(request.user)
    groups = groups.filter(pk__in=[g.pk for g in groups if can(request.user, "invite", g)])
    initial = {"territory": request.user.home_territory}
    if request.GET.get("workspace", "").isdigit():
        initial["workspace"] = request.GET["workspace"]
    form = InvitationForm(request.POST or None, user=request.user, groups=groups, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = account_services.invitation_create(
                actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(
                request,
                _("An invitation is sent to %(email)s. It is valid for %(days)s days.")
                % {
                    "email": invitation.email,
                    "days": (invitation.expires_at - invitation.created_at).days,
                },
            )
            return redirect("network:invitations")
    return render(request, "network/invitation_form.html", {"form": form})


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_deny(request, invitations_managed_by(request.user), "manage", pk=pk)
    account_services.invitation_revoke(actor=request.user, invitation=invitation)
    messages.success(
        request, _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email}
    )
    return redirect("network:invitations")


@login_required
@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_deny(request, invitations_managed_by(request.user), "manage", pk=pk)
    try:
        new, _token = account_services.invitation_resend(actor=request.user, invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("A new invitation is sent to %(email)s.") % {"email": new.email}
        )
    return redirect("network:invitations")


@login_required
def groups(request: HttpRequest) -> HttpResponse:
    """Groups attached to the territories the user administers."""
    require_or_deny(request, "invite_to_network")
    qs = Workspace.objects.filter(kind=WorkspaceKind.GROUP)
    scope = administered_scope(request.user, "territory__")
    if scope is not None:
        qs = qs.filter(scope)
    qs = (
        qs.select_related("territory")
        .annotate(
            member_count=Count("memberships", filter=Q(memberships__status=MembershipStatus.ACTIVE))
        )
        .order_by("archived_at", "name")
    )
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "network/groups.html", {"page_obj": page, "groups": page.object_list})


@login_required
def security(request: HttpRequest) -> HttpResponse:
    require_or_deny(request, "manage_network")
    form = SecurityForm(
        request.POST or None,
        initial={"require_mfa_for_administrators": network_policy().require_mfa_for_administrators},
    )
    role_form = TerritoryRoleForm(prefix="role")
    if request.method == "POST" and form.is_valid():
        account_services.network_policy_update(actor=request.user, **form.cleaned_data)
        messages.success(request, _("The security policy is saved."))
        return redirect("network:security")
    return render(request, "network/security.html", _security_context(form, role_form))


def _security_context(form, role_form) -> dict:
    roles = TerritoryRole.objects.select_related("user", "territory").order_by(
        "territory__name", "user__display_name"
    )
    return {"form": form, "role_form": role_form, "roles": roles}


@login_required
@require_POST
def territory_role_grant(request: HttpRequest) -> HttpResponse:
    require_or_deny(request, "manage_network")
    role_form = TerritoryRoleForm(request.POST, prefix="role")
    if role_form.is_valid():
        role = account_services.territory_role_grant(
            actor=request.user,
            user=role_form.cleaned_data["user"],
            territory=role_form.cleaned_data["territory"],
        )
        messages.success(
            request,
            _("%(name)s is now local administrator of %(territory)s.")
            % {"name": role.user, "territory": role.territory},
        )
        return redirect("network:security")
    form = SecurityForm(
        initial={"require_mfa_for_administrators": network_policy().require_mfa_for_administrators}
    )
    return render(request, "network/security.html", _security_context(form, role_form), status=400)


@login_required
@require_POST
def territory_role_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    require_or_deny(request, "manage_network")
    role = TerritoryRole.objects.select_related("user", "territory").filter(pk=pk).first()
    if role is not None:
        account_services.territory_role_revoke(actor=request.user, role=role)
        messages.success(
            request,
            _("%(name)s is no longer local administrator of %(territory)s.")
            % {"name": role.user, "territory": role.territory},
        )
    return redirect("network:security")
