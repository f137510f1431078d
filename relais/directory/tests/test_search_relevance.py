"""What professionals type, and the listing they expect first (reference organisations).

Runs on both engines with the real reference data; each case is a query a
professional would type, in their language, script or with their typo.
"""

import pytest

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
    ("legal aid bureau", "bg-nlab"),
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
