"""Products the shop sends, counted and received stock: each refusal names its field and
says what is expected (the API answers with these texts), and the arithmetic's edges."""

import pytest

from dashboard.domain.errors import ValidationFailed
from dashboard.domain.orders import MAX_UNIT_PRICE
from dashboard.domain.stock import not_for_sale
from dashboard.domain.stock.allocation import (
    MAX_STOCK_QUANTITY, Reservation, StockLevel, check_count, check_receipt, plan_allocation,
    split_request,
)
from dashboard.domain.stock.barcodes import ean13, ean13_check_digit
from dashboard.domain.stock.catalogue import (
    MAX_WEIGHT_GRAMS, ProductSpec, gtin_is_valid, validate_product, vat_rate_bp, vat_rate_text,
)


def fields_of(call, *args, **kw) -> dict:
    with pytest.raises(ValidationFailed) as caught:
        call(*args, **kw)
    return caught.value.fields


def test_a_product_with_everything_wrong_hears_about_every_field():
    spec = ProductSpec(sku="", name=None, price=True, currency="ZZZ", vat_rate="20%",
                       barcode="12345678", bin_location="x" * 33, weight_grams=-1)
    assert fields_of(validate_product, spec) == {
        "sku": "1-64 letters, digits, . _ / -",
        "name": "required",
        "price": "a whole number of minor units, 0 or more",
        "currency": "ISO 4217 currency code, e.g. EUR",
        "barcode": "an EAN-8, UPC-A, EAN-13 or GTIN-14 with its check digit",
        "bin_location": "at most 32 characters",
        "weight_grams": f"a whole number of grams, from 0 to {MAX_WEIGHT_GRAMS}",
        "vat_rate": 'a percentage from 0 to 100, e.g. "20.0"',
    }


def test_product_bounds_are_inclusive():
    at_bounds = ProductSpec(sku="A" * 64, name="n" * 300, price=MAX_UNIT_PRICE,
                            vat_rate="5.5", barcode="12345670", bin_location="b" * 32,
                            weight_grams=MAX_WEIGHT_GRAMS)
    assert validate_product(at_bounds) == 550
    beyond = ProductSpec(sku="A" * 65, name="n" * 301, price=MAX_UNIT_PRICE + 1,
                         weight_grams=MAX_WEIGHT_GRAMS + 1)
    assert fields_of(validate_product, beyond) == {
        "sku": "1-64 letters, digits, . _ / -",
        "name": "at most 300 characters",
        "price": f"at most {MAX_UNIT_PRICE}",
        "weight_grams": f"a whole number of grams, from 0 to {MAX_WEIGHT_GRAMS}",
    }
    assert validate_product(ProductSpec(sku="MUG-1", name="Mug", price=0)) == 2000


@pytest.mark.parametrize("code, valid", [
    ("12345670", True),            # EAN-8 whose weighted sum is already a multiple of ten
    ("12345671", False),
    ("123456709", False),          # 9 digits is no GTIN
    ("04006381333931", True),      # GTIN-14
    ("040063813339311", False),    # 15 digits
    ("1234567a", False),
])
def test_gtin_lengths_and_check_digit(code, valid):
    assert gtin_is_valid(code) is valid


def test_ean13_check_digit_of_a_multiple_of_ten_is_zero():
    assert ean13("100000000003") == "1000000000030"
    with pytest.raises(ValueError, match="an EAN-13 has 12 data digits"):
        ean13_check_digit("12345")


def test_vat_rate_text_round_trips_the_shop_spelling():
    assert [vat_rate_text(bp) for bp in (2000, 550, 1000, 10000, 0, 1234, 5)] == [
        "20.0", "5.5", "10.0", "100.0", "0.0", "12.34", "0.05"]
    with pytest.raises(ValueError, match="20%"):
        vat_rate_bp("20%")


def test_a_line_not_for_sale_says_what_was_typed():
    withdrawn = not_for_sale("MUG-1", known=True)
    assert withdrawn.fields == {"sku": "MUG-1 is no longer sold."}
    assert withdrawn.message == "MUG-1 is no longer sold."
    assert withdrawn.message.template == "%(code)s is no longer sold."
    assert withdrawn.fields["sku"].values == {"code": "MUG-1"}
    unknown = not_for_sale("4006381333931", known=False)
    assert unknown.fields == {"sku": "No product has the SKU or barcode 4006381333931."}
    assert unknown.message == "No product has the SKU or barcode 4006381333931."
    assert unknown.message.values == {"code": "4006381333931"}


def test_a_count_needs_a_bounded_number_and_a_reason():
    assert fields_of(check_count, -1, "") == {
        "on_hand": f"a whole number from 0 to {MAX_STOCK_QUANTITY}",
        "reason": "required, e.g. inventory count"}
    assert fields_of(check_count, True, "r" * 501) == {
        "on_hand": f"a whole number from 0 to {MAX_STOCK_QUANTITY}",
        "reason": "at most 500 characters"}
    check_count(MAX_STOCK_QUANTITY, "r" * 500)
    check_count(0, "inventory count")


@pytest.mark.parametrize("quantity", [0, True, MAX_STOCK_QUANTITY + 1, 2.0])
def test_a_receipt_is_a_whole_number_above_zero(quantity):
    assert fields_of(check_receipt, quantity) == {
        "quantity": f"a whole number from 1 to {MAX_STOCK_QUANTITY}"}


def test_a_receipt_at_the_bounds_is_taken():
    check_receipt(1)
    check_receipt(MAX_STOCK_QUANTITY)


def test_stock_level_as_data():
    assert StockLevel("MUG-1", on_hand=7, reserved=3, backordered=2).as_dict() == {
        "sku": "MUG-1", "on_hand": 7, "reserved": 3, "available": 4, "backordered": 2}


def test_exactly_what_is_available_is_reserved_without_a_backorder():
    assert split_request(3, 3, allows_backorder=False) == Reservation(reserve=3, backorder=0)


def test_allocation_edges():
    assert plan_allocation(1, [(1, 5)]) == [(1, 1)]
    assert plan_allocation(3, [(1, 0), (2, 5)]) == [(2, 3)]          # nothing to take: no entry
    assert plan_allocation(3, [(1, 1), (2, 5)]) == [(1, 1), (2, 2)]
