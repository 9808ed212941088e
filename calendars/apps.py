from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarsConfig(AppConfig):
    """Calendars of workspaces and places, events, workshops and their registrations."""

    name = "calendars"
    verbose_name = _("Calendars")

    def ready(self) -> None:
        from calendars.registrations import register

        register()
