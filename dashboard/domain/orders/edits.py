"""Inline edits by several people at once: what an editor changed, and whether someone
else changed the same thing first.

Every edit form sends, for each field, the value it showed ("before") and the value
wanted ("after"). Only the fields whose value differs are written, and only if they still
hold the "before" value. So two agents fixing *different* fields of one order both
succeed, while the second of two edits to the *same* field is refused with what changed,
instead of silently overwriting the first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from dashboard.domain.errors import StaleVersion, ValidationFailed
from dashboard.domain.orders.addresses import postcode_problem
from dashboard.domain.orders.towns import TownMatch
from dashboard.domain.phones import to_e164

ADDRESS_PARTS = ("name", "company", "line1", "line2", "postal_code", "city", "region",
                 "country", "phone")
ORDER_FIELD_GROUPS: dict[str, tuple[str, ...]] = {
    "shipping": tuple(f"ship_{part}" for part in ADDRESS_PARTS),
    "billing": tuple(f"bill_{part}" for part in ADDRESS_PARTS if part != "phone"),
    "contact": ("customer_name", "customer_email", "customer_phone"),
}
CUSTOMER_FIELDS = ("first_name", "last_name", "email", "phone", "company")

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[\d\s.()/-]{6,40}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
MAX_LENGTH = {"line1": 200, "line2": 200, "name": 200, "company": 200, "city": 100,
              "region": 100, "postal_code": 20, "phone": 40, "email": 254, "first_name": 100,
              "last_name": 100, "country": 2}


@dataclass(frozen=True)
class Conflict:
    """One field someone else changed: what the editor saw, what it is now, what they wanted."""

    field: str
    seen: str
    now: str
    wanted: str
    axis: str = ""  # the values are codes of this label axis (e.g. "shipping_method")


def changed_fields(fields: tuple[str, ...], before: Mapping[str, str],
                   after: Mapping[str, str]) -> dict[str, str]:
    """The fields the editor actually changed, with their new value."""
    return {f: after.get(f, "") for f in fields if after.get(f, "") != before.get(f, "")}


def check_no_conflict(changes: Mapping[str, str], before: Mapping[str, str],
                      current: Mapping[str, object]) -> None:
    """Refuse the edit if any changed field no longer holds what the editor saw.

    Raises ``StaleVersion`` with ``conflicts`` (a list of ``Conflict``) for the view to show.
    """
    conflicts = [Conflict(f, before.get(f, ""), str(current.get(f) or ""), wanted)
                 for f, wanted in changes.items() if str(current.get(f) or "") != before.get(f, "")]
    if conflicts:
        raise StaleVersion("Someone else changed this since you opened it", conflicts=conflicts)


def _part(field: str) -> str:
    return field.split("_", 1)[1] if field.startswith(("ship_", "bill_")) else field


MISSING_FIELD = "Missing from the form: reload the page and try again."


def check_complete(fields: tuple[str, ...], values: Mapping[str, str]) -> None:
    """An edit form sends every field of its group, empty or not. A field absent from the
    request (a hand-made or truncated form) is refused rather than read as "erase it"."""
    missing = {f: MISSING_FIELD for f in fields if f not in values}
    if missing:
        raise ValidationFailed(missing, "Some fields are missing from the form")


def clean(fields: tuple[str, ...], values: Mapping[str, str]) -> dict[str, str]:
    """Trimmed, single-spaced values; countries upper-cased."""
    cleaned = {}
    for f in fields:
        value = " ".join(str(values.get(f, "") or "").split())
        cleaned[f] = value.upper() if _part(f) == "country" else value
    return cleaned


def with_e164_phone(values: Mapping[str, str], field: str, country: str) -> dict[str, str]:
    """``values`` with the phone ``field`` in E.164, read as of ``country`` (see
    ``domain/phones.py``). Call after validation, before comparing with what was shown:
    retyping a stored number another way is then no change at all."""
    out = dict(values)
    if field in out:
        out[field] = to_e164(out[field], country)
    return out


def validate_order_fields(group: str, values: Mapping[str, str],
                          town: TownMatch | None = None) -> None:
    """Required fields and formats of one group of an order's editable fields.

    ``town``: how the address's city goes with its postcode (``towns.match_town``), None
    where we have no list of towns; a disagreement is refused on the city, unless the
    postcode or the city is wrong already."""
    errors: dict[str, str] = {}
    if group in ("shipping", "billing"):
        prefix = "ship_" if group == "shipping" else "bill_"
        for part in ("name", "line1", "postal_code", "city", "country"):
            if not values.get(prefix + part):
                errors[prefix + part] = "required"
        country = values.get(prefix + "country", "")
        if country and not _COUNTRY.match(country):
            errors[prefix + "country"] = "two-letter country code, e.g. FR"
        elif country:
            problem = postcode_problem(country, values.get(prefix + "postal_code", ""))
            if problem:
                errors[prefix + "postal_code"] = problem
        if town and town.problem and not {prefix + "postal_code", prefix + "city"} & errors.keys():
            errors[prefix + "city"] = town.problem
        phone = values.get(prefix + "phone", "")
        if phone and not _PHONE.match(phone):
            errors[prefix + "phone"] = "not a phone number"
    elif group == "contact":
        _check_contact(values, "customer_email", "customer_phone", errors)
        if not values.get("customer_name"):
            errors["customer_name"] = "required"
    for f, value in values.items():
        limit = MAX_LENGTH.get(_part(f.removeprefix("customer_")))
        if limit and len(value) > limit and f not in errors:
            errors[f] = f"at most {limit} characters"
    if errors:
        raise ValidationFailed(errors)


def validate_customer(values: Mapping[str, str]) -> None:
    errors: dict[str, str] = {}
    _check_contact(values, "email", "phone", errors)
    if not (values.get("first_name") or values.get("last_name")):
        errors["last_name"] = "a first or last name is required"
    for f, value in values.items():
        limit = MAX_LENGTH.get(f)
        if limit and len(value) > limit and f not in errors:
            errors[f] = f"at most {limit} characters"
    if errors:
        raise ValidationFailed(errors)


def _check_contact(values: Mapping[str, str], email: str, phone: str,
                   errors: dict[str, str]) -> None:
    if not values.get(email):
        errors[email] = "required"
    elif not _EMAIL.match(values[email]):
        errors[email] = "not an email address"
    if values.get(phone) and not _PHONE.match(values[phone]):
        errors[phone] = "not a phone number"
