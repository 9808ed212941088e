"""manage.py send_notification_digests --frequency daily|weekly: queue one digest e-mail
task per person who chose that frequency. Meant for cron; see `Command.help`."""

from __future__ import annotations

import argparse

from django.core.management.base import BaseCommand, DjangoHelpFormatter
from django.utils.translation import ngettext

from core.accounts.models import User
from core.notifications.models import EmailFrequency
from core.notifications.tasks import send_notification_digest

_RUN = "cd /srv/maillage && .venv/bin/python manage.py send_notification_digests --frequency"

CRONTAB = f"""\
Queue the daily or weekly digest of notifications, one task per active account that chose
that frequency. Each task e-mails its person the notifications they have not read, that no
e-mail carried yet and that they may still see, then remembers when it ran. Running it
twice sends nothing twice.

Crontab (times in the server's zone; the digest covers what came since the previous one):

  # every day at 7:00
  0 7 * * * {_RUN} daily
  # every Monday at 7:00
  0 7 * * 1 {_RUN} weekly
"""


class _Formatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Keeps the crontab lines of the description as they are written."""


class Command(BaseCommand):
    help = CRONTAB

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = _Formatter
        return parser

    def add_arguments(self, parser):
        parser.add_argument(
            "--frequency",
            required=True,
            choices=[EmailFrequency.DAILY.value, EmailFrequency.WEEKLY.value],
            help="Which digest to send.",
        )

    def handle(self, *args, frequency: str, **options):
        # One query for everyone; each task then reads one person's notifications.
        user_ids = list(
            User.objects.filter(is_active=True, email_preference__frequency=frequency)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for user_id in user_ids:
            send_notification_digest.enqueue(user_id=user_id, frequency=frequency)
        if options["verbosity"]:
            self.stdout.write(
                ngettext(
                    "%(count)s digest queued.",
                    "%(count)s digests queued.",
                    len(user_ids),
                )
                % {"count": len(user_ids)}
            )
