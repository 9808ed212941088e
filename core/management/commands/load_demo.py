"""`manage.py load_demo`: the demo network, from every installed module.

Runs the demo loaders the modules registered (core.registry.demo_loaders), each after the
ones it depends on: the kernel's "network" (accounts, groups) first, then the public site,
places, forum, calendars… Idempotent: running it again adds nothing twice.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation

from core import registry
from core.accounts.models import NetworkRole
from core.demo import DEMO_PASSWORD, PEOPLE, demo_invitations, territory
from core.notifications.models import Notification
from core.territories.models import Territory, TerritoryKind


class Command(BaseCommand):
    help = "Load (or restore) the demo network and print its accounts."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-accounts", action="store_true", help="Do not print accounts.")

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("The demo network is not for production databases.")
        if not Territory.objects.filter(kind=TerritoryKind.COMMUNE).exists():
            call_command("load_territories")
        context = registry.DemoContext(write=self.stdout.write)
        for loader in registry.demo_order():
            # One transaction per module: a module's demo is all there or not at all.
            with transaction.atomic():
                report = loader.load(context)
            if report:
                self.stdout.write(report)
        links = demo_invitations(context.people)
        if not options["quiet_accounts"]:
            with translation.override("en"):
                self._print_accounts(links)

    def _print_accounts(self, links: list[tuple[str, str]]) -> None:
        out = self.stdout
        out.write("")
        out.write(
            self.style.SUCCESS(f"Demo network ready. Accounts (password for all: {DEMO_PASSWORD}):")
        )
        for p in PEOPLE:
            what = dict(NetworkRole.choices)[p.role]
            if p.administers:
                what = f"local administrator of {territory(p.administers).name}"
            out.write(f"  {p.email:<40} {p.name:<22} {what}")
        if links:
            out.write("Pending invitations (each link works once):")
            for email, url in links:
                out.write(f"  {email:<32} {url}")
        unread = Notification.objects.filter(read_at__isnull=True).count()
        out.write(f"{unread} unread notifications waiting in the demo accounts.")
