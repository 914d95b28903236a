"""Rules of returns, exchanges, credits and surcharges: what may come back, what may be
credited, what may be charged on top. Plain Python; the services apply them in one
transaction and write nothing when one of these refuses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from dashboard.domain.errors import DomainError, ValidationFailed
from dashboard.domain.numbers import N_, Amount, Message
from dashboard.domain.statuses import FulfilmentStatus


class ReturnKind(StrEnum):
    RETURN = "return"
    EXCHANGE = "exchange"


class ReturnReason(StrEnum):
    DAMAGED = "damaged"
    WRONG_ITEM = "wrong_item"
    CHANGED_MIND = "changed_mind"
    TOO_SMALL = "too_small"
    TOO_LARGE = "too_large"
    OTHER = "other"


class Condition(StrEnum):
    """What staff find when the parcel is opened: resellable goes back on the shelf."""

    RESELLABLE = "resellable"
    DAMAGED = "damaged"


class ReturnStatus(StrEnum):
    AUTHORISED = "authorised"
    RECEIVED = "received"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class RefundMethod(StrEnum):
    CARD = "card"
    BANK_TRANSFER = "bank_transfer"
    STORE_CREDIT = "store_credit"


# Money goes back to the customer (an ``order.refunded`` webhook) only for these.
MONEY_BACK = frozenset({RefundMethod.CARD, RefundMethod.BANK_TRANSFER})


class SurchargeKind(StrEnum):
    LABOUR = "labour"
    SHIPPING_CHANGE = "shipping_change"
    RESTOCKING_FEE = "restocking_fee"
    OTHER = "other"


VAT_RATES_BP = (0, 210, 550, 1000, 2000)  # French rates, basis points
SURCHARGE_CAP = 100_000  # 1,000.00 in minor units: more is a typing error, not a surcharge
SURCHARGE_MAX_FACTOR = 10  # nor more than ten times the order


class ReturnRefused(DomainError):
    """A return, credit or surcharge that breaks a rule; ``message`` says which."""

    code = "return_refused"


def _choice(enum: type[StrEnum], value: str, field: str, errors: dict[str, str]) -> str:
    try:
        return enum(value).value
    except ValueError:
        errors[field] = Message(N_("Choose one of the listed values."))
        return ""


# --- returns ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReturnItem:
    """One order line coming back: how many, why, and for an exchange what replaces it."""

    order_line_id: int
    quantity: int
    reason: str
    replacement_sku: str = ""  # exchange only; "" means the same product
    replacement_quantity: int = 0


@dataclass(frozen=True)
class LineState:
    """What an order line can still give back: shipped, already returned, and units on
    other return authorisations not yet received."""

    id: int
    sku: str
    shipped: int
    returned: int
    pending: int

    @property
    def returnable(self) -> int:
        return max(self.shipped - self.returned - self.pending, 0)


def check_return(kind: str, items: Iterable[ReturnItem], lines: dict[int, LineState]) -> str:
    """Refuse a return that asks back more than was shipped (minus what was returned or is
    already on its way back), an unknown reason, or an exchange without replacements.

    Returns the kind. Raises ``ValidationFailed`` naming each bad field (``lines.<id>.*``).
    """
    errors: dict[str, str] = {}
    kind = _choice(ReturnKind, kind, "kind", errors)
    items = list(items)
    if not items:
        errors["lines"] = Message(N_("Choose at least one shipped line and a quantity."))
    seen: set[int] = set()
    for item in items:
        key = f"lines.{item.order_line_id}"
        line = lines.get(item.order_line_id)
        if line is None or item.order_line_id in seen:
            errors[key] = Message(N_("Not a line of this order."))
            continue
        seen.add(item.order_line_id)
        if item.quantity <= 0:
            errors[f"{key}.quantity"] = Message(N_("At least 1."))
        elif item.quantity > line.returnable:
            errors[f"{key}.quantity"] = Message(
                N_("Only %(returnable)s of %(sku)s can come back (shipped %(shipped)s, "
                   "returned %(returned)s, on their way %(pending)s)."),
                returnable=line.returnable, sku=line.sku, shipped=line.shipped,
                returned=line.returned, pending=line.pending)
        _choice(ReturnReason, item.reason, f"{key}.reason", errors)
        if kind == ReturnKind.EXCHANGE and item.replacement_quantity <= 0:
            errors[f"{key}.replacement_quantity"] = Message(
                N_("An exchange sends at least 1 replacement."))
        if kind == ReturnKind.RETURN and item.replacement_quantity:
            errors[f"{key}.replacement_quantity"] = Message(N_("A return has no replacement."))
    if errors:
        raise ValidationFailed(errors, N_("This return cannot be authorised."))
    return kind


@dataclass(frozen=True)
class Receipt:
    """How the units of one return line came back: back on the shelf, or written off."""

    return_line_id: int
    restocked: int
    written_off: int
    write_off_reason: str = ""


def check_receipt(receipts: Iterable[Receipt], expected: dict[int, int]) -> None:
    """Every unit of every line is either restocked or written off (with a reason).

    ``expected`` maps each return line id to its quantity. Raises ``ValidationFailed``.
    """
    errors: dict[str, str] = {}
    got = {r.return_line_id: r for r in receipts}
    for line_id, quantity in expected.items():
        key = f"lines.{line_id}"
        r = got.get(line_id)
        if r is None:
            errors[key] = Message(N_("Say what came back."))
            continue
        if r.restocked < 0 or r.written_off < 0 or r.restocked + r.written_off != quantity:
            errors[key] = Message(N_("Back in stock plus written off must make %(quantity)s."),
                                  quantity=quantity)
        if r.written_off and not r.write_off_reason.strip():
            errors[f"{key}.write_off_reason"] = Message(N_("Say why the goods are written off."))
    if set(got) - set(expected):
        errors["lines"] = Message(N_("Not a line of this return."))
    if errors:
        raise ValidationFailed(errors, N_("This receipt cannot be recorded."))


def fulfilment_after_return(quantities: Iterable[tuple[int, int]]) -> FulfilmentStatus:
    """``returned`` when everything bought came back, else ``partially_returned``.

    ``quantities`` are (quantity, returned) per order line. An exchange's replacement line
    is part of the order, so an order with a replacement still to ship is only partially
    returned (and can still go on to ``shipped`` when the replacement leaves).
    """
    quantities = list(quantities)
    if quantities and all(q == r for q, r in quantities):
        return FulfilmentStatus.RETURNED
    return FulfilmentStatus.PARTIALLY_RETURNED


# --- credits ---------------------------------------------------------------------------------

def creditable(paid_total: int, credited_total: int) -> int:
    """What may still be credited: what was paid minus what was already credited."""
    return max(paid_total - credited_total, 0)


def check_credit(amount: int, refund_method: str, refund_ref: str, *, paid_total: int,
                 credited_total: int, currency_ok: bool = True, currency: str = "EUR") -> str:
    """Refuse a credit of nothing, more than was paid minus already credited, or without
    saying how the money goes back. Returns the refund method."""
    errors: dict[str, str] = {}
    method = _choice(RefundMethod, refund_method, "refund_method", errors)
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        errors["amount"] = Message(N_("The amount must be more than zero."))
    elif amount > creditable(paid_total, credited_total):
        errors["amount"] = Message(
            N_("At most %(amount)s can be credited (paid minus already credited)."),
            amount=Amount(creditable(paid_total, credited_total), currency))
    if method == RefundMethod.CARD and not refund_ref.strip():
        errors["refund_ref"] = Message(N_("The card refund reference is required."))
    if errors:
        raise ValidationFailed(errors, N_("This credit cannot be issued."))
    return method


# --- surcharges ------------------------------------------------------------------------------

def check_surcharge(kind: str, amount: int, reason: str, vat_rate_bp: int, *,
                    order_total: int) -> str:
    """Refuse a surcharge of nothing, a negative or absurd amount (over the cap, or over
    ten times the order), without a reason, or at a VAT rate that does not exist."""
    errors: dict[str, str] = {}
    kind = _choice(SurchargeKind, kind, "kind", errors)
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        errors["amount"] = Message(N_("The amount must be more than zero."))
    elif amount > SURCHARGE_CAP or (order_total > 0 and amount > SURCHARGE_MAX_FACTOR * order_total):
        errors["amount"] = Message(N_("Too large for a surcharge: check the amount."))
    if not (reason or "").strip():
        errors["reason"] = Message(N_("Required."))
    if vat_rate_bp not in VAT_RATES_BP:
        errors["vat_rate"] = Message(N_("Choose one of the listed values."))
    if errors:
        raise ValidationFailed(errors, N_("This surcharge cannot be added."))
    return kind
