"""The shipped law is cited from official texts, dated, and honest about gaps
(issue 17, "Law and rights")."""

import json
import re
from urllib.parse import urlparse

import pytest

from relais.knowledge.models import (
    CellStatus,
    HandbookSection,
    Provision,
    RightsCell,
    RightTopic,
)
from relais.knowledge.services import DATA_DIR

pytestmark = pytest.mark.django_db

COUNTRIES = ["BE", "RO", "ES", "BG", "SE"]

# The records corrected for issue 17 and the official publisher each now
# rests on (national gazette, the legislator's database or EUR-Lex).
OFFICIAL = {
    "es-reflection": "www.boe.es",
    "es-residence": "www.boe.es",
    "es-criminal": "www.boe.es",
    "es-non-punishment": "www.boe.es",
    "es-compensation": "www.boe.es",
    "be-criminal": "www.ejustice.just.fgov.be",
    "be-residence": "www.ejustice.just.fgov.be",
    "be-compensation": "www.ejustice.just.fgov.be",
    "se-compensation": "www.riksdagen.se",
    "se-legal-aid": "www.riksdagen.se",
    "ro-legal-aid": "legislatie.just.ro",
    "ro-compensation": "legislatie.just.ro",
    "eu-2011-36-overview": "eur-lex.europa.eu",
    "eu-2011-36-art8": "eur-lex.europa.eu",
    "eu-2011-36-art11": "eur-lex.europa.eu",
    "eu-2011-36-art12": "eur-lex.europa.eu",
    "eu-2011-36-art19-20": "eur-lex.europa.eu",
    "eu-2024-1712": "eur-lex.europa.eu",
    "eu-2012-29": "eur-lex.europa.eu",
    "eu-2009-52-art6": "eur-lex.europa.eu",
    # Bulgaria: the State Gazette, the Ministry of Justice's text of the Act it
    # administers, and the National Commission's own site.
    "bg-criminal": "dv.parliament.bg",
    "bg-compensation": "justice.government.bg",
    "bg-cthba": "antitraffic.government.bg",
    "bg-rapporteur": "antitraffic.government.bg",
}

PLACEHOLDERS = ("title not captured", "art. law", "not captured")


def test_corrected_records_rest_on_the_official_text(knowledge):
    for slug, domain in OFFICIAL.items():
        provision = Provision.objects.get(slug=slug)
        assert urlparse(provision.source_url).netloc == domain, slug


def test_secondary_sites_are_at_most_further_sources(knowledge):
    for provision in Provision.objects.filter(country="EU"):
        assert "ec.europa.eu/anti-trafficking" not in provision.source_url
        assert "wordscope" not in provision.source_url


def test_no_placeholder_is_shown_as_an_instrument_or_article(knowledge, anonymous):
    for provision in Provision.objects.all():
        shown = f"{provision} {provision.summary_en}".casefold()  # type: ignore[attr-defined]
        assert not any(p in shown for p in PLACEHOLDERS), provision.slug
        assert not provision.article.casefold().startswith(("law", "art")), (
            provision.slug
        )
    page = anonymous.get("/en/knowledge/legislation/").content.decode().casefold()
    assert not any(p in page for p in PLACEHOLDERS)


def test_every_country_has_a_cell_for_every_topic(knowledge):
    for code in [*COUNTRIES, "EU"]:
        cells = {c.topic: c for c in RightsCell.objects.filter(profile__code=code)}
        assert set(cells) == {t.value for t in RightTopic}, code
        for cell in cells.values():
            if cell.status == CellStatus.PUBLISHED:
                assert cell.citations.exists(), cell
            else:
                assert cell.status == CellStatus.UNDOCUMENTED, cell
                assert not cell.verified


def test_the_issue_17_topics_are_rows_of_the_matrix():
    topics = {t.value for t in RightTopic}
    assert {
        "interpretation",
        "victim_role",
        "offender_compensation",
        "protection",
        "non_punishment",
        "return",
        "children",
        "labour_rights",
        "social_aid",
        "health_care",
    } <= topics


def test_a_topic_without_national_rules_says_so_and_gives_the_eu_minimum(knowledge):
    cell = RightsCell.objects.get(profile__code="BE", topic="labour_rights")
    assert cell.status == CellStatus.PUBLISHED
    assert cell.text_en.startswith("The national rules are not yet documented here.")  # type: ignore[attr-defined]
    assert "EU minimum" in cell.text_en  # type: ignore[attr-defined]
    assert [p.slug for p in cell.citations.all()] == ["eu-2009-52-art6"]


def test_spain_reflection_period_is_at_least_90_days_and_unverified(knowledge):
    provision = Provision.objects.get(slug="es-reflection")
    assert provision.value == "90"
    assert "59 bis" in provision.article
    assert "8/2015" in provision.instrument
    assert provision.verified is False
    assert provision.notes  # says what is still to be checked
    cell = RightsCell.objects.get(profile__code="ES", topic="reflection_period")
    assert cell.value == 90
    assert cell.verified is False


def test_spain_residence_under_royal_decree_1155_2024(knowledge):
    provision = Provision.objects.get(slug="es-residence")
    assert "1155/2024" in provision.instrument
    assert "20 May 2025" in provision.instrument
    assert "personal situation" in provision.summary_en  # type: ignore[attr-defined]


def test_spain_state_aid_deadline_is_one_year(knowledge):
    provision = Provision.objects.get(slug="es-compensation")
    assert "Law 35/1995" in provision.instrument
    assert "within one year" in provision.summary_en  # type: ignore[attr-defined]


def test_sweden_compensation_deadline_and_counsel_for_trafficking(knowledge):
    compensation = Provision.objects.get(slug="se-compensation")
    assert "2014:322" in compensation.instrument
    assert "three years" in compensation.summary_en  # type: ignore[attr-defined]
    counsel = Provision.objects.get(slug="se-legal-aid")
    assert "1988:609" in counsel.instrument
    assert "trafficking" in counsel.summary_en  # type: ignore[attr-defined]
    # 1 § read in a reproduction, not on riksdagen.se: not yet verified.
    assert counsel.verified is False
    cell = RightsCell.objects.get(profile__code="SE", topic="victim_role")
    assert counsel in cell.citations.all()


def test_belgium_cites_the_new_criminal_code_and_the_1985_fund_law(knowledge):
    criminal = Provision.objects.get(slug="be-criminal")
    assert "29 February 2024" in criminal.instrument
    assert "433quinquies" in criminal.summary_en  # type: ignore[attr-defined]
    fund = Provision.objects.get(slug="be-compensation")
    assert "1 August 1985" in fund.instrument
    residence = Provision.objects.get(slug="be-residence")
    for duration in ("45 days", "3 months", "6 months", "unlimited"):
        assert duration in residence.summary_en  # type: ignore[attr-defined]


def test_bulgaria_cites_article_159a_and_the_compensation_act_as_in_force(
    knowledge, anonymous
):
    criminal = Provision.objects.get(slug="bg-criminal")
    assert criminal.article == "159a"
    assert "84 of 27 September 2013" in criminal.instrument
    assert "2 to 8 years" in criminal.summary_en  # type: ignore[attr-defined]
    assert "3 to 10 years" in criminal.summary_en  # type: ignore[attr-defined]
    compensation = Provision.objects.get(slug="bg-compensation")
    assert compensation.article == "3(3)"
    assert "84 of 6 October 2023" in compensation.instrument
    # Art. 1: other foreign nationals only for terrorism or under a treaty.
    assert "terrorism" in compensation.summary_en  # type: ignore[attr-defined]
    rapporteur = Provision.objects.get(slug="bg-rapporteur")
    assert not rapporteur.summary_en.startswith("No separate")  # type: ignore[attr-defined]
    assert "art. 19 of Directive 2011/36/EU" in rapporteur.summary_en  # type: ignore[attr-defined]
    # Read in reproductions, commentary or press only: nothing Bulgarian is verified.
    for provision in Provision.objects.filter(country="BG"):
        assert provision.verified is False, provision.slug
        assert "Unverified since 3 December 2026" in provision.notes, provision.slug
    html = anonymous.get("/en/knowledge/countries/bg/").content.decode()
    assert "https://justice.government.bg/home/normdoc/2135540550" in html


def test_eu_directive_amendment_and_its_transposition_deadline(knowledge):
    amendment = Provision.objects.get(slug="eu-2024-1712")
    assert "15 July 2026" in amendment.summary_en  # type: ignore[attr-defined]
    overview = Provision.objects.get(slug="eu-2011-36-overview")
    assert "2024/1712" in overview.instrument


def test_eu_citizens_are_told_assistance_does_not_depend_on_nationality(knowledge):
    for code in COUNTRIES:
        cell = RightsCell.objects.get(profile__code=code, topic="eu_and_third_country")
        assert "do not depend on nationality" in cell.text_en  # type: ignore[attr-defined]
        assert "art. 11" in cell.text_en  # type: ignore[attr-defined]


def test_compare_page_shows_the_new_topics_and_what_is_not_documented(
    knowledge, anonymous
):
    response = anonymous.get("/en/knowledge/compare/?country=RO&country=BE")
    assert response.status_code == 200
    html = response.content.decode()
    for label in (
        "Interpretation and translation",
        "The victim&#x27;s role in the proceedings and civil-party claims",
        "Protection",
        "Labour rights and back pay",
        "Return",
        "Children and guardianship",
    ):
        assert label in html, label
    row = re.search(r'<tr id="return">(.*?)</tr>', html, re.S)
    assert row is not None
    assert row.group(1).count("Not documented") == 2  # Romania and Belgium
    labour = re.search(r'<tr id="labour_rights">(.*?)</tr>', html, re.S)
    assert labour is not None
    assert "Directive 2009/52/EC" in labour.group(1)


def test_handbook_cites_gdpr_article_10_for_criminal_offence_data(knowledge):
    section = HandbookSection.objects.get(slug="why-it-matters-more-here")
    assert "GDPR art. 10" in section.body_en  # type: ignore[attr-defined]
    assert "criminal proceedings is special-category" not in section.body_en  # type: ignore[attr-defined]


def test_every_legislation_link_in_the_handbook_exists():
    slugs = {
        r["id"] for r in json.loads((DATA_DIR / "legislation.json").read_text("utf-8"))
    }
    for chapter in (DATA_DIR / "handbook").glob("*.md"):
        for slug in re.findall(r"\(legislation:([a-z0-9-]+)\)", chapter.read_text()):
            assert slug in slugs, (chapter.name, slug)


def test_offender_compensation_is_national_where_known_else_not_documented(
    knowledge,
):
    sweden = RightsCell.objects.get(profile__code="SE", topic="offender_compensation")
    assert sweden.text_en.startswith("The injured party's counsel")  # type: ignore[attr-defined]
    assert "EU minimum" in sweden.text_en  # type: ignore[attr-defined]
    belgium = RightsCell.objects.get(profile__code="BE", topic="offender_compensation")
    assert belgium.text_en.startswith("The national rules are not yet documented")  # type: ignore[attr-defined]
    assert "decision on compensation by the offender" in belgium.text_en  # type: ignore[attr-defined]


def test_spain_profile_shows_90_days_as_unverified(knowledge, anonymous):
    html = anonymous.get("/en/knowledge/countries/es/").content.decode()
    row = re.search(r'<tr id="reflection_period">(.*?)</tr>', html, re.S)
    assert row is not None
    assert "90 days" in row.group(1)
    assert "Unverified" in row.group(1)
    assert "https://www.boe.es/buscar/act.php?id=BOE-A-2000-544" in row.group(1)


OFFICIAL_PUBLISHERS = (
    "eur-lex.europa.eu",
    "boe.es",
    "ejustice.just.fgov.be",
    "riksdagen.se",
    "legislatie.just.ro",
    "dv.parliament.bg",
    "myria.be",
    "anitp.mai.gov.ro",
)


def test_verified_means_read_in_the_official_text():
    """A record read only in a reproduction or a secondary page stays unverified."""
    import json
    import re
    from urllib.parse import urlparse

    from relais.knowledge.services import DATA_DIR

    records = json.loads((DATA_DIR / "legislation.json").read_text(encoding="utf-8"))
    second_hand = re.compile(r"reproduction|seen through|not read|commentary", re.I)
    for record in records:
        if not record["verified"]:
            continue
        host = urlparse(record["source_url"]).hostname or ""
        assert host.endswith(OFFICIAL_PUBLISHERS), record["id"]
        assert not second_hand.search(record.get("notes") or ""), record["id"]
    assert any(r["verified"] for r in records)


def test_spain_state_aid_does_not_promise_aid_to_every_foreign_victim(knowledge):
    """Law 35/1995's conditions of nationality or residence were not read in
    the BOE (4 December 2026): the summary says so instead of implying that any
    trafficking victim qualifies, in English and in the translations."""
    provision = Provision.objects.get(slug="es-compensation")
    assert "nationality or residence" in provision.summary_en  # type: ignore[attr-defined]
    assert "not yet been confirmed" in provision.summary_en  # type: ignore[attr-defined]
    assert "nacionalidad o la residencia" in provision.summary_es  # type: ignore[attr-defined]
    assert "nationalité ou la résidence" in provision.summary_fr  # type: ignore[attr-defined]
    assert provision.verified is False
    assert "BOE-A-1995-26714" in provision.notes  # the identifier to settle


def test_spain_non_punishment_requires_a_direct_consequence(knowledge):
    provision = Provision.objects.get(slug="es-non-punishment")
    assert "direct consequence" in provision.summary_en  # type: ignore[attr-defined]
    assert "consecuencia directa" in provision.summary_es  # type: ignore[attr-defined]
    assert provision.verified is False  # art. 177 bis(11) not read on the BOE


def test_romania_legal_aid_and_compensation_articles_are_marked_to_confirm(knowledge):
    """Arts 14 and 21 of Law 211/2004 come from a secondary report of Law
    272/2024: shown with a pointer to the note, never as verified."""
    legal_aid = Provision.objects.get(slug="ro-legal-aid")
    assert "14 (see note)" in legal_aid.article
    compensation = Provision.objects.get(slug="ro-compensation")
    assert compensation.article == "21 (see note)"
    for provision in (legal_aid, compensation):
        assert provision.verified is False
        assert "legislatie.just.ro" in provision.notes
