"""The citation rule and review staleness of rights matrix cells."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from relais.knowledge import models as knowledge_models
from relais.knowledge.models import (
    Citation,
    ContentVersion,
    CountryProfile,
    ReviewState,
)
from relais.knowledge.selectors import published_cells, rights_matrix
from relais.knowledge.services import (
    rights_cell_publish,
    rights_cell_review,
    rights_cell_unpublish_if_uncited,
)

from .factories import ProvisionFactory, RightsCellFactory

pytestmark = pytest.mark.django_db


def test_cell_without_citation_cannot_be_published(knowledge_editor):
    cell = RightsCellFactory()
    with pytest.raises(ValidationError) as error:
        rights_cell_publish(cell=cell, user=knowledge_editor)
    assert error.value.code == "citation_required"
    cell.refresh_from_db()
    assert cell.status == "draft"


def test_cell_with_citation_is_published_and_versioned(knowledge_editor):
    cell = RightsCellFactory()
    Citation.objects.create(cell=cell, provision=ProvisionFactory())
    rights_cell_publish(cell=cell, user=knowledge_editor)
    cell.refresh_from_db()
    assert cell.status == "published"
    version = ContentVersion.objects.get(object_id=cell.pk)
    assert version.changed_by == knowledge_editor
    assert version.data["status"] == "published"


def test_published_cell_without_citation_is_never_shown():
    cell = RightsCellFactory(status="published")
    assert list(published_cells(cell.profile)) == []
    profile: CountryProfile = cell.profile
    matrix = rights_matrix([profile])
    row = next(r for r in matrix.rows if r.topic == "legal_aid")
    assert row.cells == [None]


def test_uncited_published_cell_returns_to_draft(knowledge_editor):
    cell = RightsCellFactory(status="published")
    assert rights_cell_unpublish_if_uncited(cell=cell, user=knowledge_editor)
    cell.refresh_from_db()
    assert cell.status == "draft"


@pytest.fixture
def today_is_15_june_2027(monkeypatch):
    monkeypatch.setattr(
        knowledge_models.timezone, "localdate", lambda: date(2027, 6, 15)
    )


@pytest.mark.parametrize(
    ("reviewed_on", "state"),
    [
        (None, ReviewState.UNREVIEWED),
        (date(2027, 6, 1), ReviewState.REVIEWED),
        (date(2026, 7, 15), ReviewState.REVIEWED),  # 11 months
        (date(2026, 6, 16), ReviewState.REVIEWED),  # one day short of 12 months
        (date(2026, 6, 15), ReviewState.DUE),  # 12 months
        (date(2024, 1, 1), ReviewState.DUE),
    ],
)
def test_cell_is_due_for_review_twelve_months_after_its_review(
    today_is_15_june_2027, reviewed_on, state
):
    cell = RightsCellFactory.build(reviewed_on=reviewed_on)
    assert cell.review_state == state


def test_review_records_who_and_when(knowledge_editor):
    cell = RightsCellFactory(reviewed_on=date(2020, 1, 1))
    assert cell.review_state == ReviewState.DUE
    rights_cell_review(cell=cell, user=knowledge_editor)
    cell.refresh_from_db()
    assert cell.review_state == ReviewState.REVIEWED
    assert cell.reviewed_by == str(knowledge_editor)


def test_stale_cell_is_shown_as_due_for_review(anonymous):
    cell = RightsCellFactory(
        status="published", reviewed_on=date(2020, 1, 1), reviewed_by="Reviewer X"
    )
    Citation.objects.create(cell=cell, provision=ProvisionFactory())
    page = anonymous.get("/en/knowledge/countries/be/").content.decode()
    assert "Due for review" in page
    assert "Reviewed on 1 January 2020 by Reviewer X" in page


def test_unverified_citation_marks_the_statement_unverified(anonymous):
    cell = RightsCellFactory(status="published", verified=False)
    Citation.objects.create(cell=cell, provision=ProvisionFactory(verified=False))
    page = anonymous.get("/en/knowledge/countries/be/").content.decode()
    assert "Unverified: not yet confirmed against the official text" in page
