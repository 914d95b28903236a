"""Which shipping price an order gets when the method or price changes: the agreed price is
kept unless the agent chooses the list price or a price by hand with a reason. No database."""

import pytest

from dashboard.domain.errors import StaleVersion, ValidationFailed
from dashboard.domain.numbers import MAX_SHIPPING_PRICE
from dashboard.domain.orders.changes import NotChangeable
from dashboard.domain.orders.shipping_price import (
    REASON_REQUIRED,
    PriceChoice,
    check_method_changeable,
    check_shipping_not_stale,
    decide_shipping_price,
    shipping_form,
)


def decide(**kwargs):
    values = {"method_before": "carrier", "price_before": 0, "method": "carrier"} | kwargs
    return decide_shipping_price(**values)


def refused(**kwargs) -> dict:
    with pytest.raises(ValidationFailed) as caught:
        decide(**kwargs)
    return caught.value.fields


def test_changing_the_method_keeps_the_agreed_price_by_default():
    away = decide(method="click_and_collect")
    assert (away.method, away.price, away.choice) == ("click_and_collect", 0, PriceChoice.KEEP)
    back = decide(method_before="click_and_collect", price_before=away.price, method="carrier")
    assert (back.method, back.price, back.list_price, back.delta) == ("carrier", 0, 590, 0)
    assert back.changed and back.method_changed and not back.price_changed
    assert decide(method="click_and_collect", choice="").choice is PriceChoice.KEEP


def test_the_new_methods_list_price_only_when_chosen():
    change = decide(method_before="click_and_collect", method="carrier", choice="list")
    assert (change.price, change.delta, change.price_changed) == (590, 590, True)
    free = decide(price_before=590, method="click_and_collect", choice="list")
    assert (free.price, free.delta) == (0, -590)


def test_a_manual_price_reads_strictly_and_needs_a_reason():
    change = decide(method="click_and_collect", choice="manual", manual_price="3,50",
                    reason="  geste   commercial ")
    assert (change.price, change.reason, change.choice) == (350, "geste commercial",
                                                            PriceChoice.MANUAL)
    # Without changing the method: only the price moves.
    same = decide(price_before=590, choice="manual", manual_price="0", reason="client fidèle")
    assert (same.method_changed, same.price, same.delta) == (False, 0, -590)
    english = decide(choice="manual", manual_price="1,000.00", reason="heavy parcel",
                     locale="en")
    assert english.price == MAX_SHIPPING_PRICE
    assert decide(choice="manual", manual_price="1 000,00", reason="x").price == 100000


@pytest.mark.parametrize("typed", ["abc", "1e9", "-5", "-0,01", "3,505", "1000,01", "",
                                   "inf", "1_0", "٣"])
def test_a_bad_manual_price_is_refused_on_its_field(typed):
    fields = refused(choice="manual", manual_price=typed, reason="geste commercial")
    assert list(fields) == ["shipping_price"]


def test_every_bad_field_is_named_at_once():
    fields = refused(method="drone", choice="manual", manual_price="abc", reason=" ")
    assert set(fields) == {"shipping_method", "shipping_price", "shipping_reason"}
    assert fields["shipping_reason"] == REASON_REQUIRED
    assert fields["shipping_reason"].template == REASON_REQUIRED  # translatable
    assert set(refused(choice="free")) == {"price_choice"}
    assert set(refused(choice="manual", manual_price="2", reason="x" * 301)) == {
        "shipping_reason"}


def test_a_reason_is_required_only_for_a_manual_price():
    assert decide(method="click_and_collect", choice="keep").reason == ""
    assert decide(choice="list", reason="tarif standard").reason == "tarif standard"
    assert set(refused(choice="manual", manual_price="2")) == {"shipping_reason"}


def test_nothing_changes_when_the_agent_keeps_everything():
    assert not decide(price_before=0).changed
    assert not decide(price_before=590, choice="list").changed


def test_a_change_decided_on_an_old_price_or_method_is_stale():
    change = decide(method="click_and_collect")
    check_shipping_not_stale(change, method_now="carrier", price_now=0, currency="EUR")
    with pytest.raises(StaleVersion) as stale:
        check_shipping_not_stale(change, method_now="carrier", price_now=590, currency="EUR")
    (conflict,) = stale.value.details["conflicts"]
    assert (conflict.field, conflict.seen, conflict.now) == ("Shipping price", "0,00 EUR",
                                                            "5,90 EUR")
    with pytest.raises(StaleVersion) as stale:
        check_shipping_not_stale(change, method_now="click_and_collect", price_now=0,
                                 currency="EUR")
    assert stale.value.details["conflicts"][0].field == "Shipping method"


def test_the_method_changes_only_before_anything_leaves():
    check_method_changeable("unfulfilled", "card", "click_and_collect")
    with pytest.raises(NotChangeable):
        check_method_changeable("partially_shipped", "card", "click_and_collect")
    with pytest.raises(ValidationFailed) as caught:
        check_method_changeable("unfulfilled", "cash_on_pickup", "carrier")
    assert list(caught.value.fields) == ["shipping_method"]


def test_the_form_shows_the_change_before_saving():
    form = shipping_form(method_before="carrier", price_before=0, method="click_and_collect",
                         total=1000, balance_due=0)
    assert (form.list_price, form.change.price, form.total_after, form.errors) == (0, 0, 1000, {})
    listed = shipping_form(method_before="click_and_collect", price_before=0, method="carrier",
                           choice="list", total=1000, balance_due=-200)
    assert (listed.list_price, listed.total_after, listed.balance_after) == (590, 1590, 390)
    # Still typing: an empty price or reason is not a refusal yet; a wrong price is.
    typing = shipping_form(method_before="carrier", price_before=590, choice="manual",
                           manual_price="", reason="")
    assert (typing.change, typing.errors) == (None, {})
    no_reason = shipping_form(method_before="carrier", price_before=590, choice="manual",
                              manual_price="2,00")
    assert (no_reason.change.price, no_reason.errors) == (200, {})
    wrong = shipping_form(method_before="carrier", price_before=590, choice="manual",
                          manual_price="abc")
    assert wrong.change is None and list(wrong.errors) == ["shipping_price"]
    saved = shipping_form(method_before="carrier", price_before=590, choice="manual",
                          manual_price="abc", errors={"shipping_reason": REASON_REQUIRED})
    assert saved.errors == {"shipping_reason": REASON_REQUIRED}
    assert shipping_form(method_before="carrier", price_before=590).method == "carrier"
