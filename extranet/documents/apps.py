from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """Co-edited documents of the workspaces: Yjs on the browser and on the server."""

    name = "extranet.documents"
    label = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from extranet.documents.registrations import register

        register()
