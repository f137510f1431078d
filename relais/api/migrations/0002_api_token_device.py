"""API tokens become django-otp devices: `confirmed` is false once revoked."""

from django.db import migrations, models


def revoked_unconfirmed(apps, schema_editor):
    ApiToken = apps.get_model("relais_api", "ApiToken")
    ApiToken.objects.using(schema_editor.connection.alias).filter(
        revoked_at__isnull=False
    ).update(confirmed=False)


class Migration(migrations.Migration):

    dependencies = [
        ('relais_api', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='apitoken',
            name='confirmed',
            field=models.BooleanField(default=True, help_text='Is this device ready for use?'),
        ),
        migrations.RunPython(revoked_unconfirmed, migrations.RunPython.noop),
    ]
