"""Refund rules: what may be refunded, to where, and the credit note's lines."""

import pytest

from dashboard.domain.errors import DomainError, ValidationFailed
from dashboard.domain.payments.refunds import (
    CardCapture,
    adjustment_lines,
    card_capture,
    check_refund_request,
    clean_iban,
    iban_valid,
    invoice_gap,
    refundable_now,
)


def test_refundable_is_what_is_owed_minus_the_refunds_on_their_way():
    assert refundable_now(-1000, 0) == 1000
    assert refundable_now(-1000, 600) == 400
    assert refundable_now(-1000, 1000) == 0
    assert refundable_now(500, 0) == 0  # the customer owes, not the shop


@pytest.mark.parametrize("typed, valid", [
    ("FR76 3000 6000 0112 3456 7890 189", True),
    ("fr7630006000011234567890189", True),
    ("DE89 3704 0044 0532 0130 00", True),
    ("FR76 3000 6000 0112 3456 7890 180", False),  # one digit off: the check digits say so
    ("FR76", False),
    ("7630006000011234567890189", False),
])
def test_iban_shape_and_check_digits(typed, valid):
    assert iban_valid(clean_iban(typed)) is valid


def test_card_capture_is_the_latest_card_payment_less_card_refunds():
    payments = [
        {"kind": "payment", "method": "card", "amount": 3000, "status": "succeeded",
         "transaction_ref": "ch_1"},
        {"kind": "payment", "method": "card", "amount": 500, "status": "failed",
         "transaction_ref": "ch_x"},
        {"kind": "payment", "method": "card", "amount": 2000, "status": "succeeded",
         "transaction_ref": "ch_2"},
        {"kind": "refund", "method": "card", "amount": 1200, "status": "succeeded",
         "transaction_ref": "re_1"},
        {"kind": "payment", "method": "bank_transfer", "amount": 900, "status": "succeeded",
         "transaction_ref": "VIR"},
    ]
    assert card_capture(payments) == CardCapture("ch_2", 3800)
    assert card_capture([p for p in payments if p["method"] != "card"]) is None


def test_each_refusal_names_its_field():
    card = CardCapture("ch_1", 500)
    cases = [
        (dict(amount=0, route="bank_transfer", iban=""), "amount"),
        (dict(amount=1001, route="bank_transfer", iban=""), "amount"),
        (dict(amount=100, route="voucher", iban=""), "route"),
        (dict(amount=600, route="card", iban=""), "amount"),  # more than the card took
        (dict(amount=100, route="bank_transfer", iban="FR7630006000011234567890180"), "iban"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationFailed) as refused:
            check_refund_request(**kwargs, owed=1000, currency="EUR", card=card)
        assert set(refused.value.fields) == {field}, kwargs
    with pytest.raises(ValidationFailed) as refused:
        check_refund_request(100, "card", "", owed=1000, currency="EUR", card=None)
    assert set(refused.value.fields) == {"route"}
    with pytest.raises(DomainError) as nothing:
        check_refund_request(100, "card", "", owed=0, currency="EUR", card=card)
    assert "Nothing is owed" in nothing.value.message
    with pytest.raises(DomainError) as on_its_way:
        check_refund_request(100, "card", "", owed=0, currency="EUR", card=card, on_its_way=500)
    assert "already being refunded" in on_its_way.value.message
    assert check_refund_request(500, "card", "", owed=1000, currency="EUR", card=card) == "card"


def test_the_gap_between_the_documents_and_the_order():
    assert invoice_gap(invoiced=5000, credit_notes=0, charged=3800) == 1200
    assert invoice_gap(invoiced=5000, credit_notes=1200, charged=3800) == 0
    assert invoice_gap(invoiced=3000, credit_notes=0, charged=3800) == 0


LINES = [{"sku": "BOL", "name": "Bol", "quantity": 2, "unit_price": 1500, "vat_rate_bp": 2000},
         {"sku": "THE", "name": "Thé", "quantity": 3, "unit_price": 800, "vat_rate_bp": 550}]


def test_credit_lines_are_what_the_invoice_shows_and_the_order_no_longer_has():
    now = [dict(LINES[0]), dict(LINES[1], quantity=1)]
    lines = adjustment_lines(LINES, 590, now, 0, 2 * 800 + 590, "Ajustement", "Livraison")
    assert [(l["sku"], l["quantity"], l["unit_price"], l["vat_rate_bp"]) for l in lines] == [
        ("THE", 2, 800, 550), ("SHIPPING", 1, 590, 2000)]


def test_a_gap_the_lines_do_not_explain_is_one_adjustment_line_at_the_main_rate():
    now = [dict(LINES[0], unit_price=1400), LINES[1]]  # a price cut, not a removed line
    lines = adjustment_lines(LINES, 0, now, 0, 200, "Ajustement", "Livraison")
    assert lines == [{"sku": "", "name": "Ajustement", "quantity": 1, "unit_price": 200,
                      "vat_rate_bp": 2000}]
