"""The network of colleagues: the activity feed, following, status posts, who can help."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import registry
from core.accounts.models import User
from core.activity import selectors as activity_selectors
from core.activity.services import follow_set
from core.permissions import workspaces_readable_by
from core.views import get_object_or_deny
from core.workspaces.models import MembershipStatus, Workspace, WorkspaceKind
from extranet.files.downloads import serve_version
from extranet.network import selectors, services
from extranet.network.models import StatusComment, StatusPost


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 19 else None


class FeedFilterForm(forms.Form):
    kind = forms.MultipleChoiceField(label=gettext_lazy("Kinds"), required=False)
    group = forms.ChoiceField(label=gettext_lazy("Group"), required=False)

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.key, k.label) for k in registry.feed_kinds]
        self.fields["kind"].widget = forms.CheckboxSelectMultiple(
            choices=self.fields["kind"].choices
        )
        self.fields["group"].choices = [("", gettext_lazy("All"))] + [
            (g.slug, g.name) for g in groups
        ]


class StatusForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("What's new?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    link = forms.URLField(
        label=gettext_lazy("Link (optional)"), required=False, max_length=500, assume_scheme="https"
    )
    picture = forms.FileField(label=gettext_lazy("Picture (optional)"), required=False)


class CommentForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Your comment"), max_length=1000)


def _my_groups(user: User):
    return (
        workspaces_readable_by(user)
        .filter(
            kind=WorkspaceKind.GROUP,
            memberships__user=user,
            memberships__status=MembershipStatus.ACTIVE,
        )
        .order_by("name")
    )


@login_required
def feed(request: HttpRequest) -> HttpResponse:
    """The feed of followed colleagues and groups, one's groups and places; filterable by
    kind and group, paged backwards (?before=), live (?after=, partial)."""
    groups = list(_my_groups(request.user))
    form = FeedFilterForm(request.GET or None, groups=groups)
    kinds, group = [], None
    error = None
    if request.GET and not form.is_valid():
        error = _("These filters are not valid; the whole feed is shown.")
    elif form.is_bound:
        kinds = form.cleaned_data["kind"]
        slug = form.cleaned_data["group"]
        group = next((g for g in groups if g.slug == slug), None)
    before = _int_or_none(request.GET.get("before"))
    after = _int_or_none(request.GET.get("after"))
    page = activity_selectors.feed_page(
        request.user, kinds=kinds, workspace=group, before=before, after=after
    )
    context = {"page": page, "items": page.items}
    if request.GET.get("partial") == "1":
        response = render(request, "network/_feed_items.html", context)
        response["X-Feed-Newest"] = str(page.newest)
        return response
    query = request.GET.copy()
    query.pop("before", None)
    query.pop("after", None)
    return render(
        request,
        "network/feed.html",
        {
            **context,
            "form": form,
            "error": error,
            "status_form": StatusForm(auto_id="status-%s"),
            "filters": query.urlencode(),
        },
    )


def _back(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return fallback


@login_required
@require_POST
def follow_person(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_deny(request, User, "view", pk=pk)
    follow = request.POST.get("follow") != "0"
    try:
        follow_set(follower=request.user, target=person, follow=follow)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if follow:
            messages.success(request, _("You follow %(name)s.") % {"name": person})
        else:
            messages.success(request, _("You no longer follow %(name)s.") % {"name": person})
    return redirect(_back(request, reverse("accounts:profile", args=[person.pk])))


@login_required
@require_POST
def follow_group(request: HttpRequest, slug: str) -> HttpResponse:
    group = get_object_or_deny(
        request, Workspace.objects.filter(kind=WorkspaceKind.GROUP), "read", slug=slug
    )
    follow = request.POST.get("follow") != "0"
    try:
        follow_set(follower=request.user, target=group, follow=follow)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if follow:
            messages.success(request, _("You follow the group %(name)s.") % {"name": group})
        else:
            messages.success(
                request, _("You no longer follow the group %(name)s.") % {"name": group}
            )
    return redirect(_back(request, group.get_absolute_url()))


@login_required
@require_POST
def status_create(request: HttpRequest) -> HttpResponse:
    form = StatusForm(request.POST, request.FILES)
    fallback = reverse("network:feed")
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(_back(request, fallback))
    picture = form.cleaned_data["picture"]
    try:
        services.status_create(
            author=request.user,
            text=form.cleaned_data["text"],
            link=form.cleaned_data["link"],
            picture=picture,
            picture_name=picture.name if picture else "",
            picture_size=picture.size if picture else None,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your post is published."))
    return redirect(_back(request, fallback))


def _status(request: HttpRequest, pk: int, action: str = "view") -> StatusPost:
    return get_object_or_deny(request, StatusPost.objects.select_related("author"), action, pk=pk)


@login_required
def status_detail(request: HttpRequest, pk: int) -> HttpResponse:
    status = _status(request, pk)
    found = selectors.statuses(request.user, pks=[status.pk], limit=1)
    return render(
        request,
        "network/status_detail.html",
        {"status": found[0], "comment_form": CommentForm(auto_id="comment-%s")},
    )


@login_required
def status_picture(request: HttpRequest, pk: int) -> HttpResponse:
    status = _status(request, pk)
    stored = status.picture
    if stored is None or stored.current_id is None or stored.trashed_at is not None:
        raise Http404
    return serve_version(request, stored.current, name=stored.name, inline=True)


@login_required
@require_POST
def status_delete(request: HttpRequest, pk: int) -> HttpResponse:
    status = _status(request, pk, "delete")
    services.status_delete(actor=request.user, status=status)
    messages.success(request, _("The post is deleted."))
    return redirect(_back(request, reverse("network:feed")))


@login_required
@require_POST
def status_comment(request: HttpRequest, pk: int) -> HttpResponse:
    status = _status(request, pk, "comment")
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_create(
                actor=request.user, status=status, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, " ".join(form.errors["text"]))
    return redirect(_back(request, status.get_absolute_url()))


@login_required
@require_POST
def comment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_deny(
        request, StatusComment.objects.select_related("status__author"), "delete", pk=pk
    )
    services.comment_delete(actor=request.user, comment=comment)
    messages.success(request, _("The comment is deleted."))
    return redirect(_back(request, comment.status.get_absolute_url()))


@login_required
@require_POST
def status_react(request: HttpRequest, pk: int) -> HttpResponse:
    status = _status(request, pk, "comment")
    services.reaction_toggle(actor=request.user, status=status)
    return redirect(_back(request, status.get_absolute_url()))


class HelpForm(forms.Form):
    skill = forms.CharField(label=gettext_lazy("Skill"), max_length=100, required=False)
    km = forms.IntegerField(
        label=gettext_lazy("Within (km)"),
        min_value=1,
        max_value=selectors.MAX_KM,
        initial=50,
        required=False,
    )


@login_required
def who_can_help(request: HttpRequest) -> HttpResponse:
    form = HelpForm(request.GET or None)
    helpers, located, searched = [], False, False
    if form.is_bound and form.is_valid():
        searched = True
        helpers, located = selectors.who_can_help(
            request.user,
            skill=form.cleaned_data["skill"].strip(),
            km=form.cleaned_data["km"] or 50,
        )
    rows = [{"helper": h, "message_url": selectors.message_url(h.person)} for h in helpers]
    return render(
        request,
        "network/help.html",
        {
            "form": form,
            "rows": rows,
            "located": located,
            "searched": searched,
            "has_place": bool(selectors.my_place_points(request.user)),
        },
    )
