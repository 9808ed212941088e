from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    """Real-time chat of the workspaces (`Module.CHAT`): direct messages, one room per
    working group, network and territory channels."""

    name = "extranet.chat"
    label = "chat"
    verbose_name = _("Chat")

    def ready(self) -> None:
        from extranet.chat import permissions  # noqa: F401  (registers the rules)
        from extranet.chat.registrations import register

        register()
