"""Pure rules of order changes and phone drafts: no database."""

import pytest

from dashboard.domain.errors import ValidationFailed
from dashboard.domain.orders.changes import (
    NotChangeable, check_line_changeable, money_after_change, parse_quantity,
    pay_difference_refusal, payment_link, plan_decrease, shipping_price,
)
from dashboard.domain.orders.phone import (
    new_draft, repeat_lines, to_order_draft, with_details, with_line, with_quantity,
)

MONEY = {"surcharge_total": 0, "paid_total": 3000, "refunded_total": 0, "credited_total": 0}


def test_a_smaller_quantity_gives_back_waiting_units_first():
    release = plan_decrease(3, 2, 5, 2)
    assert (release.backordered, release.reserved) == (2, 1)
    release = plan_decrease(3, 2, 5, 4)
    assert (release.backordered, release.reserved) == (1, 0)


def test_lines_change_only_while_open_and_unshipped():
    check_line_changeable("on_hold", 0)
    with pytest.raises(NotChangeable):
        check_line_changeable("open", 1)
    with pytest.raises(NotChangeable):
        check_line_changeable("cancelled", 0)


def test_quantities_and_shipping_methods_are_checked():
    assert parse_quantity(" 3 ") == 3 and parse_quantity("0", allow_zero=True) == 0
    for bad in ("0", "-1", "x", "10001"):
        with pytest.raises(ValidationFailed):
            parse_quantity(bad)
    assert (shipping_price("carrier"), shipping_price("click_and_collect")) == (590, 0)
    with pytest.raises(ValidationFailed):
        shipping_price("drone")


def test_money_after_a_change_says_what_is_owed_either_way():
    more = money_after_change([(2000, 2, 2000)], 0, MONEY)
    assert (more.totals.total, more.balance_due, more.payment_status) == (4000, 1000, "partially_paid")
    less = money_after_change([(1000, 2, 2000)], 0, MONEY)
    assert (less.balance_due, less.payment_status) == (-1000, "paid")


def test_payment_link_text():
    assert payment_link("", "2026-1", 500, "EUR") == ""
    assert payment_link("https://pay.example/{number}?amount={amount}&c={currency}", "2026-1",
                        500, "EUR") == "https://pay.example/2026-1?amount=500&c=EUR"
    assert payment_link("https://pay.example/{nope}", "2026-1", 500, "EUR") == ""


def test_draft_lines_merge_change_and_go():
    draft = with_line(new_draft(), "LAMP", "Lamp", 1)
    draft = with_line(draft, "LAMP", "Lamp", "2")
    draft = with_line(draft, "MUG", "Mug", 1)
    assert [(ln["sku"], ln["quantity"]) for ln in draft["lines"]] == [("LAMP", 3), ("MUG", 1)]
    draft = with_quantity(draft, 0, 0)
    assert [ln["sku"] for ln in draft["lines"]] == ["MUG"]
    with pytest.raises(ValidationFailed):
        with_quantity(draft, 5, 1)


def test_a_draft_becomes_a_phone_order_at_catalogue_prices():
    draft = with_details(with_line(new_draft(), "LAMP", "Lamp", 2), {
        "customer.email": " Anne@Example.FR ", "customer.last_name": "Martin",
        "shipping_address.country": "fr", "shipping_method": "click_and_collect"})
    order = to_order_draft(draft)
    assert order.channel == "phone" and order.customer.email == "anne@example.fr"
    assert order.shipping_address.country == "FR" and order.billing_address is not None
    assert order.shipping_total == 0 and order.lines[0].unit_price is None


def test_repeat_lines_flag_instead_of_dropping():
    past = [{"sku": "A", "name": "A", "quantity": 1, "unit_price": 100},
            {"sku": "B", "name": "B", "quantity": 2, "unit_price": 100},
            {"sku": "C", "name": "C", "quantity": 3, "unit_price": 100}]
    catalogue = {"A": {"name": "A2", "price": 120, "active": True, "available": 5, "backorder": False},
                 "C": {"name": "C", "price": 100, "active": True, "available": 1, "backorder": False}}
    a, b, c = repeat_lines(past, catalogue)
    assert (a["name"], a["was"], "flag" in a) == ("A2", 100, False)
    assert b["flag"] == "not_sold"
    assert (c["flag"], c["available"], "was" in c) == ("short", 1, False)
    draft = {**new_draft(), "lines": [a, b]}
    with pytest.raises(ValidationFailed) as refused:
        to_order_draft(draft)
    assert list(refused.value.fields) == ["lines[1].sku"]


def test_the_difference_is_asked_only_of_a_paid_order_that_owes_and_has_an_email():
    assert pay_difference_refusal(1000, 3000, "anne@example.fr") is None
    assert pay_difference_refusal(0, 3000, "anne@example.fr") == (
        "The customer owes nothing on this order.")
    assert pay_difference_refusal(1000, 0, "anne@example.fr").startswith("Nothing has been paid")
    assert pay_difference_refusal(1000, 3000, "") == "This order has no email address."


def test_a_removed_line_is_put_back_once_and_only_with_its_price():
    from dashboard.domain.orders.changes import (
        RESTORE_DONE, RESTORE_NEEDS_PRICE, removal_needs_confirmation, restorable_removals,
        restore_refusal,
    )

    full = {"sku": "BOWL", "quantity": 1, "unit_price": 1450, "vat_rate_bp": 2000}
    removal = {"id": 7, "kind": "order.line_removed", "data": full}
    old = {"id": 3, "kind": "order.line_removed", "data": {"sku": "MUG", "quantity": 2}}
    assert restore_refusal(removal, []) is None
    assert restore_refusal(removal, [7]) == RESTORE_DONE
    assert restore_refusal(old, []) == RESTORE_NEEDS_PRICE
    restored = {"id": 9, "kind": "order.line_restored", "data": {"removal_event": 7}}
    other = {"id": 8, "kind": "order.line_removed", "data": full}
    events = [removal, old, other]
    assert restorable_removals(events, status="open", fulfilment_status="unfulfilled") == {7, 8}
    assert restorable_removals(events + [restored], status="on_hold",
                               fulfilment_status="partially_shipped") == {8}
    assert restorable_removals(events, status="cancelled", fulfilment_status="unfulfilled") == set()
    assert restorable_removals(events, status="open", fulfilment_status="shipped") == set()
    assert removal_needs_confirmation(1) and not removal_needs_confirmation(0)
