"""What the network's pages bring to the kernel's (core.registry), registered by apps.py."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core import registry
from core.permissions import can, is_administrator


def manage_account(request, person) -> dict | None:
    return {} if can(request.user, "manage", person) else None


def invite_to_network(request, group) -> dict | None:
    return {} if can(request.user, "invite_to_network") else None


def colleagues_link(request, user) -> dict:
    return {}


def administration_widget(request) -> dict | None:
    return {} if is_administrator(request.user) else None


def follow_button(request, person) -> dict | None:
    from core.activity.selectors import is_following
    from extranet.network.selectors import message_url

    user = request.user
    if not user.is_authenticated or person.pk == user.pk or not person.is_active:
        return None
    return {"following": is_following(user, person), "message_url": message_url(person)}


def profile_network(request, person) -> dict | None:
    """Groups in common and status posts on a profile."""
    from extranet.network import selectors
    from extranet.network.views_social import StatusForm

    user = request.user
    if not user.is_authenticated:
        return None
    return {
        "groups_in_common": list(selectors.groups_in_common(user, person)),
        "statuses": selectors.statuses(user, author=person, limit=5),
        "is_self": person.pk == user.pk,
        "status_form": StatusForm(auto_id="status-%s"),
    }


def group_follow(request, group) -> dict | None:
    from core.activity.selectors import is_following

    if not request.user.is_authenticated or group.kind != "group":
        return None
    return {"following": is_following(request.user, group)}


def feed_widget(request) -> dict:
    from core.activity.selectors import feed_page

    return {"items": feed_page(request.user, limit=8).items}


def load_demo(context) -> str | None:
    from extranet.network.demo import load_network_social_demo

    added = load_network_social_demo(context.people)
    return f"Network: {added} follows and status posts added." if added else None


def register() -> None:
    registry.urls.register(registry.Urls("network", "espace/reseau/", "extranet.network.urls"))
    registry.nav_links.register(
        registry.NavLink(
            "network", _("Network"), "network:people", app_names=("network",), order=60
        )
    )
    registry.sections.register(
        registry.Section(
            "network.manage_account",
            "profile.actions",
            "network/sections/profile_manage.html",
            manage_account,
        )
    )
    registry.sections.register(
        registry.Section(
            "network.invite",
            "workspace.members.invite",
            "network/sections/invite_to_network.html",
            invite_to_network,
        )
    )
    registry.sections.register(
        registry.Section(
            "network.colleagues",
            "desktop.account",
            "network/sections/colleagues_link.html",
            colleagues_link,
        )
    )
    registry.nav_links.register(
        registry.NavLink(
            "network.feed",
            _("Activity"),
            "network:feed",
            app_names=("network",),
            visible=lambda user: user.is_authenticated,
            order=55,
        )
    )
    registry.sections.register(
        registry.Section(
            "network.follow", "profile.actions", "network/sections/follow.html", follow_button
        )
    )
    registry.sections.register(
        registry.Section(
            "network.profile",
            "profile",
            "network/sections/profile_network.html",
            profile_network,
            order=10,
        )
    )
    registry.sections.register(
        registry.Section(
            "network.group_follow",
            "workspace.home",
            "network/sections/group_follow.html",
            group_follow,
            order=10,
        )
    )
    registry.demo_loaders.register(
        registry.DemoLoader(
            "network.social", load_demo, after=("network", "forum", "calendars", "files")
        )
    )
    registry.feed_kinds.register(
        registry.FeedKind("network.status", _("Status posts"), order=5, verb=_("posted"))
    )
    registry.desktop_widgets.register(
        registry.DesktopWidget(
            "network.feed",
            _("Activity of my network"),
            "network/widgets/feed.html",
            feed_widget,
            order=5,
            roles=("facilitator", "administrator", "coordinator"),
        )
    )
    registry.desktop_widgets.register(
        registry.DesktopWidget(
            "admin",
            _("Administration"),
            "network/widgets/administration.html",
            administration_widget,
            available=is_administrator,
            roles=("administrator", "coordinator"),
            size="small",
            order=90,
        )
    )
