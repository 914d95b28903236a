"""Which staff role a provider's role claim gives, and how new accounts are named."""

import pytest

from dashboard.domain.staff.roles import Role
from dashboard.domain.staff.single_sign_on import display_name, role_from_claim, username_base


@pytest.mark.parametrize("claim, role", [
    ("picker", Role.PICKER),
    ("Back_Office", Role.BACK_OFFICE),
    ("customer admin", Role.ADMIN),
    (["customer", "dispatch", "admin"], Role.DISPATCH),   # first known role, claim order
    (["admin", "picker"], Role.ADMIN),
    (("call_centre",), Role.CALL_CENTRE),
])
def test_the_first_known_role_of_the_claim_wins(claim, role):
    assert role_from_claim(claim) is role


@pytest.mark.parametrize("claim", [None, "", "customer", [], ["vip", 7], 3, {"admin": True},
                                   ["administrator"]])
def test_no_known_role_gives_none_never_a_default(claim):
    assert role_from_claim(claim) is None


def test_account_names_come_from_the_friendliest_claim():
    assert username_base({"preferred_username": " claire ", "email": "c@x", "sub": "1"}) == "claire"
    assert username_base({"email": "c@x", "sub": "1"}) == "c@x"
    assert username_base({"sub": "abc"}) == "abc"
    assert len(username_base({"sub": "x" * 500})) == 140
    assert display_name({"given_name": "Anne", "family_name": "Martin"}, "anne") == "Anne Martin"
    assert display_name({}, "anne") == "anne"
