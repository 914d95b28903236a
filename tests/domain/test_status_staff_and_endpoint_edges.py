"""Edges of the status, staff and webhook-endpoint rules the other tests leave open: the
details of a refused move, payment status at its boundaries, password refusals, names from
a sign-in provider and the endpoints setting's messages."""

import base64

import pytest

from dashboard.domain.errors import InvalidTransition, ValidationFailed
from dashboard.domain.integrations.webhook_endpoints import (
    EndpointConfig, EndpointConfigError, parse_endpoints,
)
from dashboard.domain.staff.auth import check_password_strength
from dashboard.domain.staff.single_sign_on import display_name, username_base
from dashboard.domain.statuses import check_transition, payment_status_for

SECRET = "whsec_" + base64.b64encode(b"s" * 24).decode()


def test_a_refused_move_names_the_axis_and_both_values():
    with pytest.raises(InvalidTransition) as caught:
        check_transition("fulfilment_status", "returned", "shipped")
    assert caught.value.details == {"axis": "fulfilment_status", "current": "returned",
                                    "target": "shipped"}
    # a value the table does not know moves nowhere (but may stay)
    with pytest.raises(InvalidTransition):
        check_transition("status", "archived", "open")
    assert check_transition("status", "archived", "archived") is None


@pytest.mark.parametrize("total, paid, refunded, status", [
    (1000, 1000, 1000, "refunded"),
    (1000, 1000, 1, "partially_refunded"),
    (1000, 1, 1, "refunded"),
    (1000, 0, 1, "partially_refunded"),   # refunded without a payment recorded
    (1000, 0, 0, "unpaid"),
    (1, 0, 0, "unpaid"),
    (0, 0, 0, "paid"),
    (1000, 1, 0, "partially_paid"),
    (1000, 999, 0, "partially_paid"),
    (1000, 1000, 0, "paid"),
    (1000, 1200, 0, "paid"),
])
def test_payment_status_at_its_boundaries(total, paid, refunded, status):
    assert payment_status_for(total, paid, refunded) == status


def password_refusal(password, username="anne") -> dict:
    with pytest.raises(ValidationFailed) as caught:
        check_password_strength(password, username)
    return caught.value.fields


def test_passwords_of_ten_characters_that_are_not_the_user_name():
    assert check_password_strength("x" * 10, "anne") is None
    assert password_refusal("x" * 9) == {"password": "at least 10 characters"}
    assert password_refusal(" Anne.Dupont ", "anne.dupont") == {
        "password": "must differ from the user name"}


def test_a_user_name_from_the_providers_claims():
    assert username_base({"preferred_username": " anne ", "email": "a@b.fr"}) == "anne"
    assert username_base({"preferred_username": " ", "email": "a@b.fr", "sub": "1"}) == "a@b.fr"
    assert username_base({"email": 5, "sub": "abc"}) == "abc"
    assert username_base({"sub": "x" * 200}) == "x" * 140
    assert username_base({}) == "sso-user"


def test_a_display_name_from_the_providers_claims():
    assert display_name({"name": " Anne Dupont ", "given_name": "X"}, "fb") == "Anne Dupont"
    assert display_name({"name": "n" * 300}, "fb") == "n" * 200
    assert display_name({"name": " ", "given_name": " Anne ", "family_name": "Dupont"},
                        "fb") == "Anne Dupont"
    assert display_name({"given_name": "g" * 150, "family_name": "f" * 150}, "fb") == (
        "g" * 150 + " " + "f" * 49)
    assert display_name({"family_name": "Dupont", "given_name": 3}, "fb") == "Dupont"
    assert display_name({}, "fb") == "fb"


def endpoint_error(text) -> str:
    with pytest.raises(EndpointConfigError) as caught:
        parse_endpoints(text)
    return str(caught.value)


def test_the_endpoints_setting_with_its_positions():
    assert parse_endpoints(f" ; http://a.example/h|{SECRET}|*, order.paid ,\n") == [
        EndpointConfig("http://a.example/h", SECRET, ("order.paid",))]
    assert parse_endpoints(None) == []
    assert endpoint_error(f"https://a.example/h|{SECRET};https://b.example|x") == (
        "endpoint 2 (https://b.example): the secret must start with whsec_")
    assert endpoint_error("https://a.example") == "endpoint 1: expected URL|SECRET|EVENTS"
    assert endpoint_error(f"ftp://a.example|{SECRET}") == (
        "endpoint 1 (ftp://a.example): the URL must be http(s)://host/...")
    assert endpoint_error(f"https://a.example|{SECRET};https://a.example|{SECRET}") == (
        "endpoint 2 (https://a.example): listed twice")


def test_an_endpoint_secret_is_base64_of_24_bytes_at_least():
    assert endpoint_error("https://a.example|whsec_not*base64") == (
        "endpoint 1 (https://a.example): the secret after whsec_ is not base64")
    # a character outside the base64 alphabet is refused, not skipped
    assert endpoint_error(f"https://a.example|{SECRET[:-4]}!{SECRET[-4:]}") == (
        "endpoint 1 (https://a.example): the secret after whsec_ is not base64")
    short = "whsec_" + base64.b64encode(b"s" * 23).decode()
    assert endpoint_error(f"https://a.example|{short}") == (
        "endpoint 1 (https://a.example): the secret must hold at least 24 bytes")


def test_unknown_events_are_named_with_the_known_ones():
    assert endpoint_error(f"https://a.example|{SECRET}|order.paid,order.lost,order.eaten") == (
        "endpoint 1 (https://a.example): unknown event(s) order.eaten, order.lost; known: "
        "order.placed, order.paid, order.cancelled, order.shipped, order.delivered, "
        "order.returned, order.refunded")
