"""The results map's base layer: tiles and attribution from the settings, the
tile server allowed by the Content-Security-Policy (issue 17)."""

import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from relais.core.tests.test_settings import REAL_KEY, run_relais
from relais.directory.search import index_update

from .factories import LocationFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


@pytest.fixture
def listing_on_the_map():
    organization = OrganizationFactory(name="Fictitious Antwerp Shelter")
    LocationFactory(
        organization=organization,
        latitude=Decimal("51.2194"),
        longitude=Decimal("4.4025"),
    )
    index_update([organization.pk])
    return organization


def map_data(response):
    """The tile URL and attribution the page hands to the map script."""
    page = response.content.decode()
    tiles = re.search(r'id="results-map"[^>]* data-tiles="([^"]*)"', page)
    attribution = re.search(r'id="results-map"[^>]* data-attribution="([^"]*)"', page)
    assert tiles and attribution, "no results map on the page"
    return html.unescape(tiles.group(1)), html.unescape(attribution.group(1))


def csp_directives(response):
    """The Content-Security-Policy as directive -> sources, whatever its order."""
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        if part.strip():
            name, *sources = part.split()
            directives[name] = sources
    return directives


def test_map_uses_openstreetmap_tiles_with_attribution_by_default(
    anonymous, listing_on_the_map
):
    response = anonymous.get(reverse("directory:list"))
    tiles, attribution = map_data(response)
    assert tiles == OSM_TILES
    assert attribution == (
        '© <a href="https://www.openstreetmap.org/copyright"'
        ' rel="noopener noreferrer">OpenStreetMap</a> contributors'
    )
    assert csp_directives(response)["img-src"] == [
        "'self'",
        "data:",
        "https://tile.openstreetmap.org",
    ]


def test_map_without_tiles_when_the_setting_is_empty(
    anonymous, listing_on_the_map, settings
):
    settings.RELAIS_MAP_TILE_URL = ""
    settings.RELAIS_MAP_ATTRIBUTION = ""
    tiles, attribution = map_data(anonymous.get(reverse("directory:list")))
    assert (tiles, attribution) == ("", "")


def test_map_attribution_keeps_only_text_and_links(
    anonymous, listing_on_the_map, settings
):
    settings.RELAIS_MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.RELAIS_MAP_ATTRIBUTION = (
        'Tiles <a href="https://tiles.example.org/" onclick="steal()">Example</a>'
        "<script>steal()</script><img src=x onerror=steal()>"
    )
    tiles, attribution = map_data(anonymous.get(reverse("directory:list")))
    assert tiles == "https://tiles.example.org/{z}/{x}/{y}.png"
    assert attribution == (
        'Tiles <a href="https://tiles.example.org/" rel="noopener noreferrer">'
        "Example</a>"
    )


IMG_SRC = (
    "from django.conf import settings; "
    "print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])"
)


@pytest.mark.parametrize(
    ("tile_url", "img_src"),
    [
        ("", "[\"'self'\", 'data:']"),
        (
            "https://{s}.tiles.example.org/{z}/{x}/{y}.png",
            "[\"'self'\", 'data:', 'https://*.tiles.example.org']",
        ),
    ],
)
def test_content_security_policy_allows_the_configured_tile_server_only(
    tile_url, img_src
):
    result = run_relais(
        "shell",
        "-c",
        IMG_SRC,
        env_overrides={
            "RELAIS_PROFILE": "development",
            "RELAIS_MAP_TILE_URL": tile_url,
        },
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == img_src


@pytest.mark.parametrize(
    "tile_url",
    ["tile.example.org/{z}/{x}/{y}.png", "https://tiles.example.org/tiles.png"],
)
def test_a_tile_url_that_is_not_a_tile_template_is_refused(tile_url):
    result = run_relais(
        "check",
        env_overrides={
            "RELAIS_PROFILE": "development",
            "RELAIS_MAP_TILE_URL": tile_url,
        },
    )
    assert result.returncode != 0
    assert "RELAIS_MAP_TILE_URL" in result.stderr


def test_production_refuses_tiles_over_plain_http():
    result = run_relais(
        "check",
        env_overrides={
            "RELAIS_PROFILE": "production",
            "SECRET_KEY": REAL_KEY,
            "ALLOWED_HOSTS": "relais.example.org",
            "RELAIS_MAP_TILE_URL": "http://tiles.example.org/{z}/{x}/{y}.png",
        },
    )
    assert result.returncode != 0
    assert "RELAIS_MAP_TILE_URL" in result.stderr
