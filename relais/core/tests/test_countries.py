"""Country names are the ones each language uses (CLDR), in every list and page."""

import pytest
from django.utils import translation
from django_countries import countries


def _nationality_options(client, lang: str) -> str:
    body = client.get(f"/{lang}/knowledge/navigator/").content.decode()
    start = body.index('name="nationality"')
    return body[start : body.index("</select>", start)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "expected", "not_expected"),
    [
        ("en", ['value="NR">Nauru<', 'value="BS">Bahamas<'], ["Naoero", "(The)"]),
        ("sv", ['value="BR">Brasilien<', 'value="RO">Rumänien<'], [">Brazil<"]),
        ("bg", ['value="DK">Дания<'], ["Денмарк"]),
        ("ro", ['value="HR">Croația<'], ["Croaţia"]),
    ],
)
def test_nationality_list_names_countries_in_the_readers_language(
    client, lang, expected, not_expected
):
    options = _nationality_options(client, lang)
    for text in expected:
        assert text in options
    for text in not_expected:
        assert text not in options


def test_european_union_keeps_its_name_and_lists_sort_in_the_language():
    with translation.override("fr"):
        assert countries.name("EU") == "Union européenne"
        names = [name for _code, name in countries]
    assert names.index("Afrique du Sud") < names.index("Albanie")
