from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.notifications import selectors as notification_selectors
from core.permissions import can
from core.workspaces import selectors as workspace_selectors
from core.workspaces.models import MembershipStatus

RECENT_NOTIFICATIONS = 5


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The personal desktop: what needs an answer first, then one's groups and news."""
    user = request.user
    recent = notification_selectors.notifications_for(user)[: RECENT_NOTIFICATIONS * 2]
    notifications = [
        {
            "notification": n,
            "text": notification_selectors.notification_text(n),
            "url": notification_selectors.notification_url(n),
        }
        for n in notification_selectors.visible(user, recent)[:RECENT_NOTIFICATIONS]
    ]
    groups = workspace_selectors.groups_for_listing(user, mine=True)
    return render(
        request,
        "dashboard/home.html",
        {
            "invitations": workspace_selectors.pending_invitations_for(user),
            "requests": user.memberships.filter(status=MembershipStatus.REQUESTED).select_related(
                "workspace"
            ),
            "notifications": notifications,
            "groups": groups,
            "may_create_group": can(user, "create_group"),
            "may_invite": can(user, "invite_to_network"),
        },
    )
