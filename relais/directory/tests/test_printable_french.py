"""The printed country directory in French: each label's colon after a
no-break space ("Adresse : ..."), as French typography wants."""

import re

import pytest
from django.utils import translation

from relais.core.typography import NBSP
from relais.directory.printable import printable_directory, printable_html
from relais.directory.tests.factories import (
    AddressFactory,
    LocationFactory,
    OrganizationFactory,
    PhoneFactory,
    ServiceFactory,
    tag,
)

pytestmark = pytest.mark.django_db


def test_french_labels_of_the_printed_directory_space_their_colon(
    vocabularies, gazetteer
):
    org = OrganizationFactory(name="Fictitious Ghent Shelter", country="BE")
    tag(org, "organization_type", "ngo")
    tag(org, "organization_type", "shelter")
    tag(ServiceFactory(organization=org), "service", "shelter")
    AddressFactory(location=LocationFactory(organization=org), city="Gent")
    PhoneFactory(organization=org, number="+3232011690")
    with translation.override("fr"):
        html = printable_html(printable_directory("BE", viewer=None))
    labels = re.findall(r'<span class="label">([^<]*)</span>', html)
    for label in ("Adresse", "Services", "Site web", "Téléphone"):
        assert f"{label}{NBSP}:" in labels
    assert any(label.startswith("Type d") for label in labels)
    assert all(label.endswith(f"{NBSP}:") for label in labels)
    with translation.override("en"):
        html = printable_html(printable_directory("BE", viewer=None))
    assert '<span class="label">Address:</span>' in html


def test_the_printed_directory_gives_phone_descriptions_in_french_or_marked_english(
    vocabularies, gazetteer
):
    org = OrganizationFactory(name="Fictitious Ghent Shelter", country="BE")
    PhoneFactory(
        organization=org,
        number="+3278055800",
        is_hotline=True,
        description_en="Fictitious night line",
        description_fr="Ligne de nuit fictive",
    )
    PhoneFactory(
        organization=org, number="+3232011690", description_en="Fictitious office"
    )
    with translation.override("fr"):
        html = printable_html(printable_directory("BE", viewer=None))
    assert '(<span lang="fr">Ligne de nuit fictive</span>)' in html
    assert "Fictitious night line" not in html
    assert '(<span lang="en">Fictitious office</span>)' in html
