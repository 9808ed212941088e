from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from core.notifications import emails, selectors, services
from core.notifications.forms import EmailPreferenceForm
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


@login_required
def email_preferences(request: HttpRequest) -> HttpResponse:
    """How often notifications arrive by e-mail."""
    if request.method == "POST":
        form = EmailPreferenceForm(request.POST)
        if form.is_valid():
            services.email_preference_set(
                user=request.user, frequency=form.cleaned_data["frequency"]
            )
            messages.success(request, _("Your choice is saved."))
            return redirect("notifications:preferences")
    else:
        preference = selectors.email_preference_of(request.user)
        form = EmailPreferenceForm(initial={"frequency": preference.frequency})
    return render(request, "notifications/email_preferences.html", {"form": form})


# CSRF protection guards actions that a browser's cookies authorise. Here the signed token
# in the address is the whole authority (who is signed in plays no part), and a forged
# request cannot know it. Mail clients send the RFC 8058 one-click POST
# ("List-Unsubscribe=One-Click") from their own servers, without cookies or a CSRF token,
# and it must work. So this view, and only this one, is exempt.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Stop notification e-mails from the link of an e-mail, signed in or not.

    GET only asks (link checkers and previews open links by themselves); any POST with a
    valid token unsubscribes: the page's button, or the mail client's one-click request.
    Nothing here names the account: whoever holds the link sees no e-mail address.
    """
    user = emails.unsubscribe_user(token)
    if user is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    done = request.method == "POST"
    if done:
        services.email_unsubscribe(user=user)
    return render(request, "notifications/unsubscribe.html", {"done": done})
