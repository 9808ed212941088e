"""The desktop's own widgets: one's groups and their latest activity, the latest
notifications, one's account, personal notes and bookmarks.

Other modules add theirs to `core.registry.desktop_widgets` from their apps.py; the
desktop offers every registered widget available to this person.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core import registry
from core.activity import selectors as activity_selectors
from core.notifications import selectors as notification_selectors
from core.permissions import can
from core.workspaces import selectors as workspace_selectors
from core.workspaces.models import Membership, MembershipStatus, Workspace
from extranet.dashboard.forms import BookmarkForm, NoteForm
from extranet.dashboard.models import Note

RECENT_NOTIFICATIONS = 5
GROUP_ACTIVITY = 8
EVERYONE = ("member", "facilitator", "administrator", "coordinator")
STAFF = ("facilitator", "administrator", "coordinator")


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


def group_activity(request: HttpRequest) -> dict:
    """The latest of what happened in one's groups (checked like the feed)."""
    user = request.user
    mine = Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE).values(
        "workspace_id"
    )
    items = activity_selectors.feed_page(
        user, scope=Q(workspace_id__in=mine), limit=GROUP_ACTIVITY
    ).items
    return {"items": items}


def one_group_activity(request: HttpRequest, workspace: Workspace) -> dict:
    return {"items": activity_selectors.group_activity(request.user, [workspace], GROUP_ACTIVITY)}


def notes(request: HttpRequest) -> dict:
    note = Note.objects.filter(owner=request.user).first()
    return {"form": NoteForm(initial={"text": note.text if note else ""}, auto_id="note-%s")}


def bookmarks(request: HttpRequest) -> dict:
    return {
        "bookmarks": list(request.user.bookmarks.all()),
        "form": BookmarkForm(auto_id="bookmark-%s"),
    }


def group_home(request: HttpRequest, workspace: Workspace) -> dict | None:
    """A group's home page shows the widgets its owners chose."""
    from extranet.dashboard.views import desktop_context

    if not request.user.is_authenticated or workspace.kind != "group":
        return None
    return desktop_context(request, workspace)


def load_demo(context) -> str | None:
    """Notes and bookmarks on two demo desktops (idempotent)."""
    from extranet.dashboard.models import Bookmark

    people = context.people
    added = 0
    if "montbeliard" in people:
        _note, created = Note.objects.get_or_create(
            owner=people["montbeliard"],
            defaults={"text": "Rappeler la médiathèque pour l'atelier tablettes de jeudi."},
        )
        added += created
    if "coordinator" in people:
        for title, url in [
            ("Forum", "/espace/forum/"),
            ("Chiffres d'activité", "/espace/activite/"),
            ("Annuaire des lieux", "/lieux/"),
        ]:
            _b, created = Bookmark.objects.get_or_create(
                owner=people["coordinator"], title=title, defaults={"url": url}
            )
            added += created
    return f"Desktop: {added} notes and bookmarks added." if added else None


def register() -> None:
    registry.demo_loaders.register(registry.DemoLoader("dashboard", load_demo, after=("network",)))
    for widget in [
        registry.DesktopWidget(
            "groups",
            _("My groups"),
            "dashboard/widgets/groups.html",
            groups,
            order=10,
            roles=EVERYONE,
            size="small",
        ),
        registry.DesktopWidget(
            "groups.activity",
            _("My groups' latest activity"),
            "dashboard/widgets/activity.html",
            group_activity,
            group_context=one_group_activity,
            group_default=True,
            order=12,
            roles=EVERYONE,
        ),
        registry.DesktopWidget(
            "notifications",
            _("Latest notifications"),
            "dashboard/widgets/notifications.html",
            notifications,
            order=20,
            roles=("member",),
            size="small",
        ),
        registry.DesktopWidget(
            "notes",
            _("My notes"),
            "dashboard/widgets/notes.html",
            notes,
            order=70,
            roles=STAFF,
            size="small",
        ),
        registry.DesktopWidget(
            "bookmarks",
            _("Bookmarks"),
            "dashboard/widgets/bookmarks.html",
            bookmarks,
            order=75,
            roles=("coordinator",),
            size="small",
        ),
        registry.DesktopWidget(
            "account",
            _("My account"),
            "dashboard/widgets/account.html",
            account,
            order=80,
            roles=("member",),
            size="small",
        ),
    ]:
        registry.desktop_widgets.register(widget)
