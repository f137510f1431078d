"""The knowledge pages: public reading, translated rendering, bad input."""

import pytest
from django.urls import reverse

from relais.conftest import LANGUAGE_CODES
from relais.knowledge.models import ContentVersion, GoodPractice, HandbookSection
from relais.knowledge.services import section_translate, section_update

from .factories import GoodPracticeFactory

pytestmark = pytest.mark.django_db

NAVIGATOR = (
    "/{lang}/knowledge/navigator/?identified_in=BE&nationality=RO&age=adult"
    "&exploitation=sexual&wish=return&cooperating=no&proceedings=no"
    "&sheet_language={sheet}"
)
PAGES = [
    "/{lang}/knowledge/",
    "/{lang}/knowledge/countries/be/",
    "/{lang}/knowledge/countries/eu/",
    "/{lang}/knowledge/compare/?country=RO&country=BE",
    "/{lang}/knowledge/legislation/?country=SE&topic=reflection_period",
    "/{lang}/knowledge/legislation/se-reflection/",
    "/{lang}/knowledge/practices/",
    "/{lang}/knowledge/handbook/",
    "/{lang}/knowledge/handbook/children/best-interests-first/",
    "/{lang}/knowledge/navigator/",
    "/{lang}/knowledge/search/?q=reflection",
]

# One phrase of each page's chrome per language, from the catalogues.
KNOWLEDGE_BASE = {
    "en": "Knowledge base",
    "fr": "Base de connaissances",
    "nl": "Kennisbank",
    "ro": "Bază de cunoștințe",
    "bg": "База знания",
    "es": "Base de conocimientos",
    "sv": "Kunskapsbank",
}


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_knowledge_pages_render_in_every_language(knowledge, anonymous, lang):
    for page in PAGES:
        response = anonymous.get(page.format(lang=lang))
        assert response.status_code == 200, page
        html = response.content.decode()
        assert f'<html lang="{lang}">' in html
        assert KNOWLEDGE_BASE[lang] in html, page


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_unknown_country_code_gives_a_translated_404(knowledge, anonymous, lang):
    response = anonymous.get(f"/{lang}/knowledge/countries/zz/")
    assert response.status_code == 404
    assert f'<html lang="{lang}">' in response.content.decode()
    english = anonymous.get("/en/knowledge/countries/zz/").content.decode()
    if lang != "en":
        assert "Page not found" not in response.content.decode()
    else:
        assert "Page not found" in english


def test_profile_shows_citations_with_links_and_as_of(knowledge, anonymous):
    html = anonymous.get("/en/knowledge/countries/be/").content.decode()
    assert "45 days" in html
    assert reverse("knowledge:provision", kwargs={"slug": "be-reflection"}) in html
    assert "https://www.ejustice.just.fgov.be/" in html
    assert "as of 2017" in html
    assert "Not documented" in html  # the return row has no source yet
    assert reverse("directory:country", kwargs={"code": "be"}) in html


def test_comparison_puts_two_countries_side_by_side(knowledge, anonymous):
    html = anonymous.get(
        "/en/knowledge/compare/?country=RO&country=BE"
    ).content.decode()
    assert '<th scope="col">Romania</th><th scope="col">Belgium</th>' in html
    assert "90 days" in html and "45 days" in html


@pytest.mark.parametrize(
    "query", ["?country=BE", "?country=BE&country=ZZ", "?country=xx&country=yy"]
)
def test_comparison_with_too_few_or_unknown_countries_explains(
    knowledge, anonymous, query
):
    response = anonymous.get(f"/en/knowledge/compare/{query}")
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_legislation_filters_by_country_and_topic(knowledge, anonymous):
    html = anonymous.get(
        "/en/knowledge/legislation/?country=BG&topic=reflection_period"
    ).content.decode()
    assert "bg-reflection" in html
    assert "be-reflection" not in html


def test_navigator_sheet_lists_rights_contacts_and_next_steps(knowledge, anonymous):
    response = anonymous.get(NAVIGATOR.format(lang="en", sheet="en"))
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "Rights in Belgium" in html and "Rights in Romania" in html
    assert "Payoke" in html and "ADPARE" in html
    assert "See a lawyer before making any statement" in html


def test_navigator_sheet_is_in_the_chosen_language_not_the_interface(
    knowledge, anonymous
):
    html = anonymous.get(NAVIGATOR.format(lang="fr", sheet="ro")).content.decode()
    assert '<html lang="fr">' in html
    sheet = html[html.index('<section class="sheet"') :]
    assert 'lang="ro"' in sheet[:80]
    assert "Drepturi în Belgia" in sheet
    assert "Droits" not in sheet
    assert "Navigateur des droits" in html[: html.index('<section class="sheet"')]


def test_navigator_with_missing_answers_says_what_is_missing(knowledge, anonymous):
    response = anonymous.get("/en/knowledge/navigator/?identified_in=BE")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please answer every question marked below." in html
    assert "This field is required." in html
    assert 'class="sheet"' not in html


def test_navigator_with_contradictory_answers_explains(knowledge, anonymous):
    url = NAVIGATOR.format(lang="en", sheet="en").replace(
        "nationality=RO", "nationality=BE"
    )
    response = anonymous.get(url)
    assert response.status_code == 400
    assert "identified in their own country" in response.content.decode()


def test_navigator_with_unknown_country_code_explains(knowledge, anonymous):
    url = NAVIGATOR.format(lang="en", sheet="en").replace(
        "identified_in=BE", "identified_in=ZZ"
    )
    response = anonymous.get(url)
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_navigator_stores_nothing(knowledge, anonymous):
    versions = ContentVersion.objects.count()
    anonymous.get(NAVIGATOR.format(lang="en", sheet="en"))
    assert ContentVersion.objects.count() == versions
    assert "sessionid" not in anonymous.cookies


def test_search_finds_handbook_legislation_and_profiles_accent_insensitively(
    knowledge, anonymous
):
    html = anonymous.get("/en/knowledge/search/?q=Réflection").content.decode()
    assert "Legislation" in html
    assert "Handbook" in html
    html = anonymous.get("/en/knowledge/search/?q=utlanningslagen").content.decode()
    assert "Utlänningslagen" in html


def test_handbook_print_and_pdf_editions(knowledge, anonymous):
    html = anonymous.get("/en/knowledge/handbook/print/").content.decode()
    assert "Working with interpreters" in html
    response = anonymous.get("/en/knowledge/handbook/relais-handbook.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def test_handbook_filters_by_audience(knowledge, anonymous):
    html = anonymous.get("/en/knowledge/handbook/?audience=health").content.decode()
    assert "Health care" in html
    assert "Compensation" not in html


def test_section_history_shows_the_diff_between_versions(
    knowledge, anonymous, knowledge_editor
):
    section = HandbookSection.objects.get(slug="best-interests-first")
    # The loader's versions: the English text, then its translations.
    before = ContentVersion.objects.filter(object_id=section.pk).count()
    section_update(
        section=section,
        title=section.title_en,
        body=section.body_en + "\nA fictitious added sentence.\n",
        user=knowledge_editor,
    )
    url = reverse(
        "knowledge:section_history",
        kwargs={"chapter": "children", "section": "best-interests-first"},
    )
    html = anonymous.get(url + f"?a={before}&b={before + 1}").content.decode()
    assert "+A fictitious added sentence." in html
    assert "editor@example.org" in html


def test_translation_is_marked_out_of_date_after_the_source_changes(
    knowledge, anonymous, knowledge_editor
):
    section = HandbookSection.objects.get(slug="best-interests-first")
    section_translate(
        section=section,
        language="fr",
        title="L'intérêt supérieur d'abord",
        body="Texte fictif.",
        user=knowledge_editor,
    )
    url = "/fr/knowledge/handbook/children/best-interests-first/"
    assert "Traduction périmée" not in anonymous.get(url).content.decode()
    section_update(
        section=section, title=section.title_en, body="Changed.", user=knowledge_editor
    )
    html = anonymous.get(url).content.decode()
    assert "Texte fictif." in html
    assert "Traduction périmée" in html


def test_editor_previews_and_saves_a_section_with_a_new_version(
    knowledge, knowledge_editor_client
):
    url = "/en/knowledge/handbook/children/best-interests-first/edit/"
    preview = knowledge_editor_client.post(
        url, {"title": "T", "body": "**new** <script>x()</script>", "preview": "1"}
    )
    assert "<strong>new</strong>" in preview.content.decode()
    assert "<script>x()" not in preview.content.decode()
    knowledge_editor_client.post(url, {"title": "T", "body": "New text."})
    section = HandbookSection.objects.get(slug="best-interests-first")
    assert section.body_en == "New text."
    assert section.version == 2


def test_member_and_anonymous_cannot_edit_a_section(
    knowledge, member_be_client, anonymous
):
    url = "/en/knowledge/handbook/children/best-interests-first/edit/"
    assert member_be_client.get(url).status_code == 403
    assert anonymous.get(url).status_code == 302


def test_member_proposes_a_practice_that_waits_for_an_editor(
    knowledge, member_be_client, outsider_ro_client, anonymous, knowledge_editor_client
):
    response = member_be_client.post(
        "/en/knowledge/practices/propose/",
        {
            "title": "Fictitious joint interviews",
            "countries": ["BE", "RO"],
            "topic": "transnational",
            "context": "Fictitious context.",
            "practice": "Fictitious practice.",
            "sources": "https://example.org/fictitious",
            "contact_organization": "be-payoke",
        },
    )
    practice = GoodPractice.objects.get(title_en="Fictitious joint interviews")
    assert response.status_code == 302
    assert practice.status == "proposed"
    url = practice.get_absolute_url()
    assert member_be_client.get(url).status_code == 200
    assert outsider_ro_client.get(url).status_code == 404
    assert anonymous.get(url).status_code == 404
    assert (
        "Fictitious joint"
        not in anonymous.get("/en/knowledge/practices/").content.decode()
    )

    assert member_be_client.post(url + "review/", {"publish": "1"}).status_code == 403
    knowledge_editor_client.post(url + "review/", {"publish": "1"})
    practice.refresh_from_db()
    assert practice.status == "published"
    assert anonymous.get(url).status_code == 200
    assert ContentVersion.objects.filter(object_id=practice.pk).count() == 2


def test_practice_proposal_with_bad_sources_keeps_what_was_typed(
    knowledge, member_be_client
):
    response = member_be_client.post(
        "/en/knowledge/practices/propose/",
        {
            "title": "Kept title",
            "countries": ["BE"],
            "topic": "return",
            "context": "c",
            "practice": "p",
            "sources": "not a url",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kept title" in html
    assert "Enter a valid URL." in html


def test_anonymous_must_sign_in_to_propose_a_practice(anonymous):
    response = anonymous.get("/en/knowledge/practices/propose/")
    assert response.status_code == 302


def test_practices_filter_by_country_topic_and_words(anonymous, db):
    GoodPracticeFactory(
        title_en="Fictitious Swedish hotline", countries=["SE"], topic="transnational"
    )
    GoodPracticeFactory(title_en="Fictitious Belgian centres", countries=["BE"])
    html = anonymous.get("/en/knowledge/practices/?country=SE").content.decode()
    assert "Swedish hotline" in html and "Belgian centres" not in html
    html = anonymous.get(
        "/en/knowledge/practices/?topic=identification"
    ).content.decode()
    assert "Belgian centres" in html and "Swedish hotline" not in html
    html = anonymous.get("/en/knowledge/practices/?q=hotline").content.decode()
    assert "Swedish hotline" in html and "Belgian centres" not in html


def test_pdf_edition_explains_when_weasyprint_cannot_run(
    knowledge, anonymous, monkeypatch
):
    import builtins

    real_import = builtins.__import__

    def no_pango(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pango)
    response = anonymous.get("/en/knowledge/handbook/relais-handbook.pdf")
    assert response.status_code == 503
    assert "Use the printable edition" in response.content.decode()
