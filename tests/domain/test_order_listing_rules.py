"""The orders list's filter as plain data (dashboard.domain.orders.listing): what a query
string keeps, how it round-trips, the placed-at bounds in the shop's zone, and the order
number prefix."""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from dashboard.domain.orders.listing import (
    DEFAULT_SORT, SORTS, OrderFilter, number_prefix, placed_bounds, prefix_bounds,
)

UTC = timezone.utc
PARIS = ZoneInfo("Europe/Paris")


def test_a_full_query_is_kept_and_round_trips():
    query = {"q": "  Dupont ", "status": "open", "payment_status": "partially_paid",
             "fulfilment_status": "shipped", "payment_method": "cheque", "channel": "phone",
             "carrier": " Colissimo ", "month": "2026-02", "placed_from": "2026-01-01",
             "placed_to": "2026-01-31", "has_notes": "on", "backordered": "true",
             "unverified": "yes", "returns_in_progress": "1", "credited": "1",
             "sort": "total", "cursor": " abc "}
    f = OrderFilter.from_query(query)
    assert f == OrderFilter(q="Dupont", status="open", payment_status="partially_paid",
                            fulfilment_status="shipped", payment_method="cheque",
                            channel="phone", carrier="colissimo", month="2026-02",
                            placed_from="2026-01-01", placed_to="2026-01-31", has_notes="1",
                            backordered="1", unverified="1", returns_in_progress="1",
                            credited="1", sort="total", cursor="abc")
    items = f.query_items()
    assert "cursor" not in items
    assert list(items) == ["q", "status", "payment_status", "fulfilment_status",
                           "payment_method", "channel", "carrier", "month", "placed_from",
                           "placed_to", "has_notes", "backordered", "unverified",
                           "returns_in_progress", "credited", "sort"]
    assert OrderFilter.from_query(items) == f.without("cursor")


def test_malformed_values_are_dropped_not_refused():
    query = {"q": None, "status": "lost", "payment_status": "PAID", "fulfilment_status": "x",
             "payment_method": "bitcoin", "channel": "fax", "carrier": "col issimo",
             "month": "2026-13", "placed_from": "2026-02-30", "placed_to": "tomorrow",
             "has_notes": "0", "backordered": "no", "unverified": "True", "sort": "-price",
             "cursor": None}
    assert OrderFilter.from_query(query) == OrderFilter()
    assert OrderFilter.from_query({}) == OrderFilter()
    assert OrderFilter.from_query({"carrier": "x" * 41}).carrier == ""
    assert OrderFilter.from_query({"carrier": "x" * 40}).carrier == "x" * 40
    assert OrderFilter.from_query({"month": "2026-1"}).month == ""
    assert OrderFilter.from_query({"month": "12026-01"}).month == ""
    assert OrderFilter.from_query({"month": "2026-10"}).month == "2026-10"


def test_long_searches_and_cursors_are_cut_at_200():
    f = OrderFilter.from_query({"q": "a" * 300, "cursor": "c" * 300})
    assert f.q == "a" * 200 and f.cursor == "c" * 200


def test_the_default_sort_is_not_written_into_the_query():
    assert DEFAULT_SORT == "-placed_at" and next(iter(SORTS)) == DEFAULT_SORT
    assert OrderFilter.from_query({"sort": "-placed_at"}).sort == ""
    assert OrderFilter().sort_key == "-placed_at"
    assert OrderFilter(sort="-balance").sort_key == "-balance"
    assert SORTS["-balance"] == ("balance_due", True) and SORTS["number"] == ("number", False)


def test_a_filter_is_filtered_by_anything_but_its_sort_and_position():
    assert not OrderFilter().is_filtered
    assert not OrderFilter(sort="total", cursor="x").is_filtered
    assert OrderFilter(credited="1").is_filtered
    f = OrderFilter(q="x", status="open", sort="total")
    assert f.without("q", "status") == OrderFilter(sort="total")
    assert f.without() == f


def test_a_month_is_its_days_in_the_shop_zone():
    start, end = placed_bounds(OrderFilter(month="2026-07"), PARIS)
    assert (start, end) == (datetime(2026, 6, 30, 22, 0, tzinfo=UTC),
                            datetime(2026, 7, 31, 22, 0, tzinfo=UTC))
    assert start.tzinfo == UTC
    assert placed_bounds(OrderFilter(month="2026-12"), UTC) == (
        datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
    assert placed_bounds(OrderFilter(month="2026-11"), UTC) == (
        datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))


def test_a_month_wins_over_a_range_and_the_last_day_of_a_range_is_included():
    f = OrderFilter(month="2026-01", placed_from="2025-05-01", placed_to="2025-05-02")
    assert placed_bounds(f, UTC)[0] == datetime(2026, 1, 1, tzinfo=UTC)
    f = OrderFilter(placed_from="2026-01-05", placed_to="2026-01-06")
    assert placed_bounds(f, PARIS) == (datetime(2026, 1, 4, 23, 0, tzinfo=UTC),
                                       datetime(2026, 1, 6, 23, 0, tzinfo=UTC))


@pytest.mark.parametrize("f, bounds", [
    (OrderFilter(placed_from="2026-01-05"), (datetime(2026, 1, 5, tzinfo=UTC), None)),
    (OrderFilter(placed_to="2026-01-05"), (None, datetime(2026, 1, 6, tzinfo=UTC))),
    (OrderFilter(), (None, None)),
])
def test_either_end_of_a_range_may_be_open(f, bounds):
    assert placed_bounds(f, UTC) == bounds


@pytest.mark.parametrize("q, prefix", [(" 1000 ", "1000"), ("1", "1"), ("1" * 20, "1" * 20),
                                       ("1" * 21, None), ("10 00", None), ("A100", None),
                                       ("", None), (None, None), ("\u0661\u0662", None)])
def test_an_order_number_prefix_is_up_to_20_ascii_digits(q, prefix):
    assert number_prefix(q) == prefix


def test_the_index_range_of_a_prefix():
    assert prefix_bounds("1000") == ("1000", "1001")
    assert prefix_bounds("19") == ("19", "1:")


def test_a_product_code_is_searched_alone_unless_it_is_digits_shorter_than_a_barcode():
    from dashboard.domain.orders.listing import code_search_only

    assert code_search_only("TSH-BLA-XS")
    assert code_search_only("37601230")  # EAN-8: a barcode
    assert code_search_only(" 3760123000017 ")
    assert not code_search_only("3760123")  # could begin an order number or a phone
    assert not code_search_only("75011")
    assert code_search_only("A75011")


def test_digits_alone_name_no_product_by_its_name():
    from dashboard.domain.orders.listing import names_products_by_name

    assert not names_products_by_name(" 100 ")
    assert not names_products_by_name("3760123000017")
    assert names_products_by_name("coton 100")
    assert names_products_by_name("TSH-100")
