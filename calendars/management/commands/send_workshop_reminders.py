"""manage.py send_workshop_reminders: queue the reminders of sessions starting within a day
and the satisfaction surveys of workshops that have ended. Meant for cron, every 15 minutes:

  */15 * * * * cd /srv/maillage && .venv/bin/python manage.py send_workshop_reminders

Running it twice sends nothing twice (reminders and surveys are recorded before they go).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from calendars.services.workshops import reminders_send_due, surveys_send_due


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        reminders = reminders_send_due()
        surveys = surveys_send_due()
        self.stdout.write(f"Queued {reminders} reminder(s) and {surveys} survey invitation(s).")
