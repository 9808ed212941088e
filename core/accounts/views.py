from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.accounts import services
from core.accounts.forms import InvitationAcceptForm, ProfileForm
from core.accounts.models import Invitation, User
from core.accounts.selectors import account_managers
from core.views import get_object_or_deny, require_or_deny
from core.workspaces.selectors import user_groups


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_from_token(token)
    if invitation is None:
        return render(
            request, "accounts/invitation_invalid.html", {"reason": "unknown"}, status=404
        )
    if invitation.state != Invitation.State.PENDING:
        return render(
            request,
            "accounts/invitation_invalid.html",
            {"reason": invitation.state, "invitation": invitation},
            status=410,
        )
    if request.user.is_authenticated:
        return render(request, "accounts/invitation_signed_in.html", {"invitation": invitation})
    form = InvitationAcceptForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, user = services.invitation_accept(
                token=token,
                display_name=form.cleaned_data["display_name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to Maillage, %(name)s!") % {"name": user})
            if invitation.workspace:
                return redirect(invitation.workspace)
            return redirect(settings.LOGIN_REDIRECT_URL)
    return render(
        request, "accounts/invitation_accept.html", {"invitation": invitation, "form": form}
    )


def profile(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_deny(
        request, User.objects.select_related("home_territory"), "view", pk=pk
    )
    return render(
        request,
        "accounts/user_detail.html",
        {
            "person": person,
            "skills": person.skills.all(),
            "groups": user_groups(person, viewer=request.user),
        },
    )


def profile_photo(request: HttpRequest, pk: int) -> FileResponse:
    person = get_object_or_deny(request, User, "view", pk=pk)
    if not person.photo:
        raise Http404
    response = FileResponse(person.photo.open("rb"))
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_or_deny(request, "edit_profile", user)
    form = ProfileForm(
        request.POST or None,
        request.FILES or None,
        instance=user,
        # The tag widget writes Tag objects back as "a, b" (names alone it cannot read).
        initial={"skills": list(user.skills.all())},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        photo = data["photo"]
        try:
            services.profile_update(
                user=user,
                actor=user,
                display_name=data["display_name"],
                handle=data["handle"],
                bio=data["bio"],
                photo=photo if photo is not False else "",
                skills=data["skills"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("accounts:profile_edit")
    return render(
        request,
        "accounts/profile_form.html",
        {"form": form, "managers": account_managers(user)},
    )
