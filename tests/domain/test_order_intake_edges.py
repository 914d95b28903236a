"""Edges of the order intake rules the other tests leave open: every refusal of a draft
with its field and text, the address rules by country, VAT numbers and the fingerprint."""

from dataclasses import replace

import pytest

from dashboard.domain.errors import ValidationFailed
from dashboard.domain.orders.intake import (
    MAX_LINES, AddressDetails, CustomerDetails, DraftLine, OrderDraft, address_problems,
    compact_vat_number, draft_fingerprint, validate_draft, vat_number_problem,
)

HOME = AddressDetails(name="Anne Dupont", line1="1 rue de la Paix", postal_code="75002",
                      city="Paris", country="FR")
DRAFT = OrderDraft(customer=CustomerDetails(email="anne@example.fr", first_name="Anne"),
                   shipping_address=HOME, lines=[DraftLine("MUG", 1)])


def refusal(draft) -> dict:
    with pytest.raises(ValidationFailed) as caught:
        validate_draft(draft)
    assert caught.value.message == "Invalid input"
    return caught.value.fields


def test_a_plain_draft_passes():
    assert validate_draft(DRAFT) is None
    assert validate_draft(replace(DRAFT, billing_address=HOME, payment_method="cash_on_pickup",
                                  shipping_method="click_and_collect", channel="phone",
                                  locale="fr-BE", shipping_total=100_000_000,
                                  lines=[DraftLine("MUG", 10_000, 0)] * MAX_LINES)) is None


def test_the_customers_refusals():
    customer = CustomerDetails(email=" ", first_name="", last_name="", phone="06 12 34 56 78x",
                               company="c" * 201, vat_number="US123")
    assert refusal(replace(DRAFT, customer=customer)) == {
        "customer.email": "required", "customer.last_name": "a first or last name is required",
        "customer.phone": "digits, spaces and + ( ) . - only",
        "customer.company": "at most 200 characters",
        "customer.vat_number": "not an EU VAT number: a country prefix then the number, "
                               "e.g. FR40303265045"}
    long = CustomerDetails(email="a" * 250 + "@b.fr", first_name="f" * 101, last_name="l" * 101)
    fields = refusal(replace(DRAFT, customer=long))
    assert fields == {"customer.email": "not an email address",
                      "customer.first_name": "at most 100 characters",
                      "customer.last_name": "at most 100 characters"}
    assert fields["customer.first_name"].values == {"maximum": 100}
    ok = CustomerDetails(email="a" * 248 + "@b.fr", first_name="f" * 100, last_name="l" * 100,
                         phone="+33 (0)6.12-34", company="c" * 200)
    assert validate_draft(replace(DRAFT, customer=ok)) is None
    assert refusal(replace(DRAFT, customer=CustomerDetails(email="anne@example"))).keys() == {
        "customer.email", "customer.last_name"}


def test_the_orders_own_refusals():
    draft = replace(DRAFT, currency="XXX1", payment_method="paypal", shipping_method="drone",
                    channel="fax", locale="FR", shipping_total=-1, lines=[])
    assert refusal(draft) == {
        "currency": "ISO 4217 currency code, e.g. EUR",
        "payment_method": "one of bank_transfer, card, cash_on_pickup, cheque",
        "shipping_method": "one of carrier, click_and_collect",
        "channel": "web or phone", "locale": "a language code such as fr or en",
        "shipping_total": "a whole number of minor units, 0 or more",
        "lines": "at least one line"}
    assert refusal(replace(DRAFT, payment_method="cash_on_pickup")) == {
        "payment_method": "cash on pickup needs click_and_collect"}
    for total in (100_000_001, True, 1.0):
        assert refusal(replace(DRAFT, shipping_total=total)).keys() == {"shipping_total"}
    assert refusal(replace(DRAFT, locale=None)).keys() == {"locale"}
    assert refusal(replace(DRAFT, locale="fr-be")).keys() == {"locale"}


def test_each_lines_refusals():
    lines = [DraftLine(" ", 0), DraftLine("A", 10_001), DraftLine("B", True, -1),
             DraftLine("C", 1.0, 100_000_001), DraftLine("D", 1, True)]
    fields = refusal(replace(DRAFT, lines=lines))
    assert fields == {"lines[0].sku": "required",
                      "lines[0].quantity": "a whole number greater than 0",
                      "lines[1].quantity": "at most 10000",
                      "lines[2].quantity": "a whole number greater than 0",
                      "lines[2].unit_price": "a whole number of minor units, 0 or more",
                      "lines[3].quantity": "a whole number greater than 0",
                      "lines[3].unit_price": "a whole number of minor units, 0 or more",
                      "lines[4].unit_price": "a whole number of minor units, 0 or more"}
    assert fields["lines[1].quantity"].values == {"maximum": 10_000}
    many = [DraftLine("A", 1)] * MAX_LINES + [DraftLine("", 0)]
    fields = refusal(replace(DRAFT, lines=many))
    assert fields == {"lines": "at most 200 lines"}  # the lines past 200 are not read
    assert fields["lines"].values == {"maximum": 200}


def test_address_problems_by_the_countrys_rules():
    empty = AddressDetails(name=" ", line1="", postal_code="", city="", country="FR")
    assert address_problems(empty, "ship") == {"ship.name": "required", "ship.line1": "required",
                                               "ship.city": "required",
                                               "ship.postal_code": "required"}
    long = replace(HOME, name="n" * 201, company="c" * 201, line1="l" * 201, line2="m" * 201,
                   city="c" * 101, region="r" * 101, phone="p" * 41)
    fields = address_problems(long, "a")
    assert fields == {f"a.{k}": f"at most {n} characters" for k, n in (
        ("name", 200), ("company", 200), ("line1", 200), ("line2", 200), ("city", 100),
        ("region", 100), ("phone", 40))}
    assert fields["a.city"].values == {"maximum": 100}
    assert address_problems(replace(HOME, postal_code="p" * 21), "a")["a.postal_code"] == (
        "not a postal code of FR (e.g. 33380)")
    edge = replace(HOME, name="n" * 200, line2="m" * 200, city="c" * 100, region="r" * 100,
                   phone="p" * 40)
    assert address_problems(edge, "a") == {}


@pytest.mark.parametrize("country", ["fr", "FRA", "", "ZZ"])
def test_an_address_country_is_an_iso_code_in_capitals(country):
    assert address_problems(replace(HOME, country=country), "a") == {
        "a.country": "ISO 3166 two-letter country code in capitals, e.g. FR"}


def test_postcodes_by_country():
    assert address_problems(replace(HOME, postal_code=" 75002 "), "a") == {}
    assert address_problems(replace(HOME, country="GB", postal_code="sw1a 1aa"), "a") == {}
    assert address_problems(replace(HOME, postal_code="7502"), "a") == {
        "a.postal_code": "not a postal code of FR (e.g. 33380)"}
    # a country without postcodes takes none
    assert address_problems(replace(HOME, country="HK", postal_code=""), "a") == {}


def test_vat_numbers():
    assert compact_vat_number("fr 40 303 265 045") == "FR40303265045"
    assert compact_vat_number("  ") == "" and compact_vat_number(None) == ""
    assert vat_number_problem(None) is None and vat_number_problem("  ") is None
    assert vat_number_problem("FR41303265045") == ("not a valid EU VAT number: wrong check "
                                                   "digits")
    long = vat_number_problem("FR" + "1" * 39)
    assert long == "at most 40 characters" and long.values == {"maximum": 40}
    assert vat_number_problem("FR 40 303 265 045" + " " * 23) is None  # 40 characters


def test_the_fingerprint_is_of_the_decoded_order():
    same = OrderDraft(customer=CustomerDetails(first_name="Anne", email="anne@example.fr"),
                      shipping_address=HOME, lines=[DraftLine("MUG", 1, None)], currency="EUR")
    assert draft_fingerprint(same) == draft_fingerprint(DRAFT)
    assert len(draft_fingerprint(DRAFT)) == 64
    assert draft_fingerprint(replace(DRAFT, lines=[DraftLine("MUG", 2)])) != \
        draft_fingerprint(DRAFT)
    accented = replace(DRAFT, customer=CustomerDetails(email="é@example.fr", first_name="É"))
    # sorted keys, no spaces, accents as UTF-8 (not \u escapes)
    assert draft_fingerprint(accented) == (
        "8eb581021f83a3bffdec0b7dca958de64e302d8a0744b565ef5685a89a1c8fa4")
