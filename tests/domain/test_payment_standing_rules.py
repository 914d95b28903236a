"""The payment badge reads from the status and the balance: never "paid" while money is due."""

from dashboard.domain.payments import PaymentStanding, payment_standing


def test_a_paid_order_that_grew_owes_the_difference():
    assert payment_standing("partially_paid", 4990, 2000, 0) == PaymentStanding(
        "balance_due", 4990)
    # Even if a stale status still said "paid", the balance wins.
    assert payment_standing("paid", 4990, 2000, 0).key == "balance_due"


def test_a_paid_order_that_shrank_owes_the_customer():
    assert payment_standing("paid", -1000, 3000, 0) == PaymentStanding(
        "owed_to_customer", 1000)


def test_settled_and_unpaid_orders_show_their_status_alone():
    assert payment_standing("paid", 0, 3000, 0) == PaymentStanding("paid")
    assert payment_standing("unpaid", 3000, 0, 0) == PaymentStanding("unpaid")
    assert payment_standing("refunded", 0, 3000, 3000) == PaymentStanding("refunded")
    # Everything paid was refunded and some is still charged: nothing was kept, so unpaid-like.
    assert payment_standing("refunded", 500, 3000, 3000) == PaymentStanding("refunded")
