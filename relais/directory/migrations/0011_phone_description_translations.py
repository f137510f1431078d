from django.db import migrations, models
from django.db.models import F, Q

LANGUAGES = ("en", "fr", "nl", "ro", "bg", "es", "sv")


def descriptions_to_english(apps, schema_editor):
    """Every description written so far is in the default language, English."""
    Phone = apps.get_model("directory", "Phone")
    Phone.objects.exclude(description="").filter(
        Q(description_en__isnull=True) | Q(description_en="")
    ).update(description_en=F("description"))


def english_to_descriptions(apps, schema_editor):
    Phone = apps.get_model("directory", "Phone")
    Phone.objects.exclude(description_en__isnull=True).exclude(
        description_en=""
    ).update(description=F("description_en"))


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0010_schedule"),
    ]

    operations = [
        *[
            migrations.AddField(
                model_name="phone",
                name=f"description_{code}",
                field=models.CharField(
                    blank=True, max_length=300, null=True, verbose_name="description"
                ),
            )
            for code in LANGUAGES
        ],
        migrations.RunPython(descriptions_to_english, english_to_descriptions),
    ]
