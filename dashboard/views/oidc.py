"""Sign-in with the shop's accounts (OpenID Connect): leave for the provider, come back.

``GET /login/oidc`` sends the browser to the provider (code flow, PKCE S256, state,
nonce) and keeps the hand-over sealed in a short-lived cookie; ``GET /login/oidc/callback``
checks what comes back, opens the same session as a local sign-in, or shows in plain words
why not. Both are public (the sign-in pages), like ``/login``.
"""

from __future__ import annotations

from dataclasses import asdict

from litestar import Controller, Request, Response, get
from litestar.datastructures import Cookie
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from dashboard.components import oidc
from dashboard.components.i18n import current_locale, gettext as _
from dashboard.components.labels import label
from dashboard.components.sealed import seal, unseal
from dashboard.domain.errors import SignInRefused
from dashboard.domain.staff.roles import Role
from dashboard.services.staff.single_sign_on import sign_in_with_claims
from dashboard.settings import get_settings
from dashboard.views.auth import home_url, safe_next, session_cookie
from dashboard.views.security import anonymous_locale

PENDING_COOKIE = "dashboard_oidc"
PENDING_PURPOSE = "oidc-pending-sign-in"
PENDING_MAX_AGE = 10 * 60  # time to sign in at the provider
CALLBACK_PATH = "/login/oidc/callback"

_STATUS = {"not_configured": 404, "provider_error": 502, "denied": 403, "state": 400,
           "invalid_token": 400, "no_role": 403, "disabled": 403}


def _messages() -> dict[str, str]:
    roles = ", ".join(f"{label('role', role.value)} ({role.value})" for role in Role)
    return {
        "not_configured": _("Sign-in with the shop's account is not set up here. "
                            "Use your user name and password."),
        "provider_error": _("The shop's sign-in service cannot be reached or gave an answer "
                            "we cannot use. Try again in a moment, or use your user name "
                            "and password."),
        "denied": _("The sign-in was cancelled at the shop's sign-in service."),
        "state": _("This sign-in was not started from this browser, or took too long. "
                   "Start again from the sign-in page."),
        "invalid_token": _("The identity sent by the shop's sign-in service failed our "
                           "checks (signature, expiry or origin). You are not signed in; "
                           "start again, and tell an administrator if it happens again."),
        "no_role": _("Your shop account has no role in the back office, so you cannot "
                     "sign in here. Ask an administrator to give you one of these roles: "
                     "%(roles)s.") % {"roles": roles},
        "disabled": _("Your back-office account is disabled. Ask an administrator."),
    }


def _provider() -> oidc.Provider:
    settings = get_settings()
    if not settings.oidc_enabled:
        raise SignInRefused("not_configured")
    return oidc.Provider(issuer=settings.oidc_issuer, client_id=settings.oidc_client_id,
                         client_secret=settings.oidc_client_secret)


def _callback_url(request: Request) -> str:
    return str(request.base_url).rstrip("/") + CALLBACK_PATH


def _refused(reason: str) -> Response:
    response = Template("pages/auth/sso_refused.html", status_code=_STATUS.get(reason, 400),
                        context={"reason": reason, "message": _messages()[reason]})
    response.delete_cookie(PENDING_COOKIE, path="/login/oidc")
    return response


class SingleSignOnController(Controller):
    path = "/login/oidc"

    @get("/")
    async def start(self, request: Request, next: FromQuery[str | None] = None) -> Response:
        current_locale.set(anonymous_locale(request))
        try:
            url, pending = await oidc.authorization_url(_provider(), _callback_url(request),
                                                        safe_next(next) or "")
        except SignInRefused as exc:
            return _refused(exc.reason)
        response = Redirect(url, status_code=302)
        response.cookies.append(Cookie(
            key=PENDING_COOKIE, path="/login/oidc", httponly=True, samesite="lax",
            secure=request.url.scheme == "https", max_age=PENDING_MAX_AGE,
            value=seal(asdict(pending), get_settings().secret_key, PENDING_PURPOSE,
                       PENDING_MAX_AGE)))
        return response

    @get("/callback")
    async def callback(self, request: Request, code: FromQuery[str | None] = None,
                       error: FromQuery[str | None] = None) -> Response:
        current_locale.set(anonymous_locale(request))
        state = request.query_params.get("state")  # "state" is a reserved parameter name
        settings = get_settings()
        sealed = unseal(request.cookies.get(PENDING_COOKIE), settings.secret_key,
                        PENDING_PURPOSE)
        try:
            provider = _provider()
            if error:  # cancelled or refused at the provider (which may omit the state then)
                raise SignInRefused("denied")
            if sealed is None or not state or state != sealed.get("state") or not code:
                raise SignInRefused("state")
            pending = oidc.PendingSignIn(**sealed)
            claims = await oidc.exchange_code(provider, _callback_url(request), code, pending)
            token, user = await sign_in_with_claims(provider.issuer, claims,
                                                    settings.oidc_role_claim,
                                                    request.headers.get("user-agent", ""))
        except SignInRefused as exc:
            return _refused(exc.reason)
        next_url = pending.next_url
        target = next_url if next_url and user.role != Role.PICKER else home_url(user.role)
        response = Redirect(target, status_code=303)
        response.cookies.append(session_cookie(token))
        response.delete_cookie(PENDING_COOKIE, path="/login/oidc")
        return response
