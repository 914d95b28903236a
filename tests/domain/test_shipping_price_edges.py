"""Edges of the shipping price rules the other tests leave open: the refusal texts (catalogue
msgids), the exact conflicts a stale change carries, and each value the form shows."""

import pytest

from dashboard.domain.errors import StaleVersion, ValidationFailed
from dashboard.domain.orders.changes import NotChangeable, shipping_price
from dashboard.domain.orders.edits import Conflict
from dashboard.domain.orders.shipping_price import (
    PriceChoice, ShippingPrice, check_method_changeable, check_shipping_not_stale,
    decide_shipping_price, list_price, parse_choice, price_text, shipping_form,
)


def refused(check, *args, **kwargs) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        check(*args, **kwargs)
    return caught.value


def test_the_price_list_and_its_refusals():
    assert list_price("carrier") == 590 and list_price("click_and_collect") == 0
    caught = refused(list_price, "drone")
    assert caught.message == "Check the highlighted fields"
    assert caught.fields == {"shipping_method": "Choose a shipping method from the list."}
    assert refused(shipping_price, "drone").fields == {
        "shipping_method": "one of carrier, click_and_collect"}


def test_a_choice_is_keep_by_default_and_else_one_of_the_three():
    assert parse_choice(None) is PriceChoice.KEEP and parse_choice("  ") is PriceChoice.KEEP
    assert parse_choice(" manual ") is PriceChoice.MANUAL
    caught = refused(parse_choice, "free")
    assert caught.message == "Check the highlighted fields"
    assert caught.fields == {"price_choice": "Choose which shipping price to apply."}


def test_every_field_refused_at_once_with_its_text():
    caught = refused(decide_shipping_price, method_before="carrier", price_before=590,
                     method="drone", choice="free", reason="x" * 301)
    assert caught.message == "Check the highlighted fields"
    assert caught.fields == {"shipping_method": "Choose a shipping method from the list.",
                             "price_choice": "Choose which shipping price to apply.",
                             "shipping_reason": "At most 300 characters."}
    assert caught.fields["shipping_reason"].values == {"maximum": 300}
    caught = refused(decide_shipping_price, method_before="carrier", price_before=590,
                     method="carrier", choice="manual", manual_price="2,00", reason=" ")
    assert caught.fields == {"shipping_reason": "Say why the shipping price is set by hand."}


def test_a_manual_price_reads_in_the_agents_language_and_currency():
    change = decide_shipping_price(method_before="carrier", price_before=590, method="carrier",
                                   choice="manual", manual_price="1,000.00", reason=" agreed ",
                                   locale="en")
    assert (change.price, change.reason, change.choice) == (100000, "agreed", "manual")
    change = decide_shipping_price(method_before="carrier", price_before=590, method="carrier",
                                   choice="manual", manual_price="500", reason="x" * 300,
                                   currency="JPY")
    assert change.price == 500
    assert refused(decide_shipping_price, method_before="carrier", price_before=590,
                   method="carrier", choice="manual", manual_price="5,5", reason="x",
                   currency="JPY").fields.keys() == {"shipping_price"}
    assert decide_shipping_price(method_before="carrier", price_before=590, method="carrier",
                                 choice="manual", manual_price="0", reason="x").price == 0


def test_what_a_change_says_of_itself():
    change = ShippingPrice("carrier", 590, "click_and_collect", 0, PriceChoice.LIST, 0)
    assert change.method_changed and change.price_changed and change.changed
    assert change.delta == -590 and change.reason == ""
    same = ShippingPrice("carrier", 590, "carrier", 590, PriceChoice.KEEP, 590)
    assert not same.method_changed and not same.price_changed and not same.changed
    price_only = ShippingPrice("carrier", 590, "carrier", 590, PriceChoice.MANUAL, 700)
    assert price_only.changed and not price_only.method_changed and price_only.delta == 110
    method_only = ShippingPrice("carrier", 590, "click_and_collect", 0, PriceChoice.KEEP, 590)
    assert method_only.changed and not method_only.price_changed


def test_the_method_changes_only_while_unfulfilled_and_cash_stays_in_store():
    with pytest.raises(NotChangeable) as caught:
        check_method_changeable("ready_for_pickup", "card", "carrier")
    assert caught.value.message == ("Goods have already left or wait in store: the shipping "
                                    "method can no longer change.")
    caught = refused(check_method_changeable, "unfulfilled", "cash_on_pickup", "carrier")
    assert caught.message == "Check the highlighted fields"
    assert caught.fields == {"shipping_method": "Cash on pickup is paid in store: the order "
                                                "stays in click and collect."}
    assert check_method_changeable("unfulfilled", "cash_on_pickup", "click_and_collect") is None
    assert check_method_changeable("unfulfilled", "card", "carrier") is None


def test_price_texts():
    assert price_text(590, "EUR") == "5,90 EUR"
    assert price_text(590, "EUR", "en") == "5.90 EUR"
    assert price_text(590, "EUR", "de") == "5,90 EUR"
    assert price_text(500, "JPY") == "500 JPY"


def test_a_stale_change_names_each_field_that_moved():
    change = ShippingPrice("carrier", 590, "click_and_collect", 0, PriceChoice.LIST, 0)
    with pytest.raises(StaleVersion) as caught:
        check_shipping_not_stale(change, method_now="click_and_collect", price_now=700,
                                 currency="EUR", locale="en")
    assert caught.value.message == "Someone else changed the shipping since you opened it"
    assert caught.value.details == {"conflicts": [
        Conflict("Shipping method", "carrier", "click_and_collect", "click_and_collect",
                 axis="shipping_method"),
        Conflict("Shipping price", "5.90 EUR", "7.00 EUR", "0.00 EUR")]}
    with pytest.raises(StaleVersion) as caught:
        check_shipping_not_stale(change, method_now="carrier", price_now=700, currency="EUR")
    assert caught.value.details["conflicts"] == [
        Conflict("Shipping price", "5,90 EUR", "7,00 EUR", "0,00 EUR")]
    assert check_shipping_not_stale(change, method_now="carrier", price_now=590,
                                    currency="EUR") is None


def test_the_form_while_the_agent_types():
    form = shipping_form(method_before="carrier", price_before=590)
    assert (form.method, form.list_price, form.choice, form.manual_price, form.reason,
            form.currency, form.errors, form.total, form.balance_due) == (
        "carrier", 590, "keep", None, "", "EUR", {}, 0, 0)
    assert form.change == ShippingPrice("carrier", 590, "carrier", 590, PriceChoice.KEEP, 590)
    # an empty manual price or reason is not a refusal yet
    form = shipping_form(method_before="carrier", price_before=590, choice="manual",
                         manual_price="  ", reason=None, total=5000, balance_due=100)
    assert form.errors == {} and form.change is None
    assert form.total_after is None and form.balance_after is None
    form = shipping_form(method_before="carrier", price_before=590, choice="manual",
                         manual_price="abc", reason="")
    assert form.errors.keys() == {"shipping_price"}
    form = shipping_form(method_before="carrier", price_before=590, choice="manual",
                         manual_price="2", reason="")
    assert form.errors == {} and form.change.price == 200
    form = shipping_form(method_before="carrier", price_before=590, choice="manual",
                         manual_price="", reason="because")
    assert form.errors == {} and form.manual_price == "" and form.reason == "because"


def test_the_form_shows_the_totals_after_and_a_refused_saves_errors():
    form = shipping_form(method_before="carrier", price_before=590, method="click_and_collect",
                         choice="list", total=5000, balance_due=-100, currency="USD",
                         locale="en")
    assert (form.method, form.list_price, form.choice, form.currency) == (
        "click_and_collect", 0, "list", "USD")
    assert form.total_after == 4410 and form.balance_after == -690
    form = shipping_form(method_before="carrier", price_before=590, method="drone",
                         errors={"x": "kept"})
    assert form.errors == {"x": "kept"} and form.list_price == 0 and form.change is None
    form = shipping_form(method_before="carrier", price_before=590, method="drone")
    assert form.errors == {"shipping_method": "Choose a shipping method from the list."}
