"""Read-only queries behind the orders list. No writes here, ever.

Each list fragment costs one page query plus a few *capped* counts: counting a million
rows exactly on every keystroke would cost more than the page itself, and "10,000+"
tells staff as much as "734,120" does. Search goes through the engine's trigram index
(pg_trgm on PostgreSQL, an FTS5 trigram table on SQLite, see the migrations).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from piccolo.columns.combination import WhereRaw
from piccolo.query.functions.aggregate import Count as CountOf

from dashboard.db.tables import Order
from dashboard.db.transaction import is_sqlite, read_snapshot
from dashboard.domain.orders.listing import (
    DEFAULT_SORT, MIN_TRIGRAM, SORTS, OrderFilter, number_prefix, placed_bounds, prefix_bounds,
    PRODUCT_NAME_MIN, code_search_only, names_products_by_name, search_terms,
)
from dashboard.domain.returns import ReturnStatus
from dashboard.domain.statuses import OrderStatus
from dashboard.services.stock import product_ids_by_code, product_ids_matching
from dashboard.settings import get_settings

__all__ = ["COUNT_CAP", "OrderFilter", "OrderPage", "Count", "orders_view", "list_orders",
           "status_counts",
           "matching_order_ids", "order_clauses", "exact_counts"]

PAGE_SIZE = 50
COUNT_CAP = 1_000
# A search matching more than this is too broad to read anyway; counting further costs a
# heap visit per match (70 ms for 1,000 trigram hits in 1M orders on PostgreSQL).
SEARCH_COUNT_CAP = 200
# A search naming more products than this is too broad to be about a product.
PRODUCT_MATCH_CAP = 100
# Above this many trigram hits, SQLite walks the sort index rather than sorting the hits.
COMMON_SEARCH = 1_000
LIST_COLUMNS = (
    Order.id, Order.number, Order.placed_at, Order.customer_name, Order.customer_email,
    Order.channel, Order.payment_method, Order.shipping_method, Order.status,
    Order.payment_status, Order.fulfilment_status, Order.total, Order.balance_due,
    Order.currency, Order.note_count, Order.backordered_quantity, Order.ship_verified_at,
    Order.last_carrier, Order.ship_postal_code, Order.ship_city, Order.ship_country,
    Order.hold_reason,
)


@dataclass(frozen=True)
class Count:
    """A count that stops at ``COUNT_CAP``: ``capped`` means "at least ``value``"."""

    value: int
    capped: bool = False


@dataclass
class OrderPage:
    rows: list[dict]
    next_cursor: str | None
    total: Count
    extra: dict = field(default_factory=dict)


def _encode_cursor(value: object, order_id: int) -> str:
    if isinstance(value, datetime):
        value = value.isoformat()
    raw = json.dumps([value, order_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str, column: str) -> tuple[object, int] | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, order_id = json.loads(raw)
        if column == "placed_at":
            value = datetime.fromisoformat(value)
        elif column in ("total", "balance_due"):
            value = int(value)
        else:
            value = str(value)
        return value, int(order_id)
    except (ValueError, TypeError, json.JSONDecodeError, UnicodeDecodeError):
        return None


def _fts_match(words: tuple[str, ...]) -> str:
    return " AND ".join('"' + w.replace('"', '""') + '"' for w in words)


def text_clauses(table: str, q: str, common: bool = False) -> list:
    """Substring match of every word of ``q`` in ``<table>.search_text`` (folded).

    On SQLite the ``<table>_search`` FTS5 trigram table narrows the rows first; LIKE then
    confirms each word (and alone handles words too short for trigrams). For a ``common``
    search the id list is only a filter (``+id``), so a sorted page walks the date index
    and stops at the first page instead of sorting thousands of matches.
    """
    terms = search_terms(q, get_settings().shop.country)
    clauses = []
    if is_sqlite() and terms.indexed:
        column = f"+{table}.id" if common else f"{table}.id"
        clauses.append(WhereRaw(
            f"{column} IN (SELECT rowid FROM {table}_search WHERE {table}_search MATCH {{}})",
            _fts_match(terms.indexed)))
    for word in terms.words:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        # A word too short for trigrams would make pg_trgm walk its whole index: match it
        # on an expression the index does not cover, after the other conditions.
        column = f"{table}.search_text"
        if len(word) < MIN_TRIGRAM:
            column = f"({column} || '')"
        clauses.append(WhereRaw(f"{column} LIKE {{}} ESCAPE '\\'", f"%{escaped}%"))
    return clauses


def search_clauses(table: str, q: str, common: bool = False,
                   products: ProductMatch | None = None) -> list:
    """The search's clauses: its text, or (when it names products) holding one of them;
    only holding one when it is exactly a product's code (``code_search_only``).

    For a ``common`` search on SQLite the id lists are only filters (``+id``), so a sorted
    page walks the date index and stops at the first page instead of sorting every hit."""
    if not (products and products.ids):
        return text_clauses(table, q, common)
    column = f"+{table}.id" if common and is_sqlite() else f"{table}.id"
    holding = WhereRaw(
        f'{column} IN (SELECT "order" FROM order_line WHERE product IN ({_id_list(products.ids)}))')
    if products.by_code:
        return [holding]
    clauses = text_clauses(table, q, common)
    text = clauses[0]
    for clause in clauses[1:]:
        text = text & clause
    return [text | holding]


def _id_list(ids: tuple[int, ...]) -> str:
    """Product ids as an SQL list (integers only: safe to inline)."""
    return ", ".join(str(int(i)) for i in ids)


@dataclass(frozen=True)
class ProductMatch:
    """The products a search names; ``by_code``: it is exactly one's SKU or barcode."""

    ids: tuple[int, ...] = ()
    by_code: bool = False


async def matching_products(q: str) -> ProductMatch:
    """The products a search names (SKU, barcode, or every word of 3+ characters in the
    name, accents ignored, unless the search is digits alone; see ``stock.product_search``)."""
    if not names_products_by_name(q):  # digits: a SKU or barcode, exactly
        ids = await product_ids_by_code(q)
        return ProductMatch(tuple(sorted(ids)), by_code=bool(ids) and code_search_only(q))
    if code_search_only(q) and (by_code := await product_ids_by_code(q)):
        return ProductMatch(tuple(sorted(by_code)), by_code=True)
    ids = await product_ids_matching(q, min_word=PRODUCT_NAME_MIN, limit=PRODUCT_MATCH_CAP)
    return ProductMatch(tuple(sorted(ids)))


async def is_common_search(table: str, q: str, products: ProductMatch | None = None) -> bool:
    """SQLite only: does the search match more rows than sorting them all is worth?"""
    if not is_sqlite():
        return False
    if products and products.ids:
        rows = await Order.raw(
            f"SELECT count(*) AS n FROM (SELECT 1 FROM order_line WHERE product IN "
            f"({_id_list(products.ids)}) LIMIT {COMMON_SEARCH + 1}) AS lines")
        if int(rows[0]["n"]) > COMMON_SEARCH:
            return True
        if products.by_code:
            return False
    terms = search_terms(q, get_settings().shop.country)
    if not terms.indexed:
        return False
    rows = await Order.raw(
        f"SELECT count(*) AS n FROM (SELECT rowid FROM {table}_search "
        f"WHERE {table}_search MATCH {{}} LIMIT {COMMON_SEARCH + 1}) AS hits",
        _fts_match(terms.indexed))
    return int(rows[0]["n"]) > COMMON_SEARCH


def returns_in_progress_clause() -> WhereRaw:
    """Orders with a return authorised and not received yet ("returns in progress")."""
    return WhereRaw('"orders"."id" IN (SELECT "order" FROM "return_request" WHERE "status" = {})',
                    ReturnStatus.AUTHORISED.value)


def credited_clause():
    """Orders with at least one credit note ("credited orders")."""
    return Order.credited_total > 0


async def order_clauses(f: OrderFilter, for_page: bool = False,
                        products: ProductMatch | None = None) -> list:
    """The WHERE clauses of a filter (all ANDed), shared by the page, counts and bulk.

    A search finds orders by their text (number, customer, phone, postcode) or by what
    they hold (a product's SKU, barcode or name; ``products``: the caller's own
    ``matching_products(f.q)``, else looked up here). ``for_page``: the clauses of a
    sorted page, which on SQLite walk the date index when the search is common."""
    if products is None:
        products = await matching_products(f.q)
    common = for_page and await is_common_search("orders", f.q, products)
    return filter_clauses(f) + search_clauses("orders", f.q, common, products)


def filter_clauses(f: OrderFilter) -> list:
    """The WHERE clauses of a filter's axes and flags, its search left out."""
    clauses = []
    for column, value in ((Order.status, f.status), (Order.payment_status, f.payment_status),
                          (Order.fulfilment_status, f.fulfilment_status),
                          (Order.payment_method, f.payment_method), (Order.channel, f.channel),
                          (Order.last_carrier, f.carrier)):
        if value:
            clauses.append(column == value)
    start, end = placed_bounds(f, ZoneInfo(get_settings().timezone))
    if start:
        clauses.append(Order.placed_at >= start)
    if end:
        clauses.append(Order.placed_at < end)
    if f.has_notes:
        clauses.append(Order.note_count > 0)
    if f.backordered:
        # A literal: SQLite matches the partial index orders_backordered_placed_at only so.
        clauses.append(WhereRaw('"orders"."backordered_quantity" > 0'))
    if f.returns_in_progress:
        clauses.append(returns_in_progress_clause())
    if f.credited:
        clauses.append(credited_clause())
    if f.unverified:
        clauses.append(Order.ship_verified_at.is_null() & (Order.shipping_method == "carrier")
                       & Order.status.is_in([OrderStatus.OPEN, OrderStatus.ON_HOLD]))
    return clauses


def _where_all(query, clauses):
    for clause in clauses:
        query = query.where(clause)
    return query


async def capped_count(clauses: list, cap: int | None = None) -> Count:
    cap = cap or COUNT_CAP
    sub = _where_all(Order.select(Order.id), clauses).limit(cap + 1)
    rows = await Order.raw("SELECT count(*) AS n FROM ({}) AS capped", sub.querystrings[0])
    n = int(rows[0]["n"])
    return Count(min(n, cap), capped=n > cap)


async def orders_view(f: OrderFilter) -> tuple[dict[str, Count | None], OrderPage]:
    """What the list fragment shows, the status tabs' counts and one page, read in one
    snapshot (the counts agree with the rows) with the products the search names looked
    up once."""
    async with read_snapshot(parallel=False):
        products = await matching_products(f.q)
        counts = await status_counts(f, products)
        page = await list_orders(f, total=counts[f.status], products=products)
    return counts, page


async def list_orders(f: OrderFilter, page_size: int = PAGE_SIZE,
                      total: Count | None = None,
                      products: ProductMatch | None = None) -> OrderPage:
    """One page of the list, keyset-paged on (sort column, id) so deep pages stay fast.

    ``total`` may be passed when already known (from ``status_counts``) to save a count.
    A search of digits in the default sort lists first the orders whose number starts
    with them (by number), then the other matches (newest first): see ``_numbers_first``.
    """
    clauses = await order_clauses(f, for_page=True, products=products)
    prefix = number_prefix(f.q) if not f.sort else None
    if prefix:
        rows, next_cursor = await _numbers_first(filter_clauses(f), clauses, prefix, f.cursor,
                                                 page_size)
    else:
        rows, next_cursor = await _sorted_page(clauses, f.sort_key, f.cursor, page_size)
    return OrderPage(rows=rows, next_cursor=next_cursor,
                     total=total or await capped_count(clauses))


async def _sorted_page(clauses: list, sort_key: str, cursor: str,
                       page_size: int) -> tuple[list[dict], str | None]:
    column_name, descending = SORTS[sort_key]
    column = getattr(Order, column_name)
    query = _where_all(Order.select(*LIST_COLUMNS), clauses)
    if cursor and (position := _decode_cursor(cursor, column_name)):
        value, order_id = position
        # The redundant bound on the column alone lets the index start at the cursor
        # (PostgreSQL does not turn the OR into an index range: 700 ms deep in 1M rows).
        if descending:
            query = query.where((column <= value) & (
                (column < value) | ((column == value) & (Order.id < order_id))))
        else:
            query = query.where((column >= value) & (
                (column > value) | ((column == value) & (Order.id > order_id))))
    rows = await query.order_by(column, Order.id, ascending=not descending).limit(page_size + 1)
    next_cursor = None
    if len(rows) > page_size:
        rows = rows[:page_size]
        next_cursor = _encode_cursor(rows[-1][column_name], rows[-1]["id"])
    return rows, next_cursor


# Cursors of a numbers-first list: "n<number>" inside the first part (after that order),
# "r" at the start of the second; a keyset cursor (base64 of a JSON array, which starts
# with "W") inside the second.
_IN_NUMBERS = "n"
_REST = "r"


async def _numbers_first(filters: list, clauses: list, prefix: str, cursor: str,
                         page_size: int) -> tuple[list[dict], str | None]:
    """Orders numbered ``prefix...`` in number order, then the rest newest first. Both
    parts are keyset-paged (the first on the unique number); a page that ends the first
    part is filled from the second.

    The first part takes only the view's ``filters``: an order numbered so matches the
    search (its number is in its search text), and the search's own clauses would make
    SQLite gather every text hit first (150,000 for "100" in 1M orders: 19 ms)."""
    low, high = prefix_bounds(prefix)
    rest = clauses + [(Order.number < low) | (Order.number >= high)]
    room = page_size
    rows: list[dict] = []
    if not cursor or cursor.startswith(_IN_NUMBERS):
        query = _where_all(Order.select(*LIST_COLUMNS), filters).where(
            (Order.number >= low) & (Order.number < high))
        after = cursor[len(_IN_NUMBERS):]
        if after:
            query = query.where(Order.number > after)
        rows = await query.order_by(Order.number).limit(page_size + 1)
        if len(rows) > page_size:
            rows = rows[:page_size]
            return rows, f"{_IN_NUMBERS}{rows[-1]['number']}"
        room = page_size - len(rows)
        if room == 0:
            more, _ = await _sorted_page(rest, DEFAULT_SORT, "", 1)
            return rows, _REST if more else None
        cursor = ""
    elif cursor == _REST:
        cursor = ""
    more, next_cursor = await _sorted_page(rest, DEFAULT_SORT, cursor, room)
    return rows + more, next_cursor


async def status_counts(f: OrderFilter,
                        products: ProductMatch | None = None) -> dict[str, Count | None]:
    """Per status tab ("" = all), the orders matching every other filter of the view.

    One grouped count over at most ``COUNT_CAP`` + 1 matching rows answers exactly when
    the view is small enough. Beyond that, each status is counted up to the cap when no
    other filter applies (the (status, placed_at) index serves that cheaply); under other
    filters only the chosen status is counted, and the other tabs show no number (None)
    rather than scanning whole status partitions on every keystroke.
    """
    cap = SEARCH_COUNT_CAP if f.q.strip() else COUNT_CAP
    base = await order_clauses(f.without("status", "cursor"), products=products)
    sub = _where_all(Order.select(Order.status), base).limit(cap + 1)
    grouped = await Order.raw("SELECT status, count(*) AS n FROM ({}) AS capped GROUP BY status",
                              sub.querystrings[0])
    by_status = {row["status"]: int(row["n"]) for row in grouped}
    if sum(by_status.values()) <= cap:
        counts: dict[str, Count | None] = {
            status.value: Count(by_status.get(status.value, 0)) for status in OrderStatus}
        counts[""] = Count(sum(by_status.values()))
        return counts
    counts = {"": Count(cap, capped=True)}
    for status in OrderStatus:
        if not base or status == f.status:
            counts[status.value] = await capped_count(base + [Order.status == status], cap)
        else:
            counts[status.value] = None
    return counts


async def changed_since(f: OrderFilter, since: datetime, cap: int = 100) -> Count:
    """How many orders of this view were placed or changed after ``since`` (live updates:
    a cheap capped count, polled every few seconds by every open list)."""
    async with read_snapshot(parallel=False):
        clauses = await order_clauses(f.without("cursor")) + [Order.updated_at > since]
        return await capped_count(clauses, cap)


async def matching_order_ids(f: OrderFilter, limit: int) -> list[int]:
    """Ids of every order matching a view (for "select all N matching"), up to ``limit``."""
    query = _where_all(Order.select(Order.id), await order_clauses(f.without("cursor")))
    rows = await query.order_by(Order.id).limit(limit)
    return [row["id"] for row in rows]


async def order_numbered(q: str) -> str | None:
    """The order number a search is, exactly, if such an order exists ("jump to it")."""
    number = number_prefix(q)
    if not number:
        return None
    found = await Order.exists().where(Order.number == number)
    return number if found else None


async def exact_counts(f: OrderFilter) -> dict[str, Count]:
    """Per status tab ("" = all), the exact number of orders matching the view's other
    filters: one grouped count, asked for after the page has shown (it reads every match,
    which ``status_counts`` stops doing at the cap), so "select all N" says what it touches.
    """
    async with read_snapshot():
        base = await order_clauses(f.without("status", "cursor"))
        query = _where_all(Order.select(Order.status, CountOf(Order.id, alias="n")), base)
        by_status = {row["status"]: int(row["n"]) for row in await query.group_by(Order.status)}
    counts = {status.value: Count(by_status.get(status.value, 0)) for status in OrderStatus}
    counts[""] = Count(sum(by_status.values()))
    return counts
