from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "extranet.network"
    label = "network"
    verbose_name = _("Network administration")

    def ready(self) -> None:
        from extranet.network.registrations import register

        register()
