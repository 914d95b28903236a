"""Numbers staff type into forms: money amounts and quantities, parsed strictly.

An amount is plain decimal digits in the user's language: in French ``12,50`` or
``12.50``, with an optional space grouping thousands (``1 234,50``); in English ``12.50``
or ``1,234.50``. At most the currency's decimals, within the field's bound. Everything
Python's ``Decimal``/``int`` would also take is refused: exponents (``1e9`` once recorded
a payment of a billion), underscores (``1_000``), other scripts' digits (``١٢``), ``inf``,
``nan``, a sign where the field takes none. A quantity is ASCII digits only.

Refusals are ``ValidationFailed`` naming the field; the message is a ``Message`` (an
English text with its values kept apart) so the screen can translate it.
"""

from __future__ import annotations

import re

from babel.numbers import get_currency_precision

from dashboard.domain.errors import ValidationFailed

# Longest text worth reading as a number; longer is refused before any parsing.
MAX_INPUT_LENGTH = 32

_GROUP_SPACES = " \u00a0\u202f"  # space, no-break space, narrow no-break space (French)
_AMOUNT = {
    "fr": re.compile(r"(-)?(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[.,](\d+))?", re.ASCII),
    "en": re.compile(r"(-)?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?", re.ASCII),
}
_QUANTITY = re.compile(r"\d+", re.ASCII)


def N_(message: str) -> str:  # noqa: N802 - gettext convention: marks for extraction
    return message


class Amount:
    """An amount of money kept as minor units in a ``Message``: the interface prints it
    in the reader's locale ("298,00 €"), plain text reads "298.00 EUR"."""

    def __init__(self, minor: int, currency: str = "EUR") -> None:
        self.minor, self.currency = minor, currency

    def __str__(self) -> str:
        decimals = get_currency_precision(self.currency)
        return f"{self.minor / 10 ** decimals:.{decimals}f} {self.currency}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Amount) and (self.minor, self.currency) == (other.minor,
                                                                             other.currency)

    def __hash__(self) -> int:
        return hash((self.minor, self.currency))


class Message(str):
    """An English message with named values, e.g. ``Message("At most %(decimals)s decimals.",
    decimals=2)``. It reads as the filled-in English text; ``template`` and ``values`` let
    the interface translate the template first and fill it in after."""

    template: str
    values: dict[str, object]

    def __new__(cls, template: str, **values: object) -> "Message":
        text = super().__new__(cls, template % values if values else template)
        text.template = template
        text.values = values
        return text

    def translate(self, gettext, render=str) -> str:
        """The template translated, then filled in with each value as ``render`` prints it
        (the interface prints an ``Amount`` as money in the reader's locale)."""
        translated = gettext(self.template)
        if not self.values:
            return translated
        return translated % {name: render(value) for name, value in self.values.items()}

    def to_data(self) -> dict:
        """The message as JSON-ready data, to be stored and translated when shown later."""
        return {"template": self.template,
                "values": {name: ({"minor": value.minor, "currency": value.currency}
                                  if isinstance(value, Amount) else value)
                           for name, value in self.values.items()}}

    @classmethod
    def from_data(cls, data: dict) -> "Message":
        """Back from ``to_data`` (amounts become ``Amount`` again)."""
        values = {name: (Amount(value["minor"], value["currency"])
                         if isinstance(value, dict) else value)
                  for name, value in (data.get("values") or {}).items()}
        return cls(data.get("template", ""), **values)

    @classmethod
    def of(cls, text: str) -> "Message":
        """``text`` as a message: a ``Message`` stays itself, plain text has no values."""
        return text if isinstance(text, Message) else cls(text)


NOT_AN_AMOUNT = {
    "fr": N_("Type an amount in digits, such as 12,50."),
    "en": N_("Type an amount in digits, such as 12.50."),
}
NOT_A_QUANTITY = N_("Type a whole number in digits, such as 3.")
REQUIRED = N_("Required.")
NEGATIVE = N_("The amount cannot be negative.")
ZERO = N_("The amount must be more than zero.")
TOO_MANY_DECIMALS = N_("At most %(decimals)s decimals.")
NO_DECIMALS = N_("No decimals for this currency.")
TOO_LARGE = N_("The amount must not exceed %(maximum)s.")
QUANTITY_RANGE = N_("Type a whole number from %(minimum)s to %(maximum)s.")


def _refuse(field: str, message: str, **values: object) -> ValidationFailed:
    return ValidationFailed({field: Message(message, **values)}, "Check the highlighted fields")


def _clean(text: object) -> str:
    # Only surrounding spaces go; anything else odd is the parser's to refuse.
    return str(text if text is not None else "").strip(" \t\r\n" + _GROUP_SPACES)


def parse_money(text: object, *, field: str, maximum: int, locale: str = "fr",
                decimals: int = 2, allow_zero: bool = False,
                allow_negative: bool = False) -> int:
    """A typed amount as integer minor units (``"12,50"`` -> 1250).

    ``maximum`` is in minor units and bounds the absolute value. Raises ``ValidationFailed``
    on ``field`` for an empty, malformed, too precise, negative (unless allowed), zero
    (unless allowed) or too large amount.
    """
    raw = _clean(text)
    if not raw:
        raise _refuse(field, REQUIRED)
    shape = "en" if locale == "en" else "fr"
    match = _AMOUNT[shape].fullmatch(raw) if len(raw) <= MAX_INPUT_LENGTH else None
    if match is None:
        raise _refuse(field, NOT_AN_AMOUNT[shape])
    sign, whole, fraction = match.groups()
    fraction = fraction or ""
    if len(fraction) > decimals:
        if decimals == 0:
            raise _refuse(field, NO_DECIMALS)
        raise _refuse(field, TOO_MANY_DECIMALS, decimals=decimals)
    digits = re.sub(r"[^0-9]", "", whole)
    value = int(digits) * 10**decimals + int(fraction.ljust(decimals, "0") or 0)
    if sign and value:
        if not allow_negative:
            raise _refuse(field, NEGATIVE)
        value = -value
    if value == 0 and not allow_zero:
        raise _refuse(field, ZERO)
    if abs(value) > maximum:
        raise _refuse(field, TOO_LARGE, maximum=major_units(maximum, decimals, shape))
    return value


def major_units(minor: int, decimals: int = 2, locale: str = "fr") -> str:
    """1000000 (minor units, 2 decimals) -> "10 000" in French, "10,000" in English."""
    whole, rest = divmod(minor, 10**decimals) if decimals else (minor, 0)
    grouped = f"{whole:,}".replace(",", "\u202f" if locale != "en" else ",")
    if not rest:
        return grouped
    separator = "," if locale != "en" else "."
    return f"{grouped}{separator}{rest:0{decimals}d}"


def parse_count(text: object, *, field: str, maximum: int, minimum: int = 0,
                default: int | None = None) -> int:
    """A typed quantity: ASCII digits only, from ``minimum`` to ``maximum``.

    Empty gives ``default`` when there is one. Raises ``ValidationFailed`` on ``field`` for
    anything else: a sign, a decimal, an exponent, other scripts' digits, out of bounds.
    """
    raw = _clean(text)
    if not raw:
        if default is not None:
            return default
        raise _refuse(field, REQUIRED)
    if len(raw) > MAX_INPUT_LENGTH or not _QUANTITY.fullmatch(raw):
        raise _refuse(field, NOT_A_QUANTITY)
    value = int(raw)
    if not minimum <= value <= maximum:
        raise _refuse(field, QUANTITY_RANGE, minimum=minimum, maximum=maximum)
    return value


# Bounds of the amounts staff type, in minor units of a two-decimal currency: far above
# any real order of this shop, far below what would overflow a total or hide a typo.
MAX_PAYMENT = 1_000_000_00
MAX_CREDIT = 100_000_00
MAX_SURCHARGE = 10_000_00
MAX_SHIPPING_CREDIT = 1_000_00
MAX_SHIPPING_PRICE = 1_000_00


def currency_decimals(currency: str) -> int:
    """Minor digits of an ISO 4217 currency (EUR 2, JPY 0, KWD 3), from the CLDR data."""
    return get_currency_precision((currency or "EUR").upper())


def bound(maximum_for_two_decimals: int, decimals: int) -> int:
    """A bound written for cents, scaled to a currency with other minor digits."""
    return maximum_for_two_decimals * 10**decimals // 100
