from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicSiteConfig(AppConfig):
    name = "public_site"
    verbose_name = _("Public site")

    def ready(self) -> None:
        from public_site import signals
        from public_site.registrations import register

        register()
        signals.connect()
