"""Delete for good what has been in the files' trash longer than FILES_TRASH_DAYS (30).

Run it daily from cron, e.g. `15 3 * * * cd /srv/maillage && .venv/bin/python manage.py
purge_trash` (README, "Files")."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand

from extranet.files.services import purge_trash


class Command(BaseCommand):
    help = "Delete for good the files and folders in the trash for more than FILES_TRASH_DAYS."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.FILES_TRASH_DAYS)

    def handle(self, *args, **options):
        count = purge_trash(older_than=timedelta(days=options["days"]))
        self.stdout.write(f"{count} file(s) deleted for good.")
