"""The desktop's own widgets: one's groups, the latest notifications, one's account.

Other modules add theirs to `core.registry.desktop_widgets` from their apps.py; the
desktop shows every registered widget that has something for this person.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core import registry
from core.notifications import selectors as notification_selectors
from core.permissions import can
from core.workspaces import selectors as workspace_selectors
from core.workspaces.models import MembershipStatus

RECENT_NOTIFICATIONS = 5


def groups(request: HttpRequest) -> dict:
    user = request.user
    return {
        "groups": workspace_selectors.groups_for_listing(user, mine=True),
        "requests": user.memberships.filter(status=MembershipStatus.REQUESTED).select_related(
            "workspace"
        ),
        "may_create_group": can(user, "create_group"),
    }


def notifications(request: HttpRequest) -> dict:
    user = request.user
    recent = notification_selectors.notifications_for(user)[: RECENT_NOTIFICATIONS * 2]
    return {
        "notifications": [
            {
                "notification": n,
                "text": notification_selectors.notification_text(n),
                "url": notification_selectors.notification_url(n),
            }
            for n in notification_selectors.visible(user, recent)[:RECENT_NOTIFICATIONS]
        ]
    }


def account(request: HttpRequest) -> dict:
    return {}


def register() -> None:
    for widget in [
        registry.DesktopWidget(
            "groups", _("My groups"), "dashboard/widgets/groups.html", groups, order=10
        ),
        registry.DesktopWidget(
            "notifications",
            _("Latest notifications"),
            "dashboard/widgets/notifications.html",
            notifications,
            order=20,
        ),
        registry.DesktopWidget(
            "account", _("My account"), "dashboard/widgets/account.html", account, order=80
        ),
    ]:
        registry.desktop_widgets.register(widget)
