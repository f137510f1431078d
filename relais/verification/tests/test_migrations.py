"""The move from the directory app changed the migration state, not the tables."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from relais.verification.models import ListingClaim

BEFORE_THE_MOVE = [("directory", "0004_listing_verification"), ("verification", None)]


@pytest.mark.django_db
def test_the_models_match_their_migrations():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_rows_permissions_and_content_types_follow_the_models():
    content_type = ContentType.objects.get_for_model(ListingClaim)
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        migrate(BEFORE_THE_MOVE)
        content_type.refresh_from_db()
        assert content_type.app_label == "directory"
        migrate(latest)
    finally:
        migrate(latest)
    content_type.refresh_from_db()
    assert (content_type.app_label, content_type.model) == (
        "verification",
        "listingclaim",
    )
    assert content_type.permission_set.filter(codename="view_listingclaim").exists()
    assert ListingClaim._meta.db_table in connection.introspection.table_names()
