"""The personal desktop and a group's home page: arranged widgets, each loaded on its own."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import registry
from core.registry import DesktopWidget
from core.views import get_object_or_deny
from core.workspaces import selectors as workspace_selectors
from core.workspaces.models import Workspace, WorkspaceKind
from extranet.dashboard import selectors, services
from extranet.dashboard.forms import ArrangeForm, BookmarkForm, NoteForm
from extranet.dashboard.models import Bookmark

logger = logging.getLogger(__name__)


def _personal(request: HttpRequest) -> Workspace:
    return request.user.personal_workspace


def desktop_context(request: HttpRequest, workspace: Workspace) -> dict:
    """What the desktop component needs: the placed widgets with their URLs, and, for who
    may arrange it, the widgets that could be added."""
    user = request.user
    placed = selectors.layout(user, workspace)
    personal = workspace.kind == WorkspaceKind.PERSONAL
    size_names = {"small": _("Small"), "medium": _("Medium"), "large": _("Large")}
    for item in placed:
        item.url = (
            reverse("dashboard:widget", args=[item.widget.key])
            if personal
            else reverse("dashboard:group_widget", args=[workspace.slug, item.widget.key])
        )
        # Worked out here rather than by five {% blocktranslate %} a widget: the frame of a
        # full desktop spent most of its time in those template tags.
        title = {"title": item.widget.title}
        item.dom_id = f"{workspace.pk}-{slugify(item.widget.key)}"
        item.labels = {
            "up": _("Move “%(title)s” up") % title,
            "down": _("Move “%(title)s” down") % title,
            "remove": _("Remove “%(title)s”") % title,
            "size": _("Size of “%(title)s”") % title,
            "open": _("Open “%(title)s”") % title,
        }
        item.size_choices = [
            (size, size_names.get(size, size), size == item.size) for size in item.widget.sizes
        ]
    may_arrange = services.may_arrange(user, workspace)
    on_desktop = {p.widget.key for p in placed}
    return {
        "desktop": workspace,
        "placed": placed,
        "may_arrange": may_arrange,
        "addable": [w for w in selectors.offered(user, workspace) if w.key not in on_desktop]
        if may_arrange
        else [],
        "arrange_url": reverse("dashboard:arrange")
        if personal
        else reverse("dashboard:group_arrange", args=[workspace.slug]),
        "sizes": registry.WIDGET_SIZES,
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The personal desktop: what needs an answer first, then the arranged widgets."""
    return render(
        request,
        "dashboard/home.html",
        {
            "invitations": workspace_selectors.pending_invitations_for(request.user),
            **desktop_context(request, _personal(request)),
        },
    )


def render_widget(
    request: HttpRequest, widget: DesktopWidget, workspace: Workspace | None = None
) -> str:
    """The widget's HTML; an exception in it gives a small error box, never an error page."""
    try:
        if workspace is None:
            context = widget.context(request)
        else:
            context = widget.group_context(request, workspace)
        if context is None:
            return render_to_string("dashboard/widget_empty.html", request=request)
        return render_to_string(
            widget.template, {**context, "widget": widget, "desktop_workspace": workspace}, request
        )
    except Exception:
        logger.exception("Desktop widget %s failed", widget.key)
        return render_to_string("dashboard/widget_error.html", {"widget": widget}, request)


def _widget_response(request, widget, workspace=None, back=None) -> HttpResponse:
    body = render_widget(request, widget, workspace)
    if request.htmx:
        return HttpResponse(body)
    return render(
        request,
        "dashboard/widget_page.html",
        {"widget": widget, "body": mark_safe(body), "back": back},  # noqa: S308 - rendered above
    )


def _widget_or_404(user, key: str, group: Workspace | None = None) -> DesktopWidget:
    widget = selectors.offered_widget(user, key, group)
    if widget is None:
        raise Http404
    return widget


@login_required
def widget(request: HttpRequest, key: str) -> HttpResponse:
    found = _widget_or_404(request.user, key)
    return _widget_response(request, found, back=reverse("dashboard:home"))


def _group(request: HttpRequest, slug: str) -> Workspace:
    group = get_object_or_deny(
        request, Workspace.objects.filter(kind=WorkspaceKind.GROUP), "read", slug=slug
    )
    return group


@login_required
def group_widget(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    group = _group(request, slug)
    found = _widget_or_404(request.user, key, group)
    return _widget_response(request, found, group, back=group.get_absolute_url())


def _arrange(request: HttpRequest, workspace: Workspace, back: str) -> HttpResponse:
    form = ArrangeForm(request.POST)
    error = None
    if not form.is_valid():
        error = _("This change could not be understood.")
    else:
        try:
            services.desktop_arrange(actor=request.user, workspace=workspace, **form.cleaned_data)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    if request.headers.get("Accept") == "application/json":
        return JsonResponse({"ok": error is None, "error": error}, status=400 if error else 200)
    if error:
        messages.error(request, error)
    elif form.cleaned_data["action"] == "reset":
        messages.success(request, _("The desktop is back to its default layout."))
    return redirect(f"{back}#desktop")


@login_required
@require_POST
def arrange(request: HttpRequest) -> HttpResponse:
    return _arrange(request, _personal(request), reverse("dashboard:home"))


@login_required
@require_POST
def group_arrange(request: HttpRequest, slug: str) -> HttpResponse:
    group = _group(request, slug)
    if not services.may_arrange(request.user, group):
        raise Http404
    return _arrange(request, group, group.get_absolute_url())


@login_required
@require_POST
def note_save(request: HttpRequest) -> HttpResponse:
    form = NoteForm(request.POST)
    if form.is_valid():
        services.note_save(owner=request.user, text=form.cleaned_data["text"])
        messages.success(request, _("Your notes are saved."))
    else:
        messages.error(request, " ".join(form.errors.get("text", [])))
    return redirect(f"{reverse('dashboard:home')}#desktop")


@login_required
@require_POST
def bookmark_add(request: HttpRequest) -> HttpResponse:
    form = BookmarkForm(request.POST)
    if form.is_valid():
        try:
            services.bookmark_add(owner=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The bookmark is added."))
    else:
        messages.error(
            request,
            format_html("{}", " ".join(e for errors in form.errors.values() for e in errors)),
        )
    return redirect(f"{reverse('dashboard:home')}#desktop")


@login_required
@require_POST
def bookmark_remove(request: HttpRequest, pk: int) -> HttpResponse:
    bookmark = get_object_or_404(Bookmark, pk=pk, owner=request.user)
    services.bookmark_remove(owner=request.user, bookmark=bookmark)
    messages.success(request, _("The bookmark is removed."))
    return redirect(f"{reverse('dashboard:home')}#desktop")
