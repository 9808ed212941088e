"""manage.py forum_rerender_posts: render every post's Markdown again with today's rules
(run once after a change to the rendering rules, e.g. a security fix)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from forum.services import posts_rerender


class Command(BaseCommand):
    help = "Render every forum post's Markdown again with the current rules."

    def handle(self, *args, **options):
        changed = posts_rerender()
        self.stdout.write(
            ngettext("%(n)s post re-rendered.", "%(n)s posts re-rendered.", changed)
            % {"n": changed}
        )
