"""`relais load-knowledge` loads the reference legislation with its sources."""

import json

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from relais.knowledge.models import (
    CountryProfile,
    HandbookChapter,
    HandbookSection,
    Provision,
    RightsCell,
)
from relais.knowledge.services import DATA_DIR, EDITORS_GROUP, knowledge_load

pytestmark = pytest.mark.django_db

RECORDS = json.loads((DATA_DIR / "legislation.json").read_text(encoding="utf-8"))


def test_every_record_keeps_its_source_as_of_notes_and_verified_flag(knowledge):
    assert Provision.objects.count() == len(RECORDS)
    for record in RECORDS:
        provision = Provision.objects.get(slug=record["id"])
        assert provision.source_url == record["source_url"]
        assert provision.additional_sources == (record["additional_sources"] or [])
        assert provision.as_of == record["as_of"]
        assert provision.notes == (record["notes"] or "")
        assert provision.verified is record["verified"]
        assert provision.summary_en == record["summary"]


def test_loading_twice_changes_nothing(knowledge):
    counts = (RightsCell.objects.count(), HandbookSection.objects.count())
    again = knowledge_load()
    assert again.changed == 0
    assert (RightsCell.objects.count(), HandbookSection.objects.count()) == counts


def test_five_countries_and_the_eu_have_a_profile(knowledge):
    codes = set(CountryProfile.objects.values_list("code", flat=True))
    assert codes == {"BE", "RO", "ES", "BG", "SE", "EU"}


def test_every_published_cell_cites_a_source(knowledge):
    published = RightsCell.objects.filter(status="published")
    assert published.count() > 60
    for cell in published:
        assert cell.citations.exists(), cell
        assert cell.text_en.strip(), cell


def test_a_cell_resting_on_an_unverified_record_is_unverified(knowledge):
    cell = RightsCell.objects.get(profile__code="ES", topic="reflection_period")
    assert cell.verified is False
    assert cell.value == 90
    belgium = RightsCell.objects.get(profile__code="BE", topic="reflection_period")
    assert belgium.value == 45
    # Its wording was not read on the official text (Justel): unverified too.
    assert belgium.verified is False
    # Arts 19-20 of Directive 2011/36/EU were read on EUR-Lex.
    rapporteur = RightsCell.objects.get(profile__code="EU", topic="national_rapporteur")
    assert rapporteur.verified is True


def test_rows_without_any_source_are_marked_not_documented(knowledge):
    returns = RightsCell.objects.filter(topic="return")
    assert {c.status for c in returns} == {"undocumented"}
    assert not any(c.citations.exists() for c in returns)


def test_unverified_record_is_shown_as_unverified(knowledge, anonymous):
    page = anonymous.get("/en/knowledge/legislation/es-reflection/").content.decode()
    assert "Unverified: not yet confirmed against the official text" in page
    page = anonymous.get(
        "/en/knowledge/legislation/eu-2011-36-overview/"
    ).content.decode()
    assert "Unverified" not in page


def test_first_handbook_edition_has_the_eleven_chapters(knowledge):
    assert HandbookChapter.objects.count() == 11
    assert HandbookSection.objects.count() >= 30


def test_handbook_cites_only_existing_legislation_entries(knowledge):
    import re

    slugs = set(Provision.objects.values_list("slug", flat=True))
    for section in HandbookSection.objects.all():
        for slug in re.findall(r"\(legislation:([a-z0-9-]+)\)", section.body_en):
            assert slug in slugs, (section, slug)


def test_editors_group_holds_the_knowledge_permissions(knowledge):
    group = Group.objects.get(name=EDITORS_GROUP)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"change_rightscell", "change_handbooksection"} <= codenames


def test_command_reports_what_it_loaded(reference, capsys):
    call_command("load_knowledge")
    assert f"{len(RECORDS)} legislation entries" in capsys.readouterr().out
