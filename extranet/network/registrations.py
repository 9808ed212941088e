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
