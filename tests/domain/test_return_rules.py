"""Return, receipt, credit and surcharge rules (dashboard.domain.returns.rules), without a
database: every refusal's field, its text (a catalogue msgid) and its values."""

import pytest

from dashboard.domain.errors import ValidationFailed
from dashboard.domain.numbers import Amount
from dashboard.domain.returns import ReturnStatus
from dashboard.domain.returns.rules import (
    MONEY_BACK, SURCHARGE_CAP, VAT_RATES_BP, LineState, Receipt, RefundMethod, ReturnItem,
    check_credit, check_receipt, check_return, check_surcharge, creditable,
    fulfilment_after_return,
)
from dashboard.domain.statuses import FulfilmentStatus

LINES = {1: LineState(1, "MUG", shipped=3, returned=1, pending=1),
         2: LineState(2, "CUP", shipped=2, returned=0, pending=0)}


def refused(check, *args, message, **kwargs) -> dict:
    with pytest.raises(ValidationFailed) as caught:
        check(*args, **kwargs)
    assert caught.value.message == message
    return caught.value.fields


def return_refusal(kind, items) -> dict:
    return refused(check_return, kind, items, LINES, message="This return cannot be authorised.")


def test_the_public_names_and_constants():
    assert ReturnStatus.AUTHORISED == "authorised"
    assert MONEY_BACK == {RefundMethod.CARD, RefundMethod.BANK_TRANSFER}
    assert VAT_RATES_BP == (0, 210, 550, 1000, 2000)
    assert SURCHARGE_CAP == 100_000


def test_returnable_is_shipped_minus_returned_minus_on_their_way_never_negative():
    assert LINES[1].returnable == 1
    assert LineState(3, "X", shipped=1, returned=1, pending=1).returnable == 0


def test_a_return_within_what_can_come_back_is_accepted():
    items = [ReturnItem(1, 1, "damaged"), ReturnItem(2, 2, "too_small")]
    assert check_return("return", items, LINES) == "return"
    assert check_return("exchange", [ReturnItem(2, 1, "too_large", "CUP-L", 1)],
                        LINES) == "exchange"


def test_a_return_of_nothing_or_of_unknown_kind_is_refused():
    assert return_refusal("swap", []) == {
        "kind": "Choose one of the listed values.",
        "lines": "Choose at least one shipped line and a quantity."}


def test_an_unknown_or_repeated_line_is_not_a_line_of_this_order():
    fields = return_refusal("return", [ReturnItem(9, 1, "damaged"), ReturnItem(2, 1, "other"),
                                       ReturnItem(2, 1, "other")])
    assert fields == {"lines.9": "Not a line of this order.",
                      "lines.2": "Not a line of this order."}


def test_a_quantity_is_at_least_one_and_at_most_what_can_come_back():
    fields = return_refusal("return", [ReturnItem(1, 2, "damaged"), ReturnItem(2, 0, "other")])
    assert fields == {
        "lines.1.quantity": "Only 1 of MUG can come back (shipped 3, returned 1, on their "
                            "way 1).",
        "lines.2.quantity": "At least 1."}
    message = fields["lines.1.quantity"]
    assert message.values == {"returnable": 1, "sku": "MUG", "shipped": 3, "returned": 1,
                              "pending": 1}
    # exactly what can come back is fine
    assert check_return("return", [ReturnItem(1, 1, "damaged")], LINES) == "return"
    assert check_return("return", [ReturnItem(2, 1, "damaged")], LINES) == "return"


def test_an_unknown_reason_is_refused():
    assert return_refusal("return", [ReturnItem(2, 1, "bored")]) == {
        "lines.2.reason": "Choose one of the listed values."}


def test_an_exchange_sends_a_replacement_and_a_return_none():
    assert return_refusal("exchange", [ReturnItem(2, 1, "other")]) == {
        "lines.2.replacement_quantity": "An exchange sends at least 1 replacement."}
    assert return_refusal("return", [ReturnItem(2, 1, "other", "", 1)]) == {
        "lines.2.replacement_quantity": "A return has no replacement."}


def receipt_refusal(receipts, expected) -> dict:
    return refused(check_receipt, receipts, expected,
                   message="This receipt cannot be recorded.")


def test_a_receipt_accounts_for_every_unit():
    assert check_receipt([Receipt(1, 2, 0), Receipt(2, 0, 1, "torn")], {1: 2, 2: 1}) is None
    assert check_receipt([], {}) is None


def test_a_receipt_says_what_came_back_for_each_line_and_nothing_else():
    fields = receipt_refusal([Receipt(9, 1, 0)], {1: 1})
    assert fields == {"lines.1": "Say what came back.", "lines": "Not a line of this return."}


@pytest.mark.parametrize("restocked, written_off", [(1, 0), (3, 0), (-1, 3), (3, -1)])
def test_restocked_plus_written_off_make_the_quantity(restocked, written_off):
    fields = receipt_refusal([Receipt(1, restocked, written_off, "torn")], {1: 2})
    assert fields == {"lines.1": "Back in stock plus written off must make 2."}
    assert fields["lines.1"].values == {"quantity": 2}


def test_a_write_off_says_why():
    assert receipt_refusal([Receipt(1, 1, 1, "  ")], {1: 2}) == {
        "lines.1.write_off_reason": "Say why the goods are written off."}


def test_fulfilment_after_a_return():
    assert fulfilment_after_return([(2, 2), (1, 1)]) == FulfilmentStatus.RETURNED
    assert fulfilment_after_return([(2, 2), (1, 0)]) == FulfilmentStatus.PARTIALLY_RETURNED
    assert fulfilment_after_return(iter([(2, 2)])) == FulfilmentStatus.RETURNED
    assert fulfilment_after_return([]) == FulfilmentStatus.PARTIALLY_RETURNED


def test_creditable_is_paid_minus_credited_never_negative():
    assert creditable(1000, 300) == 700
    assert creditable(1000, 1200) == 0


def credit_refusal(amount, method="store_credit", ref="", **kw) -> dict:
    kw.setdefault("paid_total", 1000)
    kw.setdefault("credited_total", 300)
    return refused(check_credit, amount, method, ref, message="This credit cannot be issued.",
                   **kw)


def test_a_credit_up_to_what_was_paid_minus_credited_is_issued():
    assert check_credit(700, "store_credit", "", paid_total=1000, credited_total=300) == \
        "store_credit"
    assert check_credit(1, "card", "re_1", paid_total=1000, credited_total=0) == "card"


@pytest.mark.parametrize("amount", [0, -5, True, 10.0, "10"])
def test_a_credit_is_a_whole_number_of_minor_units_above_zero(amount):
    assert credit_refusal(amount) == {"amount": "The amount must be more than zero."}


def test_a_credit_over_what_is_left_says_how_much_can_be_credited():
    fields = credit_refusal(701, currency="USD")
    assert fields == {"amount": "At most 7.00 USD can be credited (paid minus already "
                                "credited)."}
    assert fields["amount"].template == ("At most %(amount)s can be credited (paid minus "
                                         "already credited).")
    assert fields["amount"].values == {"amount": Amount(700, "USD")}
    assert credit_refusal(701)["amount"].values == {"amount": Amount(700, "EUR")}


def test_a_credit_names_its_method_and_a_card_refund_its_reference():
    assert credit_refusal(100, "cash") == {"refund_method": "Choose one of the listed values."}
    assert credit_refusal(100, "card", "  ") == {
        "refund_ref": "The card refund reference is required."}
    assert check_credit(100, "bank_transfer", "", paid_total=1000, credited_total=0) == \
        "bank_transfer"


def surcharge_refusal(kind="labour", amount=500, reason="Repair", rate=2000, total=1000):
    return refused(check_surcharge, kind, amount, reason, rate, order_total=total,
                   message="This surcharge cannot be added.")


def test_a_sensible_surcharge_is_added():
    assert check_surcharge("labour", 500, "Repair", 2000, order_total=1000) == "labour"
    # the cap and ten times the order are both allowed exactly
    assert check_surcharge("other", SURCHARGE_CAP, "x", 0, order_total=SURCHARGE_CAP) == "other"
    assert check_surcharge("other", 10_000, "x", 550, order_total=1000) == "other"
    # an order of nothing bounds the surcharge by the cap only
    assert check_surcharge("other", 5000, "x", 210, order_total=0) == "other"


@pytest.mark.parametrize("amount", [0, -1, True, 1.5])
def test_a_surcharge_is_more_than_zero(amount):
    assert surcharge_refusal(amount=amount) == {"amount": "The amount must be more than zero."}


@pytest.mark.parametrize("amount, total", [(SURCHARGE_CAP + 1, SURCHARGE_CAP), (10_001, 1000)])
def test_a_surcharge_over_the_cap_or_ten_times_the_order_is_a_typing_error(amount, total):
    assert surcharge_refusal(amount=amount, total=total) == {
        "amount": "Too large for a surcharge: check the amount."}


def test_a_surcharge_has_a_kind_a_reason_and_a_french_rate():
    assert surcharge_refusal(kind="tip", reason=" ", rate=1960) == {
        "kind": "Choose one of the listed values.", "reason": "Required.",
        "vat_rate": "Choose one of the listed values."}
    assert surcharge_refusal(reason=None) == {"reason": "Required."}
