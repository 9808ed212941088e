"""Give news tags stored without a slug one of their own.

A tag named only with punctuation, symbols or emoji (``???``, ``🙂``), typed in a news
page's tags in the admin, was stored with an empty slug: its link could not be built, and
the news index, the news page and the RSS feed answered 500 to every visitor. Such names are
now refused (``NewsPage.clean``); those already stored get ``etiquette-<id>``, and keep
their news.
"""

from django.db import migrations

from core.tags import give_slugs_to_slugless_tags


def repair_slugless_tags(apps, schema_editor):
    give_slugs_to_slugless_tags(apps.get_model("taggit", "Tag"))


class Migration(migrations.Migration):
    dependencies = [
        ("public_site", "0002_public_site_pages"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(repair_slugless_tags, migrations.RunPython.noop)]
