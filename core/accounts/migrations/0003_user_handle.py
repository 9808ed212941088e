import django.core.validators
from django.db import migrations, models
from django.utils.text import slugify


def fill_handles(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    taken = set()
    for user in User.objects.order_by("pk"):
        base = slugify(user.display_name or user.email.split("@")[0])[:44].strip("-_") or "membre"
        if len(base) < 2:
            base = f"membre-{base}"
        handle, n = base, 2
        while handle in taken:
            handle, n = f"{base}-{n}", n + 1
        taken.add(handle)
        user.handle = handle
        user.save(update_fields=["handle"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="handle",
            field=models.CharField(max_length=50, null=True),
        ),
        migrations.RunPython(fill_handles, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="handle",
            field=models.CharField(
                help_text="Colleagues mention you with @ followed by it.",
                max_length=50,
                unique=True,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[a-z0-9][a-z0-9._-]{0,48}[a-z0-9_-]$",
                        "2 to 50 lower-case letters, digits, dots, dashes or underscores, "
                        "starting with a letter or a digit and not ending with a dot.",
                    )
                ],
                verbose_name="handle",
            ),
        ),
    ]
