"""Knowledge search on the directory's engines; the suite runs on SQLite and
PostgreSQL. Relevance cases use the shipped knowledge base; the rest use
fictitious records from the factories."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relais.conftest import LANGUAGE_CODES, _shared_data
from relais.directory.tests.test_search import NASTY
from relais.knowledge import search
from relais.knowledge.models import KnowledgeSearchDocument, SearchKind
from relais.knowledge.search import KnowledgeQuery, knowledge_search
from relais.knowledge.services import (
    practice_review,
    section_translate,
    section_update,
)

from .factories import (
    CountryProfileFactory,
    GoodPracticeFactory,
    HandbookSectionFactory,
    ProvisionFactory,
    RightsCellFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped(db):
    """The shipped knowledge base alone (loaded once for consecutive tests that
    ask for it, each rolling back its own writes: relais/conftest.py)."""
    return _shared_data.get("shipped")


def find(q: str, language: str = "en", **filters: str) -> list[str]:
    with translation.override(language):
        return [h.title for h in knowledge_search(KnowledgeQuery(q=q, **filters)).hits]


# What professionals type, and a title they expect in the first three results.
CASES = [
    ("utlanningslagen", "Aliens Act (Utlänningslagen, 2005:716)"),
    ("Utlänningslagen", "Aliens Act (Utlänningslagen, 2005:716)"),
    ("code penal", "Criminal Code (Code pénal / Strafwetboek)"),
    ("Codigo Penal trata", "Criminal Code (Código Penal)"),
    ("Наказателен кодекс", "Criminal Code (Наказателен кодекс)"),
    ("nakazatelen kodeks", "Criminal Code (Наказателен кодекс)"),
    ("zakon za borba", "Combating Trafficking in Human Beings Act (Закон"),
    ("reflection period sweden", "Sweden: Reflection and recovery period"),
    ("reflecton period romania", "Romania: Reflection and recovery period"),
    ("interpeters", "Why a professional interpreter"),
    ("Directive 2011/36", "Directive 2011/36/EU"),
    ("brottsskade", "Criminal Injuries Compensation Act (Brottsskadelag"),
]


@pytest.mark.parametrize(("q", "expected"), CASES)
def test_professionals_find_what_they_typed(shipped, q, expected):
    assert any(expected in title for title in find(q)[:3]), find(q)[:5]


def test_a_cyrillic_query_finds_text_written_in_latin_letters(shipped):
    # Грета folds to "greta": the Council of Europe's GRETA, cited in English.
    results = find("Грета")
    assert results
    assert results == find("GRETA")


def test_a_typo_is_corrected_and_the_page_says_so(shipped, anonymous):
    with translation.override("en"):
        result = knowledge_search(KnowledgeQuery(q="reflecton"))
    assert result.corrected == ["reflection"]
    html = anonymous.get("/en/knowledge/search/?q=reflecton").content.decode()
    assert "showing results for “reflection”" in html


def test_words_match_as_prefixes(shipped):
    assert any("compensation" in t.casefold() for t in find("compens")[:3])


def test_a_reader_finds_the_country_under_its_name_in_their_language(shipped):
    assert find("Белгия", language="bg")[0] == "Белгия"
    assert find("Belgique", language="fr")[0] == "Belgique"
    assert find("België", language="en")[0] == "Belgium"


def test_filter_by_kind(shipped):
    with translation.override("en"):
        result = knowledge_search(KnowledgeQuery(q="reflection", kind="legislation"))
        everything = knowledge_search(KnowledgeQuery(q="reflection"))
    assert result.total == everything.kind_counts["legislation"] > 0
    assert {h.kind for h in result.hits} == {"legislation"}
    assert everything.total > result.total


def test_filter_by_country(shipped):
    with translation.override("en"):
        result = knowledge_search(KnowledgeQuery(q="reflection", country="SE"))
    assert result.total > 0
    assert all(h.countries == ["SE"] for h in result.hits)
    assert "Sweden: Reflection and recovery period" in [h.title for h in result.hits]


def test_unverified_entries_are_labelled_unverified(shipped, anonymous):
    unverified = KnowledgeSearchDocument.objects.filter(
        language="en", kind="legislation", verified=False
    ).first()
    assert unverified is not None
    html = anonymous.get(
        "/en/knowledge/search/", {"q": unverified.title, "kind": "legislation"}
    ).content.decode()
    assert "<strong>unverified</strong>" in html


def test_excerpt_marks_the_matching_words(shipped, anonymous):
    html = anonymous.get("/en/knowledge/search/?q=interpreter").content.decode()
    assert "<mark>interpreter</mark>" in html


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_search_page_renders_in_every_language(shipped, anonymous, lang):
    response = anonymous.get(f"/{lang}/knowledge/search/?q=Directive&kind=legislation")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    with translation.override(lang):
        assert str(SearchKind.LEGISLATION.label) in html
    # The directive, under its title in the reader's language.
    assert "2011/36/" in html


def test_htmx_request_gets_the_results_fragment(shipped, anonymous):
    response = anonymous.get(
        "/en/knowledge/search/?q=interpreter", HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="search"' in html and "Why a professional interpreter" in html


def test_an_unknown_kind_is_explained_and_ignored(shipped, anonymous):
    response = anonymous.get("/en/knowledge/search/?q=reflection&kind=gossip&page=x")
    html = response.content.decode()
    assert response.status_code == 200
    assert "is not one of the choices: this filter was ignored" in html
    assert "Sweden: Reflection and recovery period" in html


# Only published, shown content -------------------------------------------------


def test_an_unpublished_practice_is_not_found_until_published(editor_and_practice):
    editor, practice = editor_and_practice
    assert find("Quokkaline") == []
    practice_review(practice=practice, user=editor, publish=True)
    assert find("Quokkaline") == ["Fictitious Quokkaline hotline"]
    practice_review(practice=practice, user=editor, publish=False)
    assert find("Quokkaline") == []


@pytest.fixture
def editor_and_practice(knowledge_editor):
    from relais.knowledge.services import practice_propose

    practice = practice_propose(
        user=knowledge_editor,
        title_en="Fictitious Quokkaline hotline",
        countries=["SE"],
        topic="transnational",
        context_en="Fictitious context.",
        practice_en="Fictitious practice.",
        sources=["https://example.org/source"],
    )
    return knowledge_editor, practice


def test_a_cell_without_citation_or_unpublished_is_not_found(db):
    cell = RightsCellFactory(
        profile=CountryProfileFactory(code="PT"),
        text_en="Fictitious Wombatian shelter rule",
    )
    search.index_refresh([cell])
    assert find("Wombatian") == []
    cell.citation_set.create(provision=ProvisionFactory())
    search.index_refresh([cell])
    assert find("Wombatian") == []  # cited but still a draft
    from relais.knowledge.services import rights_cell_publish

    rights_cell_publish(cell=cell, user=None)
    assert find("Wombatian") == ["Portugal: Free legal aid"]


# The index follows every write ------------------------------------------------


def test_index_follows_a_handbook_edit(knowledge_editor):
    section = HandbookSectionFactory(title_en="Fictitious Numbat section")
    search.index_refresh([section])
    section_update(
        section=section,
        title="Fictitious Numbat section",
        body="Ask about the Platypodean procedure.",
        user=knowledge_editor,
    )
    assert len(find("platypodean")) == 1
    section_update(
        section=section,
        title="Fictitious Numbat section",
        body="Nothing left to find.",
        user=knowledge_editor,
    )
    assert find("platypodean") == []


def test_handbook_reader_finds_the_text_of_their_language(knowledge_editor):
    section = HandbookSectionFactory(
        title_en="Fictitious Kiwiform section", body_en="English Kiwiform text."
    )
    section_translate(
        section=section,
        language="fr",
        title="Section Kiwiforme fictive",
        body="Texte français Ornithorynquien.",
        user=knowledge_editor,
    )
    found = find("ornithorynquien", language="fr")
    assert len(found) == 1 and found[0].endswith(" Section Kiwiforme fictive")
    assert find("ornithorynquien", language="en") == []
    # Not translated into Dutch: a Dutch reader finds the English text.
    assert len(find("kiwiform", language="nl")) == 1


def test_index_follows_an_admin_deletion(platform_admin_client):
    practice = GoodPracticeFactory(title_en="Fictitious Axolotlian network")
    search.index_refresh([practice])
    assert find("axolotlian")
    url = reverse("admin:knowledge_goodpractice_delete", args=[practice.pk])
    response = platform_admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert find("axolotlian") == []
    assert not KnowledgeSearchDocument.objects.filter(object_id=practice.pk).exists()


def test_reindex_rebuilds_the_same_results(shipped):
    from django.core.management import call_command

    before = find("reflection")
    KnowledgeSearchDocument.objects.all().delete()
    assert find("reflection") == []
    call_command("reindex", stdout=io.StringIO())
    assert find("reflection") == before


# Query safety ------------------------------------------------------------------


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(q=NASTY, extra=st.lists(NASTY, max_size=3))
def test_no_query_text_can_break_the_search(shipped, q, extra):
    text = " ".join([q, *extra])
    result = knowledge_search(KnowledgeQuery(q=text))
    assert result.total >= 0


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(q=NASTY)
def test_no_query_text_makes_the_page_fail(shipped, anonymous, q):
    response = anonymous.get("/en/knowledge/search/", {"q": q.replace("\x00", "")})
    assert response.status_code == 200


def test_excerpt_is_cut_at_spaces_and_marks_folded_matches():
    from relais.knowledge.search import excerpt_of

    text = " ".join(["filler"] * 40) + " the person's Réflexion period, reflexive"
    excerpt = excerpt_of(text, ["reflexi"])
    assert excerpt.leading and not excerpt.trailing
    assert excerpt.parts[0].startswith("filler ")
    assert excerpt.parts[1::2] == ["Réflexion", "reflexive"]
    assert "".join(excerpt.parts).endswith("the person's Réflexion period, reflexive")


def test_an_excerpt_never_opens_on_a_punctuation_mark_standing_alone():
    from relais.knowledge.search import EXCERPT_WORDS, excerpt_of

    # French puts a (no-break) space before ";": the mark is a chunk of its own.
    before = ["mot"] * (EXCERPT_WORDS // 3 - 1)
    text = " ".join(["début"] * 20 + [";"] + before + ["coordinateur", "national"])
    excerpt = excerpt_of(text, ["coordinat"])
    assert excerpt.leading
    assert excerpt.parts[0].startswith("mot ")
