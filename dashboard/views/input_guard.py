"""Refuse a NUL character anywhere a request carries text, before any handler sees it.

PostgreSQL cannot store U+0000 in text (asyncpg raises, the page answered 500) and no
field of this app means one. So the query string, url-encoded forms, the text fields of
multipart forms (not the uploaded files) and JSON bodies are checked once, here:
staff get a 400 page with a message, the shop's systems a 422 JSON problem.
"""

from __future__ import annotations

import re

from litestar.enums import ScopeType
from litestar.exceptions import HTTPException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from dashboard.components.i18n import gettext as _

_MACHINE_PREFIXES = ("/api/", "/webhooks/", "/integrations/")
_ENCODED_NUL = re.compile(rb"%00|\x00")
_JSON_NUL = re.compile(rb"\\u0000|\x00", re.IGNORECASE)
_BOUNDARY = re.compile(rb'boundary="?([^";]+)"?', re.IGNORECASE)


class NulInInput(HTTPException):
    status_code = 400


def _multipart_text_has_nul(body: bytes, content_type: bytes) -> bool:
    match = _BOUNDARY.search(content_type)
    if not match:
        return False
    for part in body.split(b"--" + match.group(1)):
        headers, _, content = part.partition(b"\r\n\r\n")
        if b"filename=" not in headers.lower() and b"\x00" in content:
            return True
    return False


def has_nul(scope: Scope, body: bytes) -> bool:
    """Whether the query string or the body's text carries a NUL character."""
    if _ENCODED_NUL.search(scope.get("query_string", b"")) or "\x00" in scope["path"]:
        return True
    headers = dict(scope.get("headers", []))
    content_type = headers.get(b"content-type", b"").lower()
    if content_type.startswith(b"application/x-www-form-urlencoded"):
        return bool(_ENCODED_NUL.search(body))
    if content_type.startswith(b"multipart/form-data"):
        return _multipart_text_has_nul(body, headers.get(b"content-type", b""))
    if b"json" in content_type:
        return bool(_JSON_NUL.search(body))
    return False


async def _read_body(receive: Receive) -> tuple[bytes, list]:
    chunks, messages = [], []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks), messages


class NulGuardMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        body = b""
        if scope["method"] in ("POST", "PUT", "PATCH", "DELETE"):
            body, messages = await _read_body(receive)

            async def replay() -> dict:
                return messages.pop(0) if messages else await receive()

            receive = replay
        if has_nul(scope, body):
            machine = scope["path"].startswith(_MACHINE_PREFIXES)
            if machine:
                raise NulInInput(status_code=422,
                                 detail="Input contains a NUL character, which no field accepts")
            raise NulInInput(detail=_("The request contains a null character (NUL), which no "
                                      "field accepts. Remove it and try again."))
        await next_app(scope, receive, send)
