"""The HSDS API's own django-ninja API and OpenAPI document (/api/hsds/openapi.json).

It shares everything but its document with the Relais API (relais.api.api):
personal tokens, the `api` rate limit, the reader's language, RFC 9457
problems. Its document is the official HSDS 3.0 one (data/hsds/openapi.json)
for what HSDS defines, the records above all, and django-ninja's for the rest.
"""

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from django.urls import URLPattern, URLResolver

from relais.api.api import RelaisAPI

from .. import hsds
from .endpoints import router

OFFICIAL_OPENAPI_FILE = (
    Path(__file__).resolve().parent.parent / "data" / "hsds" / "openapi.json"
)


@cache
def official_openapi() -> dict[str, Any]:
    """The official HSDS 3.0 OpenAPI document (unmodified copy)."""
    return json.loads(OFFICIAL_OPENAPI_FILE.read_text(encoding="utf-8"))


class HSDSAPI(RelaisAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """With each answer of 200 and the `Page` component as the official
        document gives them: records by the official schemas' URLs."""
        schema = super().get_openapi_schema(**kwargs)
        official = official_openapi()
        root = self.get_root_path(kwargs.get("path_params") or {})
        for path, operations in schema["paths"].items():
            official_operations = official["paths"].get("/" + path.removeprefix(root))
            for method, operation in operations.items():
                if official_operations and method in official_operations:
                    answer = official_operations[method]["responses"]["200"]
                    operation["responses"][200] = copy.deepcopy(answer)
        page = official["components"]["schemas"]["Page"]
        schema["components"]["schemas"]["Page"] = copy.deepcopy(page)
        return schema


hsds_api = HSDSAPI(
    title="Relais HSDS API",
    version=hsds.HSDS_VERSION,
    description=(
        "The Relais directory as Open Referral HSDS 3.0 (read-only): organisations, "
        "services, services at locations and the vocabularies, paged or streamed "
        "as ndjson. Public reads need no key; a personal API token adds the "
        "details for professionals only. Errors are RFC 9457 problem details. "
        "See docs/hsds.md."
    ),
    urls_namespace="hsds",
)
hsds_api.add_router("", router)


def hsds_api_urls() -> list[URLPattern | URLResolver]:
    """The HSDS API's URL patterns (see RelaisAPI.public_urls)."""
    return hsds_api.public_urls()
