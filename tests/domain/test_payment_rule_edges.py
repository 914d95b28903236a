"""Edges of the payment rules the other tests leave open: exact refusal texts (they are
catalogue msgids and what the API answers), the details a 409 carries, and the boundaries."""

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from dashboard.domain.errors import DomainError, ValidationFailed
from dashboard.domain.numbers import Amount
from dashboard.domain.payments.deadlines import DeadlinePolicy, order_deadline, payment_deadline
from dashboard.domain.payments.provider_events import (
    KnownTransaction, PaymentConflict, RefundExceedsCapture, check_refund, same_transaction,
)
from dashboard.domain.payments.receipts import receipt_refusal
from dashboard.domain.payments.refunds import (
    CardCapture, RefundRoute, adjustment_lines, card_capture, check_refund_request, clean_iban,
)
from dashboard.domain.payments.standing import BALANCE_DUE, PaymentStanding, payment_standing
from dashboard.domain.statuses import OrderStatus, PaymentMethod, PaymentStatus

UTC = timezone.utc
PLACED = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday
IBAN = "FR7630006000011234567890189"


def refusal(**kw) -> ValidationFailed:
    kw.setdefault("iban", "")
    kw.setdefault("currency", "JPY")  # not the Amount default, so the currency must be passed
    kw.setdefault("card", None)
    with pytest.raises(ValidationFailed) as caught:
        check_refund_request(**kw)
    assert caught.value.message == "This refund cannot be made."
    return caught.value


def test_nothing_owed_is_no_form_error_but_a_refusal():
    with pytest.raises(DomainError) as caught:
        check_refund_request(100, "card", "", owed=0, currency="EUR", card=None)
    assert not isinstance(caught.value, ValidationFailed)
    assert caught.value.message == "Nothing is owed to the customer on this order."


def test_refund_request_refusal_texts():
    assert refusal(amount=0, route="cash", owed=1000).fields == {
        "route": "Choose how the money goes back.",
        "amount": "The amount must be more than zero."}
    too_much = refusal(amount=1001, route="bank_transfer", owed=1000)
    assert too_much.fields == {"amount": "At most 1000 JPY is owed to the customer."}
    assert too_much.fields["amount"].values == {"amount": Amount(1000, "JPY")}
    assert refusal(amount=10, route="card", owed=1000).fields == {
        "route": "This order was not paid by card: refund it by bank transfer."}
    to_card = refusal(amount=600, route="card", owed=1000, card=CardCapture("tx_1", 500))
    assert to_card.fields == {"amount": "At most 500 JPY can go back to the card."}
    assert to_card.fields["amount"].values == {"amount": Amount(500, "JPY")}
    # More than is owed says so, not the card's smaller limit.
    assert refusal(amount=1200, route="card", owed=1000,
                   card=CardCapture("tx_1", 500)).fields == {
        "amount": "At most 1000 JPY is owed to the customer."}
    assert refusal(amount=10, route="bank_transfer", owed=1000, iban="FR7630006000011234567890188"
                   ).fields == {"iban": "This IBAN is not valid: check it with the customer."}


def test_refund_requests_that_go_through():
    assert check_refund_request(500, "card", "", owed=1000, currency="EUR",
                                card=CardCapture("tx_1", 500)) is RefundRoute.CARD
    assert check_refund_request(1000, "bank_transfer", IBAN, owed=1000, currency="EUR",
                                card=None) is RefundRoute.BANK_TRANSFER
    assert check_refund_request(1, "bank_transfer", "", owed=1000, currency="EUR",
                                card=None) is RefundRoute.BANK_TRANSFER


def _card(ref, amount, kind="payment"):
    return {"kind": kind, "method": "card", "status": "succeeded", "transaction_ref": ref,
            "amount": amount}


def test_card_capture_goes_back_to_the_latest_of_several_and_never_below_zero():
    payments = [_card("tx_1", 100), _card("tx_2", 100), _card("tx_3", 100),
                _card("rf_1", 300, kind="refund")]
    assert card_capture(payments) == CardCapture("tx_3", 0)


def test_a_refund_beyond_the_capture_carries_its_numbers():
    with pytest.raises(RefundExceedsCapture) as caught:
        check_refund(700, paid_total=1000, refunded_total=400, number="2026-00042")
    assert caught.value.message == ("This refund is more than what order 2026-00042 was paid "
                                    "and has not had refunded yet.")
    assert caught.value.details == {"amount": 700, "refundable": 600}
    check_refund(600, paid_total=1000, refunded_total=400)


def test_a_conflicting_event_says_what_differs_and_both_sides():
    known = [KnownTransaction("payment", 1000, "EUR")]
    with pytest.raises(PaymentConflict) as caught:
        same_transaction(known, "refund", 1000, "eur")
    assert caught.value.message == ("Transaction reference already recorded on this order "
                                    "with another kind")
    assert caught.value.details == {
        "differs": ["kind"],
        "known": {"kind": "payment", "amount": 1000, "currency": "EUR"},
        "incoming": {"kind": "refund", "amount": 1000, "currency": "EUR"}}


def test_receipt_refusals():
    assert receipt_refusal("2026-00042", 0, "a@example.org") == (
        "Order 2026-00042 has no payment to give a receipt for.")
    missing = receipt_refusal("2026-00042", 1, "")
    assert missing == "Order 2026-00042 has no customer email address."
    assert missing.template == "Order %(number)s has no customer email address."
    assert receipt_refusal("2026-00042", 1, None) == missing
    assert receipt_refusal("2026-00042", 1, "a@example.org") is None


def test_the_smallest_balance_due_on_a_barely_paid_order_shows():
    assert payment_standing(PaymentStatus.PAID, 1, 100, 0) == PaymentStanding(BALANCE_DUE, 1)
    assert payment_standing(PaymentStatus.PARTIALLY_PAID, 500, 1, 0) == PaymentStanding(
        BALANCE_DUE, 500)


def test_policy_from_settings():
    settings = SimpleNamespace(card_payment_minutes=30, bank_transfer_payment_days=4,
                               cheque_payment_days=7, payment_reminder_hours=12,
                               holidays_country="DE", timezone="Europe/Berlin")
    assert DeadlinePolicy.from_settings(settings) == DeadlinePolicy(
        card_minutes=30, bank_transfer_days=4, cheque_days=7,
        reminder_lead=timedelta(hours=12), country="DE", timezone="Europe/Berlin")


def test_order_deadline_reads_the_row():
    policy = DeadlinePolicy(card_minutes=60)
    row = {"status": OrderStatus.OPEN, "payment_status": PaymentStatus.UNPAID,
           "payment_method": PaymentMethod.CARD, "placed_at": PLACED}
    assert order_deadline(row, policy) == PLACED + timedelta(minutes=60)
    assert order_deadline({**row, "payment_status": PaymentStatus.PARTIALLY_PAID}, policy) is None
    assert order_deadline({**row, "status": OrderStatus.ON_HOLD}, policy) is None


def test_the_shortest_delays_still_apply():
    one = DeadlinePolicy(card_minutes=1, bank_transfer_days=1)
    assert payment_deadline(PaymentMethod.CARD, PLACED, one) == PLACED + timedelta(minutes=1)
    # One business day after Monday: Tuesday, so midnight Paris at the end of it.
    assert payment_deadline(PaymentMethod.BANK_TRANSFER, PLACED, one) == datetime(
        2026, 11, 24, 23, 0, tzinfo=UTC)


def test_the_smallest_amount_owed_can_be_refunded():
    assert check_refund_request(1, "bank_transfer", "", owed=1, currency="EUR",
                                card=None) is RefundRoute.BANK_TRANSFER


def test_a_conflict_lists_every_field_that_differs():
    with pytest.raises(PaymentConflict) as caught:
        same_transaction([KnownTransaction("payment", 1000, "EUR")], "refund", 900, "EUR")
    assert caught.value.message == ("Transaction reference already recorded on this order "
                                    "with another kind, amount")


def _line(sku, quantity, unit_price=1000, vat_rate_bp=2000):
    return {"sku": sku, "name": sku.title(), "quantity": quantity, "unit_price": unit_price,
            "vat_rate_bp": vat_rate_bp}


def test_credit_lines_count_repeated_lines_and_leave_unchanged_shipping_out():
    invoiced = [_line("MUG", 2), _line("MUG", 1), _line("CUP", 1)]
    current = [_line("MUG", 1), _line("MUG", 1)]        # the same product on two lines
    lines = adjustment_lines(invoiced, 500, current, 500, 2000, "Adjustment", "Shipping")
    assert lines == [_line("MUG", 1), _line("CUP", 1)]


def test_shipping_cut_is_credited_for_the_difference():
    lines = adjustment_lines([_line("MUG", 1)], 700, [_line("MUG", 1)], 200, 500,
                             "Adjustment", "Shipping")
    assert lines == [{"sku": "SHIPPING", "name": "Shipping", "quantity": 1, "unit_price": 500,
                      "vat_rate_bp": 2000}]


def test_an_unexplained_gap_takes_the_rate_with_the_largest_invoiced_base():
    invoiced = [_line("A", 1, 600, 550), _line("B", 1, 600, 550), _line("C", 1, 1000, 2000)]
    lines = adjustment_lines(invoiced, 0, invoiced, 0, 50, "Adjustment", "Shipping")
    assert lines == [{"sku": "", "name": "Adjustment", "quantity": 1, "unit_price": 50,
                      "vat_rate_bp": 550}]


def test_the_main_rate_weighs_each_invoiced_line_by_its_quantity():
    # 1 x 10.00 at 5.5 % against 3 x 4.00 at 20 %: by line price the 5.5 % base looks
    # larger, by line total (price times quantity) the 20 % base is.
    invoiced = [_line("A", 1, 1000, 550), _line("B", 3, 400, 2000)]
    lines = adjustment_lines(invoiced, 0, invoiced, 0, 50, "Adjustment", "Shipping")
    assert lines == [{"sku": "", "name": "Adjustment", "quantity": 1, "unit_price": 50,
                      "vat_rate_bp": 2000}]


def test_a_gap_on_an_invoice_without_lines_takes_the_standard_rate():
    lines = adjustment_lines([], 0, [], 0, 300, "Adjustment", "Shipping")
    assert lines == [{"sku": "", "name": "Adjustment", "quantity": 1, "unit_price": 300,
                      "vat_rate_bp": 2000}]


def test_no_iban_typed_is_empty():
    assert clean_iban("") == ""
    assert clean_iban(None) == ""
