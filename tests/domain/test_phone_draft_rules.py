"""The phone order draft (dashboard.domain.orders.phone) field by field: a fresh draft from
a known customer, taking over a draft, the form's details, lines, the order it becomes and
a repeat order's flags."""

import pytest

from dashboard.domain.errors import ValidationFailed
from dashboard.domain.orders.intake import AddressDetails, CustomerDetails, DraftLine
from dashboard.domain.orders.phone import (
    ADDRESS_FIELDS, empty_address, new_draft, repeat_lines, to_order_draft, with_customer,
    with_details, with_line, with_quantity,
)

CUSTOMER = {"email": "anne@example.fr", "first_name": "Anne", "last_name": "Dupont",
            "phone": "+33612345678", "locale": "en", "id": 7}
HOME = {"name": "Anne Dupont", "company": "ACME", "line1": "1 rue de la Paix", "line2": None,
        "postal_code": "75002", "city": "Paris", "region": "", "country": "FR",
        "phone": "+33100000000"}
BLANK = {f: "" for f in ADDRESS_FIELDS}


def test_an_empty_address_is_in_the_shop_country_unless_told():
    assert empty_address() == {**BLANK, "country": "FR"}
    assert empty_address("BE") == {**BLANK, "country": "BE"}


def test_a_fresh_draft_for_nobody():
    assert new_draft() == {
        "customer": {"email": "", "first_name": "", "last_name": "", "phone": ""},
        "shipping_address": {**BLANK, "country": "FR"},
        "billing_address": None, "lines": [], "payment_method": "card",
        "shipping_method": "carrier", "locale": "fr"}
    assert new_draft(locale="de")["locale"] == "de"


def test_a_fresh_draft_for_a_known_customer_without_an_address():
    draft = new_draft(CUSTOMER)
    assert draft["customer"] == {"email": "anne@example.fr", "first_name": "Anne",
                                 "last_name": "Dupont", "phone": "+33612345678"}
    assert draft["shipping_address"] == {**BLANK, "country": "FR", "name": "Anne Dupont",
                                         "phone": "+33612345678"}
    assert draft["locale"] == "en"
    assert new_draft({"last_name": "Dupont"})["shipping_address"]["name"] == "Dupont"
    assert new_draft({"first_name": "Anne", "phone": None})["shipping_address"] == {
        **BLANK, "country": "FR", "name": "Anne"}


def test_a_fresh_draft_takes_the_address_book_and_a_billing_address_only_if_it_differs():
    draft = new_draft(CUSTOMER, HOME, {**HOME, "phone": ""})
    assert draft["shipping_address"] == {**HOME, "line2": ""}
    assert draft["billing_address"] is None  # the same but for the phone
    other = {**HOME, "line1": "2 rue du Bac"}
    assert new_draft(CUSTOMER, HOME, other)["billing_address"] == {**other, "line2": ""}
    assert new_draft(CUSTOMER, None, other)["billing_address"] == {**other, "line2": ""}


def test_lines_are_added_merged_and_unflagged():
    draft = with_line({"lines": []}, "MUG", "Mug", "2")
    assert draft == {"lines": [{"sku": "MUG", "name": "Mug", "quantity": 2}]}
    flagged = {"lines": [{"sku": "MUG", "name": "Mug", "quantity": 2, "flag": "short"},
                         {"sku": "CUP", "name": "Cup", "quantity": 1}]}
    assert with_line(flagged, "CUP", "Cup", 3)["lines"][1] == {"sku": "CUP", "name": "Cup",
                                                                "quantity": 4}
    assert with_line(flagged, "MUG", "Mug", 1)["lines"][0] == {"sku": "MUG", "name": "Mug",
                                                                "quantity": 3}
    assert flagged["lines"][0]["flag"] == "short"  # the draft given is not changed
    assert with_line({}, "MUG", "Mug", 1) == {"lines": [{"sku": "MUG", "name": "Mug",
                                                         "quantity": 1}]}
    with pytest.raises(ValidationFailed):
        with_line(flagged, "MUG", "Mug", 0)
    with pytest.raises(ValidationFailed):
        with_line({"lines": [{"sku": "MUG", "name": "Mug", "quantity": 10_000}]}, "MUG", "Mug", 1)


def test_a_line_quantity_is_set_and_zero_takes_the_line_off():
    draft = {"x": 1, "lines": [{"sku": "A", "name": "A", "quantity": 1},
                               {"sku": "B", "name": "B", "quantity": 1}]}
    assert with_quantity(draft, 1, "5") == {"x": 1, "lines": [
        {"sku": "A", "name": "A", "quantity": 1}, {"sku": "B", "name": "B", "quantity": 5}]}
    assert with_quantity(draft, 0, 0) == {"x": 1, "lines": [
        {"sku": "B", "name": "B", "quantity": 1}]}
    assert draft["lines"][1]["quantity"] == 1
    for index in (-1, 2):
        with pytest.raises(ValidationFailed) as caught:
            with_quantity(draft, index, 1)
        assert caught.value.fields == {"lines": "no such line"}
    with pytest.raises(ValidationFailed) as caught:
        with_quantity({}, 0, 1)
    assert caught.value.fields == {"lines": "no such line"}


def test_a_known_customer_takes_over_a_draft_without_an_address():
    draft = {"lines": [1], "customer": {"email": "typed@x.fr"}}
    out = with_customer(draft, CUSTOMER, {**HOME, "name": "", "phone": None})
    assert out["customer"] == {"email": "anne@example.fr", "first_name": "Anne",
                               "last_name": "Dupont", "phone": "+33612345678"}
    assert out["shipping_address"] == {**HOME, "line2": "", "name": "Anne Dupont",
                                       "phone": "+33612345678"}
    assert out["lines"] == [1]
    assert with_customer(draft, CUSTOMER, HOME)["shipping_address"] == {**HOME, "line2": ""}
    nameless = with_customer({}, {"email": "a@b.fr", "last_name": "Dupont"},
                             {**HOME, "name": ""})
    assert nameless["shipping_address"]["name"] == "Dupont"
    assert nameless["customer"] == {"email": "a@b.fr", "first_name": "", "last_name": "Dupont",
                                    "phone": ""}


def test_a_typed_address_is_never_replaced_by_the_address_book():
    typed = {**BLANK, "country": "FR", "line1": "9 quai Voltaire", "name": "Caller"}
    out = with_customer({"shipping_address": typed}, CUSTOMER, HOME)
    assert out["shipping_address"] == typed
    assert with_customer({}, CUSTOMER, None)["shipping_address"] == {**BLANK, "country": "FR"}


def test_the_form_details_are_trimmed_with_email_lower_and_countries_upper():
    form = {"customer.email": " Anne@Example.FR ", "customer.first_name": " Anne  Marie ",
            "shipping_address.city": " Paris ", "shipping_address.country": "fr",
            "billing_address.line1": "2 rue du Bac", "billing_address.country": "be",
            "payment_method": " cheque ", "shipping_method": "click_and_collect",
            "customer.phone": None}
    out = with_details({"lines": [1]}, form)
    assert out["customer"] == {"email": "anne@example.fr", "first_name": "Anne Marie",
                               "last_name": "", "phone": ""}
    assert out["shipping_address"] == {**BLANK, "city": "Paris", "country": "FR"}
    assert out["billing_address"] == {**BLANK, "line1": "2 rue du Bac", "country": "BE"}
    assert (out["payment_method"], out["shipping_method"]) == ("cheque", "click_and_collect")
    assert out["lines"] == [1]


def test_the_same_billing_box_drops_the_billing_address_and_methods_default():
    out = with_details({}, {"same_billing": "1", "billing_address.line1": "x"})
    assert out["billing_address"] is None
    assert (out["payment_method"], out["shipping_method"]) == ("card", "carrier")
    assert with_details({}, {"same_billing": ""})["billing_address"] == BLANK


def draft(**extra):
    return {"customer": {"email": "anne@example.fr", "first_name": "Anne", "phone": None},
            "shipping_address": {**HOME, "line2": None},
            "lines": [{"sku": "MUG", "name": "Mug", "quantity": "2"}], **extra}


def test_a_draft_becomes_a_phone_order_with_its_method_price():
    order = to_order_draft(draft())
    assert order.customer == CustomerDetails(email="anne@example.fr", first_name="Anne")
    assert order.shipping_address == AddressDetails(
        name="Anne Dupont", line1="1 rue de la Paix", postal_code="75002", city="Paris",
        country="FR", company="ACME", phone="+33100000000")
    assert order.billing_address is None
    assert order.lines == [DraftLine(sku="MUG", quantity=2)]
    assert (order.payment_method, order.shipping_method, order.locale, order.channel,
            order.shipping_total) == ("card", "carrier", "fr", "phone", 590)
    order = to_order_draft(draft(billing_address={"name": "B"}, shipping_method="",
                                 payment_method="cheque", locale="en"))
    assert order.billing_address == AddressDetails(name="B", line1="", postal_code="",
                                                   city="", country="")
    assert (order.payment_method, order.shipping_method, order.locale,
            order.shipping_total) == ("cheque", "carrier", "en", 590)
    assert to_order_draft(draft(shipping_method="click_and_collect")).shipping_total == 0
    assert to_order_draft(draft(shipping_method="drone")).shipping_total == 0


def test_lines_no_longer_sold_are_refused_by_place():
    lines = [{"sku": "MUG", "name": "Mug", "quantity": 1, "flag": "short"},
             {"sku": "OLD", "name": "Old", "quantity": 1, "flag": "not_sold"}]
    with pytest.raises(ValidationFailed) as caught:
        to_order_draft(draft(lines=lines))
    assert caught.value.fields == {"lines[1].sku": "OLD is no longer sold: remove it"}


def test_a_repeat_order_flags_lines_instead_of_dropping_or_repricing_them():
    past = [{"sku": "MUG", "name": "Old mug", "quantity": 2, "unit_price": 900},
            {"sku": "CUP", "name": "Cup", "quantity": 3, "unit_price": 500},
            {"sku": "GONE", "name": "Gone", "quantity": 1, "unit_price": 100},
            {"sku": "OFF", "name": "Off", "quantity": 1, "unit_price": 100},
            {"sku": "ZERO", "name": "Zero", "quantity": 0, "unit_price": 100},
            {"sku": "BACK", "name": "Back", "quantity": 5, "unit_price": 100},
            {"sku": "EXACT", "name": "Exact", "quantity": 2, "unit_price": 100}]
    catalogue = {
        "MUG": {"name": "Mug", "price": 900, "active": True, "available": 5, "backorder": False},
        "CUP": {"name": "Cup", "price": 550, "active": True, "available": -1,
                "backorder": False},
        "OFF": {"name": "Off", "price": 100, "active": False, "available": 5,
                "backorder": False},
        "ZERO": {"name": "Zero", "price": 100, "active": True, "available": 5,
                 "backorder": False},
        "BACK": {"name": "Back", "price": 100, "active": True, "available": 0,
                 "backorder": True},
        "EXACT": {"name": "Exact", "price": 100, "active": True, "available": 2,
                  "backorder": False},
    }
    assert repeat_lines(past, catalogue) == [
        {"sku": "MUG", "name": "Mug", "quantity": 2},
        {"sku": "CUP", "name": "Cup", "quantity": 3, "was": 500, "flag": "short", "available": 0},
        {"sku": "GONE", "name": "Gone", "quantity": 1, "flag": "not_sold"},
        {"sku": "OFF", "name": "Off", "quantity": 1, "flag": "not_sold"},
        {"sku": "BACK", "name": "Back", "quantity": 5},
        {"sku": "EXACT", "name": "Exact", "quantity": 2}]
    catalogue["CUP"]["available"] = 1
    assert repeat_lines(past[1:2], catalogue)[0]["available"] == 1
