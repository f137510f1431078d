"""French pages put a no-break space before a colon written between two
pieces of text (a country and a topic, a label and a phone number)."""

import re
from html import unescape

import pytest

from relais.core.typography import NBSP

from .test_views import NAVIGATOR

pytestmark = pytest.mark.django_db


def text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_a_french_profile_heading_spaces_its_colon(knowledge, anonymous):
    html = text(anonymous, "/fr/knowledge/countries/be/")
    assert f"<h1>Belgique{NBSP}: droits des victimes</h1>" in html
    english = text(anonymous, "/en/knowledge/countries/be/")
    assert "<h1>Belgium: victims' rights</h1>" in english


def test_cited_in_names_country_and_topic_with_a_spaced_colon(knowledge, anonymous):
    html = text(anonymous, "/fr/knowledge/legislation/be-reflection/")
    cited = html[html.index("Cité dans") :]
    assert f"Belgique{NBSP}: " in cited
    assert "Belgique: " not in cited


def test_french_search_results_space_the_colon_of_their_titles(knowledge, anonymous):
    html = text(anonymous, "/fr/knowledge/search/?q=Roumanie")
    titles = re.findall(r"<h2><a [^>]*>([^<]*)</a></h2>", html)
    assert any(title.startswith(f"Roumanie{NBSP}: ") for title in titles)
    assert not any(title.startswith("Roumanie: ") for title in titles)


def test_navigator_phones_follow_a_spaced_colon_in_a_french_sheet(knowledge, anonymous):
    # Identified in Sweden, from Bulgaria: the Bulgarian commission has a phone.
    url = NAVIGATOR.replace("identified_in=BE", "identified_in=SE")
    url = url.replace("nationality=RO", "nationality=BG")
    html = text(anonymous, url.format(lang="fr", sheet="fr"))
    labels = re.findall(r"<li>([^<]*): <a href=\"tel:", html)
    assert labels
    assert all(label.endswith(NBSP) for label in labels)
    assert "Téléphone: " not in html and "Ligne d’assistance: " not in html


def test_a_french_search_filter_error_spaces_its_colon(knowledge, anonymous):
    html = text(anonymous, "/fr/knowledge/search/?q=asile&kind=nonsense")
    errors = re.findall(r"<li>([^<]*)</li>", html.partition('class="errors"')[2])
    assert errors
    # The label's colon, before the (translated) message's own.
    assert all(error.split(":")[0].endswith(NBSP) for error in errors)
