"""Edges of the document rules the other tests leave open: the exact refusal texts (they
are catalogue msgids), the allowed values named in a refusal, papers and bin order."""

import pytest

from dashboard.domain.errors import ValidationFailed
from dashboard.domain.printing.documents import (
    BATCH_DOCUMENTS, BATCH_PAPERS, EMAILED_DOCUMENTS, PAPERS, DocumentKind, DocumentRefused,
    bin_sort_key, check_credit_note_exists, check_delivery_note_allowed,
    check_order_form_allowed, check_receipt_allowed, document_kind, document_number,
    invoice_policy, paper, vat_rate_label, SequenceKind,
)


def refusal(check, *args) -> str:
    with pytest.raises(DocumentRefused) as caught:
        check(*args)
    assert caught.value.code == "document_refused"
    return caught.value.message


def test_the_refusal_texts():
    assert refusal(check_receipt_allowed, 0) == (
        "No payment was received for this order: there is nothing to receipt.")
    assert refusal(check_receipt_allowed, -100) == (
        "No payment was received for this order: there is nothing to receipt.")
    assert refusal(check_credit_note_exists, 0) == (
        "This order has no credit note: issue one from a return first.")
    assert refusal(check_order_form_allowed, "cancelled") == (
        "A cancelled order has no order form to sign.")
    assert refusal(check_delivery_note_allowed, "cancelled", "carrier") == (
        "A cancelled order is not delivered.")
    assert check_order_form_allowed("open") is None
    assert check_order_form_allowed("closed") is None
    assert check_delivery_note_allowed("open", "click_and_collect") is None
    assert check_credit_note_exists(2) is None


def test_a_kind_is_one_of_the_allowed_ones():
    assert document_kind("invoice") is DocumentKind.INVOICE
    assert document_kind("return-slip", EMAILED_DOCUMENTS) is DocumentKind.RETURN_SLIP
    assert document_kind("pick-list", iter(BATCH_DOCUMENTS)) is DocumentKind.PICK_LIST
    with pytest.raises(ValidationFailed) as caught:
        document_kind("pick-list")
    assert caught.value.fields == {"kind": "Choose a document from the list."}
    with pytest.raises(ValidationFailed) as caught:
        document_kind("nonsense", [DocumentKind.INVOICE])
    assert caught.value.fields == {"kind": "Choose a document from the list."}


def test_papers_are_the_allowed_ones():
    assert paper("A4") is PAPERS["a4"]
    assert paper("") is PAPERS["a4"]
    assert paper("letter", iter(BATCH_PAPERS)) is PAPERS["letter"]
    assert PAPERS["a4"].margins == "12mm 14mm 14mm 14mm"
    assert PAPERS["58mm"].margins == "0 0 0 0" and PAPERS["58mm"].thermal
    with pytest.raises(ValidationFailed) as caught:
        paper("80mm", BATCH_PAPERS)
    assert caught.value.fields == {"format": "Choose a paper format from the list."}
    with pytest.raises(ValidationFailed) as caught:
        paper("a3")
    assert caught.value.fields == {"format": "Choose a paper format from the list."}


def test_a_number_is_refused_below_1_with_a_reason():
    assert document_number(SequenceKind.INVOICE, 26, 7) == "F0026-00007"
    with pytest.raises(ValueError, match="^sequence values start at 1$"):
        document_number(SequenceKind.CREDIT_NOTE, 2026, 0)


def test_an_unknown_invoice_policy_names_the_setting_and_the_value():
    with pytest.raises(ValueError) as caught:
        invoice_policy("order")
    assert str(caught.value) == "DASHBOARD_INVOICE_AT must be payment or shipment, got 'order'"
    with pytest.raises(ValueError):
        invoice_policy(None)


def test_bins_sort_naturally_case_blind_and_lines_without_a_bin_last():
    bins = ["a-10", "A-2", None, "B-1", "A-2-b", "", "A"]
    assert sorted(bins, key=bin_sort_key) == ["A", "A-2", "A-2-b", "a-10", "B-1", None, ""]
    assert bin_sort_key("A-10") == (0, ((1, 0, "A-"), (0, 10, "")))
    assert bin_sort_key("10") == (0, ((0, 10, ""),))
    assert bin_sort_key(None) == (1, ())


@pytest.mark.parametrize("rate, label", [(2000, "20"), (550, "5.5"), (210, "2.1"),
                                         (0, "0"), (1000, "10"), (1001, "10.01")])
def test_vat_rate_labels(rate, label):
    assert vat_rate_label(rate) == label
