"""Who is calling: staff by session cookie, the shop's systems by API key; and guards.

Every route is behind ``StaffAuthMiddleware`` except the few listed in ``PUBLIC_PATHS``
(sign-in, health, static files, and the endpoints that carry their own signature or
Basic auth). Controllers declare which area they belong to with ``area_guard``.
"""

from __future__ import annotations

import logging

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from dashboard.components.i18n import (
    DEFAULT_LOCALE,
    current_locale,
    normalise_locale,
    pick_from_accept_language,
)
from dashboard.domain.staff.roles import Action, Area, can_access, can_do
from dashboard.services.staff import auth

log = logging.getLogger(__name__)

SESSION_COOKIE = "dashboard_session"
API_KEY = "apiKey"  # the OpenAPI security scheme: ``Authorization: Bearer <api key>``
LOCALE_COOKIE = "dashboard_locale"
PUBLIC_PATHS = ["^/login", "^/healthz", "^/static/", "^/webhooks/", "^/integrations/", "^/schema",
                "^/favicon.ico"]


def anonymous_locale(connection: ASGIConnection) -> str:
    return (normalise_locale(connection.cookies.get(LOCALE_COOKIE))
            or pick_from_accept_language(connection.headers.get("accept-language"))
            or DEFAULT_LOCALE)


class StaffAuthMiddleware(AbstractAuthenticationMiddleware):
    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        if connection.scope["path"].startswith("/api/"):
            header = connection.headers.get("authorization", "")
            scheme, _, key = header.partition(" ")
            client = await auth.api_client(key.strip()) if scheme.lower() == "bearer" else None
            if client is None:
                log.warning("API call refused: missing or bad key (%s)", connection.scope["path"])
                raise NotAuthorizedException("Missing or invalid API key")
            return AuthenticationResult(user=client, auth=client)
        user = await auth.session_user(connection.cookies.get(SESSION_COOKIE))
        if user is None:
            current_locale.set(anonymous_locale(connection))
            raise NotAuthorizedException("Sign-in required")
        current_locale.set(normalise_locale(user.locale) or DEFAULT_LOCALE)
        return AuthenticationResult(user=user, auth=user)


def _answers_options(connection: ASGIConnection) -> bool:
    """OPTIONS reaches only the answer listing the allowed methods, which tells nothing;
    the authentication middleware lets it through unauthenticated (CORS pre-flight), so
    a guard reading the user would fail with a 500."""
    return connection.scope["method"] == "OPTIONS"


def action_guard(action: Action):
    """A guard letting through only staff whose role may do ``action`` (``ACTION_ACCESS``)."""

    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        if _answers_options(connection):
            return
        user = connection.user
        if not isinstance(user, auth.StaffIdentity) or not can_do(user.role, action):
            log.warning("forbidden: %s (%s) tried %s", getattr(user, "actor", "?"),
                        getattr(user, "role", "?"), connection.scope["path"])
            raise PermissionDeniedException(f"Your role may not {action.value}")

    return guard


def area_guard(area: Area):
    """A guard letting through only staff whose role may enter ``area``.

    Guards are coroutines: Litestar runs a plain-function guard in a worker thread, which
    cost a thread hop on every request."""

    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        if _answers_options(connection):
            return
        user = connection.user
        if not isinstance(user, auth.StaffIdentity) or not can_access(user.role, area):
            log.warning("forbidden: %s (%s) tried %s", getattr(user, "actor", "?"),
                        getattr(user, "role", "?"), connection.scope["path"])
            raise PermissionDeniedException(f"Your role may not open {area.value}")

    guard.__name__ = f"area_guard_{area.value}"
    return guard


async def staff_guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Any signed-in staff member (e.g. preferences, sign-out)."""
    if _answers_options(connection):
        return
    if not isinstance(connection.user, auth.StaffIdentity):
        raise PermissionDeniedException("Staff only")


async def api_guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    if _answers_options(connection):
        return
    if not isinstance(connection.scope.get("user"), auth.ApiClient):
        raise NotAuthorizedException("Missing or invalid API key")
