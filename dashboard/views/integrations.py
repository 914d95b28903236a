"""``/integrations/shipstation``: ShipStation's Custom Store endpoint (protocol v1).

ShipStation authenticates every call with HTTP Basic: the credentials are the settings
``DASHBOARD_SHIPSTATION_USERNAME`` / ``_PASSWORD``; with none configured every call is
refused. ``GET ?action=export`` lists orders, ``POST ?action=shipnotify`` records a parcel;
each reads only its own action, spelled as ShipStation sends it.
Refusals answer plain text saying why (ShipStation shows it to the merchant).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import logging

from litestar import Request, Response, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromQuery

from dashboard.domain.fulfilment import shipstation as protocol
from dashboard.domain.errors import DomainError, NotFound, ValidationFailed
from dashboard.services.fulfilment import shipstation
from dashboard.settings import get_settings
from dashboard.views.api_schemas import documented_request
from dashboard.views.integration_schemas import (
    EXPORT_PARAMETERS,
    NOTIFY_PARAMETERS,
    SHIP_NOTICE,
    SHIPSTATION,
)

log = logging.getLogger(__name__)
REALM = 'Basic realm="Order desk ShipStation", charset="UTF-8"'
PATH = "/integrations/shipstation"


def _text(status: int, message: str, **headers: str) -> Response:
    return Response(message + "\n", status_code=status, media_type="text/plain",
                    headers=headers or None)


def credentials_problem(header: str) -> str | None:
    """Why the ``Authorization`` header is refused, or None when it names our user.

    Both halves are compared in constant time, always both, so timing tells nothing.
    """
    settings = get_settings()
    if not settings.shipstation_username or not settings.shipstation_password:
        return "ShipStation access is not configured"
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        return "Basic credentials required"
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return "malformed Basic credentials"
    username, _, password = decoded.partition(":")
    user_ok = hmac.compare_digest(username.encode(), settings.shipstation_username.encode())
    password_ok = hmac.compare_digest(password.encode(), settings.shipstation_password.encode())
    return None if user_ok and password_ok else "wrong username or password"


def _plain(why: str) -> ResponseSpec:
    return ResponseSpec(str, description=why, media_type="text/plain", generate_examples=False)


ANSWERS = {
    400: _plain("A wrong action, page, date or ship notice"),
    401: _plain("Missing or wrong Basic credentials, or none configured"),
}
SECURITY = [{SHIPSTATION: []}]


def _refused(request: Request) -> Response | None:
    problem = credentials_problem(request.headers.get("authorization", ""))
    if problem:
        log.warning("ShipStation call refused: %s", problem)
        return _text(401, problem, **{"WWW-Authenticate": REALM})
    return None


def _wrong_action(method: str, action: str) -> Response | None:
    if action == protocol.ACTIONS[method]:
        return None
    return _text(400, "action must be export (GET) or shipnotify (POST)")


@get(PATH, status_code=200, tags=["integrations"], security=SECURITY, responses={
         200: ResponseSpec(str, description="the <Orders> XML", media_type="application/xml",
                           generate_examples=False), **ANSWERS},
     operation_class=documented_request(parameters=EXPORT_PARAMETERS, name="ShipStationExport"))
async def shipstation_export(
    request: Request,
    action: FromQuery[str] = "",
    start_date: FromQuery[str] = "",
    end_date: FromQuery[str] = "",
    page: FromQuery[str] = "1",
) -> Response:
    """``action=export``: the carrier orders changed between the two dates, 100 a page."""
    if refusal := _refused(request) or _wrong_action("GET", action):
        return refusal
    settings = get_settings()
    try:
        result = await shipstation.export_orders(start_date, end_date,
                                                 protocol.parse_page(page), tz=settings.timezone)
    except ValidationFailed as exc:
        return _text(400, exc.message)
    return Response(result.document, media_type="application/xml; charset=utf-8")


@post(PATH, status_code=200, tags=["integrations"], security=SECURITY, responses={
          200: _plain("What was done"), **ANSWERS, 404: _plain("No such order"),
          409: _plain("The order cannot be shipped so")},
      operation_class=documented_request("application/xml", SHIP_NOTICE,
                                         parameters=NOTIFY_PARAMETERS, name="ShipNotice"))
async def shipstation_notify(
    request: Request,
    action: FromQuery[str] = "",
    order_number: FromQuery[str] = "",
    carrier: FromQuery[str] = "",
    service: FromQuery[str] = "",
    tracking_number: FromQuery[str] = "",
) -> Response:
    """``action=shipnotify``: one parcel ShipStation made a label for, recorded once."""
    if refusal := _refused(request) or _wrong_action("POST", action):
        return refusal
    settings = get_settings()
    try:
        notice = protocol.parse_ship_notice(
            await request.body(), order_number=order_number, carrier=carrier,
            service=service, tracking_number=tracking_number)
        outcome = await shipstation.apply_ship_notice(
            notice, notify_setting=settings.shipstation_notify_customer)
    except NotFound as exc:
        return _text(404, exc.message)
    except ValidationFailed as exc:
        reasons = "; ".join(f"{key}: {value}" for key, value in exc.fields.items())
        return _text(400, f"{exc.message} ({reasons})" if reasons else exc.message)
    except DomainError as exc:
        return _text(409, exc.message)
    log.info("ShipStation notice for %s (%s): %s", notice.order_number,
             notice.tracking_number, outcome)
    return _text(200, outcome)
