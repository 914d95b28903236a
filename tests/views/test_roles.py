"""Each role reaches its own areas and gets a clear 403 elsewhere."""

import pytest

from dashboard.domain.staff.roles import Area, Role

# One page per area.
AREA_PAGES = {Area.ORDERS: "/orders", Area.CUSTOMERS: "/customers", Area.STOCK: "/stock",
              Area.PAYMENTS: "/payments", Area.DISPATCH: "/dispatch", Area.PICKING: "/picking",
              Area.SETTINGS: "/settings"}

# Routes that identify their caller themselves (or need no one): sign-in, health, static
# files, signed webhooks, Basic-auth integrations, the API schema.
PUBLIC_PREFIXES = ("/login", "/healthz", "/static", "/webhooks/", "/integrations/", "/schema")


# Who opens what, written out by hand from MISSION.md (not read from the role table, so
# a wrong entry there fails here): a picker reaches picking only; dispatch ships and
# picks but sees no customers or payments; the call centre takes orders and customers;
# back office all but settings and picking; the admin everything.
EXPECTED = {
    "admin": {"orders", "customers", "stock", "payments", "dispatch", "picking", "settings"},
    "back_office": {"orders", "customers", "stock", "payments", "dispatch"},
    "call_centre": {"orders", "customers"},
    "dispatch": {"orders", "stock", "dispatch", "picking"},
    "picker": {"picking"},
}


def test_the_matrix_covers_every_role_and_area():
    assert set(EXPECTED) == {r.value for r in Role}
    assert set(AREA_PAGES) == set(Area)


@pytest.mark.parametrize("role", sorted(EXPECTED))
async def test_each_role_reaches_exactly_its_areas(role, login_as, client):
    await login_as(role)
    for area, path in AREA_PAGES.items():
        response = await client.get(path)
        if area.value in EXPECTED[role]:
            assert response.status_code == 200, (role, path)
        else:
            assert response.status_code == 403, (role, path)
            assert "<html" in response.text  # a full page, not a traceback
            htmx = await client.get(path, headers={"HX-Request": "true"})
            assert htmx.status_code == 403 and "<html" not in htmx.text


async def test_picker_sees_only_picking_in_the_navigation(login_as, client):
    await login_as("picker")
    page = await client.get("/picking")
    assert 'href="/picking"' in page.text
    assert 'href="/orders"' not in page.text


async def test_anonymous_visitors_are_sent_to_sign_in(client):
    for path in ("/", "/orders", "/picking"):
        response = await client.get(path)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login")


async def test_unknown_page_is_a_404_page(login_as, client):
    await login_as("admin")
    response = await client.get("/no-such-page")
    assert response.status_code == 404
    assert "<html" in response.text


def test_every_route_outside_the_public_ones_has_a_guard(app):
    from litestar.routes import HTTPRoute

    unguarded = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path.startswith(PUBLIC_PREFIXES):
            continue
        for handler in route.route_handlers:
            if handler.http_methods == {"OPTIONS"}:
                continue  # Litestar's automatic CORS preflight answer
            if not handler.resolve_guards():
                unguarded.append(f"{sorted(handler.http_methods)} {route.path}")
    assert unguarded == []


def test_guards_are_coroutines_so_no_request_waits_for_a_worker_thread(app):
    # Litestar runs a plain-function guard in its thread pool, on every request.
    import inspect

    from litestar.routes import HTTPRoute

    sync_guards = {guard.__qualname__ for route in app.routes if isinstance(route, HTTPRoute)
                   for handler in route.route_handlers for layer in handler.ownership_layers
                   for guard in layer.guards or [] if not inspect.iscoroutinefunction(guard)}
    assert sync_guards == set()


async def test_every_area_in_the_navigation_has_a_page():
    from dashboard.components.templating import NAV_AREAS

    assert NAV_AREAS == {area.value for area in AREA_PAGES}
