from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeodirectoryConfig(AppConfig):
    """Places (lieux de médiation numérique): the directory, its map and open data."""

    name = "geodirectory"
    verbose_name = _("Directory of places")

    def ready(self) -> None:
        from geodirectory import checks  # noqa: F401  (registers the deployment checks)
        from geodirectory.registrations import register

        register()
