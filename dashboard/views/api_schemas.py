"""The JSON API's request bodies, decoded strictly, and how they appear in the OpenAPI schema.

Bodies are decoded by us rather than by Litestar's signature model, which coerces
``"2"`` into ``2``: a wrong type, malformed JSON or a missing field becomes a
``ValidationFailed`` naming the field (``lines[0].quantity``), answered as a 422.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

import msgspec
from litestar.openapi.spec import OpenAPIMediaType, Operation, RequestBody
from litestar.openapi.spec import Parameter as OpenAPIParameter

from dashboard.domain.errors import ValidationFailed
from dashboard.domain.orders.intake import (
    MAX_LINES,
    MAX_QUANTITY,
    MAX_UNIT_PRICE,
    address_countries,
    currencies,
)
from dashboard.domain.statuses import Channel, PaymentMethod, ShippingMethod
from dashboard.domain.stock.allocation import MAX_STOCK_QUANTITY
from dashboard.domain.stock.catalogue import MAX_WEIGHT_GRAMS, VAT_RATE

PROBLEM_JSON = "application/problem+json"
MAX_BODY_BYTES = 256 * 1024  # a 200-line order is ~30 kB; anything far larger is refused (413)

# The schema states each rule the domain checks (lengths, patterns, enums), so that what it
# calls valid is accepted and what it calls invalid is refused (schemathesis checks both).
# Only the OpenAPI document carries them (``extra_json_schema``): decoding stays loose on
# purpose, so that the domain reports every bad field at once, not msgspec the first one.
# Python's ``str.strip()`` whitespace, spelled out: JSON Schema's ``\s`` is another set.
_SPACE = "".join(f"\\u{c:04x}" for c in range(0x10000) if chr(c).isspace())
NOT_BLANK = f"[^{_SPACE}]"


def _doc(description: str = "", **schema) -> msgspec.Meta:
    return msgspec.Meta(description=description or None, extra_json_schema=schema or None)


def Text(max_length: int, description: str = "", *, required: bool = False, **schema):
    """A string of at most ``max_length`` characters; ``required``: not blank either."""
    if required:
        schema = {"minLength": 1, "pattern": NOT_BLANK, **schema}
    return Annotated[str, _doc(description, maxLength=max_length, **schema)]


Minor = Annotated[int, _doc("money in minor units (cents)", minimum=0, maximum=MAX_UNIT_PRICE)]
Count = Annotated[int, _doc(minimum=0, maximum=MAX_STOCK_QUANTITY)]


class CustomerIn(msgspec.Struct, kw_only=True):
    email: Text(254, "an email address", pattern=f"^[{_SPACE}]*[^@{_SPACE}]+@[^@{_SPACE}]+"
                f"\\.[^@{_SPACE}]+[{_SPACE}]*$")
    first_name: Text(100) = ""
    last_name: Text(100, "a first or a last name is required") = ""
    phone: Text(40, "digits, spaces and + ( ) . -", pattern=r"^(\+?[0-9 ().-]{4,40})?$") = ""
    company: Text(200, "a business customer's name") = ""
    vat_number: Text(40, "its EU VAT number, e.g. FR40303265045 (checked, check digits "
                         "included)") = ""


class AddressIn(msgspec.Struct, kw_only=True):
    name: Text(200, required=True)
    line1: Text(200, required=True)
    postal_code: Text(20, "required where the country has postal codes, in its format") = ""
    city: Text(100, required=True)
    country: Annotated[str, _doc("ISO 3166-1 alpha-2, e.g. FR", enum=list(address_countries()))]
    line2: Text(200) = ""
    company: Text(200) = ""
    region: Text(100) = ""
    phone: Text(40) = ""


class LineIn(msgspec.Struct, kw_only=True):
    sku: Text(64, "a product's SKU", required=True)
    quantity: Annotated[int, _doc(minimum=1, maximum=MAX_QUANTITY)]
    unit_price: Annotated[Minor | None, msgspec.Meta(
        description="VAT included; null or absent: the catalogue price")] = None


class OrderIn(msgspec.Struct, kw_only=True):
    customer: Annotated[CustomerIn, _doc("a first or a last name is required")]
    shipping_address: AddressIn
    billing_address: Annotated[AddressIn | None, msgspec.Meta(
        description="null: the shipping address")] = None
    lines: Annotated[list[LineIn], _doc(minItems=1, maxItems=MAX_LINES)]
    currency: Annotated[str, _doc("ISO 4217, e.g. EUR", enum=sorted(currencies()))] = "EUR"
    payment_method: Annotated[str, _doc("cash_on_pickup needs click_and_collect",
                                        enum=[m.value for m in PaymentMethod])]
    shipping_method: Annotated[str, _doc(enum=[m.value for m in ShippingMethod])] = "carrier"
    locale: Annotated[str, _doc(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")] = "fr"
    channel: Annotated[str, _doc(enum=[c.value for c in Channel])] = "web"
    shipping_total: Minor = 0


# Rules across fields: cash is paid at the counter, and the customer has a name. At the top
# of the body's schema: nested in ``customer``, schemathesis' coverage phase could not build
# a valid body and sent a bare ``0`` as one.
def _named(field: str) -> dict:
    return {"properties": {"customer": {"required": [field],
                                        "properties": {field: {"pattern": NOT_BLANK}}}}}


ORDER_RULES = {
    "allOf": [
        {"anyOf": [
            {"properties": {"payment_method": {"not": {"const": "cash_on_pickup"}}}},
            {"required": ["shipping_method"],
             "properties": {"shipping_method": {"const": "click_and_collect"}}},
        ]},
        {"anyOf": [_named("first_name"), _named("last_name")]},
    ],
}


class ProductIn(msgspec.Struct, kw_only=True):
    sku: Annotated[str, _doc("1-64 letters, digits, . _ / -",
                             pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")]
    name: Text(300, required=True)
    price: Annotated[int, _doc("money in minor units (cents)", minimum=0,
                               maximum=MAX_UNIT_PRICE)]
    currency: Annotated[str, _doc("ISO 4217, e.g. EUR", enum=sorted(currencies()))] = "EUR"
    vat_rate: Annotated[str, _doc("percent from 0 to 100, at most 2 decimals, e.g. \"20.0\"",
                                  pattern=VAT_RATE.pattern)] = "20.0"
    barcode: Annotated[str | None, _doc(
        "EAN-8, UPC-A, EAN-13 or GTIN-14 with its check digit",
        pattern=r"^([0-9]{8}|[0-9]{12,14})?$")] = None
    bin_location: Text(32) = ""
    backorder: Annotated[bool, msgspec.Meta(
        description="true: accept orders beyond the available stock")] = False
    weight_grams: Annotated[int, _doc("grams", minimum=0, maximum=MAX_WEIGHT_GRAMS)] = 0


class StockCountIn(msgspec.Struct, kw_only=True):
    on_hand: Count
    reason: Text(500, "e.g. inventory count", required=True)


# --- answers (documentation only: the handlers build plain dicts) -------------------------

class ProductOut(msgspec.Struct):
    sku: str
    name: str
    barcode: str | None
    price: int
    currency: str
    vat_rate: str
    bin_location: str
    backorder: bool
    weight_grams: int


class StockOut(msgspec.Struct):
    sku: str
    on_hand: int
    reserved: int
    available: int
    backordered: int


class OrderLineOut(msgspec.Struct):
    sku: str
    name: str
    quantity: int
    unit_price: int
    line_total: int
    reserved: int
    backordered: int
    picked: int
    shipped: int
    returned: int


class OrderOut(msgspec.Struct):
    number: str
    placed_at: str
    updated_at: str
    currency: str
    total: int
    balance_due: int
    payment_method: str
    status: str
    payment_status: str
    fulfilment_status: str
    lines: list[OrderLineOut]


class OrderPageOut(msgspec.Struct):
    orders: list[OrderOut]
    next_cursor: str | None


class ShortLine(msgspec.Struct):
    sku: str
    requested: int
    available: int


class ShortOut(msgspec.Struct):
    detail: str
    short: list[ShortLine]


class ProblemOut(msgspec.Struct, kw_only=True):
    detail: str
    code: str | msgspec.UnsetType = msgspec.UNSET
    errors: Annotated[dict[str, str] | msgspec.UnsetType, msgspec.Meta(
        description="field path (lines[0].quantity) -> what is wrong")] = msgspec.UNSET


class DetailOut(msgspec.Struct):
    detail: str


# --- strict decoding --------------------------------------------------------------------------

_AT = re.compile(r"^(?P<message>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.S)
_MISSING = re.compile(r"^Object missing required field `(?P<field>[^`]+)`$")


def _integral_floats(value):
    """``2.0`` as ``2``: JSON has one number type, and JSON Schema calls 2.0 an integer."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_integral_floats(v) for v in value]
    if isinstance(value, dict):
        return {k: _integral_floats(v) for k, v in value.items()}
    return value


def decode(body: bytes, struct: type[msgspec.Struct]):
    """The body as ``struct``, or ``ValidationFailed`` naming the field that is wrong."""
    try:
        return msgspec.convert(_integral_floats(msgspec.json.decode(body)), struct, strict=True)
    except msgspec.ValidationError as exc:
        match = _AT.match(str(exc))
        message, path = match["message"], match["path"] or ""
        if missing := _MISSING.match(message):
            path, message = f"{path}.{missing['field']}", "required"
        raise ValidationFailed({path.lstrip(".") or "body": message}) from None
    except msgspec.DecodeError as exc:
        raise ValidationFailed({"body": f"malformed JSON: {exc}"}) from None


# --- OpenAPI ---------------------------------------------------------------------------------

def _inline(schema, defs: dict):
    if isinstance(schema, dict):
        if "$ref" in schema:  # keywords beside the reference (e.g. anyOf) are kept
            siblings = {k: v for k, v in schema.items() if k != "$ref"}
            return {**_inline(defs[schema["$ref"].rsplit("/", 1)[1]], defs),
                    **_inline(siblings, defs)}
        return {k: _inline(v, defs) for k, v in schema.items() if k != "$defs"}
    if isinstance(schema, list):
        return [_inline(v, defs) for v in schema]
    return schema


def documented_body(struct: type[msgspec.Struct], *, rules: dict | None = None,
                    problem_json: tuple[int, ...] = ()) -> type[Operation]:
    """An ``operation_class`` that documents ``struct`` as the JSON request body, for the
    handlers that decode their body themselves (Litestar only documents a ``data`` argument).

    ``rules`` adds cross-field JSON Schema keywords; the answers with a status in
    ``problem_json`` may also come as ``application/problem+json`` (RFC 9457)."""
    raw = msgspec.json.schema(struct)
    schema = {**_inline(raw, raw.get("$defs", {})), **(rules or {})}
    return documented_request("application/json", schema, problem_json=problem_json,
                              name=struct.__name__)


def documented_request(media_type: str | None = None, schema: dict | None = None, *,
                       parameters: list[OpenAPIParameter] | None = None,
                       problem_json: tuple[int, ...] = (),
                       name: str = "Request") -> type[Operation]:
    """An ``operation_class`` documenting a request body of ``media_type`` given as a JSON
    Schema, for bodies no struct describes (signed webhooks, ShipStation's XML), and the
    query ``parameters`` in place of Litestar's when they carry rules it cannot state."""

    @dataclass
    class DocumentedBody(Operation):
        def __post_init__(self) -> None:
            if media_type is not None:
                self.request_body = RequestBody(
                    content={media_type: OpenAPIMediaType(schema=schema)},  # type: ignore[arg-type]
                    required=True)
            if parameters is not None:
                self.parameters = list(parameters)  # type: ignore[arg-type]
            for status in problem_json:
                response = (self.responses or {}).get(str(status))
                if response is not None and response.content:  # type: ignore[union-attr]
                    media = response.content["application/json"]  # type: ignore[union-attr]
                    response.content[PROBLEM_JSON] = media  # type: ignore[union-attr]

    DocumentedBody.__name__ = f"{name}Operation"
    return DocumentedBody
