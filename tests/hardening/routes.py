"""Walk the app's own route table: every (method, concrete path) a request can reach.

Path parameters are filled with values that name nothing (order "NOPE-0", id 999999), so
a request that gets past the guards ends on a 404 or a refusal and changes nothing.
"""

from __future__ import annotations

import re

from litestar.routes import HTTPRoute

MACHINE_PREFIXES = ("/api/", "/webhooks/", "/integrations/")
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
_PARAM = re.compile(r"\{(\w+):(\w+)\}")
_VALUES = {"int": "999999", "str": "NOPE-0", "path": "nothing.txt"}


def concrete(path: str) -> str:
    """``/orders/{number:str}/labels/{filename:str}`` -> ``/orders/NOPE-0/labels/NOPE-0``."""
    return _PARAM.sub(lambda m: _VALUES[m.group(2)], path)


def routes(app, methods: set[str] | None = None):
    """(method, route path, concrete path) of every handler, OPTIONS and HEAD left out."""
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            for method in sorted(handler.http_methods - {"OPTIONS", "HEAD"}):
                if methods is None or method in methods:
                    found.append((method, route.path, concrete(route.path)))
    return found


def staff_routes(app, methods: set[str] | None = None):
    return [r for r in routes(app, methods) if not r[1].startswith(MACHINE_PREFIXES)]
