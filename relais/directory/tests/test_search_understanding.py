"""Reading natural phrasing: countries filter, services and professions come first.

Fictitious listings (they say so) in the five countries; the suite runs on
SQLite and PostgreSQL.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relais.directory.search import SearchQuery, index_update, search
from relais.directory.search.memory import facet_index
from relais.directory.search.understanding import understand

from .factories import OrganizationFactory, ServiceFactory, tag

pytestmark = pytest.mark.django_db


def listing(name, country, *, type_="ngo", services=(), legal_aid=None, **fields):
    org = OrganizationFactory(
        name=name, country=country, takes_legal_aid_cases=legal_aid, **fields
    )
    tag(org, "organization_type", type_)
    for code in services:
        service = ServiceFactory(organization=org)
        tag(service, "service", code)
    return org


@pytest.fixture
def listings(vocabularies):
    orgs = [
        listing("Fictitious Bucharest Law Office", "RO", type_="lawyer"),
        listing("Fictitious Iasi Counselling", "RO", services=["psychosocial_support"]),
        listing(
            "Fictitious Cluj Legal Clinic",
            "RO",
            services=["legal_advice", "compensation_claims"],
        ),
        listing("Fictitious Sofia Safe House", "BG", type_="shelter"),
        listing("Fictitious Varna Centre", "BG", services=["shelter"]),
        listing("Fictitious Plovdiv Helpdesk", "BG", services=["legal_advice"]),
        listing("Fictitious Ghent Shelter", "BE", services=["shelter"]),
        listing("Fictitious Madrid Abogados", "ES", type_="lawyer"),
        listing("Fictitious Malmo Boende", "SE", services=["shelter"]),
    ]
    index_update([o.pk for o in orgs])
    return orgs


def found(q: str, **filters) -> list[str]:
    return [h.organization.name for h in search(SearchQuery(q=q, **filters)).hits]


def reading(q: str):
    understood = understand(q, facet_index())
    return (
        understood.countries,
        [c.code for c in understood.concepts],
        understood.words,
    )


@pytest.mark.parametrize(
    ("q", "countries", "concepts"),
    [
        # English
        ("Romanian lawyer legal aid", ["RO"], ["lawyer", "legal_aid"]),
        ("shelter Bulgaria", ["BG"], ["shelter"]),
        # French
        ("avocat roumain aide juridictionnelle indemnisation", ["RO"],
         ["lawyer", "legal_aid", "compensation"]),
        ("refuge Bulgarie", ["BG"], ["shelter"]),
        ("foyer", [], ["shelter"]),
        ("hébergement en Belgique", ["BE"], ["shelter"]),
        # Dutch
        ("Roemeense advocaat juridische bijstand", ["RO"], ["lawyer", "legal_aid"]),
        ("opvang Bulgarije", ["BG"], ["shelter"]),
        # Romanian
        ("avocat român asistență juridică", ["RO"], ["lawyer", "legal_aid"]),
        ("adăpost Bulgaria", ["BG"], ["shelter"]),
        # Bulgarian
        ("румънски адвокат правна помощ", ["RO"], ["lawyer", "legal_aid"]),
        ("приют в България", ["BG"], ["shelter"]),
        # Spanish
        ("abogado rumano asistencia jurídica gratuita", ["RO"],
         ["lawyer", "legal_aid"]),
        ("casa de acogida Bulgaria", ["BG"], ["shelter"]),
        ("refugio", [], ["shelter"]),
        # Swedish
        ("rumänsk advokat rättshjälp", ["RO"], ["lawyer", "legal_aid"]),
        ("skyddat boende Sverige", ["SE"], ["shelter"]),
    ],
)  # fmt: skip
def test_countries_services_and_professions_are_read_in_every_language(
    listings, q, countries, concepts
):
    assert reading(q) == (countries, concepts, [])


@pytest.mark.parametrize(
    ("q", "concept"),
    [
        ("compensation", "compensation"),
        ("indemnisation", "compensation"),
        ("schadevergoeding", "compensation"),
        ("despăgubiri", "compensation"),
        ("обезщетение", "compensation"),
        ("indemnización", "compensation"),
        ("skadestånd", "compensation"),
        ("santé", "health"),
        ("sjukvård", "health"),
        ("psychologue", "psychosocial"),
        ("психолог", "psychosocial"),
        ("psicólogo", "psychosocial"),
        ("terugkeer", "return"),
        ("repatriere", "return"),
        ("återvändande", "return"),
        ("Psychosocial support", "psychosocial"),  # a term name, from the taxonomy
    ],
)
def test_other_services_are_read_in_every_language(listings, q, concept):
    assert reading(q) == ([], [concept], [])


def test_country_adjectives_are_read_in_every_language(listings):
    for adjective in [
        "Romanian",
        "roumaine",
        "Roemeens",
        "românesc",
        "румънски",
        "rumana",
        "rumänska",
    ]:
        assert reading(adjective)[0] == ["RO"], adjective


def test_other_words_stay_text_and_small_words_are_listed_as_left_out(listings):
    understood = understand("refuge pour femmes en Bulgarie", facet_index())
    assert understood.countries == ["BG"]
    assert understood.words == ["femmes"]
    assert understood.ignored == ["pour", "en"]


def test_a_query_naming_nothing_known_is_searched_word_for_word(listings):
    understood = understand("Fictitious Varna", facet_index())
    assert not understood.recognised
    assert understood.words == ["fictitious", "varna"]


def test_a_country_without_listings_stays_a_word(listings):
    """ "Jordan" may be a name: only countries with listings are read as such."""
    assert reading("Jordan") == ([], [], ["jordan"])


def test_country_word_filters_to_that_country(listings):
    assert sorted(found("Bulgarie")) == [
        "Fictitious Plovdiv Helpdesk",
        "Fictitious Sofia Safe House",
        "Fictitious Varna Centre",
    ]


def test_shelter_words_find_shelters_of_the_country_named(listings):
    assert sorted(found("refuge Bulgarie")) == [
        "Fictitious Sofia Safe House",
        "Fictitious Varna Centre",
    ]
    assert sorted(found("foyer")) == [
        "Fictitious Ghent Shelter",
        "Fictitious Malmo Boende",
        "Fictitious Sofia Safe House",
        "Fictitious Varna Centre",
    ]


def test_listings_matching_more_of_the_named_needs_come_first(listings):
    names = found("avocat roumain aide juridictionnelle indemnisation")
    # Legal aid and compensation (two of the three) before a lawyer (one).
    assert names[0] == "Fictitious Cluj Legal Clinic"
    assert set(names) == {
        "Fictitious Cluj Legal Clinic",
        "Fictitious Bucharest Law Office",
    }


def test_the_office_named_giving_the_service_comes_first_even_unverified(
    vocabularies,
):
    """Being the legal-aid office asked for, and giving legal advice, outweighs
    verification and completeness: the others are only one or the other."""
    sparse_office = listing(
        "Fictitious Iasi Legal Aid Office",
        "RO",
        type_="legal_aid_office",
        services=["legal_advice"],
        assured_date=None,
        description_en="",
        website="",
    )
    others = [
        listing("Fictitious Cluj Legal Aid Office", "RO", type_="legal_aid_office"),
        listing(
            "Fictitious Arad Law Office",
            "RO",
            type_="lawyer",
            services=["legal_advice"],
        ),
        listing("Fictitious Brasov Centre", "RO", services=["legal_advice"]),
    ]
    index_update([o.pk for o in [sparse_office, *others]])
    names = found("aide juridique gratuite Roumanie")
    assert names[0] == "Fictitious Iasi Legal Aid Office", names
    assert len(names) == 4


def test_real_listings_come_before_fictitious_ones_of_equal_relevance(
    vocabularies,
):
    fictitious = listing("Fictitious Alpha Shelter", "BG", type_="shelter")
    real = listing(
        "Zulu Shelter (fictitious, marked real)",
        "BG",
        type_="shelter",
        is_fictitious=False,
    )
    index_update([fictitious.pk, real.pk])
    # By name alone the fictitious one would come first.
    assert found("shelter") == [
        "Zulu Shelter (fictitious, marked real)",
        "Fictitious Alpha Shelter",
    ]
    assert found("shelter", sort="name") == [
        "Fictitious Alpha Shelter",
        "Zulu Shelter (fictitious, marked real)",
    ]


def test_the_legal_aid_flag_counts_as_offering_legal_aid(listings):
    pro_deo = listing("Fictitious Timisoara Cabinet", "RO", legal_aid=True)
    index_update([pro_deo.pk])
    assert "Fictitious Timisoara Cabinet" in found("aide juridique gratuite Roumanie")


def test_a_country_chosen_in_the_filters_outranks_one_in_the_words(listings):
    result = search(SearchQuery(q="refuge Bulgarie", country=["BE"]))
    assert [h.organization.name for h in result.hits] == ["Fictitious Ghent Shelter"]


def test_literal_search_reads_no_filter(listings):
    result = search(SearchQuery(q="refuge Bulgarie", literal=True))
    assert result.understood is None
    # Not only shelters: no listing has both words, so any word is matched.
    assert result.matched_any_word
    assert "Fictitious Plovdiv Helpdesk" in [h.organization.name for h in result.hits]


def test_words_no_listing_has_are_left_out_and_said(listings):
    result = search(SearchQuery(q="refuge Bulgarie xylophone"))
    assert result.left_out == ["xylophone"]
    assert sorted(h.organization.name for h in result.hits) == [
        "Fictitious Sofia Safe House",
        "Fictitious Varna Centre",
    ]


def test_the_other_words_still_narrow_the_listings_named(listings):
    assert found("refuge Varna") == ["Fictitious Varna Centre"]


def test_what_was_read_is_on_the_result(listings):
    result = search(SearchQuery(q="abogado rumano"))
    assert result.understood is not None
    assert result.understood.countries == ["RO"]
    assert [c.code for c in result.understood.concepts] == ["lawyer"]
    assert found("abogado rumano") == ["Fictitious Bucharest Law Office"]


ODD_WORDS = ["refuge", "avocat", "Roumanie", "aide", "juridique", "de", "en"]
ODD_MARKS = ["румънски", "ă", "АБВъ", "'", '"', "*", ":", "(", ")", "-", "\x00", "🙂"]
ODD = st.lists(st.sampled_from([*ODD_WORDS, *ODD_MARKS, "x" * 300]), max_size=20).map(
    " ".join
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(q=ODD)
def test_no_phrasing_breaks_the_reading(listings, q):
    understood = understand(q, facet_index())
    assert all(start < end for start, end in understood.spans)
    assert search(SearchQuery(q=q)).total >= 0
