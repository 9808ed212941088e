"""Give forum tags stored without a slug one of their own.

Until names without letters or digits were refused (``???``, ``!!``), such a tag could be
stored with an empty slug; its link could not be built, and every page listing it (the
forum index, categories, topics, search) failed for every reader. Each one gets the slug
``etiquette-<id>`` (``-2``, ``-3``… if taken). They are kept rather than deleted or
merged: topics stay tagged and followers keep following, nothing is lost without a word,
and moderators can still remove them.
"""

from django.db import migrations


def repair_slugless_tags(apps, schema_editor):
    ForumTag = apps.get_model("forum", "ForumTag")
    taken = set(ForumTag.objects.values_list("slug", flat=True))
    for tag in ForumTag.objects.filter(slug="").order_by("pk"):
        base = f"etiquette-{tag.pk}"
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        tag.slug = slug
        tag.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [("forum", "0001_initial")]

    operations = [migrations.RunPython(repair_slugless_tags, migrations.RunPython.noop)]
