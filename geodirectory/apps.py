from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeodirectoryConfig(AppConfig):
    """Places (lieux de médiation numérique): the directory issue builds this app."""

    name = "geodirectory"
    verbose_name = _("Directory of places")
