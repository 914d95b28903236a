"""Jinja filters that format money, dates and numbers for the current language."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal, get_currency_precision

from dashboard.components.i18n import current_locale
from dashboard.domain.numbers import currency_decimals, major_units
from dashboard.domain.phones import readable as phone
from dashboard.domain.search import fold
from dashboard.settings import get_settings


def money(minor_units: int | None, currency: str = "EUR") -> str:
    """Integer minor units as a localised amount: 123456, EUR -> "1 234,56 €" in French."""
    if minor_units is None:
        return ""
    return _money(minor_units, currency, current_locale.get())


@lru_cache(maxsize=8192)
def _money(minor_units: int, currency: str, locale: str) -> str:
    # Babel takes ~0.1 ms per amount; lists, emails and documents repeat the same prices.
    digits = get_currency_precision(currency)
    amount = Decimal(minor_units).scaleb(-digits)
    return format_currency(amount, currency, locale=locale)


def _local(value: datetime) -> datetime:
    return value.astimezone(ZoneInfo(get_settings().timezone))


def datetime_short(value: datetime | None) -> str:
    if value is None:
        return ""
    return format_datetime(_local(value), format="short", locale=current_locale.get())


def datetime_medium(value: datetime | None) -> str:
    if value is None:
        return ""
    return format_datetime(_local(value), format="medium", locale=current_locale.get())


def date_short(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = _local(value).date()
    return format_date(value, format="short", locale=current_locale.get())


def number(value: int | float | Decimal | None) -> str:
    if value is None:
        return ""
    return format_decimal(value, locale=current_locale.get())


def country_name(code: str | None) -> str:
    """A country printed by its name in the reader's language ("FR" -> "France"); an
    unknown code is shown as it is."""
    if not code:
        return ""
    return _territories(current_locale.get()).get(code.upper(), code)


@lru_cache(maxsize=8)
def _territories(locale: str) -> dict[str, str]:
    return dict(Locale.parse(locale).territories)


# Babel's two-letter territories that are not countries one ships to.
NOT_COUNTRIES = frozenset({"ZZ", "EU", "EZ", "UN", "XA", "XB", "XK", "QO"})


def country_choices() -> list[tuple[str, str]]:
    """(ISO code, name in the reader's language) of every country, by name: what a country
    picker offers (the code is what is stored)."""
    names = _territories(current_locale.get())
    return sorted(((code, name) for code, name in names.items()
                   if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES),
                  key=lambda pair: fold(pair[1]))


def amount_input(minor_units: int | None, currency: str = "EUR") -> str:
    """An amount as the reader would type it back into a form: 590 -> "5,90" in French."""
    if minor_units is None:
        return ""
    return major_units(minor_units, currency_decimals(currency), current_locale.get())


FILTERS = {
    "money": money,
    "amount_input": amount_input,
    "datetime_short": datetime_short,
    "datetime_medium": datetime_medium,
    "date_short": date_short,
    "number": number,
    "phone": phone,
    "country_name": country_name,
}
