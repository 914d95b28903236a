import pytest

from dashboard.domain.stock.barcodes import ean13, ean13_check_digit, is_valid_ean13
from dashboard.domain.printing.numbering import rma_number


def test_check_digit_of_known_barcodes():
    assert ean13_check_digit("400638133393") == "1"  # 4006381333931, the classic example
    assert ean13_check_digit("376000000001") == "7"  # the contract's 3760000000017
    assert ean13("978020137962") == "9780201379624"


def test_validity():
    assert is_valid_ean13("3760000000017")
    assert not is_valid_ean13("3760000000018")
    assert not is_valid_ean13("376000000001")
    assert not is_valid_ean13("37600000000a7")
    assert not is_valid_ean13(None)


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        ean13_check_digit("12345")


def test_return_numbers():
    assert rma_number(2025, 12) == "RMA-2025-00012"
