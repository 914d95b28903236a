"""The rules the payment provider's events must keep (domain.payments.provider_events)."""

import pytest

from dashboard.domain.payments import (
    KnownTransaction,
    PaymentConflict,
    RefundExceedsCapture,
    amount_mismatch,
    check_refund,
    same_transaction,
)


def test_a_refund_may_take_back_what_was_captured_and_not_more():
    check_refund(3980, paid_total=3980, refunded_total=0)
    check_refund(980, paid_total=3980, refunded_total=3000)
    for amount, paid, refunded in [(100_000, 5001, 0), (981, 3980, 3000), (1, 0, 0)]:
        with pytest.raises(RefundExceedsCapture):
            check_refund(amount, paid_total=paid, refunded_total=refunded)


def test_a_new_reference_and_an_exact_repeat_are_not_conflicts():
    assert same_transaction([], "payment", 3980, "EUR") is False
    known = [KnownTransaction("payment", 3980, "EUR")]
    assert same_transaction(known, "payment", 3980, "eur") is True


@pytest.mark.parametrize("kind, amount, currency, differs", [
    ("payment", 1000, "EUR", ["amount"]),
    ("payment", 3980, "USD", ["currency"]),
    ("refund", 3980, "EUR", ["kind"]),
    ("refund", 1, "USD", ["kind", "amount", "currency"]),
])
def test_a_known_reference_with_other_content_is_a_conflict(kind, amount, currency, differs):
    with pytest.raises(PaymentConflict) as raised:
        same_transaction([KnownTransaction("payment", 3980, "EUR")], kind, amount, currency)
    assert raised.value.details["differs"] == differs


def test_amounts_that_do_not_settle_the_order_are_named():
    assert amount_mismatch(3980, 3980) is None
    assert amount_mismatch(1000, 3980) == ("underpayment", 2980)
    assert amount_mismatch(5000, 3980) == ("overpayment", 1020)
    assert amount_mismatch(3980, 0) == ("overpayment", 3980)      # already paid
    assert amount_mismatch(500, -200) == ("overpayment", 500)     # already owed money back
