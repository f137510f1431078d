"""An owner proposes, the coordinator of the listing's country decides."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from relais.accounts.models import Membership, Role
from relais.audit.models import AuditEntry
from relais.conftest import verified_client_for
from relais.directory.models import (
    Assurance,
    Attribute,
    ChangeRecord,
    Organization,
    VerificationState,
)
from relais.directory.search import SearchQuery, index_update, search
from relais.directory.services import REFERENCE_ASSURER
from relais.directory.tests.factories import (
    AddressFactory,
    LanguageFactory,
    PhoneFactory,
    ServiceFactory,
    tag,
)
from relais.verification.audit_actions import VerificationAction
from relais.verification.models import ListingChangeRequest, ReviewStatus

from .helpers import edit_post

pytestmark = pytest.mark.django_db


def audit_count(action):
    return AuditEntry.objects.filter(action=action).count()


@pytest.fixture
def listing_a(vocabularies, org_a, today):
    Organization.objects.filter(pk=org_a.pk).update(
        assured_date="2026-01-10", assurer="Somebody earlier"
    )
    AddressFactory(location__organization=org_a, city="Antwerpen")
    PhoneFactory(organization=org_a, number="+3232011690")
    tag(
        ServiceFactory(organization=org_a, name_en="Legal advice"),
        "service",
        "legal_advice",
    )
    LanguageFactory(service__organization=org_a, code="ro")
    tag(org_a, "exploitation_form", "labour")
    index_update([org_a.pk])
    org_a.refresh_from_db()
    return org_a


def review_url(change_request):
    return reverse("verification:change_review", args=[change_request.pk])


def test_full_flow_from_proposal_to_approved_listing(
    clients, people, listing_a, today, mailoutbox
):
    response = edit_post(
        clients["admin_a"],
        listing_a,
        name="Fictitious Org A Renamed",
        website="https://renamed.example.org/",
        email="desk@example.org",
        languages="ro, Bulgarian",
        **{
            "phones-1-number": "+32 2 555 01 23",
            "phones-1-description": "Night line",
            "phones-1-professionals_only": "on",
            "services": ["legal_advice", "shelter"],
            "exploitation_forms": ["sexual"],
            "target_groups": ["children"],
            "accepts_referrals_from_abroad": "yes",
            "city": "Gent",
            "postal_code": "9000",
        },
    )
    assert response.status_code == 302
    listing_a.refresh_from_db()
    assert listing_a.name == "Fictitious Org A"  # nothing is live yet
    change = ListingChangeRequest.objects.get(organization=listing_a)
    assert change.status == ReviewStatus.PENDING
    assert audit_count(VerificationAction.LISTING_CHANGE_PROPOSED) == 1

    # The coordinator is told that something waits, and nothing more.
    [notice] = mailoutbox
    assert notice.to == [people["coordinator_be"].email]
    assert reverse("verification:coordination") in notice.body
    for detail in ("Fictitious Org A", people["admin_a"].email, "Gent"):
        assert detail not in notice.body and detail not in notice.subject

    coordinator = clients["coordinator_be"]
    dashboard = coordinator.get(reverse("verification:coordination")).content.decode()
    assert review_url(change) in dashboard
    page = coordinator.get(review_url(change)).content.decode()
    assert "Fictitious Org A" in page and "Fictitious Org A Renamed" in page
    assert "Antwerpen" in page and "Gent" in page
    assert "Bulgarian" in page and "Night line" in page

    response = coordinator.post(review_url(change), {"decision": "approve"})
    assert response.status_code == 302
    listing_a.refresh_from_db()
    assert listing_a.name == "Fictitious Org A Renamed"
    assert listing_a.website == "https://renamed.example.org/"
    assert listing_a.accepts_referrals_from_abroad is True
    assert listing_a.assured_date == today
    assert listing_a.assurer == "Relais country coordinator (Belgium)"
    assert listing_a.locations.get().addresses.get().city == "Gent"
    phones = {p.number: p.visibility for p in listing_a.phones.all()}
    assert phones == {"+3232011690": "public", "+3225550123": "professionals"}
    services = set(
        Attribute.objects.filter(
            link_entity="service", link_id__in=listing_a.services.values("pk")
        ).values_list("taxonomy_term__code", flat=True)
    )
    assert services == {"legal_advice", "shelter"}
    forms = set(
        Attribute.objects.filter(link_id=listing_a.pk).values_list(
            "taxonomy_term__code", flat=True
        )
    )
    assert forms == {"sexual", "children"}
    detail = clients["member_a"].get(listing_a.get_absolute_url()).content.decode()
    assert "Bulgarian" in detail and "Romanian" in detail

    history = ChangeRecord.objects.filter(resource_id=listing_a.pk)
    name_change = history.get(field_name="name")
    assert (name_change.previous_value, name_change.replacement_value) == (
        "Fictitious Org A",
        "Fictitious Org A Renamed",
    )
    assert history.filter(field_name="assured_date").exists()
    assert [h.organization.name for h in search(SearchQuery(q="renamed")).hits] == [
        "Fictitious Org A Renamed"
    ]
    assert audit_count(VerificationAction.LISTING_CHANGE_APPROVED) == 1

    assert len(mailoutbox) == 2
    mail = mailoutbox[1]
    assert mail.to == [people["admin_a"].email]
    assert listing_a.get_absolute_url() in mail.body
    for personal in (people["admin_a"].email, people["coordinator_be"].email):
        assert personal not in mail.body and personal not in mail.subject
    assert "Fictitious Org A" not in mail.body


def test_rejection_needs_a_reason_and_the_owner_reads_it(
    clients, people, listing_a, mailoutbox
):
    edit_post(clients["admin_a"], listing_a, name="Fictitious Typo Name")
    change = ListingChangeRequest.objects.get()
    coordinator = clients["coordinator_be"]

    response = coordinator.post(review_url(change), {"decision": "reject"})
    assert response.status_code == 400
    assert "Say why" in response.content.decode()
    change.refresh_from_db()
    assert change.status == ReviewStatus.PENDING
    assert audit_count(VerificationAction.LISTING_CHANGE_REJECTED) == 0

    reason = "The name has a typo; please check the spelling."
    response = coordinator.post(
        review_url(change), {"decision": "reject", "reason": reason}
    )
    assert response.status_code == 302
    change.refresh_from_db()
    assert (change.status, change.reason) == (ReviewStatus.REJECTED, reason)
    listing_a.refresh_from_db()
    assert listing_a.name == "Fictitious Org A"
    assert audit_count(VerificationAction.LISTING_CHANGE_REJECTED) == 1
    assert len(mailoutbox) == 2 and reason not in mailoutbox[1].body
    edit_page = clients["admin_a"].get(
        reverse("verification:listing_edit", args=[listing_a.slug])
    )
    assert reason in edit_page.content.decode()


def test_the_owner_confirms_the_listing_is_still_accurate(
    clients, listing_a, today, mailoutbox
):
    response = clients["admin_a"].post(
        reverse("verification:listing_confirm", args=[listing_a.slug])
    )
    assert response.status_code == 302
    change = ListingChangeRequest.objects.get()
    assert change.kind == ListingChangeRequest.Kind.CONFIRMATION
    listing_a.refresh_from_db()
    assert str(listing_a.assured_date) == "2026-01-10"

    clients["coordinator_be"].post(review_url(change), {"decision": "approve"})
    listing_a.refresh_from_db()
    assert listing_a.assured_date == today
    assert listing_a.name == "Fictitious Org A"
    assert audit_count(VerificationAction.LISTING_CHANGE_APPROVED) == 1
    # The coordinator was told of the confirmation; the owner of the decision.
    assert [m.to for m in mailoutbox] == [
        ["coordinator.be@example.org"],
        ["admin.a@example.org"],
    ]


def test_an_unchanged_form_is_refused_with_a_clear_message(clients, listing_a):
    response = edit_post(clients["admin_a"], listing_a)
    assert response.status_code == 400
    assert "Nothing was changed" in response.content.decode()
    assert not ListingChangeRequest.objects.exists()
    assert audit_count(VerificationAction.LISTING_CHANGE_PROPOSED) == 0


def test_bad_input_keeps_what_was_typed(clients, listing_a):
    response = edit_post(
        clients["admin_a"],
        listing_a,
        name="Fictitious Kept Name",
        website="not a web address",
        **{"phones-1-number": "12"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Fictitious Kept Name" in body
    assert "Enter a phone number in international form" in body
    assert not ListingChangeRequest.objects.exists()


def test_a_second_proposal_replaces_the_pending_one(clients, listing_a):
    edit_post(clients["admin_a"], listing_a, name="Fictitious First Try")
    edit_post(clients["admin_a"], listing_a, website="https://second.example.org/")
    change = ListingChangeRequest.objects.get()
    assert change.proposed["name"] == "Fictitious First Try"
    assert set(change.changed_fields) == {"name", "website"}


def test_approval_applies_only_what_the_owner_changed(clients, listing_a):
    edit_post(clients["admin_a"], listing_a, name="Fictitious Owner Name")
    Organization.objects.filter(pk=listing_a.pk).update(
        website="https://staff.example/"
    )
    change = ListingChangeRequest.objects.get()
    clients["coordinator_be"].post(review_url(change), {"decision": "approve"})
    listing_a.refresh_from_db()
    assert listing_a.name == "Fictitious Owner Name"
    assert listing_a.website == "https://staff.example/"


def test_a_decision_is_taken_once(clients, listing_a):
    edit_post(clients["admin_a"], listing_a, name="Fictitious Once")
    change = ListingChangeRequest.objects.get()
    clients["coordinator_be"].post(review_url(change), {"decision": "approve"})
    response = clients["platform_admin"].post(
        review_url(change), {"decision": "reject", "reason": "Too late"}
    )
    assert response.status_code == 400
    assert "already been decided" in response.content.decode()
    change.refresh_from_db()
    assert change.status == ReviewStatus.APPROVED
    assert audit_count(VerificationAction.LISTING_CHANGE_REJECTED) == 0


def test_a_coordinator_does_not_approve_their_own_proposal(people, listing_a):
    coordinator = people["coordinator_be"]
    Membership.objects.create(
        user=coordinator, organization=listing_a, role=Role.ORGANISATION_ADMIN
    )
    client = verified_client_for(coordinator)
    edit_post(client, listing_a, name="Fictitious Self Approved")
    change = ListingChangeRequest.objects.get()
    assert (
        "You proposed this yourself" in client.get(review_url(change)).content.decode()
    )
    assert client.post(review_url(change), {"decision": "approve"}).status_code == 404
    listing_a.refresh_from_db()
    assert listing_a.name == "Fictitious Org A"


def test_a_coordinators_confirmation_verifies_a_listing_from_public_sources(
    clients, anonymous, listing_a, today
):
    Organization.objects.filter(pk=listing_a.pk).update(
        assurance=Assurance.PUBLIC_SOURCES, assurer=REFERENCE_ASSURER
    )
    index_update([listing_a.pk])
    page = anonymous.get(listing_a.get_absolute_url()).content.decode()
    assert "From public sources, not yet confirmed (10 January 2026)" in page
    assert "Verified" not in page

    clients["admin_a"].post(
        reverse("verification:listing_confirm", args=[listing_a.slug])
    )
    change = ListingChangeRequest.objects.get()
    clients["coordinator_be"].post(review_url(change), {"decision": "approve"})

    listing_a.refresh_from_db()
    assert listing_a.assurance == Assurance.CONFIRMED
    assert listing_a.verification_state == VerificationState.VERIFIED
    page = anonymous.get(listing_a.get_absolute_url()).content.decode()
    assert "Verified on 15 June 2027 by Relais country coordinator (Belgium)" in page
    assert "From public sources" not in page
    found = search(SearchQuery(verification=["verified"]))
    assert [hit.organization.pk for hit in found.hits] == [listing_a.pk]


def test_an_owner_adds_a_short_number_dialled_in_the_listings_country(
    clients, listing_a
):
    response = edit_post(
        clients["admin_a"],
        listing_a,
        **{"phones-1-number": "116 000", "phones-1-description": "Missing children"},
    )
    assert response.status_code == 302
    change = ListingChangeRequest.objects.get()
    clients["coordinator_be"].post(review_url(change), {"decision": "approve"})
    phone = listing_a.phones.get(number="116000")
    assert phone.country == "BE"
    body = Client().get(listing_a.get_absolute_url()).content.decode()
    assert '<a href="tel:116000">116 000</a>' in body
    assert "only from within Belgium" in body


def test_a_french_owner_edits_the_french_description_of_a_phone(clients, listing_a):
    phone = listing_a.phones.get()
    phone.description_en = "Fictitious office line"
    phone.save()
    with translation.override("fr"):
        form = clients["admin_a"].get(
            reverse("verification:listing_edit", args=[listing_a.slug])
        )
        phone_form = form.context["phones"].forms[0]
        # The English text is not offered as the French one, and the label
        # says which language is edited.
        assert phone_form.initial["description"] == ""
        assert "français" in phone_form.fields["description"].label
        response = edit_post(
            clients["admin_a"],
            listing_a,
            **{"phones-0-description": "Ligne de bureau fictive"},
        )
    assert response.status_code == 302
    change = ListingChangeRequest.objects.get()
    clients["coordinator_be"].post(review_url(change), {"decision": "approve"})
    phone.refresh_from_db()
    assert phone.description_fr == "Ligne de bureau fictive"
    assert phone.description_en == "Fictitious office line"


def test_a_short_number_on_a_listing_without_country_gets_a_clear_error(
    clients, listing_a
):
    Organization.objects.filter(pk=listing_a.pk).update(country="")
    response = edit_post(clients["admin_a"], listing_a, **{"phones-1-number": "112"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "can only be dialled inside one country" in body
    assert 'value="112"' in body
    assert not ListingChangeRequest.objects.exists()


def test_a_number_neither_international_nor_short_is_refused(clients, listing_a):
    response = edit_post(
        clients["admin_a"], listing_a, **{"phones-1-number": "1161110"}
    )
    assert response.status_code == 400
    assert "or a short number of 3 to 6 digits" in response.content.decode()
    assert not ListingChangeRequest.objects.exists()
