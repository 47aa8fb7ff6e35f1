"""The API operations as the URL patterns route them, in OpenAPI form, shared by the fuzz and the
serializer property tests (so that an operation added to the URLs but not to the schema, or the other
way round, fails them)."""

import re

from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.views import APIView

API_PREFIX = "/api/v1/"
HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def api_operations_from_urls(methods=HTTP_METHODS) -> set[str]:
    """Every "METHOD /path" among `methods` the URL patterns route to a DRF view under /api/v1/,
    with path parameters named as drf-spectacular names them."""
    found = set()

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                view = getattr(pattern.callback, "cls", None)
                path = "/" + route
                if view is None or not issubclass(view, APIView) or not path.startswith(API_PREFIX):
                    continue
                path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path).replace("{pk}", "{id}")
                actions = getattr(pattern.callback, "actions", None)
                routed = actions.keys() if actions else [m for m in HTTP_METHODS if hasattr(view, m)]
                found.update(f"{method.upper()} {path}" for method in routed if method in methods)

    walk(get_resolver().url_patterns, "")
    return found


def id_key(path: str) -> str:
    """`/api/v1/cascade/tables/{id}/scores/...` -> `cascade/tables`."""
    return path.removeprefix(API_PREFIX).split("/{id}")[0]
