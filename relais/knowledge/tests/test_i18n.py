"""Knowledge in the reader's language: translations loaded from data/i18n,
marked as not legally binding, English fallbacks marked lang="en", stale
translations detected, and the rights sheet wholly in the sheet language."""

import json
import re
import shutil
from datetime import date

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from relais.core.dates import format_day
from relais.knowledge import views
from relais.knowledge.i18n import (
    DATA_DIR,
    english_items,
    sources_stamp,
    translation_languages,
    translation_states,
)
from relais.knowledge.models import GoodPractice, HandbookSection, RightsCell
from relais.knowledge.services import knowledge_load

pytestmark = pytest.mark.django_db

NOTE = 'class="note translation-note"'
SECTION = "/{lang}/knowledge/handbook/children/best-interests-first/"
PRACTICE = "belgium-specialised-centres-multidisciplinary-circular"


def _sheet(html: str) -> str:
    start = html.index('<section class="sheet"')
    return html[start : html.index("</section>", start)]


def test_french_reader_sees_the_french_section_marked_as_a_translation(
    knowledge, anonymous
):
    html = anonymous.get(SECTION.format(lang="fr")).content.decode()
    assert '<h1 lang="fr">L&#x27;intérêt supérieur d&#x27;abord</h1>' in html
    assert '<article class="handbook" lang="fr">' in html
    assert "Est un enfant toute personne âgée de moins de 18 ans." in html
    assert NOTE in html
    assert "Traduction périmée" not in html
    # The English reader reads the source, with no translation note.
    html = anonymous.get(SECTION.format(lang="en")).content.decode()
    assert "Best interests first" in html and NOTE not in html


def test_every_language_has_the_whole_handbook_translated_and_current(knowledge):
    """The shipped handbook translations pair with the current English."""
    handbook = [i.key for i in english_items() if i.key.startswith("handbook/")]
    for language in translation_languages():
        states = dict(translation_states(language))
        assert {states[key] for key in handbook} == {"loaded"}, language
        section = HandbookSection.objects.get(slug="best-interests-first")
        assert getattr(section, f"body_{language}")
        assert not section.translation_out_of_date(language)


def _without(data, language: str, kind: str, key: str) -> None:
    """Remove one translated item from a copy of the data directory."""
    path = data / "i18n" / language / f"{kind}.json"
    if path.exists():
        items = json.loads(path.read_text(encoding="utf-8"))
        items.pop(key, None)
        path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")


def test_untranslated_text_is_shown_in_english_marked_lang_en(
    knowledge, anonymous, tmp_path
):
    # A summary with no Romanian translation yet is shown in English.
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    _without(data, "ro", "legislation", "se-reflection")
    knowledge_load(data_dir=data)
    html = anonymous.get("/ro/knowledge/legislation/se-reflection/").content.decode()
    summary = re.search(r"<dd lang=\"(\w+)\">([^<]*)", html)
    assert summary is not None and summary[1] == "en"
    assert summary[2].strip()
    assert NOTE not in html
    assert "engleză" in html  # "Acest text este în engleză; …"


def test_a_stale_translation_is_flagged_or_not_used(knowledge, anonymous, tmp_path):
    """English changed after the translation was made: the handbook section
    shows its translation as out of date; a good practice falls back to the
    current English (a statement one might rely on is never stale)."""
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    fr = data / "i18n" / "fr"
    (fr / "practices.json").write_text(
        json.dumps({PRACTICE: {"title": "Titre fictif", "context": "Contexte fictif"}}),
        encoding="utf-8",
    )
    sources_stamp("fr", data)
    practices = json.loads((data / "practices.json").read_text(encoding="utf-8"))
    practices[0]["context"] += " A fictitious change of the English."
    (data / "practices.json").write_text(json.dumps(practices), encoding="utf-8")
    chapter = data / "handbook" / "09-children.md"
    chapter.write_text(
        chapter.read_text(encoding="utf-8").replace(
            "A child is anyone under 18.", "A child is any person under 18."
        ),
        encoding="utf-8",
    )
    assert ("practices/" + PRACTICE + "/context", "stale") in translation_states(
        "fr", data
    )
    result = knowledge_load(data_dir=data)
    assert result.stale_translations >= 2

    html = anonymous.get(SECTION.format(lang="fr")).content.decode()
    assert "Traduction périmée" in html
    assert "Est un enfant toute personne" in html

    practice = GoodPractice.objects.get(slug=PRACTICE)
    assert practice.title_fr == "Titre fictif"  # type: ignore[attr-defined]
    assert practice.context_fr == ""  # type: ignore[attr-defined]
    html = anonymous.get(f"/fr/knowledge/practices/{PRACTICE}/").content.decode()
    assert '<h1 lang="fr">Titre fictif</h1>' in html
    assert '<p lang="en">First responders' in html
    assert "Contexte fictif" not in html

    # Loading the same files again changes nothing.
    assert knowledge_load(data_dir=data).changed == 0


def test_matrix_cells_made_of_translated_summaries_are_translated(
    knowledge, anonymous, tmp_path
):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    cell = RightsCell.objects.get(profile__code="SE", topic="reflection_period")
    cited = [c.provision for c in cell.citation_set.all()]
    ro = data / "i18n" / "ro"
    (ro / "legislation.json").write_text(
        json.dumps({p.slug: f"Rezumat fictiv {p.slug}." for p in cited}),
        encoding="utf-8",
    )
    sources_stamp("ro", data)
    knowledge_load(data_dir=data)
    cell.refresh_from_db()
    assert "Rezumat fictiv se-reflection." in cell.text_ro  # type: ignore[attr-defined]
    html = anonymous.get("/ro/knowledge/countries/se/").content.decode()
    assert '<p lang="ro">Rezumat fictiv se-reflection.' in html
    assert NOTE in html


def test_rights_sheet_in_romanian_has_no_english_frame(knowledge, anonymous):
    """Interface in English, sheet in Romanian: every heading, right, service
    name and language of the sheet is Romanian, and the statements too once
    translated (here given a Romanian text, as the second wave will)."""
    for cell in RightsCell.objects.filter(status="published"):
        cell.text_ro = f"Text românesc {cell.topic}."  # type: ignore[attr-defined]
        cell.save()
    url = (
        "/en/knowledge/navigator/?identified_in=BE&nationality=RO&age=adult"
        "&exploitation=sexual&wish=return&cooperating=no&proceedings=no"
        "&sheet_language=ro"
    )
    sheet = _sheet(anonymous.get(url).content.decode())
    for romanian in (
        "Drepturile dumneavoastră: fișă de informare",
        "Drepturi în Belgia",
        "Pe cine să contactați",
        "Asistență juridică gratuită",  # a row of the matrix
        "Adăpostire",  # a service name
        'lang="ro">Text românesc legal_aid.',
    ):
        assert romanian in sheet, romanian
    assert NOTE in sheet
    for english in (
        "Your rights",
        "Rights in",
        "Who to contact",
        "Next steps",
        "Free legal aid",
        "Compensation from the state",
        "Shelter",
        "Psychosocial support",
        "Legal advice",
        "Reviewed on",
        "Print this sheet",
    ):
        assert english not in sheet, english
    with translation.override("ro"):
        reviewer = gettext("Relais reference compilation (public sources)")
    assert reviewer in sheet
    # The English interface around the sheet stays English.
    assert "Rights navigator" in anonymous.get(url).content.decode()


def test_rights_sheet_print_carries_edition_date_language_and_note(
    knowledge, anonymous
):
    url = (
        "/en/knowledge/navigator/?identified_in=BE&nationality=RO&age=adult"
        "&exploitation=sexual&wish=return&cooperating=no&proceedings=no"
        "&sheet_language={sheet}"
    )
    with translation.override("ro"):
        today = format_day(date.today())
    sheet = _sheet(anonymous.get(url.format(sheet="ro")).content.decode())
    edition = re.search(r'<p class="meta sheet-edition">(.*?)</p>', sheet, re.S)
    assert edition is not None
    assert today in edition[1] and "română" in edition[1]
    assert "English text prevails" in edition[1] or "engleză" in edition[1]
    sheet = _sheet(anonymous.get(url.format(sheet="en")).content.decode())
    edition = re.search(r'<p class="meta sheet-edition">(.*?)</p>', sheet, re.S)
    assert edition is not None and "prevails" not in edition[1]


def test_handbook_pdf_edition_carries_note_date_and_language(
    knowledge, anonymous, monkeypatch
):
    rendered = {}

    def capture(html: str) -> bytes:
        rendered["html"] = html
        return b"%PDF-1.7 fictitious"

    monkeypatch.setattr(views, "html_to_pdf", capture)
    response = anonymous.get("/fr/knowledge/handbook/relais-handbook.pdf")
    assert response.status_code == 200
    assert "relais-handbook-fr.pdf" in response["Content-Disposition"]
    html = rendered["html"]
    assert '<html lang="fr">' in html
    latest = max(s.updated_at for s in HandbookSection.objects.all())
    with translation.override("fr"):
        edition_date = format_day(timezone.localtime(latest))
    info = re.search(r'<p class="edition-info">(.*?)</p>', html, re.S)
    assert info is not None
    assert edition_date in info[1] and "français" in info[1]
    assert "English text prevails" in info[1] or "anglais" in info[1]
    assert '<div class="handbook" lang="fr">' in html
    # The print edition carries the same.
    html = anonymous.get("/fr/knowledge/handbook/print/").content.decode()
    assert edition_date in html and '<div class="handbook" lang="fr">' in html


def test_french_reader_sees_the_translated_good_practice(knowledge, anonymous):
    html = anonymous.get(f"/fr/knowledge/practices/{PRACTICE}/").content.decode()
    assert '<h1 lang="fr">Des centres d&#x27;accueil spécialisés au cœur' in html
    assert '<p lang="fr">Les premiers intervenants' in html
    main = html[html.index("<main") : html.index("</main>")]
    assert NOTE in main and 'lang="en"' not in main


def test_check_translations_lists_what_is_out_of_date(tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    practices = json.loads((data / "practices.json").read_text(encoding="utf-8"))
    practices[0]["title"] = "A fictitious new English title"
    (data / "practices.json").write_text(json.dumps(practices), encoding="utf-8")
    _without(data, "nl", "legislation", "se-reflection")
    states = dict(translation_states("nl", data))
    assert states[f"practices/{PRACTICE}/title"] == "stale"
    assert states[f"practices/{PRACTICE}/context"] == "loaded"
    assert states["legislation/se-reflection"] == "missing"
    # Stamping records the current English: the item counts as current again.
    sources_stamp("nl", data)
    assert dict(translation_states("nl", data))[f"practices/{PRACTICE}/title"] == (
        "loaded"
    )


def test_rights_sheet_pdf_is_in_the_sheet_language_with_its_edition(
    knowledge, anonymous, monkeypatch
):
    query = (
        "identified_in=BE&nationality=RO&age=adult&exploitation=sexual"
        "&wish=return&cooperating=no&proceedings=no&sheet_language=ro"
    )
    page = anonymous.get(f"/en/knowledge/navigator/?{query}").content.decode()
    assert (
        f"/ro/knowledge/navigator/rights-sheet.pdf?{query}".replace("&", "&amp;")
        in page
    )

    response = anonymous.get(f"/en/knowledge/navigator/rights-sheet.pdf?{query}")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")

    rendered = {}

    def capture(html: str) -> bytes:
        rendered["html"] = html
        return b"%PDF-1.7 fictitious"

    monkeypatch.setattr(views, "html_to_pdf", capture)
    response = anonymous.get(f"/en/knowledge/navigator/rights-sheet.pdf?{query}")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "relais-rights-sheet-ro.pdf" in response["Content-Disposition"]
    html = rendered["html"]
    assert '<html lang="ro">' in html
    assert "Drepturi în Belgia" in html and "Asistență juridică gratuită" in html
    with translation.override("ro"):
        today = format_day(date.today())
    edition = re.search(r'<p class="meta sheet-edition">(.*?)</p>', html, re.S)
    assert edition is not None and today in edition[1] and "română" in edition[1]
    for english in ("Rights in", "Who to contact", "Next steps", "Your rights"):
        assert english not in html, english


def test_rights_sheet_pdf_with_missing_answers_goes_back_to_the_form(anonymous, db):
    response = anonymous.get("/en/knowledge/navigator/rights-sheet.pdf?age=adult")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/knowledge/navigator/?")


def test_french_texts_keep_french_punctuation_spacing():
    """The French handbook and summaries never break before : ; ! ? or inside « »."""
    breakable = re.compile(r" [:;!?»]|« ")
    french = DATA_DIR / "i18n" / "fr"
    texts = [path.read_text(encoding="utf-8") for path in french.rglob("*.md")]
    texts += [
        path.read_text(encoding="utf-8")
        for path in french.glob("*.json")
        if path.name != "sources.json"
    ]
    assert texts
    assert not [match for text in texts for match in breakable.findall(text)]


def test_a_law_is_cited_under_its_own_title_in_the_readers_language(
    knowledge, anonymous
):
    """A Belgian reader of French or Dutch reads the Aliens Act under its
    French or Dutch title, not an English description marked lang="en"."""
    url = "/{lang}/knowledge/legislation/be-reflection/"
    french = anonymous.get(url.format(lang="fr")).content.decode()
    heading = french[french.index("<h1") : french.index("</h1>")]
    assert "Loi du 15 décembre 1980" in heading
    assert 'lang="en"' not in heading
    dutch = anonymous.get(url.format(lang="nl")).content.decode()
    assert "Wet van 15 december 1980" in dutch[dutch.index("<h1") :]
    # An English reader keeps the English description.
    english = anonymous.get(url.format(lang="en")).content.decode()
    assert "Aliens Act" in english[english.index("<h1") :]


def test_the_rights_sheet_cites_in_the_sheet_language(knowledge, anonymous):
    url = (
        "/en/knowledge/navigator/?identified_in=BE&nationality=RO&age=adult"
        "&exploitation=sexual&wish=return&cooperating=no&proceedings=no"
        "&sheet_language=ro"
    )
    sheet = _sheet(anonymous.get(url).content.decode())
    citations = re.findall(r'<ul class="citations">(.*?)</ul>', sheet, re.DOTALL)
    assert citations
    text = " ".join(citations)
    assert "Directiva 2011/36/UE" in text
    assert "Directive 2011/36/EU" not in text
    assert 'lang="en"' not in text


def test_a_value_reads_in_the_readers_language(knowledge, anonymous):
    page = anonymous.get("/fr/knowledge/legislation/es-reflection/").content.decode()
    with translation.override("fr"):
        expected = translation.ngettext(
            "at least %(n)d day", "at least %(n)d days", 90
        ) % {"n": 90}
    assert f"<dd>{expected}</dd>" in page
    assert "90 days (minimum)" not in page


def test_a_swedish_section_reference_is_not_called_an_article(knowledge, anonymous):
    """Swedish law is cited by chapter and section ("4 kap. 1 a §"), never
    "art. 4 kap." nor "art. chapter 4"."""
    for lang, reference in (("en", "chapter 4, section 1a"), ("sv", "4 kap. 1 a §")):
        page = anonymous.get(f"/{lang}/knowledge/countries/SE/").content.decode()
        assert reference in page, lang
        assert not re.search(r"art\.\s*(<span[^>]*>)?" + re.escape(reference), page)
    # A numbered article keeps its "art.".
    french = anonymous.get("/fr/knowledge/countries/BE/").content.decode()
    assert re.search(r"art\.\s*(<span[^>]*>)?61/2", french)
