from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicSiteConfig(AppConfig):
    name = "public_site"
    verbose_name = _("Public site")

    def ready(self) -> None:
        from wagtail.signals import page_published, page_unpublished

        from public_site.cache import purge_pages_around
        from public_site.registrations import register

        register()
        page_published.connect(purge_pages_around, dispatch_uid="public_site_purge_published")
        page_unpublished.connect(purge_pages_around, dispatch_uid="public_site_purge_unpublished")
