"""Deny by default: only the pages on this allow-list are open to anonymous visitors."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

PUBLIC = {
    "home",
    "health",
    "directory:list",
    "directory:listing",
    "directory:vcard",
    "directory:contact_vcard",
    "directory:country",
    "directory:places",
    "api_search",
    "hsds:root",
    "hsds:services",
    "hsds:service",
    "hsds:organizations",
    "hsds:organization",
    "hsds:service_at_locations",
    "hsds:service_at_location",
    "hsds:taxonomies",
    "hsds:taxonomy",
    "hsds:taxonomy_terms",
    "hsds:taxonomy_term",
    "directory:export",
    "knowledge:home",
    "knowledge:profile",
    "knowledge:compare",
    "knowledge:legislation",
    "knowledge:provision",
    "knowledge:practices",
    "knowledge:practice",
    "knowledge:handbook",
    "knowledge:handbook_print",
    "knowledge:handbook_pdf",
    "knowledge:section",
    "knowledge:section_history",
    "knowledge:navigator",
    "knowledge:search",
}


def named_patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from named_patterns(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def test_every_non_admin_view_not_on_the_allow_list_requires_login():
    for name, pattern in named_patterns():
        if name.startswith("admin:"):
            continue
        open_to_all = not getattr(pattern.callback, "login_required", True)
        assert open_to_all == (name in PUBLIC), name
