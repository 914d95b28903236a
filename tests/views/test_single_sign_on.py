"""Sign-in with the shop's accounts, end to end against a real OpenID provider process.

A browser-like httpx client follows every redirect between the dashboard (in this test's
loop) and the provider (``oidc-provider-mock`` in its own process), posting the provider's
sign-in form as a person would. Each refusal is the provider or an attacker doing
something wrong for real: an expired token, a token changed in transit, a nonce or state
swapped in the browser, a person without a staff role.
"""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx
import pytest

from dashboard.db.tables import ExternalIdentity, StaffSession, StaffUser
from tests.conftest import PASSWORD, sign_in
from tests.oidc_provider import ProviderProcess, TamperingProxy, set_user

CLIENT_ID = "order-desk"
CLIENT_SECRET = "s3cret-for-tests"


@pytest.fixture(scope="module")
def provider():
    with ProviderProcess() as url:
        yield url


@pytest.fixture(scope="module")
def expired_provider():
    """Signs ID tokens that expired ten minutes before they were issued."""
    with ProviderProcess(token_max_age_seconds=-600) as url:
        yield url


@pytest.fixture(scope="module")
def proxy(provider):
    with TamperingProxy(provider) as running:
        yield running


@pytest.fixture
def use_provider(configure):
    def _use(issuer: str, **more: str) -> None:
        configure(DASHBOARD_OIDC_ISSUER=issuer, DASHBOARD_OIDC_CLIENT_ID=CLIENT_ID,
                  DASHBOARD_OIDC_CLIENT_SECRET=CLIENT_SECRET, **more)
    return _use


@pytest.fixture(autouse=True)
def fresh_discovery():
    from dashboard.components import oidc

    oidc._metadata.clear()
    oidc._keys.clear()
    yield


@pytest.fixture
async def browser(app):
    """Cookies per host, redirects followed: the dashboard at http://testserver in process,
    anything else (the provider) over the network."""
    async with httpx.AsyncClient(
            base_url="http://testserver", follow_redirects=True,
            mounts={"http://testserver": httpx.ASGITransport(app=app)}) as http:
        yield http


def _replace_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


async def _leave_for_provider(browser) -> httpx.Response:
    """Click "sign in with the shop's account": the provider's own sign-in form."""
    page = await browser.get("/login")
    assert 'href="/login/oidc"' in page.text
    response = await browser.get("/login/oidc", follow_redirects=False)
    assert response.status_code == 302
    return response


async def _sign_in_at_provider(browser, authorize_url: str, sub: str) -> httpx.Response:
    form = await browser.get(authorize_url)
    assert form.status_code == 200 and "sub" in form.text  # the provider's sign-in form
    return await browser.post(authorize_url, data={"sub": sub})


async def _full_sign_in(browser, sub: str) -> httpx.Response:
    leave = await _leave_for_provider(browser)
    return await _sign_in_at_provider(browser, leave.headers["location"], sub)


async def test_the_login_page_offers_the_shop_account_only_when_configured(client, configure,
                                                                            use_provider,
                                                                            provider):
    configure(DASHBOARD_OIDC_ISSUER=None)
    page = await client.get("/login", headers={"accept-language": "fr"})
    assert "/login/oidc" not in page.text
    refused = await client.get("/login/oidc", headers={"accept-language": "fr"})
    assert refused.status_code == 404
    assert "pas configurée" in refused.text

    use_provider(provider)
    page = await client.get("/login", headers={"accept-language": "fr"})
    assert "Se connecter avec le compte de la boutique" in page.text


async def test_the_redirect_uses_code_flow_with_pkce_state_and_nonce(client, use_provider,
                                                                    provider):
    use_provider(provider)
    response = await client.get("/login/oidc")
    assert response.status_code == 302
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}" == provider
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert query["response_type"] == "code"
    assert query["client_id"] == CLIENT_ID
    assert query["redirect_uri"] == "http://testserver/login/oidc/callback"
    assert set(query["scope"].split()) >= {"openid"}
    assert query["code_challenge_method"] == "S256"
    assert len(query["state"]) >= 32 and len(query["nonce"]) >= 32
    assert query["state"] != query["nonce"]
    # The verifier stays with the browser, sealed: the cookie shows neither it nor the state.
    sealed = response.cookies["dashboard_oidc"]
    assert query["state"] not in sealed
    from dashboard.components.sealed import unseal
    from dashboard.settings import get_settings

    pending = unseal(sealed, get_settings().secret_key, "oidc-pending-sign-in")
    challenge = base64.urlsafe_b64encode(
        hashlib.sha256(pending["code_verifier"].encode()).digest()).decode().rstrip("=")
    assert query["code_challenge"] == challenge
    # A second start is a new state and nonce.
    again = parse_qs(urlsplit((await client.get("/login/oidc")).headers["location"]).query)
    assert again["state"][0] != query["state"]


async def test_first_sign_in_creates_the_account_with_the_role_of_the_claim(browser,
                                                                            use_provider,
                                                                            provider):
    use_provider(provider)
    set_user(provider, "u-1001", {"preferred_username": "claire", "name": "Claire Dubois",
                                  "email": "claire@shop.example", "roles": ["back_office"]})
    response = await _full_sign_in(browser, "u-1001")
    assert response.status_code == 200
    assert str(response.url) == "http://testserver/orders"
    assert "Claire Dubois" in response.text

    user = await StaffUser.objects().where(StaffUser.username == "claire").first()
    assert user.role == "back_office" and user.email == "claire@shop.example"
    link = await ExternalIdentity.objects().where(ExternalIdentity.user == user.id).first()
    assert (link.issuer, link.subject) == (provider, "u-1001")
    # The very same session row as a local sign-in.
    assert await StaffSession.count().where(StaffSession.user == user.id) == 1
    assert "dashboard_oidc" not in browser.cookies
    # Signing out ends it like any session.
    token = browser.cookies["csrftoken"]
    out = await browser.post("/logout", headers={"x-csrftoken": token})
    assert str(out.url) == "http://testserver/login"
    assert await StaffSession.count().where(StaffSession.user == user.id) == 0


async def test_the_role_follows_the_claim_at_each_sign_in(browser, use_provider, provider):
    use_provider(provider)
    set_user(provider, "u-2002", {"preferred_username": "marc", "roles": "dispatch"})
    await _full_sign_in(browser, "u-2002")
    assert (await StaffUser.objects().where(StaffUser.username == "marc").first()).role == "dispatch"

    browser.cookies.clear()
    # First known role wins; unknown values before it are ignored.
    set_user(provider, "u-2002", {"preferred_username": "marc",
                                  "roles": ["shop-customer", "picker", "admin"]})
    response = await _full_sign_in(browser, "u-2002")
    assert str(response.url) == "http://testserver/picking"
    users = await StaffUser.objects().where(StaffUser.username.like("marc%"))
    assert [(u.username, u.role) for u in users] == [("marc", "picker")]
    # A picker may not open the orders any more.
    assert (await browser.get("/orders")).status_code == 403


async def test_the_role_claim_name_is_a_setting(browser, use_provider, provider):
    use_provider(provider, DASHBOARD_OIDC_ROLE_CLAIM="groups")
    set_user(provider, "u-3003", {"preferred_username": "ines", "roles": ["admin"],
                                  "groups": ["staff", "call_centre"]})
    await _full_sign_in(browser, "u-3003")
    assert (await StaffUser.objects().where(StaffUser.username == "ines").first()).role == "call_centre"


async def test_a_local_account_keeps_its_password_and_is_never_taken_over(browser, client,
                                                                         use_provider,
                                                                         provider):
    from dashboard.services.staff.auth import create_user

    await create_user("sophie", "admin", PASSWORD)
    use_provider(provider)
    set_user(provider, "u-4004", {"preferred_username": "sophie", "roles": ["picker"]})
    await _full_sign_in(browser, "u-4004")
    local = await StaffUser.objects().where(StaffUser.username == "sophie").first()
    assert local.role == "admin"  # untouched
    linked = await ExternalIdentity.objects().where(ExternalIdentity.subject == "u-4004").first()
    made = await StaffUser.objects().where(StaffUser.id == linked.user).first()
    assert (made.username, made.role) == ("sophie-2", "picker")
    # Local sign-in still works with the provider configured...
    assert (await sign_in(client, "sophie")).status_code == 303
    # ...and the account made by the provider has no password that could ever match.
    client.cookies.clear()
    for guess in ("", "!single-sign-on", PASSWORD):
        assert (await sign_in(client, "sophie-2", guess)).status_code == 401


@pytest.mark.parametrize("claims", [
    {"preferred_username": "nobody"},                                  # no role claim at all
    {"preferred_username": "nobody", "roles": ["customer", "vip"]},   # no known role
    {"preferred_username": "nobody", "roles": 3},                      # not a string or list
])
async def test_without_a_known_role_the_person_is_refused_in_french(browser, use_provider,
                                                                   provider, claims):
    use_provider(provider)
    set_user(provider, "u-5005", claims)
    browser.headers["accept-language"] = "fr-FR"
    response = await _full_sign_in(browser, "u-5005")
    assert response.status_code == 403
    assert "Connexion refusée" in response.text
    assert "aucun rôle dans le back-office" in response.text
    assert "(picker)" in response.text and "(back_office)" in response.text
    assert await StaffUser.count() == 0  # no account for people with no business here
    assert "dashboard_session" not in browser.cookies


async def test_an_existing_account_whose_role_was_removed_is_refused(browser, use_provider,
                                                                    provider):
    use_provider(provider)
    set_user(provider, "u-6006", {"preferred_username": "paul", "roles": ["dispatch"]})
    await _full_sign_in(browser, "u-6006")
    browser.cookies.clear()
    set_user(provider, "u-6006", {"preferred_username": "paul", "roles": []})
    response = await _full_sign_in(browser, "u-6006")
    assert response.status_code == 403
    assert "dashboard_session" not in browser.cookies


async def test_a_locally_disabled_account_is_refused(browser, use_provider, provider):
    use_provider(provider)
    set_user(provider, "u-7007", {"preferred_username": "lea", "roles": ["admin"]})
    await _full_sign_in(browser, "u-7007")
    await StaffUser.update({StaffUser.is_active: False}).where(StaffUser.username == "lea")
    browser.cookies.clear()
    response = await _full_sign_in(browser, "u-7007")
    assert response.status_code == 403
    assert response.url.path == "/login/oidc/callback"


async def test_an_expired_id_token_is_refused(browser, use_provider, expired_provider):
    use_provider(expired_provider)
    set_user(expired_provider, "u-8008", {"preferred_username": "late", "roles": ["admin"]})
    browser.headers["accept-language"] = "fr"
    response = await _full_sign_in(browser, "u-8008")
    assert response.status_code == 400
    assert 'data-refusal="invalid_token"' in response.text
    assert "pas passé nos contrôles" in response.text
    assert await StaffUser.count() == 0


@pytest.mark.parametrize("how", ["payload", "signature"])
async def test_a_token_changed_in_transit_is_refused(browser, use_provider, proxy, how):
    use_provider(proxy.url)  # the provider names the proxy as its issuer
    set_user(proxy.url, "u-9009", {"preferred_username": "eve", "roles": ["picker"]})
    # Unspoiled, the proxy is invisible: the sign-in works.
    ok = await _full_sign_in(browser, "u-9009")
    assert str(ok.url) == "http://testserver/picking"
    browser.cookies.clear()
    proxy.tamper = how
    try:
        response = await _full_sign_in(browser, "u-9009")
    finally:
        proxy.tamper = None
    assert response.status_code == 400
    assert 'data-refusal="invalid_token"' in response.text
    assert (await StaffUser.objects().where(StaffUser.username == "eve").first()).role == "picker"
    assert "dashboard_session" not in browser.cookies


async def test_a_nonce_swapped_in_the_browser_is_refused(browser, use_provider, provider):
    use_provider(provider)
    set_user(provider, "u-1010", {"preferred_username": "mallory", "roles": ["admin"]})
    leave = await _leave_for_provider(browser)
    forged = _replace_query(leave.headers["location"], nonce="a-nonce-of-my-choosing-000000000")
    response = await _sign_in_at_provider(browser, forged, "u-1010")
    assert response.status_code == 400
    assert 'data-refusal="invalid_token"' in response.text
    assert await StaffUser.count() == 0


async def test_a_wrong_or_missing_state_is_refused(browser, app, use_provider, provider):
    use_provider(provider)
    set_user(provider, "u-1111", {"preferred_username": "oscar", "roles": ["admin"]})
    leave = await _leave_for_provider(browser)
    back = await browser.post(leave.headers["location"], data={"sub": "u-1111"},
                              follow_redirects=False)
    callback = back.headers["location"]
    assert callback.startswith("http://testserver/login/oidc/callback?")
    # State changed: refused, and nothing is exchanged.
    wrong = await browser.get(_replace_query(callback, state="not-the-state-we-sent"))
    assert wrong.status_code == 400 and 'data-refusal="state"' in wrong.text
    # The right answer, but in another browser (login CSRF): refused too.
    async with httpx.AsyncClient(base_url="http://testserver",
                                 transport=httpx.ASGITransport(app=app)) as other:
        stolen = await other.get(callback)
        assert stolen.status_code == 400 and 'data-refusal="state"' in stolen.text
    assert await StaffUser.count() == 0


async def test_cancelling_at_the_provider_signs_nobody_in(browser, use_provider, provider):
    use_provider(provider)
    leave = await _leave_for_provider(browser)
    response = await browser.post(leave.headers["location"], data={"action": "deny"})
    assert response.status_code == 403
    assert 'data-refusal="denied"' in response.text


async def test_an_unreachable_provider_gives_a_page_not_a_crash(client, use_provider):
    from tests.oidc_provider import free_port

    use_provider(f"http://127.0.0.1:{free_port()}")
    response = await client.get("/login/oidc", headers={"accept-language": "fr"})
    assert response.status_code == 502
    assert "injoignable" in response.text


async def test_a_provider_naming_another_issuer_is_not_trusted(client, use_provider, provider):
    use_provider(provider + "/")  # discovery answers, but names the issuer without the "/"
    response = await client.get("/login/oidc")
    assert response.status_code == 502
