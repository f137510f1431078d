"""After the event: materials, feedback, certificates, links to the knowledge base."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from relais.events import selectors
from relais.events.models import Feedback, Material

from .factories import RegistrationFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def past_event(event):
    now = timezone.now()
    event.starts_at = now - timedelta(days=2)
    event.ends_at = now - timedelta(days=1)
    event.save()
    return event


def _upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_organiser_adds_a_pdf_and_a_link(past_event, clients, anonymous):
    url = f"/en/events/{past_event.slug}/materials/"
    response = clients["admin_a"].post(
        url, {"title": "Fictitious slides", "pdf": _upload("s.pdf", PDF)}
    )
    assert response.status_code == 302
    clients["admin_a"].post(
        url,
        {
            "title": "Fictitious recording",
            "url": "https://example.org/rec",
            "participants_only": "on",
        },
    )
    html = anonymous.get(f"/en/events/{past_event.slug}/").content.decode()
    assert "Fictitious slides" in html
    assert "Fictitious recording" not in html  # participants only
    pdf = Material.objects.get(title="Fictitious slides")
    response = anonymous.get(f"/en/events/{past_event.slug}/materials/{pdf.pk}.pdf")
    assert response.content == PDF


def test_material_refuses_a_file_that_is_not_a_pdf(past_event, clients):
    response = clients["admin_a"].post(
        f"/en/events/{past_event.slug}/materials/",
        {"title": "Fictitious", "pdf": _upload("x.pdf", b"MZ not a pdf")},
    )
    assert response.status_code == 400
    assert "not a PDF" in response.content.decode()
    assert not Material.objects.exists()


def test_outsiders_cannot_add_materials(past_event, clients, anonymous):
    url = f"/en/events/{past_event.slug}/materials/"
    data = {"title": "Fictitious", "url": "https://example.org/"}
    assert anonymous.post(url, data).status_code == 302
    assert clients["admin_b"].post(url, data).status_code == 403
    assert clients["member_a"].post(url, data).status_code == 403
    assert not Material.objects.exists()


def test_participant_gives_feedback_once(past_event, anonymous):
    registration = RegistrationFactory(event=past_event, attended=True)
    url = f"/en/events/registration/{selectors.registration_token(registration)}/"
    assert "How useful was the event" in anonymous.get(url).content.decode()
    anonymous.post(url, {"action": "feedback", "usefulness": "5", "comment": "Good."})
    response = anonymous.post(
        url, {"action": "feedback", "usefulness": "1", "comment": "Again"}, follow=True
    )
    assert "already received" in response.content.decode()
    assert list(Feedback.objects.values_list("usefulness", flat=True)) == [5]


def test_feedback_is_refused_before_the_event(event, anonymous):
    registration = RegistrationFactory(event=event)
    url = f"/en/events/registration/{selectors.registration_token(registration)}/"
    response = anonymous.post(
        url, {"action": "feedback", "usefulness": "5"}, follow=True
    )
    assert "opens once the event is over" in response.content.decode()
    assert not Feedback.objects.exists()


def test_certificate_is_a_pdf_in_the_participant_language(past_event, anonymous):
    from pypdf import PdfReader

    registration = RegistrationFactory(
        event=past_event, name="Fictitious Ioana", language="ro", attended=True
    )
    token = selectors.registration_token(registration)
    response = anonymous.get(f"/en/events/registration/{token}/certificate.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = reader.pages[0].extract_text()
    assert "Fictitious Ioana" in text
    assert "Avocat" in text  # the profession, in Romanian
    assert reader.trailer["/Root"]["/Lang"] == "ro"  # type: ignore[index]
    assert past_event.title_en in text


def test_no_certificate_without_attendance(past_event, anonymous):
    registration = RegistrationFactory(event=past_event, attended=False)
    token = selectors.registration_token(registration)
    response = anonymous.get(f"/en/events/registration/{token}/certificate.pdf")
    assert response.status_code == 404
    assert "mark you present" in response.content.decode()


def test_event_links_to_the_good_practices_and_handbook_it_discussed(event, anonymous):
    from relais.knowledge.tests.factories import GoodPracticeFactory

    practice = GoodPracticeFactory()
    event.good_practices.add(practice)
    html = anonymous.get(f"/en/events/{event.slug}/").content.decode()
    assert practice.get_absolute_url() in html


def test_participants_only_pdf_is_for_participants_and_organisers(
    past_event, clients, anonymous, people
):
    material = Material.objects.create(
        event=past_event, title="Fictitious handout", pdf=PDF, participants_only=True
    )
    RegistrationFactory(
        event=past_event, user=people["member_b"], email=people["member_b"].email
    )
    url = f"/en/events/{past_event.slug}/materials/{material.pk}.pdf"
    assert anonymous.get(url).status_code == 403
    assert clients["admin_b"].get(url).status_code == 403
    assert clients["member_b"].get(url).content == PDF
    assert clients["admin_a"].get(url).content == PDF
    html = clients["member_b"].get(f"/en/events/{past_event.slug}/").content.decode()
    assert "Fictitious handout" in html


def test_forged_participant_links_are_404s(anonymous):
    for path in ("", "certificate.pdf", "confirm/"):
        response = anonymous.get(f"/en/events/registration/forged-token/{path}")
        assert response.status_code == 404
        assert "This registration link is not valid." in response.content.decode()
