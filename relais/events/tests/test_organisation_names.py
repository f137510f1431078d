"""Organisers named on event pages as elsewhere: the reader's own-language
name first (`Organization.display_name`), marked with its language."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from relais.directory.models import Organization
from relais.events import selectors

from .factories import RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def romanian_event(event, org_b):
    Organization.objects.filter(pk=org_b.pk).update(
        name="Fictitious Centre", alternate_name="Centrul Fictiv"
    )
    event.organisers.add(org_b)
    return event


def test_event_page_names_the_organiser_in_its_own_language(romanian_event, anonymous):
    french = anonymous.get(f"/fr/events/{romanian_event.slug}/").content.decode()
    assert '<span lang="ro">Centrul Fictiv</span></a>' in french
    assert "Fictitious Centre" not in french
    english = anonymous.get(f"/en/events/{romanian_event.slug}/").content.decode()
    assert '<span lang="en">Fictitious Centre</span></a>' in english


def test_organiser_picker_marks_the_name_language(romanian_event, clients, org_b):
    html = clients["admin_b"].get("/ro/events/new/").content.decode()
    picker = html[html.index('name="organiser"') :]
    picker = picker[: picker.index("</select>")]
    assert f'<option value="{org_b.pk}" lang="ro">Centrul Fictiv</option>' in picker


def test_certificate_names_the_organiser_in_the_participant_language(
    romanian_event, anonymous
):
    from pypdf import PdfReader

    now = timezone.now()
    romanian_event.starts_at = now - timedelta(days=2)
    romanian_event.ends_at = now - timedelta(days=1)
    romanian_event.save()
    registration = RegistrationFactory(
        event=romanian_event, name="Fictitious Ioana", language="ro", attended=True
    )
    token = selectors.registration_token(registration)
    response = anonymous.get(f"/en/events/registration/{token}/certificate.pdf")
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Centrul Fictiv" in text
    assert "Fictitious Centre" not in text
