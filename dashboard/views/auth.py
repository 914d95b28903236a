"""Sign-in, sign-out and the interface language."""

from __future__ import annotations

import re

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from dashboard.components.i18n import current_locale, gettext as _, normalise_locale
from dashboard.domain.errors import AuthenticationFailed, TooManyAttempts
from dashboard.domain.staff.roles import HOME_AREA, Role
from dashboard.services.staff import auth
from dashboard.settings import get_settings
from dashboard.views.security import (
    LOCALE_COOKIE,
    SESSION_COOKIE,
    anonymous_locale,
    staff_guard,
)


def _bad_next_message() -> str:
    """Read in the language of the request, so built when answering."""
    return _("The address to come back to after signing in was refused: sign in, you will "
             "land on your home page.")


def home_url(role: str) -> str:
    return "/" + HOME_AREA[Role(role)].value


# A path on this site: "/" then printable ASCII (no space, tab, CR, LF or NUL), not "//"
# or "/\\" (other hosts to a browser), no backslash, no percent-encoded control character.
_SAFE_NEXT = re.compile(r"/(?![/\\])[\x21-\x7e]*")
_ENCODED_CONTROL = re.compile(r"%(?:[01][0-9a-f]|7f)", re.IGNORECASE)


def safe_next(value: str | None) -> str | None:
    """Only same-site paths: never redirect a signed-in user to another host, and never
    put a line break into the Location header."""
    if (value and _SAFE_NEXT.fullmatch(value) and "\\" not in value
            and not _ENCODED_CONTROL.search(value)):
        return value
    return None


def _refused_next(value: str | None) -> bool:
    return bool(value) and safe_next(value) is None


def session_cookie(token: str) -> Cookie:
    """The session cookie, the same for local and single sign-on."""
    return Cookie(key=SESSION_COOKIE, value=token, httponly=True, samesite="lax",
                  max_age=get_settings().session_idle_minutes * 60, path="/")


class AuthController(Controller):
    @get("/login")
    async def login_form(self, request: Request, next: FromQuery[str | None] = None) -> Template:
        current_locale.set(anonymous_locale(request))
        if _refused_next(next):
            return self._form_again("", None, _bad_next_message(), 400)
        return Template("pages/auth/login.html", context={
            "error": None, "username": "", "next": safe_next(next) or "",
            "single_sign_on": get_settings().oidc_enabled})

    @post("/login")
    async def login(self, request: Request) -> Response:
        current_locale.set(anonymous_locale(request))
        form = await request.form()
        username = str(form.get("username", ""))
        if _refused_next(str(form.get("next", ""))):
            return self._form_again(username, None, _bad_next_message(), 400)
        next_url = safe_next(str(form.get("next", "")))
        try:
            token, user = await auth.sign_in(username, str(form.get("password", "")),
                                             request.headers.get("user-agent", ""),
                                             client=request.client.host if request.client else "")
        except TooManyAttempts as exc:
            error = _("Too many failed attempts. Try again in %(seconds)s seconds.") % {
                "seconds": exc.retry_after_seconds}
            return self._form_again(username, next_url, error, 429)
        except AuthenticationFailed:
            return self._form_again(username, next_url, _("Wrong user name or password."), 401)
        target = next_url if next_url and user.role != Role.PICKER else home_url(user.role)
        response = Redirect(target, status_code=303)
        response.cookies.append(session_cookie(token))
        response.headers["HX-Redirect"] = target
        return response

    @staticmethod
    def _form_again(username: str, next_url: str | None, error: str, status: int) -> Template:
        return Template("pages/auth/login.html", status_code=status,
                        context={"error": error, "username": username, "next": next_url or "",
                                 "single_sign_on": get_settings().oidc_enabled})

    @post("/logout", guards=[staff_guard])
    async def logout(self, request: Request) -> Response:
        await auth.sign_out(request.cookies.get(SESSION_COOKIE))
        response = Redirect("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        response.headers["HX-Redirect"] = "/login"
        return response

    @post("/preferences/locale", guards=[staff_guard])
    async def set_locale(self, request: Request) -> Response:
        form = await request.form()
        locale = normalise_locale(str(form.get("locale", "")))
        if locale:
            await auth.set_locale(request.user.id, locale)
        back = safe_next(request.headers.get("hx-current-url-path")) or safe_next(
            str(form.get("next", ""))) or home_url(request.user.role)
        response = Redirect(back, status_code=303)
        if locale:
            response.cookies.append(Cookie(key=LOCALE_COOKIE, value=locale, samesite="lax",
                                           max_age=365 * 24 * 3600, path="/"))
        response.headers["HX-Refresh"] = "true"
        return response

    @get("/", guards=[staff_guard])
    async def home(self, request: Request) -> Redirect:
        return Redirect(home_url(request.user.role), status_code=303)
