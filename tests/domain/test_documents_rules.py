"""Document rules: numbers, paper, who may have which document, VAT breakdown, bin order."""

from __future__ import annotations

import pytest

from dashboard.domain.printing.documents import (
    BATCH_DOCUMENTS, BATCH_PAPERS, DocumentKind, DocumentRefused, InvoiceEvent, InvoicePolicy, SequenceKind, bin_sort_key,
    check_credit_note_exists, check_invoice_allowed, check_invoice_issued, check_receipt_allowed,
    document_kind, document_number, invoice_due, invoice_pending_reason, invoice_policy,
    issuing_event, paper, vat_breakdown, vat_rate_label,
)
from dashboard.domain.errors import ValidationFailed


def test_numbers_are_prefixed_by_kind_and_year_and_zero_padded():
    assert document_number(SequenceKind.INVOICE, 2026, 1) == "F2026-00001"
    assert document_number(SequenceKind.CREDIT_NOTE, 2026, 123) == "A2026-00123"
    assert document_number(SequenceKind.INVOICE, 2027, 123456) == "F2027-123456"
    with pytest.raises(ValueError):
        document_number(SequenceKind.INVOICE, 2026, 0)


def test_at_payment_the_payment_that_settles_the_order_issues_its_invoice():
    due = dict(status="open", fulfilment_status="unfulfilled")
    assert invoice_due("payment", InvoiceEvent.PAID, payment_status="paid", **due)
    assert not invoice_due("payment", InvoiceEvent.PAID, payment_status="partially_paid", **due)
    assert not invoice_due("payment", InvoiceEvent.PAID, payment_status="unpaid", **due)
    # Shipping does not issue it under this policy, even a paid order's last parcel.
    assert not invoice_due("payment", InvoiceEvent.SHIPPED, status="open",
                           payment_status="paid", fulfilment_status="shipped")


def test_at_shipment_only_the_last_parcel_or_the_collection_issues_it():
    for left in ("shipped", "collected"):
        assert invoice_due("shipment", InvoiceEvent.SHIPPED, status="open",
                           payment_status="unpaid", fulfilment_status=left)
    assert not invoice_due("shipment", InvoiceEvent.SHIPPED, status="open",
                           payment_status="paid", fulfilment_status="partially_shipped")
    assert not invoice_due("shipment", InvoiceEvent.PAID, status="open",
                           payment_status="paid", fulfilment_status="unfulfilled")


def test_a_cancelled_order_never_gets_a_first_invoice():
    assert not invoice_due("payment", InvoiceEvent.PAID, status="cancelled",
                           payment_status="paid", fulfilment_status="unfulfilled")
    assert not invoice_due("shipment", InvoiceEvent.SHIPPED, status="cancelled",
                           payment_status="paid", fulfilment_status="shipped")
    with pytest.raises(DocumentRefused, match="cancelled"):
        check_invoice_allowed("cancelled")
    check_invoice_allowed("open")


def test_an_invoice_not_issued_is_refused_saying_when_it_will_be():
    with pytest.raises(DocumentRefused, match="at payment"):
        check_invoice_issued(False, "payment", "open")
    with pytest.raises(DocumentRefused, match="at shipment"):
        check_invoice_issued(False, "shipment", "open")
    with pytest.raises(DocumentRefused, match="cancelled"):
        check_invoice_issued(False, "payment", "cancelled")
    check_invoice_issued(True, "payment", "open")
    assert invoice_pending_reason("payment", "open").template == (
        "Invoice not issued yet: it will be at payment.")


def test_the_former_order_policy_and_unknown_policies_are_refused():
    assert invoice_policy(" Shipment ") is InvoicePolicy.AT_SHIPMENT
    assert issuing_event("payment") is InvoiceEvent.PAID
    for value in ("order", "", "later"):
        with pytest.raises(ValueError, match="payment or shipment"):
            invoice_policy(value)


def test_receipt_needs_money_and_credit_note_needs_a_row():
    with pytest.raises(DocumentRefused):
        check_receipt_allowed(0)
    check_receipt_allowed(1)
    with pytest.raises(DocumentRefused, match="no credit note"):
        check_credit_note_exists(0)
    check_credit_note_exists(1)


def test_unknown_kind_and_format_are_refused_with_a_sentence_to_translate():
    with pytest.raises(ValidationFailed) as info:
        document_kind("pick-list")
    assert info.value.fields["kind"].template == "Choose a document from the list."
    assert info.value.message == info.value.fields["kind"]
    assert document_kind("pick-list", BATCH_DOCUMENTS) is DocumentKind.PICK_LIST
    with pytest.raises(ValidationFailed) as info:
        paper("a3")
    assert info.value.fields["format"].template == "Choose a paper format from the list."
    with pytest.raises(ValidationFailed):
        paper("80mm", BATCH_PAPERS)
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
