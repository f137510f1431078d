import json
from datetime import date

import pytest
from django.core.management import call_command

from relais.directory.models import (
    Address,
    Assurance,
    Attribute,
    ChangeRecord,
    Location,
    Organization,
    Phone,
    Service,
    TaxonomyTerm,
    VerificationState,
)
from relais.directory.services import (
    REFERENCE_ASSURER,
    REFERENCE_COMPILED_ON,
    REFERENCE_FILE,
    reference_load,
)

pytestmark = pytest.mark.django_db

# The command is run by the first two tests; the others look at what it loads,
# through the `reference` fixture (the same loader, loaded once for them all).

REFERENCE = json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))
MODELS = [Organization, Service, Location, Address, Phone, Attribute, TaxonomyTerm]


def counts():
    return {model.__name__: model._default_manager.count() for model in MODELS}


def test_loads_every_reference_organisation():
    call_command("load_reference")
    assert Organization.objects.filter(is_fictitious=False).count() == len(REFERENCE)


def test_loading_twice_creates_no_duplicates_and_changes_nothing():
    call_command("load_reference")
    first = counts()
    history = ChangeRecord.objects.count()
    ids = set(Organization.objects.values_list("id", flat=True))
    call_command("load_reference")
    assert counts() == first
    assert ChangeRecord.objects.count() == history
    assert set(Organization.objects.values_list("id", flat=True)) == ids


def test_keeps_source_notes_and_verified_flag(reference):
    for record in REFERENCE:
        org = Organization.objects.get(slug=record["id"])
        assert org.source_url == record["source_url"]
        assert org.additional_sources == (record["additional_sources"] or [])
        assert org.notes == (record["notes"] or "")
        assert org.source_verified is record["verified"]


def test_records_not_verified_in_their_source_are_shown_as_unverified(reference):
    unverified = [r["id"] for r in REFERENCE if not r["verified"]]
    assert unverified, "the reference file has unverified records"
    for slug in unverified:
        assert (
            Organization.objects.get(slug=slug).verification_state
            == VerificationState.UNVERIFIED
        )


def test_reference_services_are_tagged_with_the_service_vocabulary(reference):
    payoke = Organization.objects.get(slug="be-payoke")
    codes = set(
        Attribute.objects.filter(link_id__in=payoke.services.values("id")).values_list(
            "taxonomy_term__code", flat=True
        )
    )
    assert codes == {
        "shelter",
        "psychosocial_support",
        "legal_advice",
        "helpline",
        "training",
    }


def test_reference_phones_are_stored_in_e164_form(reference):
    for phone in Phone.objects.all():
        phone.full_clean()
        assert phone.number.startswith("+")


def test_an_edited_reference_record_is_updated_in_place(reference, tmp_path):
    changed = [dict(r) for r in REFERENCE]
    changed[0]["notes"] = "Changed note."
    path = tmp_path / "ref.json"
    path.write_text(json.dumps(changed), encoding="utf-8")
    from relais.directory.services import reference_load

    result = reference_load(path=path)
    assert (result.created, result.updated) == (0, 1)
    org = Organization.objects.get(slug=changed[0]["id"])
    assert org.notes == "Changed note."
    change = ChangeRecord.objects.get(
        resource_id=org.id, field_name="notes", last_action_type="update"
    )
    assert change.replacement_value == "Changed note."


def test_reference_listings_are_from_public_sources_never_verified(reference):
    for record in REFERENCE:
        if not record["verified"]:
            continue
        org = Organization.objects.get(slug=record["id"])
        assert org.assurance == Assurance.PUBLIC_SOURCES
        assert org.assured_date == REFERENCE_COMPILED_ON
        assert org.verification_state == VerificationState.PUBLIC_SOURCES


def test_loading_again_keeps_a_persons_confirmation(reference):
    Organization.objects.filter(slug="be-payoke").update(
        assurance=Assurance.CONFIRMED,
        assured_date=date(2026, 12, 1),
        assurer="Relais country coordinator (Belgium)",
    )
    reference_load()
    payoke = Organization.objects.get(slug="be-payoke")
    assert payoke.assurance == Assurance.CONFIRMED
    assert payoke.assured_date == date(2026, 12, 1)
    assert payoke.assurer == "Relais country coordinator (Belgium)"
    other = Organization.objects.exclude(slug="be-payoke").filter(
        assurer=REFERENCE_ASSURER
    )
    assert other.exists()
    assert not other.exclude(assurance=Assurance.PUBLIC_SOURCES).exists()
