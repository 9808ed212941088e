from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "core.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from core import registry
        from core.notifications.selectors import KERNEL_KINDS

        for kind in KERNEL_KINDS:
            registry.notification_kinds.register(kind)
