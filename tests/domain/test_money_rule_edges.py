"""Edges of the money arithmetic and typed numbers the other tests leave open."""

import pytest

from dashboard.domain.errors import ValidationFailed
from dashboard.domain.numbers import (
    Amount, Message, bound, major_units, parse_count, parse_money,
)
from dashboard.domain.pricing import LineAmounts, OrderTotals, order_totals, vat_included_tax


@pytest.mark.parametrize("amount, rate_bp, tax", [
    (1000, -100, 0),           # a negative rate taxes nothing
    (100_000, 1, 10),          # the smallest rate still counts
    (1, 10_000, 1),            # exactly half a cent rounds up (not to even)
    (1_200_000, 2000, 200_000),
])
def test_vat_included_tax_edges(amount, rate_bp, tax):
    assert vat_included_tax(amount, rate_bp) == tax


def test_order_without_shipping():
    assert order_totals([LineAmounts(1000, 167)]) == OrderTotals(
        subtotal=1000, shipping_total=0, tax_total=167, total=1000)
    assert order_totals([LineAmounts(1000, 167)], 1200).shipping_total == 1200


def test_amounts_keep_their_currency():
    assert Amount(100) == Amount(100, "EUR")
    assert Amount(100, "EUR") != Amount(100, "JPY")
    assert Amount(100) != 100
    assert str(Amount(100, "JPY")) == "100 JPY"
    assert len({Amount(100), Amount(100, "EUR"), Amount(100, "JPY")}) == 2


def test_message_data_round_trip_keeps_the_currency():
    message = Message("At most %(amount)s.", amount=Amount(500, "JPY"))
    back = Message.from_data(message.to_data())
    assert back.values == {"amount": Amount(500, "JPY")}
    assert Message.from_data({}).template == ""


def test_refusals_carry_the_form_message():
    with pytest.raises(ValidationFailed) as caught:
        parse_money("", field="amount", maximum=100)
    assert caught.value.message == "Check the highlighted fields"


def test_only_spaces_are_trimmed_not_other_control_characters():
    with pytest.raises(ValidationFailed):
        parse_count("\x0c3", field="quantity", maximum=10)


@pytest.mark.parametrize("args, text", [
    ((100_000_00,), "100\u202f000"),
    ((123456, 2, "fr"), "1\u202f234,56"),
    ((123456789, 2, "en"), "1,234,567.89"),
    ((500, 0), "500"),
    ((1_234_500, 3, "en"), "1,234.500"),
])
def test_major_units(args, text):
    assert major_units(*args) == text


def test_bound_scales_in_whole_minor_units():
    assert bound(1_050, 0) == 10
    assert bound(1_000_00, 3) == 1_000_000


def test_nothing_typed_is_required_not_malformed():
    for text in (None, ""):
        with pytest.raises(ValidationFailed) as caught:
            parse_money(text, field="amount", maximum=100)
        assert caught.value.fields == {"amount": "Required."}
    with pytest.raises(ValidationFailed):
        parse_count("X3", field="quantity", maximum=10)


def test_inputs_of_the_longest_readable_length_are_read():
    assert parse_money("0" * 30 + "12", field="amount", maximum=10**6) == 1200
    assert parse_count("0" * 31 + "7", field="quantity", maximum=10) == 7


def test_too_large_names_the_bound_in_the_readers_spelling():
    with pytest.raises(ValidationFailed) as caught:
        parse_money("2000", field="amount", maximum=1_000_00, locale="en")
    assert caught.value.fields == {"amount": "The amount must not exceed 1,000."}
