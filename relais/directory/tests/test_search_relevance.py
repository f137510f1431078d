"""What professionals type, and the listing they expect first (reference organisations).

Runs on both engines with the real reference data, and the last cases with the
demo's fictitious listings beside it; each case is a query a professional
would type, in their language, script or with their typo.
"""

import pytest
from django.utils import translation

from relais.directory.search import SearchQuery, search

pytestmark = pytest.mark.django_db


CASES = [
    ("pag asa", "be-pagasa"),
    ("PAG-ASA", "be-pagasa"),
    ("Анимус", "bg-animus"),
    ("animus", "bg-animus"),
    ("proyecto esperanza", "es-proyecto-esperanza"),
    ("esperanza madrid", "es-proyecto-esperanza"),
    ("payoke", "be-payoke"),
    ("Payok", "be-payoke"),
    ("payoek", "be-payoke"),
    ("antwerpen", "be-payoke"),
    ("anvers shelter", "be-payoke"),
    ("surya", "be-surya"),
    ("Sürya Liège", "be-surya"),
    ("Luik", "be-surya"),
    ("myria", "be-myria"),
    ("Asociatia ADPARE", "ro-adpare"),
    ("Asociația eLiberare", "ro-eliberare"),
    ("reaching out pitesti", "ro-reaching-out"),
    ("DIICOT", "ro-diicot"),
    ("Agenția Națională împotriva Traficului", "ro-anitp"),
    ("ANITP Bukarest", "ro-anitp"),
    ("APRAMP", "es-apramp"),
    ("Amaranta", "es-amaranta"),
    ("Defensor del Pueblo", "es-defensor-pueblo"),
    ("cruz roja", "es-cruz-roja"),
    ("Център Надя", "bg-nadja"),
    ("Nadja", "bg-nadja"),
    ("Национално бюро за правна помощ", "bg-nlab"),
    ("national legal aid bureau", "bg-nlab"),
    ("Naya Targovishte", "bg-naya"),
    ("Talita", "se-talita"),
    ("Noomi Malmo", "se-noomi"),
    ("Migrationsverket", "se-migrationsverket"),
    ("Brottsoffermyndigheten", "se-brottsoffermyndigheten"),
    ("Åklagarmyndigheten", "se-aklagarmyndigheten"),
    ("aklagarmyndigheten", "se-aklagarmyndigheten"),
    ("La Strada International", "int-lsi"),
    ("GRETA", "int-greta"),
    ("Europol", "eu-europol"),
    ("child focus", "be-childfocus"),
]


@pytest.mark.parametrize(("query", "expected"), CASES, ids=[c[0] for c in CASES])
def test_expected_listing_comes_first(reference, query, expected):
    result = search(SearchQuery(q=query))
    assert result.hits, f"{query!r} found nothing"
    assert result.hits[0].organization.slug == expected, [
        h.organization.slug for h in result.hits[:5]
    ]


@pytest.mark.parametrize(
    ("query", "expected_in_top3"),
    [
        ("bruxelles shelter", {"be-pagasa"}),
        ("brussel", {"be-pagasa", "be-childfocus"}),
        ("sofia compensation", {"bg-compensation-council"}),
        ("compensation romania", {"ro-compensation-commission"}),
        ("police sweden", {"se-police-nr"}),
    ],
)
def test_expected_listing_is_among_the_first_three(reference, query, expected_in_top3):
    slugs = {h.organization.slug for h in search(SearchQuery(q=query)).hits[:3]}
    assert expected_in_top3 <= slugs, slugs


def _reference_records() -> dict[str, dict]:
    import json

    from relais.directory.services import REFERENCE_FILE

    records = json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))
    return {r["id"]: r for r in records}


def _offers(record: dict, needs: set[str]) -> bool:
    """Whether a reference record offers any of `needs` (service or type)."""
    return bool(needs & ({record["type"]} | set(record.get("services") or [])))


# Natural phrasing: a country named filters, a service or profession named
# comes first. (query, country every result is in, what the listings shown
# first offer, listings expected among the first five: listings added to the
# reference data that offer more of what was named may come before them)
PHRASING_CASES = [
    (
        "avocat roumain aide juridictionnelle indemnisation",
        "RO",
        {"lawyer_bar", "legal_aid", "compensation_claims"},
        {"ro-prorefugiu", "ro-compensation-commission"},
    ),
    (
        "refuge Bulgarie",
        "BG",
        {"shelter"},
        {"bg-sofia-municipality", "bg-animus"},
    ),
    ("aide juridique gratuite Roumanie", "RO", {"legal_aid"}, {"ro-prorefugiu"}),
    ("foyer", None, {"shelter"}, set()),
    ("refuge", None, {"shelter"}, set()),
    ("foyer Bruxelles", None, {"shelter"}, {"be-pagasa"}),
]


@pytest.mark.parametrize(
    ("query", "country", "needs", "expected_in_top5"),
    PHRASING_CASES,
    ids=[c[0] for c in PHRASING_CASES],
)
def test_natural_phrasing_filters_by_country_and_puts_the_need_first(
    reference, query, country, needs, expected_in_top5
):
    records = _reference_records()
    hits = search(SearchQuery(q=query)).hits
    slugs = [h.organization.slug for h in hits]
    assert slugs, f"{query!r} found nothing"
    if country:
        assert {h.organization.country.code for h in hits} == {country}, slugs
    # Listings offering what was named come first, before any that do not.
    offers = [_offers(records[s], needs) for s in slugs if s in records]
    assert offers[0] and offers == sorted(offers, reverse=True), slugs
    assert expected_in_top5 <= set(slugs[:5]), slugs[:5]


def test_shelter_words_find_every_reference_shelter(reference):
    records = _reference_records()
    shelters = {s for s, r in records.items() if _offers(r, {"shelter"})}
    for query in ("foyer", "refuge", "shelter", "opvang", "приют", "refugio"):
        result = search(SearchQuery(q=query, per_page=100))
        assert shelters <= {h.organization.slug for h in result.hits}, query


def test_legal_aid_bureau_finds_the_legal_aid_offices_first(reference):
    """ "legal aid bureau" names a kind of body as much as Bulgaria's National
    Legal Aid Bureau: the Belgian bars' bureaux d'aide juridique and the
    Bulgarian bureau come before anything else."""
    result = search(SearchQuery(q="legal aid bureau"))
    first = [h.organization.slug for h in result.hits[:2]]
    assert set(first) == {"bg-nlab", "be-legal-aid-offices"}, first


# With the demo's fictitious listings ------------------------------------------
#
# `make demo` puts 300 fictitious listings (seed 1) beside the real ones: the
# generator makes them complete and mostly "verified", where the official
# listings compiled from public sources are sparse. Real listings that match
# come first, ordered by what the words name; the fictitious ones after them.


@pytest.fixture
def demo(reference):
    """The reference data with the demo's fictitious listings."""
    from relais.directory.demo import demo_generate

    demo_generate(n=300, seed=1)


def _codes(organization) -> tuple[set[str], set[str]]:
    """The organisation types and the services a listing has, as codes."""
    from relais.directory.models import Attribute, Service

    types = set(
        Attribute.objects.filter(
            link_entity="organization",
            link_id=organization.pk,
            taxonomy_term__taxonomy__slug="organization_type",
        ).values_list("taxonomy_term__code", flat=True)
    )
    services = set(
        Attribute.objects.filter(
            link_entity="service",
            link_id__in=Service.objects.filter(organization=organization).values("id"),
        ).values_list("taxonomy_term__code", flat=True)
    )
    return types, services


def test_free_legal_aid_in_romania_finds_the_bars_legal_aid_offices_first_in_the_demo(
    demo,
):
    with translation.override("fr"):
        result = search(SearchQuery(q="aide juridique gratuite Roumanie"))
    organizations = [h.organization for h in result.hits]
    # The bars' legal-aid offices first...
    assert organizations[0].slug == "ro-bar-legal-aid"
    # ...then the other real listings that give legal advice in Romania...
    real = [o for o in organizations if not o.is_fictitious]
    assert organizations[: len(real)] == real
    for organization in real:
        _types, services = _codes(organization)
        assert organization.country == "RO" and "legal_advice" in services
    # ...and the fictitious listings are still found, after them; the first
    # of them legal-aid offices giving legal advice.
    fictitious = organizations[len(real) :]
    assert fictitious
    types, services = _codes(fictitious[0])
    assert "legal_aid_office" in types and "legal_advice" in services


def test_a_romanian_lawyer_for_legal_aid_and_compensation_finds_the_bars_office_first(
    demo,
):
    """The issue's phrase: the bars' legal-aid office (a lawyers' body and a
    legal-aid office) comes first; the real bodies for compensation follow,
    before any fictitious listing."""
    with translation.override("fr"):
        result = search(
            SearchQuery(
                q="avocat roumain aide juridictionnelle indemnisation", per_page=50
            )
        )
    slugs = [h.organization.slug for h in result.hits]
    assert slugs[0] == "ro-bar-legal-aid"
    real = [h for h in result.hits if not h.organization.is_fictitious]
    assert result.hits[: len(real)] == real
    assert {"ro-compensation-commission", "ro-prorefugiu"} <= set(slugs)


@pytest.mark.parametrize(
    ("lang", "q", "expected"),
    [
        ("nl", "antwerpen", "be-payoke"),
        ("nl", "Luik", "be-surya"),
        ("fr", "Liège", "be-surya"),
    ],
)
def test_a_city_search_puts_the_real_listing_before_made_up_fuller_ones(
    demo, lang, q, expected
):
    """The generator makes fictitious listings complete and "verified", and
    names them after their city: real listings still come first."""
    with translation.override(lang):
        result = search(SearchQuery(q=q))
    assert result.hits[0].organization.slug == expected
    assert sum(h.organization.is_fictitious for h in result.hits) > 5
