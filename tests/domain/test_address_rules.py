"""Address verification rules (no database): required fields, postcode formats, normal form."""

from dashboard.domain.orders.addresses import check_address

LYON = {"line1": "12 rue des Lilas", "postal_code": "69003", "city": "lyon", "country": "FR"}


def test_a_good_french_address_is_valid_and_normalised_to_upper_case_city():
    check = check_address(LYON)
    assert check.valid
    assert check.normalised["city"] == "LYON"
    assert check.differences(LYON) == {"city": ("lyon", "LYON")}


def test_missing_street_and_a_bad_postcode_are_named_per_field_with_an_example():
    check = check_address({**LYON, "line1": "", "postal_code": "6900"})
    assert not check.valid and check.normalised is None
    assert check.problems["line1"] == "required"
    assert check.problems["postal_code"].startswith("not a valid postcode for FR (e.g. ")


def test_rules_differ_by_country():
    assert check_address({"line1": "1 Main St", "city": "Dublin", "country": "IE"}).valid
    us = check_address({"line1": "1 Main St", "city": "New York", "postal_code": "10001",
                        "country": "US"})
    assert us.problems == {"region": "required"}
    assert check_address({**LYON, "country": "ZZ"}).problems == {"country": "unknown country code"}


def test_second_address_line_survives_normalisation():
    check = check_address({**LYON, "line2": "Bâtiment B"})
    assert check.normalised["line1"] == "12 rue des Lilas"
    assert check.normalised["line2"] == "Bâtiment B"
