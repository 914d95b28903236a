"""Phones in one form (E.164) and a search that finds them by any spelling."""

import pytest

from dashboard.domain.orders.listing import search_terms
from dashboard.domain.phones import national_digits, readable, search_digits, to_e164


@pytest.mark.parametrize("typed, country, stored", [
    ("06 12 34 56 78", "FR", "+33612345678"),
    ("+33 6 12 34 56 78", "FR", "+33612345678"),
    ("0033 6 12.34.56.78", "FR", "+33612345678"),
    ("+33 (0)6 12 34 56 78", "FR", "+33612345678"),
    ("06-12-34-56-78", "FR", "+33612345678"),
    ("0470 12 34 56", "BE", "+32470123456"),
    ("+33 6 12 34 56 78", "BE", "+33612345678"),  # an international number keeps its country
    ("0151 12345678", "DE", "+4915112345678"),
])
def test_a_number_is_stored_in_e164_whatever_its_spelling(typed, country, stored):
    assert to_e164(typed, country) == stored


def test_what_cannot_be_read_is_kept_as_typed():
    assert to_e164("12", "FR") == "12"
    assert to_e164("  ", "FR") == ""
    assert to_e164("06  12 34", "XX") == "06 12 34"  # no such country: nothing guessed


def test_search_reads_a_whole_number_as_of_the_shop_country():
    for q in ("06 12 34 56 78", "+33 6 12 34 56 78", "0033 6 12 34 56 78", "0612345678",
              "+33612345678", "+33 (0)6 12 34 56 78"):
        assert search_terms(q).words == ("33612345678",), q
    assert search_terms("0470 12 34 56", "BE").words == ("32470123456",)
    # A beginning of a number, a postcode, an order number: as before.
    assert search_terms("06 12 34").words == ("61234",)
    assert search_terms("75011").words == ("75011",)
    assert search_terms("100042").words == ("100042",)
    assert search_digits("martin", "FR") is None


def test_national_digits_and_readable_form():
    assert national_digits("+33612345678") == "0612345678"
    assert national_digits("06 12") == ""
    assert readable("+33612345678") == "+33 6 12 34 56 78"
    assert readable("06 12") == "06 12"
