"""Hostile query parameters on every list route: a 4xx or a page, never a 5xx.

The routes come from the app's route table (every GET without a path parameter, and the
API's order list); their parameters from each handler's signature, plus those read
from the raw query string (the orders filters), plus one nobody declares.
"""

import pytest

from dashboard.domain.orders.listing import OrderFilter
from tests.factories import make_order
from tests.hardening.routes import routes

PUBLIC = ("/login", "/healthz", "/static", "/schema", "/webhooks/", "/integrations/")
NOT_QUERY = {"request", "self"}
# Parameters the handlers read from request.query_params themselves.
ORDER_FILTERS = [name for name in OrderFilter.__dataclass_fields__] + ["page", "since"]
RAW_QUERY = {"/orders": ORDER_FILTERS, "/orders/live": ORDER_FILTERS,
             "/orders/export.csv": ORDER_FILTERS, "/payments/mark-paid": ["number"]}
HOSTILE = [
    "", " ", "\x00", "a\x00b", "-1", "0", "-99999999999999999999", "99999999999999999999999",
    "1e400", "nan", "inf", "-inf", "١٢", "ÿ", "Ünïcødé", "😀", "\u202e", "a" * 1200,
    "' OR 1=1 --", "%", "_", "\\", "<script>alert(1)</script>", "2026-13-45",
    "9999-12-31T23:59:59+99:00", "not_a_known_value", "../../etc/passwd", "\r\nX-Evil: 1",
    "[]", "{}", "true",
]


def list_routes(app):
    found = {}
    for method, path, _url in routes(app, {"GET"}):
        if "{" in path or path.startswith(PUBLIC) or path == "/":
            continue
        found[path] = None
    found["/api/v1/orders"] = None
    params = {}
    for route in app.routes:
        if route.path not in found:
            continue
        for handler in route.route_handlers:
            if "GET" in handler.http_methods:
                names = set(handler.parsed_fn_signature.parameters) - NOT_QUERY
                params[route.path] = sorted(names | set(RAW_QUERY.get(route.path, []))
                                            | {"page", "zzz_unknown"})
    return params


async def test_hostile_query_parameters_never_answer_5xx(app, login_as, client, api_key):
    await login_as("admin")
    await make_order()
    targets = list_routes(app)
    assert {"/orders", "/customers", "/stock", "/payments", "/print/jobs",
            "/api/v1/orders"} <= set(targets)
    failures = {}
    for path, names in targets.items():
        headers = {"Authorization": f"Bearer {api_key}"} if path.startswith("/api/") else {}
        for value in HOSTILE:
            # All at once, as a page and as the htmx fragment; then each one alone, so that
            # one refusal does not hide another parameter's crash.
            everything = {name: value for name in names}
            tries = [(everything, {}), (everything, {"HX-Request": "true"})]
            tries += [({name: value}, {}) for name in names]
            for params, extra in tries:
                response = await client.get(path, params=params, headers={**headers, **extra})
                if response.status_code >= 500:
                    failures.setdefault(f"{path} {sorted(params)}", repr(value)[:40])
            if len(failures) > 20:
                break
    assert failures == {}
