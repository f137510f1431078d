"""The HSDS API's search (issue 18): the same records and order as a search
for every match filtered in SQL, and a number of queries per request that
does not grow with the directory."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from relais.directory.models import Attribute, Organization
from relais.directory.search import SearchQuery, search
from relais.opendata import hsds

pytestmark = pytest.mark.django_db

TEXTS = ["legal aid", "shelter", "lighthouse clinic", "lighthuose", "bruxelles"]


def get(client, path, **params):
    response = client.get(f"/api/hsds/{path}", params)
    assert response.status_code == 200, response.content
    return response.json()


def _found(text):
    """Every organisation the search finds: how the API filtered before."""
    result = search(SearchQuery(q=text, per_page=100_000, include_outdated=True))
    return [hit.organization.pk for hit in result.hits]


def _expected_services(text, page, per_page, **filters):
    services = hsds.services_for_hsds().filter(
        organization_id__in=_found(text), **filters
    )
    ids = [str(pk) for pk in services.values_list("id", flat=True)]
    start = (page - 1) * per_page
    return len(ids), ids[start : start + per_page]


@pytest.fixture
def demo(db):
    call_command("generate_demo", n=40)


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize(("page", "per_page"), [(1, 50), (2, 3), (40, 3)])
def test_service_search_pages_as_the_search_of_every_match_did(
    demo, anonymous, text, page, per_page
):
    body = get(anonymous, "services", search=text, page=page, per_page=per_page)
    total, ids = _expected_services(text, page, per_page)
    assert body["total_items"] == total
    assert [s["id"] for s in body["contents"]] == ids
    minimal = get(
        anonymous, "services", search=text, page=page, per_page=per_page, minimal=1
    )
    assert [s["id"] for s in minimal["contents"]] == ids
    full = get(anonymous, "services", search=text, page=page, per_page=per_page, full=1)
    assert [s["id"] for s in full["contents"]] == ids


def test_service_search_with_filters_is_the_same_as_before(demo, anonymous):
    text = "legal aid"
    organization = _found(text)[0]
    body = get(anonymous, "services", search=text, organization_id=organization)
    total, ids = _expected_services(text, 1, 50, organization_id=organization)
    assert (body["total_items"], [s["id"] for s in body["contents"]]) == (total, ids)
    other = Organization.objects.exclude(pk__in=_found(text)).first()
    body = get(anonymous, "services", search=text, organization_id=other.pk)
    assert body["total_items"] == 0
    since = timezone.now() - timedelta(days=1)
    body = get(anonymous, "services", search=text, modified_after=since.isoformat())
    total, ids = _expected_services(text, 1, 50, organization__updated_at__gte=since)
    assert (body["total_items"], [s["id"] for s in body["contents"]]) == (total, ids)
    term = (
        Attribute.objects.filter(link_entity=Attribute.LinkEntity.SERVICE)
        .values_list("taxonomy_term_id", flat=True)
        .first()
    )
    body = get(anonymous, "services", search=text, taxonomy_term_id=term, per_page=500)
    tagged = Attribute.objects.filter(taxonomy_term_id=term)
    services = hsds.services_for_hsds().filter(
        Q(id__in=tagged.filter(link_entity="service").values("link_id"))
        | Q(
            organization_id__in=tagged.filter(link_entity="organization").values(
                "link_id"
            )
        ),
        organization_id__in=_found(text),
    )
    expected = [str(pk) for pk in services.values_list("id", flat=True)]
    assert [s["id"] for s in body["contents"]] == expected
    assert body["total_items"] == len(expected)


@pytest.mark.parametrize("persona", ["anonymous", "member_be_client"])
def test_organisation_and_service_at_location_searches_find_the_same(
    demo, request, persona
):
    client = request.getfixturevalue(persona)
    viewer = (
        AnonymousUser()
        if persona == "anonymous"
        else request.getfixturevalue("member_be")
    )
    for text in TEXTS:
        found = {str(pk) for pk in _found(text)}
        orgs = get(client, "organizations", search=text, per_page=500)
        assert {o["id"] for o in orgs["contents"]} == found
        assert orgs["total_items"] == len(found)
        sals = get(client, "service_at_locations", search=text, per_page=500)
        expected = (
            hsds.service_at_locations_for_hsds()
            .visible_to(viewer)
            .filter(service__organization_id__in=found)
        )
        assert [s["id"] for s in sals["contents"]] == [
            str(pk) for pk in expected.values_list("id", flat=True)
        ]
        assert sals["total_items"] == expected.count()
        organization = next(iter(found), None)
        if organization is not None:
            one = get(
                client,
                "service_at_locations",
                search=text,
                organization_id=organization,
                per_page=2,
                page=2,
            )
            ids = [
                str(pk)
                for pk in expected.filter(
                    service__organization_id=organization
                ).values_list("id", flat=True)
            ]
            assert [s["id"] for s in one["contents"]] == ids[2:4]
            assert one["total_items"] == len(ids)


# Each request, and the most queries it may make at any size: the index's
# version, the page's records and their prefetches (which a page without
# nested records skips), the typo correction's look-ups.
REQUESTS = [
    ("services", {"search": "legal aid", "per_page": 5}, 3),
    ("services", {"search": "shelter", "per_page": 5, "page": 2}, 3),
    ("services", {"search": "legal", "per_page": 5, "full": "true"}, 16),
    ("services", {"search": "legal", "per_page": 5, "minimal": "true"}, 3),
    ("services", {"search": "lighthuose", "per_page": 5}, 6),
    ("organizations", {"search": "legal aid", "per_page": 5}, 6),
    ("organizations", {"search": "shelter", "per_page": 5, "full": "true"}, 18),
    ("service_at_locations", {"search": "legal", "per_page": 5}, 4),
    ("service_at_locations", {"search": "legal", "per_page": 5, "full": "true"}, 6),
    ("taxonomy_terms", {"search": "legal", "per_page": 5}, 5),
]


def _queries(client):
    """Queries of each request, less those of the API's root for this client
    (a signed-in reader's session, user and second factor)."""
    with CaptureQueriesContext(connection) as queries:
        get(client, "")
    reader = len(queries)
    counts = []
    for path, params, _most in REQUESTS:
        get(client, path, **params)  # the first builds the process's indexes
        with CaptureQueriesContext(connection) as queries:
            get(client, path, **params)
        counts.append(len(queries) - reader)
    return counts


@pytest.mark.parametrize("persona", ["anonymous", "member_be_client"])
def test_queries_per_search_request_do_not_grow_with_the_directory(request, persona):
    client = request.getfixturevalue(persona)
    # Both sizes have a full page of matches for every request: a request
    # with fewer records skips prefetches, which would hide a growth.
    call_command("generate_demo", n=40)
    few = _queries(client)
    call_command("generate_demo", n=160)
    many = _queries(client)
    most = [m for _path, _params, m in REQUESTS]
    if connection.vendor == "postgresql":
        # The typo correction asks the trigram index (pg_trgm) once more
        # than SQLite's in-memory vocabulary: a constant, whatever the size.
        most = [
            m + 1 if "lighthuose" in str(p) else m
            for (_, p, _m), m in zip(REQUESTS, most, strict=True)
        ]
    assert all(f <= m for f, m in zip(few, most, strict=True)), f"{few} {most}"
    assert all(n <= m for n, m in zip(many, most, strict=True)), f"{many} {most}"
