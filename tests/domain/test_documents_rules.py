"""Document rules: numbers, paper, who may have which document, VAT breakdown, bin order."""

from __future__ import annotations

import pytest

from dashboard.domain.printing.documents import (
    DocumentRefused, SequenceKind, bin_sort_key, check_credit_note_exists,
    check_invoice_allowed, check_receipt_allowed, document_kind, document_number, paper,
    vat_breakdown, vat_rate_label,
)
from dashboard.domain.errors import ValidationFailed


def test_numbers_are_prefixed_by_kind_and_year_and_zero_padded():
    assert document_number(SequenceKind.INVOICE, 2026, 1) == "F2026-00001"
    assert document_number(SequenceKind.CREDIT_NOTE, 2026, 123) == "A2026-00123"
    assert document_number(SequenceKind.INVOICE, 2027, 123456) == "F2027-123456"
    with pytest.raises(ValueError):
        document_number(SequenceKind.INVOICE, 2026, 0)


def test_invoice_at_payment_refuses_an_unpaid_order_with_a_reason():
    with pytest.raises(DocumentRefused, match="not paid"):
        check_invoice_allowed("open", "unpaid", "payment")
    with pytest.raises(DocumentRefused, match="not paid"):
        check_invoice_allowed("open", "partially_paid", "payment")
    check_invoice_allowed("open", "paid", "payment")
    check_invoice_allowed("closed", "refunded", "payment")
    check_invoice_allowed("open", "unpaid", "order")
    with pytest.raises(DocumentRefused, match="cancelled"):
        check_invoice_allowed("cancelled", "unpaid", "order")


def test_receipt_needs_money_and_credit_note_needs_a_row():
    with pytest.raises(DocumentRefused):
        check_receipt_allowed(0)
    check_receipt_allowed(1)
    with pytest.raises(DocumentRefused, match="no credit note"):
        check_credit_note_exists(0)
    check_credit_note_exists(1)


def test_unknown_kind_and_format_are_refused_with_the_allowed_values():
    with pytest.raises(ValidationFailed) as info:
        document_kind("pick-list")
    assert "invoice" in info.value.fields["kind"]
    with pytest.raises(ValidationFailed):
        paper("a3")
    assert paper(None).name == "a4"
    assert paper("80MM").thermal and not paper("letter").thermal


def test_vat_breakdown_adds_up_per_rate():
    rows = vat_breakdown([(3980, 663, 2000), (2450, 128, 550), (3600, 600, 2000)])
    assert [(r.rate_bp, r.base, r.tax, r.total) for r in rows] == [
        (550, 2322, 128, 2450), (2000, 6317, 1263, 7580)]
    assert vat_rate_label(2000) == "20" and vat_rate_label(550) == "5.5"
    assert vat_rate_label(210) == "2.1"


def test_bins_sort_naturally_and_empty_bins_come_last():
    bins = ["B-10-1", "", "A-10-1", "A-2-3", "a-02-4", "B-9"]
    assert sorted(bins, key=bin_sort_key) == ["A-2-3", "a-02-4", "A-10-1", "B-9", "B-10-1", ""]
