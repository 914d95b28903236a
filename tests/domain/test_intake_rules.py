"""Pure rules of order intake, cancellation, stock arithmetic and the catalogue."""

from __future__ import annotations

import pytest

from dashboard.domain.stock.catalogue import (
    ProductSpec, gtin_is_valid, validate_product, vat_rate_bp,
)
from dashboard.domain.errors import InvalidTransition, ValidationFailed
from dashboard.domain.orders.intake import (
    AddressDetails, CustomerDetails, DraftLine, NotCancellable, OrderDraft, OrderState,
    ProductInfo, check_cancellable, draft_fingerprint, price_lines, validate_draft,
)
from dashboard.domain.printing.numbering import order_number
from dashboard.domain.stock.allocation import (
    Reservation, check_count, check_receipt, plan_allocation, plan_shortfall, split_request,
)

LYON = AddressDetails(name="Anne Martin", line1="12 rue des Lilas", postal_code="69003",
                      city="Lyon", country="FR")


def draft(**changes) -> OrderDraft:
    values = dict(customer=CustomerDetails(email="anne@example.fr", first_name="Anne",
                                           last_name="Martin"),
                  shipping_address=LYON, lines=[DraftLine("MUG", 1)])
    values.update(changes)
    return OrderDraft(**values)


def problems(d: OrderDraft) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as refused:
        validate_draft(d)
    return refused.value.fields


def test_a_complete_draft_passes():
    validate_draft(draft())
    validate_draft(draft(payment_method="cash_on_pickup", shipping_method="click_and_collect",
                         channel="phone", locale="en", currency="CHF"))


def test_every_bad_field_is_named_at_once():
    bad = draft(customer=CustomerDetails(email="not-an-email"),
                shipping_address=AddressDetails(name="", line1="", postal_code="6900",
                                                city="", country="FR"),
                billing_address=AddressDetails(name="X", line1="1 rd", postal_code="1",
                                               city="Y", country="fr"),
                lines=[DraftLine("", 0), DraftLine("MUG", 2, -5), DraftLine("MUG", 10**6)],
                currency="EU", payment_method="bitcoin", shipping_method="drone",
                channel="fax", locale="French", shipping_total=-1)
    assert problems(bad) == {
        "customer.email": "not an email address",
        "customer.last_name": "a first or last name is required",
        "shipping_address.name": "required", "shipping_address.line1": "required",
        "shipping_address.city": "required",
        "shipping_address.postal_code": "not a postal code of FR (e.g. 33380)",
        "billing_address.country": "ISO 3166 two-letter country code in capitals, e.g. FR",
        "currency": "ISO 4217 currency code, e.g. EUR",
        "payment_method": "one of bank_transfer, card, cash_on_pickup, cheque",
        "shipping_method": "one of carrier, click_and_collect",
        "channel": "web or phone", "locale": "a language code such as fr or en",
        "shipping_total": "a whole number of minor units, 0 or more",
        "lines[0].sku": "required", "lines[0].quantity": "a whole number greater than 0",
        "lines[1].unit_price": "a whole number of minor units, 0 or more",
        "lines[2].quantity": "at most 10000",
    }


def test_other_rules_of_a_draft():
    assert problems(draft(lines=[])) == {"lines": "at least one line"}
    assert problems(draft(payment_method="cash_on_pickup")) == {
        "payment_method": "cash on pickup needs click_and_collect"}
    assert problems(draft(lines=[DraftLine("MUG", True)])) == {
        "lines[0].quantity": "a whole number greater than 0"}
    # Ireland has no compulsory postcode; the United Kingdom does.
    validate_draft(draft(shipping_address=AddressDetails(
        name="Sean", line1="1 Main St", postal_code="", city="Dublin", country="IE")))
    assert problems(draft(shipping_address=AddressDetails(
        name="Sam", line1="1 High St", postal_code="", city="London", country="GB"))) == {
        "shipping_address.postal_code": "required"}


def product(sku="MUG", **changes) -> ProductInfo:
    values = dict(id=1, sku=sku, name="Mug", price=850, currency="EUR", vat_rate_bp=2000,
                  backorder=False)
    values.update(changes)
    return ProductInfo(**values)


def test_lines_take_the_catalogue_price_unless_one_is_given():
    lines = price_lines(draft(lines=[DraftLine("MUG", 2), DraftLine("MUG", 1, 500)]),
                        {"MUG": product()})
    assert [(ln.position, ln.unit_price, ln.amounts.line_total, ln.amounts.tax_amount)
            for ln in lines] == [(1, 850, 1700, 283), (2, 500, 500, 83)]


def test_unknown_withdrawn_or_foreign_priced_products_are_refused():
    with pytest.raises(ValidationFailed) as refused:
        price_lines(draft(lines=[DraftLine("NOPE", 1), DraftLine("OLD", 1),
                                 DraftLine("SWISS", 1), DraftLine("SWISS", 1, 900)]),
                    {"OLD": product("OLD", active=False),
                     "SWISS": product("SWISS", currency="CHF")})
    assert set(refused.value.fields) == {"lines[0].sku", "lines[1].sku", "lines[2].unit_price"}


def test_order_numbers_are_the_plain_counter():
    assert order_number(100042) == "100042"


def state(**changes) -> OrderState:
    values = dict(status="open", payment_status="unpaid", fulfilment_status="unfulfilled")
    values.update(changes)
    return OrderState(**values)


def test_only_unpaid_orders_that_have_not_left_can_be_cancelled():
    check_cancellable(state())
    check_cancellable(state(status="on_hold", fulfilment_status="ready_for_pickup"))
    check_cancellable(state(paid_total=1000, refunded_total=1000))  # refunded in full
    with pytest.raises(NotCancellable, match="already cancelled"):
        check_cancellable(state(status="cancelled"))
    with pytest.raises(NotCancellable, match="refund the payment first"):
        check_cancellable(state(payment_status="partially_paid", paid_total=500))
    with pytest.raises(NotCancellable, match="record a return"):
        check_cancellable(state(fulfilment_status="partially_shipped"))
    with pytest.raises(NotCancellable, match="record a return"):
        check_cancellable(state(shipped_quantity=1))
    with pytest.raises(InvalidTransition):
        check_cancellable(state(status="closed"))


def test_a_request_is_reserved_in_full_backordered_or_refused():
    assert split_request(3, 5, False) == Reservation(3, 0)
    assert split_request(3, 1, True) == Reservation(1, 2)
    assert split_request(3, -2, True) == Reservation(0, 3)
    assert split_request(3, 1, False) is None


def test_received_stock_serves_the_oldest_waiting_lines_first():
    assert plan_allocation(5, [(1, 2), (2, 4), (3, 1)]) == [(1, 2), (2, 3)]
    assert plan_allocation(0, [(1, 2)]) == []


def test_a_short_count_takes_the_newest_reservations_first():
    assert plan_shortfall(3, 7, [(9, 2), (8, 5)]) == [(9, 2), (8, 2)]
    assert plan_shortfall(7, 7, [(9, 2)]) == []


def test_counts_and_receipts_are_whole_numbers():
    check_count(0, "count")
    with pytest.raises(ValidationFailed):
        check_count(True, "count")
    with pytest.raises(ValidationFailed):
        check_count(1, " ")
    check_receipt(1)
    with pytest.raises(ValidationFailed):
        check_receipt(0)


def test_products_need_a_valid_barcode_and_vat_rate():
    assert validate_product(ProductSpec(sku="TSHIRT-BLUE-M", name="T", price=1990,
                                        barcode="3760000000017", vat_rate="5.5")) == 550
    assert gtin_is_valid("036000291452") and not gtin_is_valid("3760000000018")
    assert vat_rate_bp("20") == 2000 and vat_rate_bp("100.00") == 10000
    # Only what the API schema's pattern allows: the shop's own spellings are refused.
    for bad in ("101", "-1", "2.555", "x", "20%", " 20", "20\n", "+20", "1e1", "20.", ".5",
                "5,5", "2_0", "\u0662\u0660", "NaN", 20):
        with pytest.raises(ValueError):
            vat_rate_bp(bad)


def test_the_fingerprint_of_a_draft_changes_with_what_it_asks_for_only():
    """What an Idempotency-Key is stored with: the same order (defaults explicit or not)
    has one fingerprint; a change to any field gives another."""
    same = draft(lines=[DraftLine("MUG", 1, None)], currency="EUR", billing_address=None)
    assert draft_fingerprint(draft()) == draft_fingerprint(same)
    assert len(draft_fingerprint(draft())) == 64
    others = [draft(lines=[DraftLine("MUG", 2)]), draft(lines=[DraftLine("MUG", 1, 500)]),
              draft(payment_method="cheque"), draft(billing_address=LYON),
              draft(shipping_address=AddressDetails(name="Anne Martin", line1="12 rue des Lilas",
                                                    postal_code="69004", city="Lyon",
                                                    country="FR"))]
    prints = {draft_fingerprint(other) for other in others}
    assert len(prints) == len(others) and draft_fingerprint(draft()) not in prints
