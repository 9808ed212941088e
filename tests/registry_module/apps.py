"""A module made for the tests: a folder and one line in the settings (settings.py here)."""

from django.apps import AppConfig


class RegistryModuleConfig(AppConfig):
    name = "tests.registry_module"
    label = "registry_module"

    def ready(self) -> None:
        from core import registry

        registry.urls.register(
            registry.Urls("registry_module", "espace/essai/", "tests.registry_module.urls")
        )
        registry.nav_links.register(
            registry.NavLink("registry_module", "Essai", "registry_module:index", order=70)
        )
        registry.websocket_routes.register(
            registry.WebsocketRoute(
                "registry_module", "ws/essai/", "core.consumers.UnknownRouteConsumer"
            )
        )
