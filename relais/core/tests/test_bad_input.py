"""No URL or parameter produces a 500."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relais.directory.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

PARAMS = [
    "q",
    "country",
    "type",
    "service",
    "language",
    "exploitation",
    "group",
    "page",
]
nasty_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300
) | st.sampled_from(
    ["\x00", "'", '"', "%", "<script>", "../../", "9" * 400, "🙂", "NEAR(", "*"]
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(params=st.dictionaries(st.sampled_from(PARAMS), nasty_text, max_size=5))
def test_directory_list_never_fails_whatever_the_parameters(
    anonymous, vocabularies, params
):
    response = anonymous.get("/en/directory/", params)
    assert response.status_code == 200


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(segment=nasty_text.filter(lambda s: s not in ("", ".", "..")))
def test_listing_and_country_paths_never_fail(anonymous, vocabularies, segment):
    from urllib.parse import quote

    for prefix in ("/en/directory/", "/fr/countries/"):
        response = anonymous.get(prefix + quote(segment, safe="") + "/")
        assert response.status_code in (200, 301, 302, 404)


def test_repeated_parameters_do_not_fail(anonymous, vocabularies):
    query = "&".join(["service=shelter"] * 500 + ["country=XX"] * 500)
    assert anonymous.get(f"/en/directory/?{query}").status_code == 200


def test_a_very_long_query_does_not_fail(anonymous, vocabularies):
    OrganizationFactory()
    assert anonymous.get("/en/directory/", {"q": "x" * 10_000}).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/en/directory/x/vcard.vcf",
        "/en/directory/x/contacts/not-a-uuid.vcf",
        "/xx/directory/",
        "/en/nothing-here/",
    ],
)
def test_unknown_paths_are_404(anonymous, vocabularies, path):
    assert anonymous.get(path).status_code == 404


def test_unsafe_methods_on_public_pages_are_refused(anonymous, vocabularies):
    assert anonymous.post("/en/directory/").status_code in (403, 405)
