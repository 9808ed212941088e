"""manage.py import_lieux FILE [--dry-run]: places from the national schema (CSV or JSON),
or from its older form; all or nothing, idempotent on the schema's `id`."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from tqdm import tqdm

from geodirectory.interchange import ImportFileError, import_rows, read_file

MAX_LISTED = 200
ROWS_SHOWN = 8


class Command(BaseCommand):
    help = "Import places (lieux de médiation numérique) from a CSV or JSON file."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report; change nothing."
        )

    def handle(self, *args, file: Path, dry_run: bool, **options):
        if not file.exists():
            raise CommandError(_("%(file)s: no such file.") % {"file": file})
        try:
            rows = read_file(file)
            progress = tqdm(rows, desc="Lieux", unit="row", disable=options["verbosity"] == 0)
            report = import_rows(rows, dry_run=dry_run, progress=progress)
        except ImportFileError as error:
            raise CommandError(f"{file}: {error}") from error
        if report.old_format:
            self.stdout.write(
                _("Older format (publics_accueillis, conditions_acces): converted to v1.0.2.")
            )
        self._summarise_warnings(report.warnings)
        if report.errors:
            for error in report.errors[:MAX_LISTED]:
                self.stderr.write(f"  {error}")
            if len(report.errors) > MAX_LISTED:
                self.stderr.write(
                    _("  … and %(n)s more errors.") % {"n": len(report.errors) - MAX_LISTED}
                )
            raise CommandError(
                ngettext(
                    "%(n)s error in %(file)s: nothing was imported.",
                    "%(n)s errors in %(file)s: nothing was imported.",
                    len(report.errors),
                )
                % {"n": len(report.errors), "file": file}
            )
        counts = {
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
        }
        if dry_run:
            message = _(
                "Dry run, nothing written: %(created)s to create, %(updated)s to update, "
                "%(unchanged)s unchanged."
            )
        else:
            message = _("%(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
        self.stdout.write(self.style.SUCCESS(message % counts))

    def _summarise_warnings(self, warnings) -> None:
        """One line per kind of warning, with the rows it concerns."""
        grouped = defaultdict(list)
        for warning in warnings:
            grouped[(warning.field, warning.message)].append(warning.row)
        for (field, message), rows in grouped.items():
            shown = ", ".join(str(r) for r in rows[:ROWS_SHOWN])
            more = "…" if len(rows) > ROWS_SHOWN else ""
            line = ngettext(
                "%(field)s · %(message)s (%(n)s row: %(rows)s%(more)s)",
                "%(field)s · %(message)s (%(n)s rows: %(rows)s%(more)s)",
                len(rows),
            ) % {"field": field, "message": message, "n": len(rows), "rows": shown, "more": more}
            self.stdout.write(self.style.WARNING(f"  {line}"))
