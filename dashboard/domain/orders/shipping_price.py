"""Which shipping price an order gets when its shipping method or price is changed.

The shipping price on a placed order is what was agreed with the customer: a shop promotion
may have given free delivery by carrier, an agent may have granted a discount over the
phone. The price list (``SHIPPING_PRICES``) is only what a method costs when nobody agreed
otherwise. So changing the method keeps the agreed price unless the agent chooses the new
method's list price, or types a price by hand with a reason. Switching away and back with
"keep" can therefore never add a charge the customer did not agree to.

A manual price is read strictly (``dashboard.domain.numbers.parse_money``): digits in the
agent's language, the currency's decimals, zero allowed (free shipping), never negative,
at most ``MAX_SHIPPING_PRICE``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from dashboard.domain.errors import StaleVersion, ValidationFailed
from dashboard.domain.numbers import (
    MAX_SHIPPING_PRICE,
    N_,
    Amount,
    Message,
    bound,
    currency_decimals,
    parse_money,
)
from dashboard.domain.orders.changes import SHIPPING_PRICES, NotChangeable, shipping_price
from dashboard.domain.orders.edits import Conflict
from dashboard.domain.statuses import FulfilmentStatus, PaymentMethod, ShippingMethod

# Longest reason kept in the history; a reason is a sentence, not a letter.
MAX_REASON_LENGTH = 300

UNKNOWN_METHOD = N_("Choose a shipping method from the list.")
UNKNOWN_CHOICE = N_("Choose which shipping price to apply.")
REASON_REQUIRED = N_("Say why the shipping price is set by hand.")
REASON_TOO_LONG = N_("At most %(maximum)s characters.")
CASH_NEEDS_PICKUP = N_("Cash on pickup is paid in store: the order stays in click and collect.")


class PriceChoice(StrEnum):
    """What the agent chose for the shipping price."""

    KEEP = "keep"  # the price agreed on the order stays
    LIST = "list"  # the price list's price of the (new) method
    MANUAL = "manual"  # a price typed by hand, with a reason


@dataclass(frozen=True)
class ShippingPrice:
    """The shipping of an order before and after a change the agent asked for."""

    method_before: str
    price_before: int
    method: str
    list_price: int  # what ``method`` costs on the price list
    choice: PriceChoice
    price: int  # the price the order will have
    reason: str = ""

    @property
    def method_changed(self) -> bool:
        return self.method != self.method_before

    @property
    def price_changed(self) -> bool:
        return self.price != self.price_before

    @property
    def changed(self) -> bool:
        return self.method_changed or self.price_changed

    @property
    def delta(self) -> int:
        """How much the order's total (and so its balance) moves: positive means the
        customer owes more, negative that they are owed back."""
        return self.price - self.price_before


def list_price(method: str) -> int:
    """The price list's price of ``method``. Raises ``ValidationFailed`` on
    ``shipping_method`` for a method the shop does not offer."""
    try:
        return shipping_price(method)
    except ValidationFailed:  # its "one of ..." is for the API; staff read a sentence
        raise ValidationFailed({"shipping_method": Message(UNKNOWN_METHOD)},
                               "Check the highlighted fields") from None


def parse_choice(raw: object) -> PriceChoice:
    """The agent's price choice from a form; an empty one keeps the agreed price (the safe
    default). Raises ``ValidationFailed`` on ``price_choice`` for anything else."""
    text = str(raw or "").strip()
    if not text:
        return PriceChoice.KEEP
    try:
        return PriceChoice(text)
    except ValueError:
        raise ValidationFailed({"price_choice": Message(UNKNOWN_CHOICE)},
                               "Check the highlighted fields") from None


def clean_reason(raw: object) -> str:
    """A reason as it goes to the history: spaces folded, nothing else touched."""
    return " ".join(str(raw or "").split())


def decide_shipping_price(*, method_before: str, price_before: int, method: str,
                          choice: object = PriceChoice.KEEP, manual_price: object = "",
                          reason: object = "", currency: str = "EUR",
                          locale: str = "fr") -> ShippingPrice:
    """The shipping an order gets: ``method`` with the price ``choice`` selects.

    ``keep`` leaves ``price_before`` (the agreed price), ``list`` takes the price list's
    price of ``method``, ``manual`` reads ``manual_price`` as typed in ``locale`` and needs a
    ``reason``. The same rules apply with the method unchanged (a price set by hand).
    Raises ``ValidationFailed`` naming every bad field at once: ``shipping_method``,
    ``price_choice``, ``shipping_price`` (empty, not an amount, negative, too precise,
    above ``MAX_SHIPPING_PRICE``) and ``shipping_reason`` (missing or too long).
    """
    change, errors = _decide(method_before, price_before, method, choice, manual_price, reason,
                             currency, locale)
    if errors or change is None:
        raise ValidationFailed(errors, "Check the highlighted fields")
    return change


def _decide(method_before: str, price_before: int, method: str, choice: object,
            manual_price: object, reason: object, currency: str,
            locale: str) -> tuple[ShippingPrice | None, dict[str, str]]:
    """The change and the refusals, per field; the change is None when the price does
    not read. A missing reason is a refusal but leaves the change (the preview shows it)."""
    errors: dict[str, str] = {}
    price_list = 0
    try:
        price_list = list_price(method)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    try:
        chosen = parse_choice(choice)
    except ValidationFailed as exc:
        errors.update(exc.fields)
        chosen = PriceChoice.KEEP
    why = clean_reason(reason)
    price: int | None = price_list if chosen is PriceChoice.LIST else price_before
    if chosen is PriceChoice.MANUAL:
        decimals = currency_decimals(currency)
        try:
            price = parse_money(manual_price, field="shipping_price", locale=locale,
                                decimals=decimals, maximum=bound(MAX_SHIPPING_PRICE, decimals),
                                allow_zero=True)
        except ValidationFailed as exc:
            errors.update(exc.fields)
            price = None
        if not why:
            errors["shipping_reason"] = Message(REASON_REQUIRED)
    if len(why) > MAX_REASON_LENGTH:
        errors["shipping_reason"] = Message(REASON_TOO_LONG, maximum=MAX_REASON_LENGTH)
    if price is None or "shipping_method" in errors:
        return None, errors
    return ShippingPrice(method_before=method_before, price_before=price_before, method=method,
                         list_price=price_list, choice=chosen, price=price,
                         reason=why), errors


@dataclass(frozen=True)
class ShippingForm:
    """What the shipping form shows before saving: the agreed price, the list price of the
    method picked, the agent's choice and, when it reads, the change it would make."""

    method_before: str
    price_before: int
    method: str
    list_price: int
    choice: str
    manual_price: str | None  # None: nothing typed, the field offers the agreed price
    reason: str
    currency: str
    change: ShippingPrice | None
    errors: dict[str, str]
    total: int = 0  # the order's total and balance now, to show what the change does
    balance_due: int = 0

    @property
    def total_after(self) -> int | None:
        return None if self.change is None else self.total + self.change.delta

    @property
    def balance_after(self) -> int | None:
        """Shipping is part of the total, so the balance moves by the same amount."""
        return None if self.change is None else self.balance_due + self.change.delta


def shipping_form(*, method_before: str, price_before: int, method: str = "",
                  choice: object = "", manual_price: object = None, reason: object = "",
                  currency: str = "EUR", locale: str = "fr", total: int = 0,
                  balance_due: int = 0, errors: dict[str, str] | None = None) -> ShippingForm:
    """The form for the values typed so far (``method`` empty: the order's own). While the
    agent is still typing, an empty manual price or reason is not a refusal yet; ``errors``
    (a refused save's) are shown as they are."""
    method = method or method_before
    typed = "" if manual_price is None else str(manual_price)
    change, found = _decide(method_before, price_before, method, choice, typed, reason,
                            currency, locale)
    if errors is None:
        errors = {field: message for field, message in found.items()
                  if not (field == "shipping_reason" and not clean_reason(reason))
                  and not (field == "shipping_price" and not typed.strip())}
    return ShippingForm(method_before=method_before, price_before=price_before, method=method,
                        list_price=SHIPPING_PRICES.get(method, 0),
                        choice=str(choice or PriceChoice.KEEP.value), manual_price=manual_price,
                        reason=str(reason or ""), currency=currency, change=change,
                        errors=errors, total=total, balance_due=balance_due)


def check_method_changeable(fulfilment_status: str, payment_method: str, method: str) -> None:
    """The method changes only while nothing has left or waits in store, and an order paid
    in cash at the shop stays in click and collect. Raises ``NotChangeable`` or
    ``ValidationFailed`` on ``shipping_method``."""
    if fulfilment_status != FulfilmentStatus.UNFULFILLED.value:
        raise NotChangeable(N_("Goods have already left or wait in store: the shipping "
                               "method can no longer change."))
    if (payment_method == PaymentMethod.CASH_ON_PICKUP.value
            and method != ShippingMethod.CLICK_AND_COLLECT.value):
        raise ValidationFailed({"shipping_method": Message(CASH_NEEDS_PICKUP)},
                               "Check the highlighted fields")


def price_text(minor: int, currency: str, locale: str = "fr") -> str:
    """A price as plain text for conflicts and stored summaries: "5,90 EUR" in French,
    "5.90 EUR" in English."""
    text = str(Amount(minor, currency))
    return text if locale == "en" else text.replace(".", ",")


def check_shipping_not_stale(change: ShippingPrice, *, method_now: str, price_now: int,
                             currency: str, locale: str = "fr") -> None:
    """Refuse a change decided on a method or price someone else has changed meanwhile:
    "keep the agreed price" must keep the price the agent saw, not a newer one.

    Raises ``StaleVersion`` with one ``Conflict`` per field that moved."""
    conflicts = []
    if method_now != change.method_before:
        conflicts.append(Conflict(N_("Shipping method"), change.method_before, method_now,
                                  change.method, axis="shipping_method"))
    if price_now != change.price_before:
        conflicts.append(Conflict(N_("Shipping price"),
                                  price_text(change.price_before, currency, locale),
                                  price_text(price_now, currency, locale),
                                  price_text(change.price, currency, locale)))
    if conflicts:
        raise StaleVersion("Someone else changed the shipping since you opened it",
                           conflicts=conflicts)
