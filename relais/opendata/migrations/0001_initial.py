"""The import provenance tables, taken over from the former `imports` app.

The tables keep their names (imports_importrun, imports_importedrecord). A
database migrated before the move already has them, from `imports` 0001,
with their rows: this migration then only records the models in the state
and renames the content types, so permissions and admin history follow. A new
database gets the tables here.
"""

import django.db.models.deletion
import django.utils.timezone
import uuid
from django.conf import settings
from django.db import migrations, models

OLD_LABEL = "imports"
NEW_LABEL = "opendata"


def tables_create_if_missing(apps, schema_editor):
    existing = set(schema_editor.connection.introspection.table_names())
    for name in ("ImportRun", "ImportedRecord"):  # parent first: a foreign key
        model = apps.get_model(NEW_LABEL, name)
        if model._meta.db_table not in existing:
            schema_editor.create_model(model)


def _content_types_relabel(apps, schema_editor, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_types = ContentType.objects.using(schema_editor.connection.alias)
    taken = content_types.filter(app_label=new).values_list("model", flat=True)
    content_types.filter(app_label=old).exclude(model__in=list(taken)).update(
        app_label=new
    )


def content_types_to_opendata(apps, schema_editor):
    _content_types_relabel(apps, schema_editor, OLD_LABEL, NEW_LABEL)


def content_types_to_imports(apps, schema_editor):
    _content_types_relabel(apps, schema_editor, NEW_LABEL, OLD_LABEL)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ImportRun',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('file_name', models.CharField(max_length=300, verbose_name='file')),
                        ('checksum', models.CharField(max_length=64, verbose_name='SHA-256 checksum')),
                        ('size', models.PositiveBigIntegerField(default=0, verbose_name='size in bytes')),
                        ('file_format', models.CharField(blank=True, max_length=30, verbose_name='format')),
                        ('language', models.CharField(max_length=10, verbose_name='language of the texts')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='started')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished')),
                        ('created_by_label', models.CharField(max_length=300, verbose_name='by (as recorded)')),
                        ('status', models.CharField(choices=[('previewed', 'Previewed, waiting for confirmation'), ('applied', 'Applied'), ('rejected', 'Rejected: nothing was changed'), ('dry_run', 'Checked without changing anything'), ('cancelled', 'Cancelled')], max_length=20, verbose_name='status')),
                        ('counts', models.JSONField(blank=True, default=dict, verbose_name='counts')),
                        ('findings', models.JSONField(blank=True, default=list, verbose_name='findings')),
                        ('pending_path', models.CharField(blank=True, max_length=500)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                    ],
                    options={
                        'verbose_name': 'import',
                        'verbose_name_plural': 'imports',
                        'db_table': 'imports_importrun',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='ImportedRecord',
                    fields=[
                        ('id', models.BigAutoField(primary_key=True, serialize=False)),
                        ('resource_type', models.CharField(max_length=50, verbose_name='record type')),
                        ('resource_id', models.UUIDField(db_index=True, verbose_name='record')),
                        ('action', models.CharField(choices=[('create', 'Created'), ('update', 'Updated')], max_length=10, verbose_name='action')),
                        ('run', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='records', to='opendata.importrun', verbose_name='import')),
                    ],
                    options={
                        'verbose_name': 'imported record',
                        'verbose_name_plural': 'imported records',
                        'db_table': 'imports_importedrecord',
                    },
                ),
            ],
        ),
        # Outside SeparateDatabaseAndState: its database operations run on the
        # state before its state operations, without these two models. Going
        # back leaves the tables (and their rows) in place.
        migrations.RunPython(tables_create_if_missing, migrations.RunPython.noop),
        migrations.RunPython(content_types_to_opendata, content_types_to_imports),
    ]
