from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core import registry
from core.workspaces import selectors as workspace_selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The personal desktop: what needs an answer first, then the registered widgets."""
    widgets = []
    for widget in registry.desktop_widgets:
        context = widget.context(request)
        if context is not None:
            widgets.append({"widget": widget, "context": context})
    return render(
        request,
        "dashboard/home.html",
        {
            "invitations": workspace_selectors.pending_invitations_for(request.user),
            "widgets": widgets,
        },
    )
