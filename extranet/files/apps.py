from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilesConfig(AppConfig):
    """Shared storage of the workspaces: the one store of every uploaded byte."""

    name = "extranet.files"
    label = "files"
    verbose_name = _("Files")

    def ready(self) -> None:
        from extranet.files.registrations import register

        register()
