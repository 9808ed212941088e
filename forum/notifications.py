"""The forum's notification kinds, registered from apps.py (core.registry)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.registry import NotificationKind


class Verb(models.TextChoices):
    FORUM_NEW_TOPIC = "forum.new_topic", _("opened a topic you may follow")
    FORUM_REPLY = "forum.reply", _("answered in a topic you follow")
    FORUM_MENTION = "forum.mention", _("mentioned you")
    FORUM_SOLUTION = "forum.solution", _("accepted your answer as the solution")
    FORUM_REPORT = "forum.report", _("reported a message")


KINDS = [
    NotificationKind(
        Verb.FORUM_NEW_TOPIC,
        Verb.FORUM_NEW_TOPIC.label,
        _("%(actor)s opened the topic “%(target)s”."),
    ),
    NotificationKind(
        Verb.FORUM_REPLY, Verb.FORUM_REPLY.label, _("%(actor)s answered in “%(target)s”.")
    ),
    NotificationKind(
        Verb.FORUM_MENTION, Verb.FORUM_MENTION.label, _("%(actor)s mentioned you in “%(target)s”.")
    ),
    NotificationKind(
        Verb.FORUM_SOLUTION,
        Verb.FORUM_SOLUTION.label,
        _("%(actor)s marked your answer in “%(target)s” as the solution."),
    ),
    NotificationKind(
        Verb.FORUM_REPORT,
        Verb.FORUM_REPORT.label,
        _("%(actor)s reported a message in “%(target)s”."),
    ),
]
