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

from dashboard.domain.errors import ValidationFailed

MAX_BODY_BYTES = 256 * 1024  # a 200-line order is ~30 kB; anything far larger is refused (413)

Minor = Annotated[int, msgspec.Meta(description="money in minor units (cents)")]


class CustomerIn(msgspec.Struct, kw_only=True):
    email: str
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    company: Annotated[str, msgspec.Meta(description="a business customer's name")] = ""
    vat_number: Annotated[str, msgspec.Meta(
        description="its EU VAT number, e.g. FR40303265045 (checked, check digits included)")] = ""


class AddressIn(msgspec.Struct, kw_only=True):
    name: str
    line1: str
    postal_code: str = ""
    city: str
    country: Annotated[str, msgspec.Meta(description="ISO 3166-1 alpha-2, e.g. FR")]
    line2: str = ""
    company: str = ""
    region: str = ""
    phone: str = ""


class LineIn(msgspec.Struct, kw_only=True):
    sku: str
    quantity: int
    unit_price: Annotated[Minor | None, msgspec.Meta(
        description="VAT included; null or absent: the catalogue price")] = None


class OrderIn(msgspec.Struct, kw_only=True):
    customer: CustomerIn
    shipping_address: AddressIn
    billing_address: Annotated[AddressIn | None, msgspec.Meta(
        description="null: the shipping address")] = None
    lines: list[LineIn]
    currency: Annotated[str, msgspec.Meta(description="ISO 4217, e.g. EUR")] = "EUR"
    payment_method: Annotated[str, msgspec.Meta(
        description="card, bank_transfer, cheque or cash_on_pickup")]
    shipping_method: Annotated[str, msgspec.Meta(
        description="carrier or click_and_collect")] = "carrier"
    locale: str = "fr"
    channel: Annotated[str, msgspec.Meta(description="web or phone")] = "web"
    shipping_total: Minor = 0


class ProductIn(msgspec.Struct, kw_only=True):
    sku: str
    name: str
    price: Minor
    currency: str = "EUR"
    vat_rate: Annotated[str, msgspec.Meta(description="percent, e.g. \"20.0\"")] = "20.0"
    barcode: str | None = None
    bin_location: str = ""
    backorder: Annotated[bool, msgspec.Meta(
        description="true: accept orders beyond the available stock")] = False
    weight_grams: int = 0


class StockCountIn(msgspec.Struct, kw_only=True):
    on_hand: int
    reason: str


# --- answers (documentation only: the handlers build plain dicts) -------------------------

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


class ProblemOut(msgspec.Struct):
    detail: str
    code: str
    errors: dict[str, str]


# --- strict decoding --------------------------------------------------------------------------

_AT = re.compile(r"^(?P<message>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.S)
_MISSING = re.compile(r"^Object missing required field `(?P<field>[^`]+)`$")


def decode(body: bytes, struct: type[msgspec.Struct]):
    """The body as ``struct``, or ``ValidationFailed`` naming the field that is wrong."""
    try:
        return msgspec.json.decode(body, type=struct)
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
        if "$ref" in schema:
            return _inline(defs[schema["$ref"].rsplit("/", 1)[1]], defs)
        return {k: _inline(v, defs) for k, v in schema.items() if k != "$defs"}
    if isinstance(schema, list):
        return [_inline(v, defs) for v in schema]
    return schema


def documented_body(struct: type[msgspec.Struct]) -> type[Operation]:
    """An ``operation_class`` that documents ``struct`` as the JSON request body, for the
    handlers that decode their body themselves (Litestar only documents a ``data`` argument)."""
    raw = msgspec.json.schema(struct)
    schema = _inline(raw, raw.get("$defs", {}))

    @dataclass
    class DocumentedBody(Operation):
        def __post_init__(self) -> None:
            self.request_body = RequestBody(
                content={"application/json": OpenAPIMediaType(schema=schema)},  # type: ignore[arg-type]
                required=True)

    DocumentedBody.__name__ = f"{struct.__name__}Operation"
    return DocumentedBody
