import pytest
from django.core.management import call_command
from django.db import connection

from relais.directory.models import Organization

pytestmark = pytest.mark.django_db


def test_generates_the_requested_number_of_fictitious_listings():
    call_command("generate_demo", n=25)
    assert Organization.objects.count() == 25
    assert not Organization.objects.filter(is_fictitious=False).exists()
    assert all(
        "(demo)" in name for name in Organization.objects.values_list("name", flat=True)
    )


def test_generating_again_replaces_demo_listings_and_keeps_real_ones(reference):
    real = Organization.objects.count()
    call_command("generate_demo", n=10)
    call_command("generate_demo", n=5)
    assert Organization.objects.filter(is_fictitious=True).count() == 5
    assert Organization.objects.filter(is_fictitious=False).count() == real


def test_demo_listing_page_shows_the_fictitious_label(anonymous):
    call_command("generate_demo", n=1)
    org = Organization.objects.get()
    response = anonymous.get(org.get_absolute_url())
    assert "Fictitious demo data" in response.content.decode()
    assert "describes no real organisation" in response.content.decode()


def test_demo_listings_are_valid_records():
    call_command("generate_demo", n=5)
    for org in Organization.objects.all():
        org.full_clean()
        for phone in org.phones.all():
            phone.full_clean()


def test_the_same_seed_generates_the_same_listings():
    def listings():
        return sorted(
            (
                org.slug,
                org.name,
                org.country,
                tuple(sorted(org.services.values_list("name_en", flat=True))),
                tuple(org.locations.values_list("latitude", "longitude")),
            )
            for org in Organization.objects.all()
        )

    call_command("generate_demo", n=8, seed=3)
    first = listings()
    call_command("generate_demo", n=8, seed=3)
    assert listings() == first


def test_demo_listings_are_stamped_and_searchable():
    call_command("generate_demo", n=3)
    for org in Organization.objects.all():
        assert org.created_at is not None
        assert org.updated_at is not None
        assert org.search_document is not None


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL planner statistics"
)
def test_the_filled_tables_have_planner_statistics():
    call_command("generate_demo", n=5)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE relname = 'directory_attribute'"
        )
        (rows,) = cursor.fetchone()
    assert rows > 0


@pytest.mark.django_db
def test_demo_listings_offer_what_their_kind_of_organisation_offers(vocabularies):
    """A fictitious police unit never offers legal representation or shelter."""
    from relais.directory.demo import SERVICES_BY_TYPE
    from relais.directory.models import Attribute

    call_command("generate_demo", n=60)
    for org in Organization.objects.filter(is_fictitious=True):
        kind = Attribute.objects.get(
            link_id=org.id, taxonomy_term__taxonomy__slug="organization_type"
        ).taxonomy_term.code
        offered = set(
            Attribute.objects.filter(
                link_id__in=org.services.values_list("id", flat=True),
                taxonomy_term__taxonomy__slug="service",
            ).values_list("taxonomy_term__code", flat=True)
        )
        assert offered and offered <= set(SERVICES_BY_TYPE[kind]), (org.name, offered)
