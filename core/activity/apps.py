from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivityConfig(AppConfig):
    name = "core.activity"
    label = "activity"
    verbose_name = _("Activity")

    def ready(self) -> None:
        from core import registry

        registry.feed_kinds.register(
            registry.FeedKind(
                "workspaces.member", _("New members"), order=90, verb=_("joined the group")
            )
        )
