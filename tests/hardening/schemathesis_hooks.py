"""Schemathesis hooks for ``test_api_contract`` (loaded through ``SCHEMATHESIS_HOOKS``).

Some inputs are valid only against the data, which no schema can say: a SKU of the
catalogue, EU VAT and GTIN check digits, a postal code of the address's own country, a
cursor the API gave, an ``Idempotency-Key`` not used for another order. Where the generator
made such a value that the schema accepts, it is replaced by a real one; a value the schema
refuses (too long, wrong type) is left alone, so negative cases stay negative.
"""

import hashlib
import json
import re

import schemathesis

SKU = "TSHIRT-BLUE-M"
_GTIN = re.compile(r"^([0-9]{8}|[0-9]{12,14})$")


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
        _real_body(case.body)
    return case


@schemathesis.hook
def before_call(context, case, kwargs):
    """The key is derived from the body as sent: a case sent again (shrinking, replays)
    keeps its key, and a different order never meets a key already used."""
    if case.headers is not None and _is_text(case.headers.get("Idempotency-Key"), 150):
        digest = hashlib.sha256(json.dumps(case.body, sort_keys=True, default=repr).encode())
        case.headers["Idempotency-Key"] = f"contract-{digest.hexdigest()[:32]}"
