"""Rules of signing in with the shop's accounts (OpenID Connect).

The provider says who the person is; these rules decide which staff role that gives here
and how the local account is named. No HTTP, no database.
"""

from __future__ import annotations

import re

from dashboard.domain.staff.roles import Role

# Why a sign-in through the provider may be refused; each has its own sentence on screen.
SIGN_IN_REFUSALS = (
    "not_configured",     # no provider configured
    "provider_error",     # the provider could not be reached or answered nonsense
    "denied",             # the person (or the provider) cancelled at the provider
    "state",              # the answer does not belong to a sign-in started in this browser
    "invalid_token",      # ID token: bad signature, wrong issuer or audience, expired, nonce
    "no_role",            # no known staff role in the role claim
    "disabled",           # the linked local account is disabled
)

_ROLE_ORDER = tuple(Role)  # admin, back_office, call_centre, dispatch, picker


def role_from_claim(value: object) -> Role | None:
    """The staff role a role claim gives: a string or a list of strings.

    The first value (in the claim's own order) that names a known role wins, so a
    provider listing ``["shop-customer", "picker"]`` gives ``picker``. Anything else
    (missing claim, numbers, unknown names) gives None: the person is refused, never
    given a default role.
    """
    if isinstance(value, str):
        # Some providers send "admin picker" or "admin,picker" as one string.
        values: list[object] = [v for v in re.split(r"[\s,]+", value) if v]
    elif isinstance(value, (list, tuple)):
        values = list(value)
    else:
        return None
    known = {role.value: role for role in _ROLE_ORDER}
    for item in values:
        if isinstance(item, str) and item.strip().lower() in known:
            return known[item.strip().lower()]
    return None


def username_base(claims: dict) -> str:
    """A readable local user name for a person first seen through the provider.

    ``preferred_username``, else the e-mail address, else the subject; trimmed to the
    column's 150 characters less room for a ``-N`` suffix when the name is taken.
    """
    for key in ("preferred_username", "email", "sub"):
        value = claims.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()[:140]
    return "sso-user"


def display_name(claims: dict, fallback: str) -> str:
    name = claims.get("name")
    if isinstance(name, str) and name.strip():
        return name.strip()[:200]
    parts = [claims.get("given_name"), claims.get("family_name")]
    joined = " ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())
    return joined[:200] or fallback
