"""Edges of the postal address rules the other tests leave open: each problem's text, the
normalised form field by field, the town list's say, and what differs from the order."""

from dashboard.domain.numbers import Message
from dashboard.domain.orders.addresses import AddressCheck, check_address, postcode_problem
from dashboard.domain.orders.towns import TownMatch

PARIS = {"line1": " 1  rue de la Paix", "line2": "Bât B", "postal_code": "75002",
         "city": "paris", "country": "fr"}
WRONG_TOWN = TownMatch(problem=Message("Not a town of %(postcode)s.", postcode="75002"))


def test_a_good_address_is_normalised_field_by_field():
    check = check_address(PARIS)
    assert check.valid
    assert check == AddressCheck(normalised={"line1": "1 rue de la Paix", "line2": "Bât B",
                                             "postal_code": "75002", "city": "PARIS",
                                             "region": "", "country": "FR"})


def test_each_problem_says_what_is_wrong():
    assert check_address({"country": "FR"}).problems == {
        "line1": "required", "postal_code": "required", "city": "required"}
    assert check_address({**PARIS, "postal_code": "7502"}).problems == {
        "postal_code": "not a valid postcode for FR (e.g. 33380, 34092)"}
    assert check_address({**PARIS, "country": "ZZ"}).problems == {
        "country": "unknown country code"}
    us = {"line1": "1 Main St", "postal_code": "94043", "city": "Mountain View",
          "region": "XX", "country": "US"}
    assert check_address(us).problems == {"region": "not valid for this country"}
    assert not check_address({**PARIS, "postal_code": "7502"}).valid
    assert check_address({**PARIS, "postal_code": "7502"}).normalised is None


def test_the_town_list_has_the_last_word_on_the_city():
    assert check_address(PARIS, WRONG_TOWN) == AddressCheck(
        problems={"city": "Not a town of 75002."})
    # a bad postcode or a missing city is said first
    assert check_address({**PARIS, "postal_code": "7502"}, WRONG_TOWN).problems.keys() == {
        "postal_code"}
    assert check_address({**PARIS, "city": ""}, WRONG_TOWN).problems == {"city": "required"}
    assert check_address({**PARIS, "line1": "", "line2": ""}, WRONG_TOWN).problems == {
        "line1": "required", "city": "Not a town of 75002."}
    london = {"line1": "1 Main St", "postal_code": "SW1A 1AA", "city": "London", "country": "GB"}
    assert check_address(london, TownMatch(city="LONDRES")).normalised == {
        "line1": "1 Main St", "line2": "", "postal_code": "SW1A1AA", "city": "LONDRES",
        "region": "", "country": "GB"}
    assert check_address(london, TownMatch()).normalised["postal_code"] == "SW1A 1AA"


def test_what_the_normalised_form_changes():
    check = check_address(PARIS)
    assert check.differences({"line1": "1 rue de la Paix", "line2": "Bât B",
                              "postal_code": "75002", "city": "paris", "region": None,
                              "country": "FR"}) == {"city": ("paris", "PARIS")}
    assert AddressCheck(problems={"city": "x"}).differences(PARIS) == {}


def test_a_postcode_of_the_country_or_why_not():
    problem = postcode_problem("FR", "7502")
    assert problem == "Not a postcode of FR (for example 33380, 34092)."
    assert problem.values == {"country": "FR", "examples": "33380, 34092"}
    assert postcode_problem("FR", " 75002 ") is None
    assert postcode_problem("FR", "") is None
    assert postcode_problem("ZZ", "1") is None and postcode_problem("", "1") is None
    assert postcode_problem("HK", "anything") is None
