from importlib import import_module

from django.apps import AppConfig, apps
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _

# The project's own top-level packages; only they register permission rules.
PROJECT_PACKAGES = {"core", "public_site", "geodirectory", "forum", "calendars", "extranet"}


class CoreConfig(AppConfig):
    """The platform kernel: shared templates, template tags, demo network, error pages."""

    name = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        # Modules register their permission rules in their own permissions.py.
        import core.permissions  # noqa: F401

        # The kernel's own entries in the registries (modules add theirs in their ready()).
        from core import registry
        from core.demo import load_network_demo

        registry.nav_links.register(
            registry.NavLink(
                "groups", _("Groups"), "workspaces:list", app_names=("workspaces",), order=50
            )
        )
        registry.demo_loaders.register(registry.DemoLoader("network", load_network_demo, order=0))

        for config in apps.get_app_configs():
            if config.name.split(".")[0] not in PROJECT_PACKAGES:
                continue
            if module_has_submodule(config.module, "permissions"):
                import_module(f"{config.name}.permissions")
