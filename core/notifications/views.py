from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.notifications import selectors, services
from core.notifications.models import Notification
from core.views import get_object_or_deny

PER_PAGE = 30


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.notifications_for(request.user)
    if request.GET.get("unread") == "1":
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    items = [
        {
            "notification": n,
            "text": selectors.notification_text(n),
            "url": selectors.notification_url(n),
        }
        for n in selectors.visible(request.user, page.object_list)
    ]
    return render(
        request,
        "notifications/notification_list.html",
        {"page_obj": page, "items": items, "only_unread": request.GET.get("unread") == "1"},
    )


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read and go to what it is about."""
    notification = get_object_or_deny(request, Notification, "view", pk=pk)
    services.notifications_mark_read(user=request.user, ids=[notification.pk])
    return redirect(selectors.notification_url(notification) or "notifications:list")


@login_required
@require_POST
def notification_mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_deny(request, Notification, "view", pk=pk)
    services.notifications_mark_read(user=request.user, ids=[notification.pk])
    return redirect("notifications:list")


@login_required
@require_POST
def notification_mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_read(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")
