"""Every unsafe staff request needs the CSRF token; only machine endpoints are exempt.

The exemptions once matched ``/webhooks/`` anywhere in the path, so
``POST /settings/webhooks/deliveries/{id}/replay`` ran without a token.
"""

import pytest

from tests.hardening.routes import UNSAFE, staff_routes


FORGED = "forged-" + "0" * 40
SENDS = {
    "missing": {"data": {"x": "1"}},
    "forged header": {"data": {"x": "1"}, "headers": {"x-csrftoken": FORGED}},
    "forged form field": {"data": {"_csrf_token": FORGED}},
}


@pytest.mark.parametrize("how", SENDS)
async def test_every_unsafe_staff_route_refuses_a_missing_or_forged_token(how, app, login_as,
                                                                        client):
    await login_as("admin")
    client.headers.pop("x-csrftoken")
    walked = staff_routes(app, UNSAFE)
    answers = {}
    for method, path, url in walked:
        response = await client.request(method, url, **SENDS[how])
        answers[f"{method} {path}"] = response.status_code
    assert {route: status for route, status in answers.items() if status != 403} == {}
    # The walk saw the routes that matter, not an empty table.
    assert "POST /settings/webhooks/deliveries/{delivery_id:int}/replay" in answers
    assert len(answers) > 50


async def test_the_exemptions_are_prefixes_of_the_path_only(app):
    from dashboard.app import CSRF_EXEMPT_PATHS
    from litestar.middleware._utils import build_exclude_path_pattern, should_bypass_for_path_pattern

    pattern = build_exclude_path_pattern(exclude=CSRF_EXEMPT_PATHS)
    def bypass(path):
        return should_bypass_for_path_pattern({"path": path}, pattern)

    assert bypass("/api/v1/orders") and bypass("/webhooks/payments")
    assert bypass("/integrations/shipstation")
    for path in ("/settings/webhooks/deliveries/1/replay", "/orders/api/x",
                 "/x/integrations/y", "/apix/", "/webhooksx"):
        assert not bypass(path), path


async def test_a_signed_in_request_with_the_token_still_goes_through(login_as, client):
    await login_as("admin")
    response = await client.post("/preferences/locale", data={"locale": "fr"})
    assert response.status_code == 303
