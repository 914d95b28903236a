"""Every route of the app, for every role, against a matrix written here by hand.

The matrix is deliberately NOT derived from ``dashboard.domain.staff.roles``: it states who
should reach what, so a guard that drifts from it fails here. A new route that matches no
row fails too, so it has to be placed in the matrix on purpose.
"""

import re

import pytest

from tests.hardening.routes import MACHINE_PREFIXES, staff_routes

ADMIN, BACK, CALL, DISPATCH, PICKER = "admin", "back_office", "call_centre", "dispatch", "picker"
EVERYONE = {ADMIN, BACK, CALL, DISPATCH, PICKER}
ORDER_DESKS = {ADMIN, BACK, CALL, DISPATCH}
MONEY = {ADMIN, BACK}
REFUNDERS = {ADMIN, BACK, CALL}  # refund what an order owes, from the order screen

# (route path pattern, roles that get past the guard[, the only method the row is for]).
# First match wins.
MATRIX = [
    (r"^/$|^/logout$|^/preferences/locale$", EVERYONE),
    (r"^/login(/|$)", EVERYONE),  # public (with single sign-on: /login/oidc...)
    (r"^/healthz$|^/static/|^/schema", EVERYONE),  # public
    # Money moving out of or into an order: payments roles only.
    (r"^/orders/\{number:str\}/(credits|surcharges|returns/\{rma:str\}/credit)$", MONEY),
    (r"^/orders/\{number:str\}/refunds(/|$)", REFUNDERS, "POST"),
    (r"^/orders/\{number:str\}/labels/", ORDER_DESKS),
    (r"^/orders", ORDER_DESKS),
    (r"^/customers", {ADMIN, BACK, CALL}),
    (r"^/stock", {ADMIN, BACK, DISPATCH}),
    (r"^/payments", MONEY),
    (r"^/dispatch", {ADMIN, BACK, DISPATCH}),
    (r"^/picking", {ADMIN, DISPATCH, PICKER}),
    (r"^/settings", {ADMIN}),
    (r"^/print/pick-list/", EVERYONE),
    (r"^/print/(jobs|labels/product/|labels/bin/)", {ADMIN, BACK, CALL, DISPATCH}),
    (r"^/print/(batches|new-batch)", ORDER_DESKS),
]


def allowed_roles(path: str, method: str = "GET") -> set[str]:
    for pattern, roles, *only in MATRIX:
        if re.search(pattern, path) and (not only or only[0] == method):
            return roles
    raise AssertionError(f"{path} is in no row of the role matrix: add it on purpose")


def _walk_order(route):
    method, path, _ = route
    return path in ("/logout",), method, path  # signing out last


def test_every_staff_route_is_in_the_matrix(app):
    unplaced = []
    for _, path, _ in staff_routes(app):
        try:
            allowed_roles(path)
        except AssertionError:
            unplaced.append(path)
    assert unplaced == []


@pytest.mark.parametrize("role", sorted(EVERYONE))
async def test_each_role_gets_exactly_what_the_matrix_says(role, app, login_as, client):
    await login_as(role)
    wrong = {}
    walked = sorted(staff_routes(app), key=_walk_order)
    for method, path, url in walked:
        response = await client.request(method, url, data={} if method != "GET" else None)
        expected_in = role in allowed_roles(path, method)
        status = response.status_code
        if expected_in and (status == 403 or status >= 500):
            wrong[f"{method} {path}"] = status
        if not expected_in and status != 403:
            wrong[f"{method} {path}"] = status
    assert wrong == {}
    assert len(walked) > 100


async def test_a_picker_reaches_no_print_route_but_the_pick_list(login_as, client):
    await login_as(PICKER)
    for url in ("/print/jobs", "/print/new-batch", "/print/labels/product/SKU-1.zpl",
                "/print/labels/bin/A-01-1.zpl", "/print/batches/abc",
                "/print/batches/abc/download"):
        assert (await client.get(url)).status_code == 403, url
    assert (await client.get("/print/pick-list/pick-list.html?orders=100001")).status_code != 403


async def test_anonymous_callers_are_sent_to_sign_in_from_every_staff_page(app, client):
    public = re.compile(r"^/login(/|$)|^/healthz$|^/static/|^/schema")
    wrong = {}
    for method, path, url in staff_routes(app, {"GET"}):
        if public.search(path) or path.startswith(MACHINE_PREFIXES):
            continue
        response = await client.get(url)
        if response.status_code != 303 or not response.headers["location"].startswith("/login"):
            wrong[path] = response.status_code
    assert wrong == {}
