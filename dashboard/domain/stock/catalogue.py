"""What a product sent by the shop must look like before it enters the catalogue."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from dashboard.domain.errors import ValidationFailed
from dashboard.domain.numbers import Message
from dashboard.domain.orders import MAX_UNIT_PRICE, currencies

MAX_WEIGHT_GRAMS = 10_000_000  # ten tonnes: beyond that it is a typo, and no integer column holds it
_SKU = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")
# The one spelling of a VAT rate: the API's schema publishes this very pattern, so a shop
# that follows the schema is never refused, and "20%", " 20", "1e1" or "+20" never slip in.
VAT_RATE = re.compile(r"^(100(\.0{1,2})?|[0-9]{1,2}(\.[0-9]{1,2})?)$")


@dataclass(frozen=True)
class ProductSpec:
    sku: str
    name: str
    price: int
    currency: str = "EUR"
    vat_rate: str = "20.0"  # percent, as the shop sends it
    barcode: str | None = None
    bin_location: str = ""
    backorder: bool = False
    weight_grams: int = 0


def gtin_is_valid(code: str) -> bool:
    """EAN-8, UPC-A, EAN-13 or GTIN-14 with a correct check digit (scanners rely on it)."""
    if not code.isdigit() or len(code) not in (8, 12, 13, 14):
        return False
    digits = [int(c) for c in code]
    body, check = digits[:-1], digits[-1]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def vat_rate_bp(rate: str) -> int:
    """"20.0", "20" or "5.5" (percent) as basis points (2000, 2000, 550).

    Only the spelling of ``VAT_RATE`` is read: ValueError for anything else ("20%", "5,5").
    """
    if not isinstance(rate, str) or not VAT_RATE.fullmatch(rate):
        raise ValueError(rate)
    return int(Decimal(rate) * 100)


def validate_product(spec: ProductSpec) -> int:
    """Check a product; returns its VAT rate in basis points. Raises ``ValidationFailed``."""
    errors: dict[str, str] = {}
    if not _SKU.fullmatch(spec.sku or ""):
        errors["sku"] = "1-64 letters, digits, . _ / -"
    if not (spec.name or "").strip():
        errors["name"] = "required"
    elif len(spec.name) > 300:
        errors["name"] = "at most 300 characters"
    if not isinstance(spec.price, int) or isinstance(spec.price, bool) or spec.price < 0:
        errors["price"] = "a whole number of minor units, 0 or more"
    elif spec.price > MAX_UNIT_PRICE:
        errors["price"] = f"at most {MAX_UNIT_PRICE}"
    if spec.currency not in currencies():
        errors["currency"] = "ISO 4217 currency code, e.g. EUR"
    if spec.barcode and not gtin_is_valid(spec.barcode):
        errors["barcode"] = "an EAN-8, UPC-A, EAN-13 or GTIN-14 with its check digit"
    if len(spec.bin_location or "") > 32:
        errors["bin_location"] = "at most 32 characters"
    if not isinstance(spec.weight_grams, int) or not 0 <= spec.weight_grams <= MAX_WEIGHT_GRAMS:
        errors["weight_grams"] = f"a whole number of grams, from 0 to {MAX_WEIGHT_GRAMS}"
    rate = 0
    try:
        rate = vat_rate_bp(spec.vat_rate)
    except (ValueError, InvalidOperation):
        errors["vat_rate"] = "a percentage from 0 to 100, e.g. \"20.0\""
    if errors:
        raise ValidationFailed(errors)
    return rate


def vat_rate_text(rate_bp: int) -> str:
    """Basis points back to the shop's percent text: 2000 -> "20.0", 550 -> "5.5"."""
    text = f"{rate_bp / 100:.2f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def not_for_sale(code: str, known: bool) -> ValidationFailed:
    """The refusal of a line whose product is unknown (``known`` False) or withdrawn, told
    in the agent's language with what was typed."""
    template = ("%(code)s is no longer sold." if known
                else "No product has the SKU or barcode %(code)s.")
    return ValidationFailed({"sku": Message(template, code=code)}, Message(template, code=code))
