"""Workshops whose address is not a slug (the demo's past workshops kept accents, and their
pages could not be linked): the same address without them, kept unique."""

import re

from django.db import migrations
from django.utils.text import slugify

SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def repair(apps, schema_editor):
    Workshop = apps.get_model("calendars", "Workshop")
    for workshop in Workshop.objects.all().only("pk", "slug"):
        if SLUG.fullmatch(workshop.slug):
            continue
        base = slugify(workshop.slug)[:200] or "atelier"
        slug, n = base, 2
        while Workshop.objects.filter(slug=slug).exclude(pk=workshop.pk).exists():
            slug, n = f"{base}-{n}", n + 1
        Workshop.objects.filter(pk=workshop.pk).update(slug=slug)


class Migration(migrations.Migration):
    dependencies = [("calendars", "0002_event_change_log")]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
