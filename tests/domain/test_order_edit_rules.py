"""Inline edits of an order or a customer (dashboard.domain.orders.edits): what changed,
who changed it first, and each field's refusal."""

import pytest

from dashboard.domain.errors import StaleVersion, ValidationFailed
from dashboard.domain.numbers import Message
from dashboard.domain.orders.edits import (
    CUSTOMER_FIELDS, MISSING_FIELD, ORDER_FIELD_GROUPS, Conflict, changed_fields,
    check_complete, check_no_conflict, clean, validate_customer, validate_order_fields,
    with_e164_phone,
)
from dashboard.domain.orders.towns import TownMatch

SHIP = {"ship_name": "Anne Dupont", "ship_company": "", "ship_line1": "1 rue de la Paix",
        "ship_line2": "", "ship_postal_code": "75002", "ship_city": "Paris", "ship_region": "",
        "ship_country": "FR", "ship_phone": "06 12 34 56 78"}
CONTACT = {"customer_name": "Anne Dupont", "customer_email": "anne@example.fr",
           "customer_phone": "+33 6 12 34 56 78"}
CUSTOMER = {"first_name": "Anne", "last_name": "Dupont", "email": "anne@example.fr",
            "phone": "0612345678", "company": ""}


def fields(check, *args) -> dict:
    with pytest.raises(ValidationFailed) as caught:
        check(*args)
    return caught.value.fields


def test_the_field_groups():
    assert ORDER_FIELD_GROUPS["shipping"] == tuple(SHIP)
    assert ORDER_FIELD_GROUPS["billing"] == ("bill_name", "bill_company", "bill_line1",
                                             "bill_line2", "bill_postal_code", "bill_city",
                                             "bill_region", "bill_country")
    assert ORDER_FIELD_GROUPS["contact"] == tuple(CONTACT)
    assert CUSTOMER_FIELDS == tuple(CUSTOMER)


def test_only_the_fields_whose_value_differs_are_changes():
    before = {"a": "1", "b": "2"}
    assert changed_fields(("a", "b", "c"), before, {"a": "1", "b": "3", "c": "x"}) == {
        "b": "3", "c": "x"}
    assert changed_fields(("a", "b"), before, {}) == {"a": "", "b": ""}
    assert changed_fields(("c",), {}, {}) == {}


def test_a_field_someone_else_changed_first_is_a_conflict():
    before = {"ship_city": "Paris", "ship_name": "Anne"}
    changes = {"ship_city": "Lyon", "ship_name": "Anne D", "ship_line2": "Bât. B"}
    current = {"ship_city": "Marseille", "ship_name": "Anne", "ship_line2": None}
    with pytest.raises(StaleVersion) as caught:
        check_no_conflict(changes, before, current)
    assert caught.value.message == "Someone else changed this since you opened it"
    assert caught.value.details == {"conflicts": [Conflict("ship_city", "Paris", "Marseille",
                                                           "Lyon")]}
    assert Conflict("f", "a", "b", "c").axis == ""


def test_fields_that_still_hold_what_the_editor_saw_are_no_conflict():
    assert check_no_conflict({"total": "5"}, {"total": "3"}, {"total": 3}) is None
    assert check_no_conflict({"x": "1"}, {}, {}) is None
    assert check_no_conflict({}, {"x": "1"}, {"x": "2"}) is None


def test_a_field_missing_from_the_form_is_refused_not_erased():
    with pytest.raises(ValidationFailed) as caught:
        check_complete(("a", "b", "c"), {"a": "", "c": "x"})
    assert caught.value.message == "Some fields are missing from the form"
    assert caught.value.fields == {"b": MISSING_FIELD}
    assert MISSING_FIELD == "Missing from the form: reload the page and try again."
    assert check_complete(("a",), {"a": ""}) is None


def test_values_are_trimmed_single_spaced_and_countries_upper_cased():
    values = {"ship_name": "  Anne \t Dupont ", "ship_country": " fr ", "bill_country": "be",
              "country": "de", "ship_city": None}
    assert clean(("ship_name", "ship_country", "bill_country", "country", "ship_city",
                  "ship_line2"), values) == {
        "ship_name": "Anne Dupont", "ship_country": "FR", "bill_country": "BE",
        "country": "DE", "ship_city": "", "ship_line2": ""}
    assert clean(("shipping_country_note",), {"shipping_country_note": "x"}) == {
        "shipping_country_note": "x"}


def test_a_phone_is_stored_in_e164_when_the_field_is_there():
    values = {"phone": "06 12 34 56 78", "name": "x"}
    assert with_e164_phone(values, "phone", "FR") == {"phone": "+33612345678", "name": "x"}
    assert values["phone"] == "06 12 34 56 78"
    assert with_e164_phone({"name": "x"}, "phone", "FR") == {"name": "x"}


def test_a_complete_address_and_contact_pass():
    assert validate_order_fields("shipping", SHIP) is None
    assert validate_order_fields("contact", CONTACT) is None
    assert validate_order_fields("shipping", SHIP, TownMatch(city="PARIS")) is None
    assert validate_order_fields("other", {"x": "y" * 500}) is None


@pytest.mark.parametrize("group, prefix", [("shipping", "ship_"), ("billing", "bill_")])
def test_an_address_needs_its_name_street_postcode_city_and_country(group, prefix):
    assert fields(validate_order_fields, group, {}) == {
        f"{prefix}{part}": "required"
        for part in ("name", "line1", "postal_code", "city", "country")}


def test_a_country_is_two_capital_letters_and_the_postcode_its_shape():
    assert fields(validate_order_fields, "shipping", {**SHIP, "ship_country": "FRA"}) == {
        "ship_country": "two-letter country code, e.g. FR"}
    assert fields(validate_order_fields, "shipping", {**SHIP, "ship_country": "fr"}) == {
        "ship_country": "two-letter country code, e.g. FR"}
    problem = fields(validate_order_fields, "shipping", {**SHIP, "ship_postal_code": "7502"})
    assert problem.keys() == {"ship_postal_code"}
    assert problem["ship_postal_code"].values["country"] == "FR"


def test_a_town_that_does_not_go_with_the_postcode_is_refused_on_the_city():
    wrong = TownMatch(problem=Message("Not a town of %(postcode)s.", postcode="75002"))
    assert fields(validate_order_fields, "shipping", SHIP, wrong) == {
        "ship_city": "Not a town of 75002."}
    # unless the postcode or the city is wrong already
    assert fields(validate_order_fields, "shipping", {**SHIP, "ship_postal_code": "7502"},
                  wrong).keys() == {"ship_postal_code"}
    assert fields(validate_order_fields, "shipping", {**SHIP, "ship_city": ""}, wrong) == {
        "ship_city": "required"}
    assert fields(validate_order_fields, "billing",
                  {k.replace("ship_", "bill_"): v for k, v in SHIP.items()}, wrong) == {
        "bill_city": "Not a town of 75002."}


@pytest.mark.parametrize("phone", ["12345", "call me", "+33 6 12 34 56 78 " + "9" * 30])
def test_an_address_phone_looks_like_a_phone(phone):
    assert fields(validate_order_fields, "shipping", {**SHIP, "ship_phone": phone}) == {
        "ship_phone": "not a phone number"}


@pytest.mark.parametrize("phone", ["123456", "+33 (0)6 12.34/56-78", "1" * 40])
def test_phone_shapes_that_pass(phone):
    assert validate_order_fields("shipping", {**SHIP, "ship_phone": phone}) is None


def test_a_contact_needs_a_name_and_an_email_and_a_phone_that_looks_like_one():
    assert fields(validate_order_fields, "contact", {}) == {
        "customer_email": "required", "customer_name": "required"}
    assert fields(validate_order_fields, "contact",
                  {**CONTACT, "customer_email": "anne@example", "customer_phone": "abc"}) == {
        "customer_email": "not an email address", "customer_phone": "not a phone number"}
    for email in ("a b@example.fr", "a@b@example.fr", "@example.fr", "anne@.fr x"):
        assert fields(validate_order_fields, "contact", {**CONTACT, "customer_email": email}) \
            == {"customer_email": "not an email address"}


def test_each_field_has_its_length_limit():
    long = {**SHIP, "ship_line1": "x" * 201, "ship_city": "y" * 101, "ship_line2": "z" * 200}
    errors = fields(validate_order_fields, "shipping", long)
    assert errors == {"ship_line1": "at most 200 characters",
                      "ship_city": "at most 100 characters"}
    assert errors["ship_line1"].values == {"maximum": 200}
    assert fields(validate_order_fields, "contact",
                  {**CONTACT, "customer_name": "n" * 201}) == {
        "customer_name": "at most 200 characters"}
    # a field already refused keeps its first refusal
    assert fields(validate_order_fields, "shipping", {**SHIP, "ship_country": "FRANCE"}) == {
        "ship_country": "two-letter country code, e.g. FR"}


def test_a_customer_needs_a_first_or_last_name_and_a_valid_email():
    assert validate_customer(CUSTOMER) is None
    assert validate_customer({**CUSTOMER, "first_name": ""}) is None
    assert validate_customer({**CUSTOMER, "last_name": ""}) is None
    assert fields(validate_customer, {**CUSTOMER, "first_name": "", "last_name": ""}) == {
        "last_name": "a first or last name is required"}
    assert fields(validate_customer, {}) == {"email": "required",
                                             "last_name": "a first or last name is required"}
    assert fields(validate_customer, {**CUSTOMER, "email": "anne", "phone": "x"}) == {
        "email": "not an email address", "phone": "not a phone number"}


def test_customer_field_lengths():
    errors = fields(validate_customer, {**CUSTOMER, "first_name": "a" * 101,
                                        "company": "c" * 201, "last_name": "d" * 100})
    assert errors == {"first_name": "at most 100 characters",
                      "company": "at most 200 characters"}
    assert errors["company"].values == {"maximum": 200}
    assert fields(validate_customer, {**CUSTOMER, "email": "a" * 250 + "@b.fr"}) == {
        "email": "at most 254 characters"}
    assert fields(validate_customer, {**CUSTOMER, "email": "anne"}) == {
        "email": "not an email address"}
