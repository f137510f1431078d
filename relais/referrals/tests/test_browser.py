"""The journey Brussels → Bucharest in a real browser, in French and Romanian,
with axe-core on every referral page (0 serious or critical findings)."""

import datetime

import pytest

from relais.accounts.models import Membership, Role, User
from relais.directory.services import vocabularies_sync
from relais.directory.tests.factories import OrganizationFactory
from relais.directory.tests.test_browser import (  # noqa: F401 - fixtures
    browser,
    browser_page,
    serious_violations,
)
from relais.referrals.models import Referral, Status
from relais.verification.tests.test_browser import signed_in

from .conftest import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submit(page, form_selector):
    page.locator(f"{form_selector} button[type=submit]").first.click()
    page.wait_for_load_state()


def test_brussels_refers_to_a_bucharest_lawyer_and_both_follow_it_to_the_end(
    live_server,
    browser,  # noqa: F811
):
    vocabularies_sync()
    brussels = OrganizationFactory(
        name="Fictitious Brussels NGO", slug="fictitious-brussels-ngo", country="BE"
    )
    lawyer = OrganizationFactory(
        name="Fictitious Bucharest Lawyer",
        slug="fictitious-bucharest-lawyer",
        country="RO",
        accepts_referrals_from_abroad=True,
    )
    social_worker = User.objects.create_user("sw.be@example.org", "fictitious-pw-1")
    Membership.objects.create(
        user=social_worker, organization=brussels, role=Role.MEMBER
    )
    avocat = User.objects.create_user("lawyer.ro@example.org", "fictitious-pw-2")
    Membership.objects.create(user=avocat, organization=lawyer, role=Role.MEMBER)
    base = live_server.url
    checked = []

    def axe(page):
        checked.append(page.url)
        assert serious_violations(page) == [], page.url

    # Brussels, in French: find the lawyer, refer, record consent, send.
    be = signed_in(browser, live_server, social_worker)
    be.goto(f"{base}/fr/countries/ro/")
    be.locator(f"a[href$='/{lawyer.slug}/']").first.click()
    be.wait_for_url(f"**/{lawyer.slug}/")
    be.locator(f"a[href*='to={lawyer.pk}']").click()
    be.wait_for_url("**to=**")
    axe(be)
    be.locator("input[name=purposes][value=legal_advice]").check()
    be.locator("input[name=purposes][value=compensation]").check()
    be.locator("#id_person-given_name").fill("Fictive")
    be.locator("#id_person-age_band").select_option("25-34")
    be.locator("#id_person-situation").fill("Situation fictive pour le test.")
    submit(be, "main form[method=post]")
    be.wait_for_url("**/consent/")
    axe(be)
    be.locator("#id_given_on").fill(datetime.date.today().isoformat())
    be.locator("#id_language").fill("ro")
    be.locator("#id_method").select_option("signed_form")
    submit(be, "main form[method=post]")
    referral = Referral.objects.get()
    be.wait_for_url(f"**/fr/referrals/{referral.pk}/")
    axe(be)
    be.locator(
        "form[action$='/status/']:has(input[name=action][value=send]) button"
    ).click()
    be.wait_for_load_state()
    assert Referral.objects.get().status == Status.SENT

    # Bucharest, in Romanian: accept, answer with a document.
    ro = signed_in(browser, live_server, avocat)
    ro.goto(f"{base}/ro/referrals/")
    axe(ro)
    ro.locator(f"a[href='/ro/referrals/{referral.pk}/']").first.click()
    ro.wait_for_url(f"**/ro/referrals/{referral.pk}/")
    assert "Situation fictive" in ro.content()
    axe(ro)
    ro.locator(
        "form[action$='/status/']:has(input[name=action][value=accept]) button"
    ).click()
    ro.wait_for_load_state()
    assert Referral.objects.get().status == Status.ACCEPTED
    ro.locator("#id_body").fill("Am primit dosarul; vă trimitem mandatul.")
    ro.locator("#id_document").set_input_files(
        files=[{"name": "mandat.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    submit(ro, "form[action$='/messages/']")
    assert "mandat.pdf" in ro.content()
    axe(ro)

    # Brussels sets the hearing; both see it.
    be.goto(f"{base}/fr/referrals/{referral.pk}/")
    assert "mandat.pdf" in be.content()
    hearing = datetime.date.today() + datetime.timedelta(days=40)
    be.locator("#id_kind").select_option("hearing")
    be.locator("#id_date").fill(hearing.isoformat())
    be.locator("#id_time").fill("09:30")
    be.locator("#id_country").select_option("BE")
    submit(be, "form[action$='/deadlines/']")
    axe(be)
    assert Referral.objects.get().deadlines.count() == 1

    # Bucharest closes with an outcome; the shared timeline shows every step.
    ro.goto(f"{base}/ro/referrals/{referral.pk}/")
    ro.locator(
        "form[action$='/status/']:has(input[name=action][value=start]) button"
    ).click()
    ro.wait_for_load_state()
    ro.locator("#outcome-close").select_option("assisted")
    ro.locator(
        "form[action$='/status/']:has(input[name=action][value=close]) button"
    ).click()
    ro.wait_for_load_state()
    closed = Referral.objects.get()
    assert (closed.status, closed.outcome) == (Status.CLOSED, "assisted")
    axe(ro)
    assert ro.locator("ol.timeline li").count() == 8

    # The other referral pages, in both languages.
    for page, language in [(be, "fr"), (ro, "ro")]:
        for path in [
            "referrals/new/?country=RO&purpose=legal_advice",
            f"referrals/{referral.pk}/readers/",
            "referrals/statistics/",
            "referrals/calendar/",
            "referrals/consent-form/?lang=ro",
        ]:
            page.goto(f"{base}/{language}/{path}")
            axe(page)
    assert len(checked) >= 16
