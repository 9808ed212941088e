from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "extranet.dashboard"
    label = "dashboard"
    verbose_name = _("Dashboard")

    def ready(self) -> None:
        from core import registry
        from extranet.dashboard import widgets

        registry.urls.register(registry.Urls("dashboard", "espace/", "extranet.dashboard.urls"))
        registry.nav_links.register(
            registry.NavLink(
                "dashboard", _("Desktop"), "dashboard:home", app_names=("dashboard",), order=0
            )
        )
        widgets.register()
        registry.sections.register(
            registry.Section(
                "dashboard.group_home",
                "workspace.home",
                "dashboard/sections/group_home.html",
                widgets.group_home,
            )
        )
