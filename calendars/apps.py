from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarsConfig(AppConfig):
    """Calendars and workshops: the calendar issue builds this app."""

    name = "calendars"
    verbose_name = _("Calendars")
