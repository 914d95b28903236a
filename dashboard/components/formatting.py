"""Jinja filters that format money, dates and numbers for the current language."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_time, get_datetime_format
from babel.numbers import (
    format_currency, format_decimal, format_percent, get_currency_precision,
)

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


@lru_cache(maxsize=8)
def _babel(locale: str) -> Locale:
    """The parsed locale: Babel parses a locale string again on every call (~8 us), and a
    list formats a few dates per row."""
    return Locale.parse(locale)


@lru_cache(maxsize=8)
def _datetime_pattern(locale: str) -> str:
    return get_datetime_format("short", locale=_babel(locale)).replace("'", "")


def _local(value: datetime) -> datetime:
    return value.astimezone(ZoneInfo(get_settings().timezone))


def datetime_short(value: datetime | None) -> str:
    """A moment as ``date_short`` and the time of day ("4 déc. 2026 09:05")."""
    if value is None:
        return ""
    local, locale = _local(value), current_locale.get()
    babel = _babel(locale)
    return _datetime_pattern(locale).format(format_time(local, format="short", locale=babel),
                                            format_date(local, format="medium", locale=babel))


def datetime_medium(value: datetime | None) -> str:
    if value is None:
        return ""
    return format_datetime(_local(value), format="medium", locale=_babel(current_locale.get()))


def time_short(value: datetime | None) -> str:
    """A time of day in the shop's time zone, as the reader writes it ("10:32")."""
    if value is None:
        return ""
    return format_time(_local(value), format="short", locale=_babel(current_locale.get()))


def date_short(value: date | datetime | None) -> str:
    """A day with its month by name ("4 déc. 2026", "Dec 4, 2026"): Babel's short form
    reads "12/4/26" in English, which a French colleague reads as the 12th of April."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = _local(value).date()
    return format_date(value, format="medium", locale=_babel(current_locale.get()))


def number(value: int | float | Decimal | None) -> str:
    if value is None:
        return ""
    return format_decimal(value, locale=_babel(current_locale.get()))


def vat_rate(basis_points: int) -> str:
    """A VAT rate kept in basis points, as the reader writes it: 550 -> "5,5 %" in French."""
    return format_percent(Decimal(basis_points) / 10_000, locale=current_locale.get(),
                          decimal_quantization=False)


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
    return list(_country_choices(current_locale.get()))


@lru_cache(maxsize=8)
def _country_choices(locale: str) -> tuple[tuple[str, str], ...]:
    # Sorted once per language: every address form renders the whole list.
    return tuple(sorted(((code, name) for code, name in _territories(locale).items()
                         if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES),
                        key=lambda pair: fold(pair[1])))


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
    "time_short": time_short,
    "number": number,
    "phone": phone,
    "country_name": country_name,
    "vat_rate": vat_rate,
}
