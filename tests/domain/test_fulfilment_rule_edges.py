"""Edges of the fulfilment rules (dashboard.domain.fulfilment.rules) the pick-before-ship
tests leave open: holds and their dates, what waits, the ship plan's refusals and their
texts, the status a shipment gives, undo, and the bulk shipment paste."""

from datetime import datetime, timedelta, timezone

import pytest

from dashboard.domain.errors import InvalidTransition, ValidationFailed
from dashboard.domain.fulfilment.rules import (
    MAX_BULK_ROWS, BulkShipRow, LineState, NotAllowed, WaitingFor, as_utc, check_hold,
    check_hold_note, check_tracking_status, check_undo, check_unpicked_reason, hold_end,
    is_held, may_mark_delivered, may_offer_shipping, parse_bulk_shipments, plan_shipment,
    status_after_shipping, status_from_lines, waiting_for,
)

UTC = timezone.utc
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def refused(check, *args, **kwargs) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        check(*args, **kwargs)
    return caught.value


def test_naive_timestamps_are_read_as_utc():
    assert as_utc(datetime(2026, 12, 7, 9, 0)) == NOW
    assert as_utc(NOW).tzinfo is UTC
    paris = timezone(timedelta(hours=1))
    assert as_utc(datetime(2026, 12, 7, 10, 0, tzinfo=paris)).tzinfo is paris
    assert as_utc(None) is None


def test_a_dated_hold_lapses_once_its_date_has_passed():
    assert is_held("on_hold", "until_date", NOW + timedelta(seconds=1), NOW)
    assert not is_held("on_hold", "until_date", NOW, NOW)
    assert not is_held("on_hold", "until_date", datetime(2026, 12, 7, 8, 0), NOW)
    assert is_held("on_hold", "until_date", None, NOW)
    assert is_held("on_hold", "manual", NOW - timedelta(days=1), NOW)
    assert not is_held("open", "manual", None, NOW)
    assert is_held("on_hold", "until_date", datetime.now(UTC) + timedelta(hours=1))
    assert not is_held("on_hold", "until_date", datetime.now(UTC) - timedelta(hours=1))


def test_a_hold_needs_a_known_reason():
    caught = refused(check_hold, "open", "bored", None, NOW)
    assert caught.message == "Check the highlighted fields"
    assert caught.fields == {"reason": "Choose a hold reason."}
    assert refused(check_hold, "open", None, None, NOW).fields.keys() == {"reason"}


def test_a_hold_until_a_date_needs_a_future_date():
    caught = refused(check_hold, "open", "until_date", None, NOW)
    assert caught.message == "Check the highlighted fields"
    assert caught.fields == {"until": "Choose the date the hold ends."}
    caught = refused(check_hold, "open", "until_date", NOW, NOW)
    assert caught.message == "Check the highlighted fields"
    assert caught.fields == {"until": "The date must be in the future."}
    caught = refused(check_hold, "open", "until_date", datetime.now(UTC) - timedelta(hours=1))
    assert caught.fields == {"until": "The date must be in the future."}
    assert check_hold("open", "until_date", NOW + timedelta(seconds=1), NOW) is None
    assert check_hold("open", "until_date", datetime.now(UTC) + timedelta(hours=1)) is None


def test_an_order_on_hold_or_cancelled_cannot_be_held():
    with pytest.raises(NotAllowed) as caught:
        check_hold("on_hold", "manual", None, NOW)
    assert caught.value.message == "The order is already on hold."
    with pytest.raises(InvalidTransition):
        check_hold("cancelled", "manual", None, NOW)
    assert check_hold("open", "manual", None, NOW) is None


def test_what_an_open_order_waits_for():
    assert waiting_for(1, "carrier", "card", 0) == WaitingFor.PAYMENT
    assert waiting_for(1, "carrier", "card", 2) == WaitingFor.PAYMENT
    assert waiting_for(0, "carrier", "card", 1) == WaitingFor.STOCK
    assert waiting_for(0, "carrier", "card", 0) is None
    assert waiting_for(-5, "carrier", "card", 0) is None
    # paid at the counter: the balance does not hold it back
    assert waiting_for(100, "click_and_collect", "card", 0) is None
    assert waiting_for(100, "carrier", "cash_on_pickup", 0) is None
    assert waiting_for(100, "click_and_collect", "card", 1) == WaitingFor.STOCK


def test_a_hold_note_is_single_spaced_and_at_most_500_characters():
    assert check_hold_note("  call \n the  customer ") == "call the customer"
    assert check_hold_note(None) == ""
    assert check_hold_note("x" * 500) == "x" * 500
    caught = refused(check_hold_note, "x" * 501)
    assert caught.message == "Check the highlighted fields"
    assert caught.fields == {"note": "At most 500 characters."}
    assert caught.fields["note"].values == {"maximum": 500}


def test_a_hold_until_a_day_ends_when_that_day_is_over_in_the_shop_zone():
    assert hold_end(" 2026-12-24 ", "Europe/Paris") == datetime(2026, 12, 24, 23, 0, tzinfo=UTC)
    assert hold_end("2026-07-14", "Europe/Paris") == datetime(2026, 7, 14, 22, 0, tzinfo=UTC)
    assert hold_end("2026-07-14", "UTC").tzinfo == UTC


@pytest.mark.parametrize("day", ["", None, "24/12/2026", "2026-02-30"])
def test_a_hold_day_is_an_iso_date(day):
    caught = refused(hold_end, day, "Europe/Paris")
    assert caught.message == "Check the highlighted fields"
    assert caught.fields == {"until": "Choose a date."}


@pytest.mark.parametrize("status, method, fulfilment, offered", [
    ("open", "carrier", "unfulfilled", True),
    ("on_hold", "carrier", "partially_shipped", True),
    ("cancelled", "carrier", "unfulfilled", False),
    ("closed", "carrier", "unfulfilled", False),
    ("open", "click_and_collect", "unfulfilled", False),
    ("open", "carrier", "shipped", False),
    ("open", "carrier", "ready_for_pickup", False),
])
def test_the_ship_form_is_offered_for_goods_still_to_leave_by_carrier(status, method,
                                                                     fulfilment, offered):
    assert may_offer_shipping(status, method, fulfilment) is offered


def test_a_parcel_on_its_way_may_be_marked_delivered():
    assert may_mark_delivered("shipped") and may_mark_delivered("partially_shipped")
    assert not may_mark_delivered("unfulfilled") and not may_mark_delivered("delivered")


def state(id=1, quantity=3, reserved=3, shipped=0, picked=0, on_pick_list=True, pick_open=False):
    return LineState(id, quantity, reserved, shipped, picked, on_pick_list, pick_open,
                     sku=f"SKU{id}", name=f"Item {id}")


def test_what_a_line_may_ship_now():
    line = state(reserved=3, shipped=1, picked=3)
    assert line.picked_unshipped == 2
    assert line.shippable_now() == 2 == line.shippable
    assert line.shippable_now(without_picking=True) == 3
    assert state(reserved=-1, picked=0).shippable_now(without_picking=True) == 0
    assert state(reserved=2, shipped=5, picked=3).shippable_now() == 0


def test_everything_that_can_leave_now():
    lines = [state(1, picked=2), state(2, picked=0), state(3, reserved=1, picked=1)]
    assert plan_shipment(lines, None) == {1: 2, 3: 1}
    assert plan_shipment(lines, None, without_picking=True) == {1: 3, 2: 3, 3: 1}


def test_nothing_left_that_can_be_shipped():
    caught = refused(plan_shipment, [state(picked=0)], None)
    assert caught.message == "Nothing left that can be shipped"
    assert caught.fields == {"lines": "Nothing left that can be shipped."}


def test_chosen_quantities_within_what_each_line_allows():
    lines = [state(1, picked=2), state(2, picked=1)]
    assert plan_shipment(lines, {1: 2, 2: 0}) == {1: 2}
    assert plan_shipment(lines, {1: 3}, without_picking=True) == {1: 3}


def test_each_bad_chosen_quantity_is_named():
    lines = [state(1, picked=2), state(2, picked=1), state(3, picked=1)]
    caught = refused(plan_shipment, lines, {9: 1, 1: 3, 2: -1, 3: True})
    assert caught.message == "Some quantities cannot be shipped"
    assert caught.fields == {"line_9": "Not a line of this order.",
                             "line_1": "at most 2 (picked and not yet shipped)",
                             "line_2": "A whole number of 0 or more.",
                             "line_3": "A whole number of 0 or more."}
    assert caught.fields["line_1"].values == {"units": 2}
    assert refused(plan_shipment, lines, {1: 1.0}).fields == {
        "line_1": "A whole number of 0 or more."}
    caught = refused(plan_shipment, lines, {1: 4}, without_picking=True)
    assert caught.fields == {"line_1": "at most 3 (held for it)"}
    assert caught.fields["line_1"].values == {"units": 3}


def test_a_chosen_shipment_of_nothing_is_refused():
    caught = refused(plan_shipment, [state(1, picked=2)], {1: 0})
    assert caught.message == "Choose at least one unit to ship"
    assert caught.fields == {"lines": "Choose at least one unit to ship."}


def test_shipping_without_picking_is_for_back_office_and_admin_with_a_reason():
    assert check_unpicked_reason("admin", "  scanner \n broken ") == "scanner broken"
    assert check_unpicked_reason("back_office", "x" * 500) == "x" * 500
    with pytest.raises(NotAllowed) as caught:
        check_unpicked_reason("picker", "scanner broken")
    assert caught.value.message == "Only back office or an admin may ship without picking."
    caught = refused(check_unpicked_reason, "admin", None)
    assert caught.message == "Say why it ships without picking."
    assert caught.fields == {"unpicked_reason": "Say why it ships without picking."}
    caught = refused(check_unpicked_reason, "admin", "x" * 501)
    assert caught.message == "Check the highlighted fields"
    assert caught.fields == {"unpicked_reason": "At most 500 characters."}
    assert caught.fields["unpicked_reason"].values == {"maximum": 500}


def test_the_status_a_shipment_gives():
    assert status_from_lines([(2, 0), (1, 0)]) == "unfulfilled"
    assert status_from_lines([(2, 1), (1, 0)]) == "partially_shipped"
    assert status_from_lines([(2, 2), (1, 1)]) == "shipped"
    assert status_from_lines([(2, 3)]) == "shipped"
    assert status_from_lines([(2, -1)]) == "unfulfilled"
    assert status_from_lines([]) == "unfulfilled"
    assert status_after_shipping("unfulfilled", [(2, 1)]) == "partially_shipped"
    assert status_after_shipping("partially_shipped", [(2, 2)]) == "shipped"
    with pytest.raises(InvalidTransition) as caught:
        status_after_shipping("shipped", [(2, 1)])
    assert caught.value.details == {"axis": "fulfilment_status", "current": "shipped",
                                    "target": "partially_shipped"}


def test_tracking_statuses():
    for status in ("in_transit", "delivered", "exception"):
        assert check_tracking_status(status) is None
    caught = refused(check_tracking_status, "lost")
    assert caught.fields == {"status": "one of in_transit, delivered, exception"}


def test_a_shipment_may_be_undone_for_five_minutes():
    assert check_undo(NOW - timedelta(minutes=5), NOW) is None
    assert check_undo(datetime(2026, 12, 7, 8, 56), NOW) is None  # naive: UTC
    assert check_undo(datetime.now(UTC) - timedelta(minutes=1)) is None
    with pytest.raises(NotAllowed) as caught:
        check_undo(NOW - timedelta(minutes=5, seconds=1), NOW)
    assert caught.value.message == "Too late to undo: shipments can be undone for five minutes"
    with pytest.raises(NotAllowed):
        check_undo(datetime.now(UTC) - timedelta(minutes=6))


def test_bulk_shipments_read_each_line_with_its_own_separator():
    text = ("Order number;Carrier;Tracking number\n"
            "\n"
            " A100 , colissimo , 6A12345678901 \n"
            "A101;ups;1Z999AA10123456784\n"
            "A102\tdpd\t09876543210123\n"
            " , , \n")
    assert parse_bulk_shipments(text) == [
        BulkShipRow("A100", "colissimo", "6A12345678901"),
        BulkShipRow("A101", "ups", "1Z999AA10123456784"),
        BulkShipRow("A102", "dpd", "09876543210123")]


@pytest.mark.parametrize("header", ["order_number,carrier,tracking", "NUMBER;carrier;tracking",
                                    "order\tcarrier\ttracking"])
def test_bulk_header_rows_are_skipped(header):
    assert parse_bulk_shipments(header + "\nA1,gls,12345678901") == [
        BulkShipRow("A1", "gls", "12345678901")]


def test_bulk_lines_of_two_take_the_default_carrier():
    assert parse_bulk_shipments("A1,6A12345678901", "colissimo") == [
        BulkShipRow("A1", "colissimo", "6A12345678901")]
    caught = refused(parse_bulk_shipments, " A1,6A12345678901 ")
    assert caught.fields == {
        "csv": "Line “A1,6A12345678901”: expected order number, carrier, tracking number."}
    assert caught.fields["csv"].values == {"line": "A1,6A12345678901"}
    assert refused(parse_bulk_shipments, "A1", "colissimo").fields["csv"].values == {
        "line": "A1"}


def test_bulk_shipments_need_one_line_and_at_most_2000():
    for text in ("", "\n \n", "order number,carrier,tracking"):
        assert refused(parse_bulk_shipments, text).fields == {"csv": "Paste at least one line."}
    rows = "\n".join(f"A{i},gls,12345678901" for i in range(MAX_BULK_ROWS))
    assert len(parse_bulk_shipments(rows)) == 2000
    caught = refused(parse_bulk_shipments, rows + "\nB,gls,12345678901")
    assert caught.fields == {"csv": "At most 2000 lines at once."}
    assert caught.fields["csv"].values == {"maximum": 2000}
