"""Turn refusals into answers where the user is: a page, a fragment, or JSON.

- API, webhook and integration paths get JSON (``{"detail": ...}``).
- htmx requests get a small fragment (shown as a toast), or ``HX-Redirect`` to sign in.
- Browser pages get a full error page, or a redirect to the sign-in form.
- While the database is out of reach, every one of them gets 503 with ``Retry-After``
  (a problem+json body on machine paths): the request was fine and will pass later.
No traceback ever reaches the user; unexpected errors are logged with one.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from dashboard.components.i18n import gettext as _
from dashboard.domain.errors import DomainError, NotFound, ValidationFailed
from dashboard.domain.numbers import Message
from dashboard.services.health import database_unavailable

log = logging.getLogger(__name__)

_MACHINE_PREFIXES = ("/api/", "/webhooks/", "/integrations/")
# Long enough for a restart or a fail-over, short enough that nobody waits for nothing.
RETRY_AFTER_SECONDS = 30
PROBLEM_JSON = "application/problem+json"


def wants_json(request: Request) -> bool:
    return request.url.path.startswith(_MACHINE_PREFIXES)


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def _error_page(request: Request, status: int, title: str, message: str) -> Response:
    template = "partials/shell/_error.html" if is_htmx(request) else "pages/errors/error.html"
    return Template(template, context={"status": status, "title": title, "message": message},
                    status_code=status)


def not_authorized(request: Request, exc: NotAuthorizedException) -> Response:
    if wants_json(request):
        return Response({"detail": exc.detail}, status_code=401,
                        headers={"WWW-Authenticate": "Bearer"})
    target = "/login"
    if request.method == "GET" and request.url.path not in ("/", "/login"):
        target += "?next=" + quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    if is_htmx(request):
        return Response("", status_code=401, headers={"HX-Redirect": target})
    return Redirect(target, status_code=303)


def permission_denied(request: Request, exc: PermissionDeniedException) -> Response:
    csrf = "csrf" in (exc.detail or "").lower()
    log.warning("403 %s %s: %s", request.method, request.url.path, exc.detail)
    if wants_json(request):
        return Response({"detail": exc.detail}, status_code=403)
    if csrf:
        message = _("Your form expired or was sent from elsewhere. Reload the page and try again.")
    else:
        message = _("Your role does not give access to this page.")
    return _error_page(request, 403, _("Access refused"), message)


def not_found(request: Request, exc: HTTPException) -> Response:
    if wants_json(request):
        return Response({"detail": exc.detail or "Not found"}, status_code=404)
    return _error_page(request, 404, _("Not found"), _("This page or record does not exist."))


def domain_error(request: Request, exc: DomainError) -> Response:
    status = 404 if isinstance(exc, NotFound) else 422
    if wants_json(request):
        body: dict = {"detail": exc.message, "code": exc.code}
        if isinstance(exc, ValidationFailed):
            body["errors"] = exc.fields
        return Response(body, status_code=status)
    if isinstance(exc, NotFound) and not isinstance(exc.message, Message):
        # "No order 2026-00042" is written for logs and API clients, in English; the
        # page says the same in the reader's language (the URL already names the record).
        return _error_page(request, 404, _("Not found"), _("This page or record does not exist."))
    return _error_page(request, status, _("Not possible"), _(exc.message))


def validation_error(request: Request, exc: ValidationException) -> Response:
    if wants_json(request):
        # Litestar lists its refusals ([{"key", "message", "source"}]); the API's 422 names
        # each field with what is wrong, like every other 422 it gives.
        errors = {str(item.get("key") or "body"): str(item.get("message", ""))
                  for item in (exc.extra if isinstance(exc.extra, list) else [])
                  if isinstance(item, dict)}
        return Response({"detail": "Invalid input", "code": "validation_failed",
                         "errors": errors or {"body": str(exc.detail)}}, status_code=422)
    return _error_page(request, 400, _("Invalid input"), _("Some fields are missing or invalid."))


def database_down(request: Request, exc: Exception) -> Response:
    """503 + Retry-After: the database is unreachable, the request itself was fine."""
    log.warning("database unreachable on %s %s: %s: %s", request.method, request.url.path,
                type(exc).__name__, exc)
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if wants_json(request):
        return Response({"type": "about:blank", "title": "Service Unavailable", "status": 503,
                         "detail": "The database is unreachable; retry later.", "code": "database_unavailable"},
                        status_code=503, media_type=PROBLEM_JSON, headers=headers)
    response = _error_page(request, 503, _("Service temporarily unavailable"),
                           _("The database cannot be reached. Try again in a minute."))
    response.headers.update(headers)
    return response


def server_error(request: Request, exc: Exception) -> Response:
    if database_unavailable(exc):
        return database_down(request, exc)
    if isinstance(exc, HTTPException) and exc.status_code < 500:
        # Keep the exception's headers: a 405 must say which methods are allowed (Allow).
        if wants_json(request):
            return Response({"detail": exc.detail}, status_code=exc.status_code,
                            headers=exc.headers)
        response = _error_page(request, exc.status_code, _("Not possible"), str(exc.detail))
        response.headers.update(exc.headers or {})
        return response
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    if wants_json(request):
        return Response({"detail": "Internal error"}, status_code=HTTP_500_INTERNAL_SERVER_ERROR)
    return _error_page(request, 500, _("Something went wrong"),
                       _("The error was logged. Try again, or tell an administrator."))


EXCEPTION_HANDLERS = {
    NotAuthorizedException: not_authorized,
    PermissionDeniedException: permission_denied,
    NotFoundException: not_found,
    DomainError: domain_error,
    ValidationException: validation_error,
    Exception: server_error,
}
