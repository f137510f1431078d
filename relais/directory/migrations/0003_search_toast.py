from django.db import migrations

# PostgreSQL only.
# 1. Keep the search documents' heap rows small (long text and the tsvector
#    move to TOAST), so that a text match reads a few hundred heap blocks
#    instead of tens of thousands. Rows written before this migration keep
#    their layout until `relais reindex` (or VACUUM FULL) rewrites them.
# 2. A GIN index over names alone: ranking a broad match by "the name matches"
#    must not re-read every match's weighted tsvector.
SETUP = [
    "ALTER TABLE directory_searchdocument SET (toast_tuple_target = 128)",
    "CREATE INDEX IF NOT EXISTS directory_search_name ON directory_searchdocument "
    "USING gin (to_tsvector('simple', name_text))",
]
TEARDOWN = [
    "DROP INDEX IF EXISTS directory_search_name",
    "ALTER TABLE directory_searchdocument RESET (toast_tuple_target)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_search_index")]

    operations = [migrations.RunPython(_run(SETUP), _run(TEARDOWN))]
