"""Phone numbers in one form: E.164 (``+33612345678``), whatever way they were typed.

A caller reads their number as "06 12 34 56 78", the shop's checkout sends
"+33 6 12 34 56 78", a colleague typed "0033 6 12.34.56.78": stored as typed, the same
person became three customers and a search by one spelling missed the others. Every
phone the desk stores goes through ``to_e164``, with the country of the address it belongs
to (or the shop's country), so "06 12 34 56 78" with FR and "+33612345678" are one value.
Parsing is Google's libphonenumber (the ``phonenumbers`` package).
"""

from __future__ import annotations

import re

import phonenumbers

_COUNTRY = re.compile(r"^[A-Z]{2}$")


def _parse(raw: str, country: str) -> phonenumbers.PhoneNumber | None:
    region = country if _COUNTRY.match(country or "") else None
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_possible_number(number) else None


def to_e164(raw: str | None, country: str) -> str:
    """``raw`` in E.164 if it is a possible number of ``country`` (or carries its own
    international prefix); otherwise ``raw`` trimmed, so nothing typed is ever lost (a
    number the library cannot read is kept as typed, and its digits still searchable)."""
    text = " ".join(str(raw or "").split())
    if not text:
        return ""
    number = _parse(text, country)
    if number is None:
        return text
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def search_digits(raw: str, country: str) -> str | None:
    """The E.164 digits (no "+") of a whole number typed in a search box, or None when
    the text is not a complete number (a beginning of one is matched on its digits)."""
    if not re.search(r"\d", raw or "") or re.search(r"[^\d\s+().\-/]", raw):
        return None
    number = _parse(raw, country)
    if number is None or not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:]


def national_digits(e164: str) -> str:
    """The national form's digits of a stored E.164 number ("0612345678" for
    +33612345678), so a search typed the national way, even a beginning of it, finds it.
    Empty for a number that is not E.164."""
    if not (e164 or "").startswith("+"):
        return ""
    number = _parse(e164, "")
    if number is None:
        return ""
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return "".join(ch for ch in national if ch.isdigit())


def readable(phone: str | None) -> str:
    """A stored number as people read it ("+33 6 12 34 56 78"); anything else as stored."""
    text = str(phone or "")
    number = _parse(text, "") if text.startswith("+") else None
    if number is None:
        return text
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
