"""What an orders-list view is: its filters, search terms and sort, as plain data.

Every state of the list round-trips through the query string (``OrderFilter.from_query``
and ``query_items``), so a view can be bookmarked, shared, saved under a name, restored
with the Back button, or sent back to the server as "all orders matching this filter".
Unknown or malformed values are dropped rather than refused: a hand-edited URL still opens
a list, just a less filtered one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, time, timedelta, timezone, tzinfo

from dashboard.domain.phones import search_digits
from dashboard.domain.search import fold
from dashboard.domain.statuses import (
    Channel,
    FulfilmentStatus,
    OrderStatus,
    PaymentMethod,
    PaymentStatus,
)

# sort key -> (column name, descending); the first is the default.
SORTS: dict[str, tuple[str, bool]] = {
    "-placed_at": ("placed_at", True),
    "placed_at": ("placed_at", False),
    "-number": ("number", True),
    "number": ("number", False),
    "-total": ("total", True),
    "total": ("total", False),
    "-balance": ("balance_due", True),
    "balance": ("balance_due", False),
}
DEFAULT_SORT = "-placed_at"

_ALLOWED: dict[str, frozenset[str]] = {
    "status": frozenset(OrderStatus),
    "payment_status": frozenset(PaymentStatus),
    "fulfilment_status": frozenset(FulfilmentStatus),
    "payment_method": frozenset(PaymentMethod),
    "channel": frozenset(Channel),
}
_FLAGS = ("has_notes", "backordered", "unverified", "returns_in_progress", "credited")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_CARRIER = re.compile(r"^[a-z0-9_.-]{1,40}$")
_PHONE_LIKE = re.compile(r"^[\d\s.+()/-]+$")
MIN_TRIGRAM = 3


@dataclass(frozen=True)
class OrderFilter:
    """One view of the orders list; empty strings mean "not filtered"."""

    q: str = ""
    status: str = ""
    payment_status: str = ""
    fulfilment_status: str = ""
    payment_method: str = ""
    channel: str = ""
    carrier: str = ""
    month: str = ""
    placed_from: str = ""
    placed_to: str = ""
    has_notes: str = ""
    backordered: str = ""
    unverified: str = ""
    returns_in_progress: str = ""
    credited: str = ""
    sort: str = ""
    cursor: str = ""

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> OrderFilter:
        """Build a filter from query parameters, keeping only well-formed values."""
        get = lambda name: str(params.get(name) or "").strip()  # noqa: E731
        values: dict[str, str] = {"q": get("q")[:200], "cursor": get("cursor")[:200]}
        for name, allowed in _ALLOWED.items():
            values[name] = get(name) if get(name) in allowed else ""
        carrier = get("carrier").lower()
        values["carrier"] = carrier if _CARRIER.match(carrier) else ""
        values["month"] = get("month") if _MONTH.match(get("month")) else ""
        for name in ("placed_from", "placed_to"):
            values[name] = get(name) if _parse_date(get(name)) else ""
        for name in _FLAGS:
            values[name] = "1" if get(name) in ("1", "on", "true", "yes") else ""
        values["sort"] = get("sort") if get("sort") in SORTS and get("sort") != DEFAULT_SORT else ""
        return cls(**values)

    def query_items(self) -> dict[str, str]:
        """The non-empty filter values (not the page position), in a stable order."""
        return {k: v for k, v in asdict(self).items() if v and k != "cursor"}

    def without(self, *names: str) -> OrderFilter:
        return replace(self, **{name: "" for name in names})

    @property
    def sort_key(self) -> str:
        return self.sort or DEFAULT_SORT

    @property
    def is_filtered(self) -> bool:
        return bool(self.without("sort").query_items())


def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def placed_bounds(f: OrderFilter, zone: tzinfo) -> tuple[datetime | None, datetime | None]:
    """UTC [start, end) of the placed-at filter, with days and months in the shop's zone.

    A month wins over a date range; either end of a range may be open. ``placed_to`` is
    inclusive (the whole day), as people read "from the 1st to the 31st".
    """
    start_day: date | None
    end_day: date | None
    if f.month:
        year, month = (int(part) for part in f.month.split("-"))
        start_day = date(year, month, 1)
        end_day = date(year + month // 12, month % 12 + 1, 1)
    else:
        start_day = _parse_date(f.placed_from)
        to = _parse_date(f.placed_to)
        end_day = to + timedelta(days=1) if to else None

    def utc(day: date | None) -> datetime | None:
        if day is None:
            return None
        return datetime.combine(day, time(0), tzinfo=zone).astimezone(timezone.utc)

    return utc(start_day), utc(end_day)


@dataclass(frozen=True)
class SearchTerms:
    """A search split into words, each matched as a substring of ``search_text``.

    ``indexed`` are the words long enough for a trigram index (3+ characters); shorter
    ones are still matched, only without the index's help.
    """

    words: tuple[str, ...]

    @property
    def indexed(self) -> tuple[str, ...]:
        return tuple(w for w in self.words if len(w) >= MIN_TRIGRAM)


def search_terms(q: str, country: str = "FR") -> SearchTerms:
    """Fold the search as ``search_text`` is folded (case and accents ignored).

    Phones are stored in E.164. A whole number, however it is spelled ("06 12 34 56 78",
    "+33 6 12 34 56 78", "0033 (0)6..."), is matched on its E.164 digits, national numbers
    read as of ``country`` (the shop's); a beginning of one on its digits without the
    national leading 0, so "06 12 34" finds "+33612345678". Postcodes and order numbers
    (5 digits, no spaces) are searched as typed.
    """
    q = (q or "").strip()
    if _PHONE_LIKE.match(q):
        if (whole := search_digits(q, country)) and (" " in q or not q.isdigit()
                                                      or len(q) > 6):
            return SearchTerms((whole,))
        digits = re.sub(r"\D", "", q)
        if len(digits) >= 6 and digits.startswith("0"):
            return SearchTerms((digits[1:],))
        if len(digits) >= 4 and " " in q:
            return SearchTerms((digits,))
    return SearchTerms(tuple(dict.fromkeys(fold(q).split())))


_DIGITS = re.compile(r"^[0-9]{1,20}$")
PRODUCT_NAME_MIN = 3
# The shortest barcode (EAN-8). Digits shorter than that may also begin an order number,
# a phone or a postcode.
BARCODE_MIN = 8


def code_search_only(q: str) -> bool:
    """Whether a search that is exactly a product's SKU or barcode should list only the
    orders holding that product: yes, unless it is digits shorter than a barcode (typing
    "1042" still looks for order numbers, phones and postcodes as well)."""
    q = (q or "").strip()
    return not (_DIGITS.match(q) and len(q) < BARCODE_MIN)


def names_products_by_name(q: str) -> bool:
    """Whether a search may name products by the words of their name: not digits alone
    ("100" begins an order number, a phone or a postcode; it is not the "100 % coton" of a
    product's name). Digits still find a product by its exact SKU or barcode."""
    return not _DIGITS.match((q or "").strip())


def number_prefix(q: str) -> str | None:
    """The digits of a search that may be the beginning of an order number, else None.

    Orders whose number starts with them come first in the list ("1000" lists 100001
    before an order whose phone holds 1000), then every other match.
    """
    q = (q or "").strip()
    return q if _DIGITS.match(q) else None


def prefix_bounds(prefix: str) -> tuple[str, str]:
    """[low, high) of the strings of digits starting with ``prefix`` (an index range)."""
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)
