"""Working groups: browse, create, home page, members and every membership move.

Views are thin: fetch through the permission authority (404 / 403 / sign in), call a
service, say what happened, go back where the user came from.
"""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.accounts.models import User
from core.permissions import can, workspace_owner_count
from core.views import get_object_or_deny, require_or_deny
from core.workspaces import selectors, services
from core.workspaces.forms import GroupForm, InviteSearchForm, JoinRequestForm, RoleForm
from core.workspaces.models import (
    Membership,
    MembershipRole,
    MembershipStatus,
    Workspace,
    WorkspaceKind,
)

GROUPS_PER_PAGE = 20
MEMBERS_PER_PAGE = 50


def _group(request: HttpRequest, slug: str, action: str = "view") -> Workspace:
    return get_object_or_deny(
        request,
        Workspace.objects.filter(kind=WorkspaceKind.GROUP).select_related("territory"),
        action,
        slug=slug,
    )


def _membership(request: HttpRequest, pk: int, action: str) -> Membership:
    return get_object_or_deny(
        request,
        Membership.objects.select_related("workspace", "user", "workspace__territory"),
        action,
        pk=pk,
    )


def _error_text(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


def _back(request: HttpRequest, default: str) -> HttpResponse:
    """Return to the page the form was posted from, if it is one of ours."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


# --- Browse and create --------------------------------------------------------------------------


def group_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    mine = request.GET.get("mine") == "1" and request.user.is_authenticated
    groups = selectors.groups_for_listing(request.user, query=query, mine=mine)
    page = Paginator(groups, GROUPS_PER_PAGE).get_page(request.GET.get("page"))
    my_memberships = {}
    if request.user.is_authenticated:
        my_memberships = {
            m.workspace_id: m
            for m in Membership.objects.filter(
                user=request.user, workspace__in=[g.pk for g in page.object_list]
            )
        }
    for group in page.object_list:
        group.my_membership = my_memberships.get(group.pk)
    return render(
        request,
        "workspaces/workspace_list.html",
        {
            "page_obj": page,
            "groups": page.object_list,
            "query": query,
            "mine": mine,
            "may_create": can(request.user, "create_group"),
        },
    )


@login_required
def group_create(request: HttpRequest) -> HttpResponse:
    require_or_deny(request, "create_group")
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(creator=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The group “%(name)s” is created.") % {"name": group})
            return redirect(group)
    return render(request, "workspaces/workspace_form.html", {"form": form, "creating": True})


# --- One group ------------------------------------------------------------------------------------


def group_detail(request: HttpRequest, slug: str) -> HttpResponse:
    group = _group(request, slug)
    membership = None
    if request.user.is_authenticated:
        membership = Membership.objects.filter(user=request.user, workspace=group).first()
    context = {
        "group": group,
        "membership": membership,
        # Who runs the group is shown as its members are ("view_members").
        "owners": selectors.group_memberships(group).filter(role=MembershipRole.OWNER)[:10]
        if can(request.user, "view_members", group)
        else [],
        "member_count": group.memberships.active().count(),
        "join_form": JoinRequestForm(),
        "modules": selectors.module_menu(group),
    }
    if can(request.user, "moderate", group):
        context["pending_requests"] = group.memberships.filter(
            status=MembershipStatus.REQUESTED
        ).count()
    return render(request, "workspaces/workspace_detail.html", context)


@login_required
def group_edit(request: HttpRequest, slug: str) -> HttpResponse:
    group = _group(request, slug, "manage")
    form = GroupForm(request.POST or None, initial=GroupForm.initial_for(group))
    if request.method == "POST" and form.is_valid():
        try:
            services.group_update(actor=request.user, group=group, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The group’s settings are saved."))
            return redirect(group)
    return render(
        request, "workspaces/workspace_form.html", {"form": form, "group": group, "creating": False}
    )


@login_required
def group_archive(request: HttpRequest, slug: str) -> HttpResponse:
    group = _group(request, slug, "manage")
    if request.method == "POST":
        services.group_archive(actor=request.user, group=group)
        messages.success(request, _("The group is archived: its content is now read-only."))
        return redirect(group)
    return render(
        request,
        "workspaces/confirm.html",
        {
            "group": group,
            "title": _("Archive the group “%(name)s”?") % {"name": group},
            "explanation": _(
                "Members keep reading everything, but nobody can post, upload, join or "
                "change roles until an owner or an administrator restores the group."
            ),
            "confirm_label": _("Archive the group"),
        },
    )


@login_required
@require_POST
def group_unarchive(request: HttpRequest, slug: str) -> HttpResponse:
    group = _group(request, slug, "unarchive")
    services.group_unarchive(actor=request.user, group=group)
    messages.success(request, _("The group is restored."))
    return redirect(group)


@login_required
@require_POST
def group_join(request: HttpRequest, slug: str) -> HttpResponse:
    group = _group(request, slug, "join")
    with contextlib.suppress(IntegrityError):  # a double click: already a member
        services.group_join(user=request.user, group=group)
    messages.success(request, _("Welcome to the group “%(name)s”.") % {"name": group})
    return redirect(group)


@login_required
@require_POST
def group_request(request: HttpRequest, slug: str) -> HttpResponse:
    group = _group(request, slug, "request_join")
    form = JoinRequestForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "workspaces/workspace_detail.html",
            {"group": group, "join_form": form, "member_count": group.memberships.active().count()},
            status=400,
        )
    with contextlib.suppress(IntegrityError):  # a double click: already asked
        services.group_request_join(
            user=request.user, group=group, message=form.cleaned_data["message"]
        )
    messages.success(
        request, _("Your request is sent. You will be notified when a moderator answers.")
    )
    return redirect(group)


@login_required
def group_leave(request: HttpRequest, slug: str) -> HttpResponse:
    group = _group(request, slug)
    if not can(request.user, "leave", group):
        is_member = Membership.objects.filter(
            user=request.user, workspace=group, status=MembershipStatus.ACTIVE
        ).exists()
        if is_member:
            messages.error(
                request,
                _("You are the group’s last owner: make someone else owner before leaving."),
            )
            return redirect(group)
        require_or_deny(request, "leave", group)
    if request.method == "POST":
        services.membership_leave(user=request.user, group=group)
        messages.success(request, _("You have left the group “%(name)s”.") % {"name": group})
        return redirect("workspaces:list")
    return render(
        request,
        "workspaces/confirm.html",
        {
            "group": group,
            "title": _("Leave the group “%(name)s”?") % {"name": group},
            "explanation": _(
                "You will no longer receive its news. You may need an invitation to come back."
            ),
            "confirm_label": _("Leave the group"),
        },
    )


# --- Members -----------------------------------------------------------------------------------


def group_members(request: HttpRequest, slug: str) -> HttpResponse:
    group = _group(request, slug, "view_members")
    active = selectors.group_memberships(group)
    page = Paginator(active, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    may_moderate = can(request.user, "moderate", group)
    context = {
        "group": group,
        "page_obj": page,
        "memberships": page.object_list,
        "may_moderate": may_moderate,
        "may_manage": can(request.user, "manage", group),
        "may_invite": can(request.user, "invite", group),
        "owner_count": workspace_owner_count(group),
        "role_form": RoleForm(),
    }
    if may_moderate:
        context["requests"] = selectors.group_memberships(group, MembershipStatus.REQUESTED)
        context["invitations"] = selectors.group_memberships(group, MembershipStatus.INVITED)
    if context["may_invite"]:
        search = InviteSearchForm(request.GET if "q" in request.GET else None)
        context["invite_form"] = search
        if search.is_bound and search.is_valid():
            context["candidates"] = selectors.invitable_users(
                group=group, query=search.cleaned_data["q"]
            )
    return render(request, "workspaces/workspace_members.html", context)


@login_required
@require_POST
def group_invite(request: HttpRequest, slug: str) -> HttpResponse:
    group = _group(request, slug, "invite")
    invitee = User.objects.filter(pk=request.POST.get("user"), is_active=True).first()
    if invitee is None or not can(request.user, "view", invitee):
        messages.error(request, _("This person cannot be found."))
        return redirect("workspaces:members", slug=group.slug)
    try:
        membership = services.group_invite(
            actor=request.user,
            group=group,
            invitee=invitee,
            message=request.POST.get("message", ""),
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        if membership.status == MembershipStatus.ACTIVE:
            messages.success(
                request, _("%(name)s had asked to join and is now a member.") % {"name": invitee}
            )
        else:
            messages.success(request, _("%(name)s is invited.") % {"name": invitee})
    return redirect("workspaces:members", slug=group.slug)


@login_required
@require_POST
def membership_accept(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(request, pk, "accept")
    was_invited = membership.status == MembershipStatus.INVITED
    services.membership_accept(actor=request.user, membership=membership)
    group = membership.workspace
    if was_invited:
        messages.success(request, _("Welcome to the group “%(name)s”.") % {"name": group})
        return redirect(group)
    messages.success(request, _("%(name)s is now a member.") % {"name": membership.user})
    return _back(request, group.get_absolute_url())


@login_required
@require_POST
def membership_decline(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(request, pk, "decline")
    own = membership.user_id == request.user.pk
    status = membership.status
    services.membership_decline(actor=request.user, membership=membership)
    if own and status == MembershipStatus.INVITED:
        messages.success(request, _("You declined the invitation."))
        return redirect(settings.LOGIN_REDIRECT_URL)
    if own:
        messages.success(request, _("Your request is withdrawn."))
    elif status == MembershipStatus.REQUESTED:
        messages.success(request, _("The request is declined."))
    else:
        messages.success(request, _("The invitation is cancelled."))
    return _back(request, membership.workspace.get_absolute_url())


@login_required
def membership_remove(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(request, pk, "remove")
    group = membership.workspace
    if request.method == "POST":
        services.membership_remove(actor=request.user, membership=membership)
        messages.success(request, _("%(name)s is no longer a member.") % {"name": membership.user})
        return redirect("workspaces:members", slug=group.slug)
    return render(
        request,
        "workspaces/confirm.html",
        {
            "group": group,
            "title": _("Remove %(person)s from “%(name)s”?")
            % {"person": membership.user, "name": group},
            "explanation": _("They will be told, and will need to join again to come back."),
            "confirm_label": _("Remove from the group"),
        },
    )


@login_required
@require_POST
def membership_role(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(request, pk, "change_role")
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role from the list."))
    else:
        try:
            services.membership_change_role(
                actor=request.user, membership=membership, role=form.cleaned_data["role"]
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                _("%(name)s is now %(role)s.")
                % {"name": membership.user, "role": membership.get_role_display().lower()},
            )
    return redirect("workspaces:members", slug=membership.workspace.slug)
