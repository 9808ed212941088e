"""The calendars' notification kinds, registered from apps.py (core.registry)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.registry import NotificationKind


class Verb(models.TextChoices):
    WORKSHOP_CALL_PROMOTED = "workshop.call_promoted", _("a seat freed up for someone to call")


KINDS = [
    NotificationKind(
        Verb.WORKSHOP_CALL_PROMOTED,
        Verb.WORKSHOP_CALL_PROMOTED.label,
        _(
            "A seat freed up in “%(target)s” for %(name)s, who has no e-mail: "
            "call them on %(phone)s."
        ),
    ),
]
