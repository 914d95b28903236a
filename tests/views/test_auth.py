"""Sign-in, sign-out, sessions, slow-down, CSRF and API keys, through HTTP."""

from datetime import datetime, timedelta, timezone

from dashboard.db.tables import SignInThrottle, StaffSession
from dashboard.services.staff.auth import create_user
from tests.conftest import PASSWORD, csrf_token, sign_in


async def test_login_form_has_the_contract_fields_and_a_csrf_token(client):
    response = await client.get("/login")
    assert response.status_code == 200
    assert 'name="username"' in response.text and 'name="password"' in response.text
    assert 'name="_csrf_token"' in response.text
    assert "csrftoken" in client.cookies


async def test_good_password_opens_a_session_and_lands_on_the_role_home(client):
    await create_user("anne", "back_office", PASSWORD)
    response = await sign_in(client, "anne")
    assert response.status_code == 303
    assert response.headers["location"] == "/orders"
    assert "dashboard_session" in response.cookies
    page = await client.get("/orders")
    assert page.status_code == 200
    assert "anne" in page.text


async def test_picker_lands_on_picking(client):
    await create_user("paul", "picker", PASSWORD)
    response = await sign_in(client, "paul")
    assert response.headers["location"] == "/picking"


async def test_next_parameter_is_followed_only_within_the_site(client):
    await create_user("anne", "back_office", PASSWORD)
    token = await csrf_token(client)
    response = await client.post("/login", data={"username": "anne", "password": PASSWORD,
                                                 "next": "//evil.example/x", "_csrf_token": token})
    # Refused outright (tests/hardening/test_odd_input.py walks the hostile shapes).
    assert response.status_code == 400 and "location" not in response.headers
    response = await client.post("/login", data={"username": "anne", "password": PASSWORD,
                                                 "next": "/orders?q=martin", "_csrf_token": token})
    assert response.headers["location"] == "/orders?q=martin"


async def test_wrong_password_and_unknown_user_get_the_same_form_error(client):
    await create_user("anne", "back_office", PASSWORD)
    wrong = await sign_in(client, "anne", "not the password")
    unknown = await sign_in(client, "nobody", "not the password")
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert "Identifiant ou mot de passe incorrect" in response.text  # French by default
        assert 'name="username"' in response.text
    assert "dashboard_session" not in client.cookies


async def test_repeated_failures_slow_the_account_down_even_with_the_right_password(client):
    await create_user("anne", "back_office", PASSWORD)
    for _ in range(6):
        await sign_in(client, "anne", "guess")
    response = await sign_in(client, "anne")  # right password, but the account is slowed down
    assert response.status_code == 429
    rows = await SignInThrottle.objects().where(SignInThrottle.username == "anne")
    # One row, for this account from this address; five failures count, the sixth attempt
    # is already refused without being checked.
    [throttle] = rows
    assert throttle.client and throttle.failures == 5
    assert throttle.locked_until is not None and throttle.locked_until > datetime.now(timezone.utc)
    # Once the wait is over the right password works again and the counter resets.
    await SignInThrottle.update({SignInThrottle.locked_until: datetime.now(timezone.utc)
                                - timedelta(seconds=1)}).where(SignInThrottle.id == throttle.id)
    response = await sign_in(client, "anne")
    assert response.status_code == 303
    assert not await SignInThrottle.exists().where(SignInThrottle.username == "anne")


async def test_unknown_accounts_are_slowed_down_too(client):
    for _ in range(6):
        await sign_in(client, "ghost", "guess")
    response = await sign_in(client, "ghost", "guess")
    assert response.status_code == 429


async def test_logout_ends_the_session(login_as, client):
    await login_as("back_office")
    assert (await client.get("/orders")).status_code == 200
    response = await client.post("/logout")
    assert response.status_code == 303
    assert await StaffSession.count() == 0
    response = await client.get("/orders")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


async def test_expired_session_sends_back_to_sign_in_and_htmx_gets_hx_redirect(login_as, client):
    await login_as("back_office")
    await StaffSession.update({StaffSession.expires_at: datetime.now(timezone.utc)
                               - timedelta(minutes=1)}).where(StaffSession.id > 0)
    response = await client.get("/orders?q=x")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/orders%3Fq%3Dx"
    response = await client.get("/orders", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["hx-redirect"].startswith("/login")


async def test_session_is_extended_while_used(login_as, client):
    await login_as("back_office")
    session = await StaffSession.objects().first()
    old_seen = datetime.now(timezone.utc) - timedelta(minutes=5)
    await StaffSession.update({StaffSession.last_seen_at: old_seen,
                               StaffSession.expires_at: datetime.now(timezone.utc) + timedelta(minutes=1)}
                              ).where(StaffSession.id == session.id)
    await client.get("/orders")
    session = await StaffSession.objects().first()
    assert session.expires_at > datetime.now(timezone.utc) + timedelta(hours=1)


async def test_unsafe_request_without_csrf_token_is_refused(login_as, client):
    await login_as("back_office")
    del client.headers["x-csrftoken"]
    response = await client.post("/logout")
    assert response.status_code == 403
    assert await StaffSession.count() == 1
    response = await client.post("/logout", headers={"x-csrftoken": "forged"})
    assert response.status_code == 403
    response = await client.post("/logout", headers={"HX-Request": "true", "x-csrftoken": "forged"})
    assert response.status_code == 403
    assert "<html" not in response.text and 'role="alert"' in response.text
    assert await StaffSession.count() == 1


async def test_sign_in_form_without_csrf_token_is_refused(client):
    await create_user("anne", "back_office", PASSWORD)
    await client.get("/login")
    response = await client.post("/login", data={"username": "anne", "password": PASSWORD})
    assert response.status_code == 403
    assert await StaffSession.count() == 0


async def test_language_is_per_user(login_as, client):
    await login_as("back_office", locale="fr")
    page = await client.get("/orders")
    assert '<html lang="fr">' in page.text and "Commandes" in page.text
    response = await client.post("/preferences/locale", data={"locale": "en", "next": "/orders"})
    assert response.status_code == 303
    page = await client.get("/orders")
    assert '<html lang="en">' in page.text and "Orders" in page.text


async def test_api_key_authenticates_api_calls(client, api_key):
    response = await client.get("/api/v1/whoami", headers={"Authorization": f"Bearer {api_key}"})
    assert response.status_code == 200
    assert response.json() == {"name": "test shop"}


async def test_missing_or_bad_api_key_is_a_401_json(client, api_key):
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": f"Basic {api_key}"}):
        response = await client.get("/api/v1/whoami", headers=headers)
        assert response.status_code == 401
        assert response.json()["detail"]


async def test_a_staff_session_does_not_open_the_api(login_as, client):
    await login_as("admin")
    response = await client.get("/api/v1/whoami")
    assert response.status_code == 401
