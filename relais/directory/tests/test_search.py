"""The search engine behind one interface; the suite runs on SQLite and PostgreSQL."""

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relais.directory.models import Organization, SearchDocument, Visibility
from relais.directory.search import (
    SearchQuery,
    index_rebuild,
    index_update,
    search,
    search_page_ids,
)

from .factories import (
    AddressFactory,
    ContactFactory,
    LanguageFactory,
    LocationFactory,
    OrganizationFactory,
    ServiceFactory,
    admin_change_post,
    tag,
)

pytestmark = pytest.mark.django_db


def names(query: SearchQuery) -> list[str]:
    return [hit.organization.name for hit in search(query).hits]


def find(q: str, **filters) -> list[str]:
    return names(SearchQuery(q=q, **filters))


@pytest.fixture
def listings(vocabularies, gazetteer):
    sodertalje = OrganizationFactory(name="Fictitious Södertälje Centre", country="SE")
    AddressFactory(location__organization=sodertalje, city="Södertälje", country="SE")
    tag(sodertalje, "organization_type", "ngo")
    shelter = ServiceFactory(organization=sodertalje)
    tag(shelter, "service", "shelter")
    LanguageFactory(service=shelter, code="ro")

    lawyer = OrganizationFactory(name="Fictitious Advocate Ionescu", country="BE")
    AddressFactory(location__organization=lawyer, city="Brussels", country="BE")
    tag(lawyer, "organization_type", "lawyer")
    advice = ServiceFactory(organization=lawyer)
    tag(advice, "service", "legal_advice")
    tag(ServiceFactory(organization=lawyer), "service", "compensation_claims")
    LanguageFactory(service=advice, code="ro")

    sofia = OrganizationFactory(name="Фиктивна Асоциация", country="BG")
    AddressFactory(location__organization=sofia, city="Sofia", country="BG")
    tag(sofia, "organization_type", "ngo")
    tag(ServiceFactory(organization=sofia), "service", "shelter")

    index_update(Organization.objects.values_list("pk", flat=True))
    return sodertalje, lawyer, sofia


def test_matching_ignores_case_and_accents(listings):
    assert find("sodertalje centre") == ["Fictitious Södertälje Centre"]
    assert find("SÖDERTÄLJE") == ["Fictitious Södertälje Centre"]


def test_cyrillic_and_latin_match_both_ways(listings):
    assert find("fiktivna") == ["Фиктивна Асоциация"]
    assert find("Фиктивна") == ["Фиктивна Асоциация"]


def test_city_name_variants_from_the_gazetteer(listings):
    assert find("Bruxelles") == ["Fictitious Advocate Ionescu"]
    assert find("Brussel") == ["Fictitious Advocate Ionescu"]
    assert find("София") == ["Фиктивна Асоциация"]


def test_prefix_matching_as_one_types(listings):
    assert find("ionesc") == ["Fictitious Advocate Ionescu"]
    assert find("Söderta") == ["Fictitious Södertälje Centre"]


def test_a_typo_is_corrected_to_the_closest_indexed_word(listings):
    result = search(SearchQuery(q="Ionsecu"))
    assert [h.organization.name for h in result.hits] == ["Fictitious Advocate Ionescu"]
    assert result.corrected == ["ionescu"]


def test_service_words_match_in_every_language_through_the_taxonomy(listings):
    from relais.directory.models import TaxonomyTerm

    lawyer = TaxonomyTerm.objects.get(taxonomy__slug="organization_type", code="lawyer")
    for language in ("en", "fr", "nl", "ro", "bg", "es", "sv"):
        label = getattr(lawyer, f"name_{language}")
        assert find(label) == ["Fictitious Advocate Ionescu"], (language, label)


def test_language_spoken_is_searchable_by_its_name(listings):
    assert set(find("romanian")) == {
        "Fictitious Advocate Ionescu",
        "Fictitious Södertälje Centre",
    }


def test_no_result_gives_an_empty_page_not_an_error(listings):
    result = search(SearchQuery(q="zzzzqqqq"))
    assert result.total == 0 and result.hits == []


def test_facets_and_across_or_within(listings):
    assert set(names(SearchQuery(service=["shelter", "legal_advice"]))) == {
        "Fictitious Södertälje Centre",
        "Fictitious Advocate Ionescu",
        "Фиктивна Асоциация",
    }
    assert names(SearchQuery(service=["shelter"], country=["SE"])) == [
        "Fictitious Södertälje Centre"
    ]
    assert names(SearchQuery(service=["legal_advice"], country=["SE"])) == []


def test_facet_counts_reflect_the_other_active_facets(listings):
    result = search(SearchQuery(country=["BE"]))
    assert result.facets["service"] == {"legal_advice": 1, "compensation_claims": 1}
    # The country facet ignores its own selection, so the other countries still count.
    assert result.facets["country"] == {"BE": 1, "SE": 1, "BG": 1}
    assert result.facets["language"] == {"ro": 1}
    assert result.facets["type"] == {"lawyer": 1}


def test_facet_counts_follow_the_text_query(listings):
    result = search(SearchQuery(q="ionescu"))
    assert result.facets["country"] == {"BE": 1}
    assert result.facets["service"] == {"legal_advice": 1, "compensation_claims": 1}


def test_legal_aid_referrals_and_verification_facets(listings):
    _sodertalje, lawyer, sofia = listings
    Organization.objects.filter(pk=lawyer.pk).update(
        takes_legal_aid_cases=True, accepts_referrals_from_abroad=True
    )
    Organization.objects.filter(pk=sofia.pk).update(
        assured_date=timezone.localdate() - timedelta(days=500)
    )
    index_update([lawyer.pk, sofia.pk])
    assert names(SearchQuery(legal_aid=True)) == ["Fictitious Advocate Ionescu"]
    assert names(SearchQuery(referrals=True)) == ["Fictitious Advocate Ionescu"]
    assert names(SearchQuery(verification=["stale"])) == ["Фиктивна Асоциация"]
    counts = search(SearchQuery()).facets["verification"]
    assert counts == {"verified": 2, "stale": 1}


def test_near_a_place_sorts_by_distance_within_the_radius(listings):
    from relais.directory.search.gazetteer import place_find

    antwerp = place_find("Antwerpen")
    result = search(
        SearchQuery(
            latitude=antwerp.latitude,
            longitude=antwerp.longitude,
            radius_km=100,
            sort="distance",
        )
    )
    assert [h.organization.name for h in result.hits] == ["Fictitious Advocate Ionescu"]
    assert 35 < result.hits[0].distance_km < 50

    far = search(
        SearchQuery(
            latitude=antwerp.latitude,
            longitude=antwerp.longitude,
            radius_km=3000,
            sort="distance",
        )
    )
    assert [h.organization.name for h in far.hits] == [
        "Fictitious Advocate Ionescu",
        "Fictitious Södertälje Centre",
        "Фиктивна Асоциация",
    ]


def test_professional_only_locations_give_no_position_or_city(vocabularies, gazetteer):
    org = OrganizationFactory(name="Fictitious Hidden Shelter", country="BE")
    location = LocationFactory(
        organization=org,
        visibility=Visibility.PROFESSIONALS,
        latitude=51.2,
        longitude=4.4,
    )
    AddressFactory(location=location, city="Antwerpen", address_1="Secret Street 1")
    index_update([org.pk])
    document = SearchDocument.objects.get(organization=org)
    assert document.latitude is None
    assert "antwerp" not in document.label_text
    assert "secret" not in document.body_text
    assert find("antwerpen") == []


def test_professional_only_contact_names_are_not_searchable(vocabularies):
    org = OrganizationFactory(name="Fictitious Org")
    ContactFactory(
        organization=org,
        name="Sentinel Hiddenname",
        visibility=Visibility.PROFESSIONALS,
    )
    ContactFactory(
        organization=org, name="Public Frontdesk", visibility=Visibility.PUBLIC
    )
    index_update([org.pk])
    assert find("hiddenname") == []
    assert find("frontdesk") == ["Fictitious Org"]


def test_verified_complete_listings_rank_above_stale_sparse_ones(vocabularies):
    # Real listings: a fictitious one's verification and completeness are
    # made up and earn it nothing (below).
    stale = OrganizationFactory(
        name="Harbour Stale (test)",
        description_en="",
        assured_date=timezone.localdate() - timedelta(days=400),
        is_fictitious=False,
    )
    fresh = OrganizationFactory(name="Harbour Fresh (test)", is_fictitious=False)
    tag(ServiceFactory(organization=fresh), "service", "shelter")
    index_update([stale.pk, fresh.pk])
    assert find("harbour") == ["Harbour Fresh (test)", "Harbour Stale (test)"]


def test_a_fictitious_listings_verification_and_completeness_earn_it_nothing(
    vocabularies,
):
    sparse_real = OrganizationFactory(
        name="Harbour Real (test)",
        description_en="",
        assured_date=timezone.localdate() - timedelta(days=400),
        is_fictitious=False,
    )
    full_fictitious = OrganizationFactory(name="Fictitious Harbour Full")
    tag(ServiceFactory(organization=full_fictitious), "service", "shelter")
    index_update([sparse_real.pk, full_fictitious.pk])
    assert find("harbour") == ["Harbour Real (test)", "Fictitious Harbour Full"]


def test_other_sorts(listings):
    _sodertalje, _lawyer, sofia = listings
    Organization.objects.filter(pk=sofia.pk).update(
        assured_date=timezone.localdate() + timedelta(days=1)
    )
    index_update([sofia.pk])
    assert names(SearchQuery(sort="name")) == [
        "Fictitious Advocate Ionescu",
        "Fictitious Södertälje Centre",
        "Фиктивна Асоциация",
    ]
    assert names(SearchQuery(sort="verified"))[0] == "Фиктивна Асоциация"


def test_sorting_by_name_follows_the_name_the_reader_sees(vocabularies):
    ro = OrganizationFactory(
        name="Fictitious Centre", alternate_name="Centrul Fictiv", country="RO"
    )
    be = OrganizationFactory(name="Fictitious Bureau", country="BE")
    bg = OrganizationFactory(
        name="Fictitious Advice", alternate_name="Фиктивен съвет", country="BG"
    )
    index_update([ro.pk, be.pk, bg.pk])

    def shown(language: str) -> list[str]:
        with translation.override(language):
            hits = search(SearchQuery(sort="name")).hits
            return [hit.organization.display_name for hit in hits]

    assert shown("en") == [
        "Fictitious Advice",
        "Fictitious Bureau",
        "Fictitious Centre",
    ]
    expected = ["Centrul Fictiv", "Fictitious Bureau", "Фиктивен съвет"]
    assert shown("ro") == expected
    assert shown("fr") == expected


def test_pagination(vocabularies):
    orgs = OrganizationFactory.create_batch(5)
    index_update([o.pk for o in orgs])
    first = search(SearchQuery(sort="name", per_page=2))
    last = search(SearchQuery(sort="name", per_page=2, page=3))
    assert first.total == 5 and first.pages == 3
    assert len(last.hits) == 1


def test_the_index_follows_admin_edits_and_deletes_at_once(
    platform_admin_client, listings
):
    _sodertalje, lawyer, _sofia = listings
    response = admin_change_post(
        platform_admin_client, lawyer, name="Fictitious Renamed Counsel"
    )
    assert response.status_code == 302
    assert find("renamed counsel") == ["Fictitious Renamed Counsel"]
    assert find("ionescu") == []

    delete = reverse("admin:directory_organization_delete", args=[lawyer.pk])
    platform_admin_client.post(delete, {"post": "yes"})
    assert find("renamed") == []
    assert not SearchDocument.objects.filter(organization_id=lawyer.pk).exists()


def test_reindex_rebuilds_the_same_results(listings):
    before = names(SearchQuery(q="fictitious", sort="name"))
    SearchDocument.objects.all().delete()
    assert find("fictitious") == []
    assert index_rebuild() == 3
    assert names(SearchQuery(q="fictitious", sort="name")) == before


def test_deleting_a_listing_leaves_no_orphan_in_the_text_index(listings):
    sodertalje, _lawyer, _sofia = listings
    sodertalje.delete()
    assert find("sodertalje") == []
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM directory_search_fts "
                "WHERE directory_search_fts MATCH 'sodertalje'"
            )
            assert cursor.fetchone()[0] == 0


NASTY = st.text(max_size=200) | st.sampled_from(
    [
        '"',
        "*",
        "^",
        "-",
        "NEAR(a b)",
        "a AND",
        "OR",
        "NOT x",
        "(",
        ")",
        ":",
        "\x00",
        "🙂" * 50,
        "x" * 10_000,
        "'; DROP TABLE x; --",
        "a:*",
        "!",
        "&|",
    ]
)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(q=NASTY, extra=st.lists(NASTY, max_size=3))
def test_no_query_text_can_break_the_engine(listings, q, extra):
    text = " ".join([q, *extra])
    result = search(SearchQuery(q=text))
    assert result.total >= 0


def test_broad_matches_rank_name_matches_first_without_bm25(vocabularies, monkeypatch):
    from relais.search import engines

    monkeypatch.setattr(engines, "BM25_MAX_MATCHES", 1)
    mention = OrganizationFactory(
        name="Fictitious Alpha", description_en="Works with the harbour authority."
    )
    named = OrganizationFactory(name="Fictitious Harbour House", description_en="")
    index_update([mention.pk, named.pk])
    assert find("harbour") == ["Fictitious Harbour House", "Fictitious Alpha"]


def test_cached_text_matches_never_outlive_an_edit(vocabularies):
    org = OrganizationFactory(name="Fictitious Beacon")
    index_update([org.pk])
    assert find("beacon") == ["Fictitious Beacon"]
    Organization.objects.filter(pk=org.pk).update(name="Fictitious Lantern")
    index_update([org.pk])
    assert find("beacon") == []
    assert find("lantern") == ["Fictitious Lantern"]


def test_ids_ending_in_zero_bytes_and_equal_names_come_back_whole(vocabularies):
    """The facet index keeps organisation ids as 16 bytes: none may be cut short."""
    from relais.directory.selectors import listing_cards

    ids = [
        uuid.UUID("00000000-0000-4000-8000-000000000000"),
        uuid.UUID("12345678-1234-4678-9234-567812345600"),
        uuid.UUID("ffffffff-ffff-4fff-bfff-ffffffffff00"),
    ]
    orgs = [OrganizationFactory(id=pk, name="Fictitious Twin Shelter") for pk in ids]
    for org in orgs:
        tag(org, "organization_type", "ngo")
    index_update(ids)
    hits = search(SearchQuery(q="twin", sort="name")).hits
    # Equal names: ordered by the order in which they were indexed.
    assert [hit.organization.pk for hit in hits] == ids
    cards = listing_cards(orgs)
    assert [[t.code for t in card.types] for card in cards] == [["ngo"]] * 3


@pytest.mark.parametrize(
    ("today", "assured"),
    [
        # Month ends: 31 March less twelve months is 31 March; 29 February
        # (a leap day) less twelve months is 28 February.
        ("2026-03-31", "2025-03-31"),
        ("2026-03-31", "2025-04-01"),
        ("2026-03-31", "2025-03-28"),
        ("2028-02-29", "2027-02-28"),
        ("2028-02-29", "2027-03-01"),
        ("2026-02-28", "2025-02-28"),
        ("2026-01-15", "2025-01-16"),
    ],
)
def test_badge_and_search_facet_agree_on_staleness(
    vocabularies, monkeypatch, today, assured
):
    from datetime import date

    day = date.fromisoformat(today)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
    org = OrganizationFactory(
        name="Fictitious Boundary House",
        assured_date=date.fromisoformat(assured),
        source_verified=True,
    )
    index_update([org.pk])
    result = search(SearchQuery(include_outdated=True))
    facet = [state for state, n in result.facets["verification"].items() if n]
    assert facet == [org.verification_state]


@pytest.mark.parametrize(
    "query",
    [
        SearchQuery(q="fictitious", per_page=2),
        SearchQuery(q="fictitious", per_page=2, page=2),
        SearchQuery(q="fictitous centre"),  # a typo, corrected
        SearchQuery(q="shelter", country=["SE"]),
        SearchQuery(q="nowhere"),
    ],
)
def test_page_ids_are_the_search_page_in_its_order(listings, query):
    result = search(query)
    assert search_page_ids(query) == (
        result.total,
        [hit.organization.pk for hit in result.hits],
    )


def test_reference_listing_is_in_the_public_sources_facet_not_verified(
    anonymous, reference
):
    query = {"q": "payoke", "include_outdated": True}
    result = search(SearchQuery(**query))
    assert "Payoke" in result.hits[0].organization.name
    assert result.facets["verification"] == {"public_sources": result.total}
    assert names(SearchQuery(**query, verification=["verified"])) == []
    assert names(SearchQuery(**query, verification=["public_sources"])) == names(
        SearchQuery(**query)
    )

    page = anonymous.get(
        reverse("directory:list"), {"q": "payoke", "outdated": "on"}
    ).content.decode()
    assert "From public sources, not yet confirmed (29 November 2026)" in page
    assert "Verified on" not in page
