"""Schemathesis hooks for ``test_api_contract`` (loaded through ``SCHEMATHESIS_HOOKS``).

Some inputs are valid only against the data, which no schema can say: a SKU of the
catalogue, EU VAT and GTIN check digits, a postal code of the address's own country, a
cursor the API gave, an ``Idempotency-Key`` not used for another order, an order number a
webhook names. Where the generator made such a value that the schema accepts, it is replaced
by a real one; a value the schema refuses (too long, wrong type) is left alone, so negative
cases stay negative.

Webhooks are signed here, over the body exactly as it is sent, with the secret the server
was started with (the same environment variables), when the case carries the placeholder
the schema's security scheme put there: a case sent without it (ignored_auth's probes) or
with another value stays unsigned, and must be refused.
"""

import hashlib
import json
import os
import re
from datetime import datetime, timedelta, timezone

import requests
import schemathesis
from standardwebhooks.webhooks import Webhook

from dashboard.domain.fulfilment.shipstation import DATE_PATTERN

SKU = "TSHIRT-BLUE-M"
SIGN_HERE = "sign-me"  # the api_key the run's config gives the webhook security schemes
SECRETS = {"/webhooks/payments": "DASHBOARD_PAYMENT_WEBHOOK_SECRET",
           "/webhooks/carriers": "DASHBOARD_CARRIER_WEBHOOK_SECRET"}
ORDER_NUMBER = "CONTRACT_ORDER_NUMBER"  # an order of the test database, in EUR
_GTIN = re.compile(r"^([0-9]{8}|[0-9]{12,14})$")
_SHIPSTATION_DATE = re.compile(DATE_PATTERN)


def _is_text(value, max_length: int) -> bool:
    return isinstance(value, str) and len(value) <= max_length


def _with_check_digit(code: str) -> str:
    body = [int(c) for c in code[:-1]]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return code[:-1] + str((10 - total % 10) % 10)


def _real_address(address) -> None:
    if isinstance(address, dict) and isinstance(address.get("country"), str) \
            and len(address["country"]) == 2 and _is_text(address.get("postal_code", ""), 20):
        address["country"], address["postal_code"] = "FR", "69003"


def _real_query(query) -> None:
    cursor = query.get("cursor") if isinstance(query, dict) else None
    if isinstance(cursor, str) and re.fullmatch(r"[A-Za-z0-9_-]*", cursor):
        query["cursor"] = ""
    # ShipStation's export: a range that runs forwards over real days, ending now.
    if isinstance(query, dict) and all(isinstance(query.get(k), str) and _SHIPSTATION_DATE.match(
            query[k]) for k in ("start_date", "end_date")):
        now = datetime.now(timezone.utc)
        query["start_date"] = (now - timedelta(days=2)).strftime("%m/%d/%Y %H:%M")
        query["end_date"] = (now + timedelta(days=1)).strftime("%m/%d/%Y %H:%M")


def _real_body(body) -> None:
    if not isinstance(body, dict):
        return
    barcode = body.get("barcode")
    if isinstance(barcode, str) and _GTIN.match(barcode):
        body["barcode"] = _with_check_digit(barcode)
    customer = body.get("customer")
    if isinstance(customer, dict) and _is_text(customer.get("vat_number"), 40) \
            and customer.get("vat_number"):
        customer["vat_number"] = "FR40303265045"
    for key in ("shipping_address", "billing_address"):
        _real_address(body.get(key))
    if isinstance(body.get("lines"), list):
        if _is_text(body.get("currency"), 3) and len(body["currency"]) == 3:
            body["currency"] = "EUR"
        for line in body["lines"]:
            if isinstance(line, dict) and _is_text(line.get("sku"), 64) and line["sku"].strip():
                line["sku"] = SKU


def _real_event(body) -> None:
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        return
    if _is_text(data.get("order_number"), 20) and data["order_number"].strip():
        data["order_number"] = os.environ[ORDER_NUMBER]
        if isinstance(data.get("currency"), str) and re.fullmatch("[A-Za-z]{3}", data["currency"]):
            data["currency"] = "EUR"


def _sent_body(case) -> bytes:
    """The body as the transport will put it on the wire (requests serialises ``json=``)."""
    sent = case.as_transport_kwargs(base_url="http://contract.invalid")
    request = requests.Request(method=sent["method"], url=sent["url"],
                               json=sent.get("json"), data=sent.get("data")).prepare()
    body = request.body or b""
    return body.encode() if isinstance(body, str) else body


def _sign(case) -> None:
    secret = os.environ[SECRETS[case.path]]
    body = _sent_body(case)
    try:
        text = body.decode()
    except UnicodeDecodeError:
        return  # not UTF-8, so not JSON: left unsigned, and refused for that
    webhook_id = f"contract-{hashlib.sha256(body).hexdigest()[:32]}"  # a resend: same id
    now = datetime.now(timezone.utc)
    case.headers["webhook-id"] = webhook_id
    case.headers["webhook-timestamp"] = str(int(now.timestamp()))
    case.headers["webhook-signature"] = Webhook(secret).sign(webhook_id, now, text)


def _positive(case, location: str) -> bool:
    """Whether ``location`` (header, query, body) was generated valid: a negative one is
    left exactly as made, or the case would no longer be what its metadata says."""
    meta = case.meta
    if meta is None:
        return True
    for key, info in meta.components.items():
        if getattr(key, "value", key) == location:
            return info.mode.is_positive
    return meta.generation.mode.is_positive


@schemathesis.hook
def map_case(context, case):
    """Every phase (examples, coverage, fuzzing, stateful) passes its cases through here."""
    if _positive(case, "query"):
        _real_query(case.query)
    if _positive(case, "body"):
        if case.path in SECRETS:
            _real_event(case.body)
        else:
            _real_body(case.body)
    return case


@schemathesis.hook
def before_call(context, case, kwargs):
    """The key is derived from the body as sent: a case sent again (shrinking, replays)
    keeps its key, and a different order never meets a key already used."""
    if case.path in SECRETS and case.headers and case.headers.get("webhook-signature") == SIGN_HERE:
        _sign(case)
    if case.headers is not None and _is_text(case.headers.get("Idempotency-Key"), 150):
        digest = hashlib.sha256(json.dumps(case.body, sort_keys=True, default=repr).encode())
        case.headers["Idempotency-Key"] = f"contract-{digest.hexdigest()[:32]}"


