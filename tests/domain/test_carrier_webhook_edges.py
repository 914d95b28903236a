"""Edges of the carrier tracking webhook rules the integration tests leave open: the whole
update read back, each refusal's text, the length limits at their boundary and the
RFC 3339 corners (leap second, lower-case ``z``, a value that is not text)."""

from datetime import datetime, timezone

import pytest

from dashboard.domain.errors import ValidationFailed
from dashboard.domain.fulfilment.carrier_webhooks import (
    TrackingUpdate, parse_moment, parse_tracking_update,
)

GOOD = {"order_number": "100001", "carrier": "Colissimo", "tracking_number": "6A1",
        "status": "in_transit", "occurred_at": "2026-07-14T10:00:00Z"}


def refusal(data) -> dict:
    with pytest.raises(ValidationFailed) as refused:
        parse_tracking_update(data)
    return refused.value.fields


def test_the_whole_update_is_read_back():
    assert parse_tracking_update(GOOD) == TrackingUpdate(
        "100001", "colissimo", "6A1", "in_transit",
        datetime(2026, 7, 14, 10, tzinfo=timezone.utc))


def test_each_refusal_says_what_is_wanted():
    assert refusal({"order_number": " ", "carrier": 3, "status": "lost",
                    "occurred_at": "soon"}) == {
        "data.order_number": "required", "data.carrier": "required",
        "data.tracking_number": "required",
        "data.status": "one of in_transit, delivered, exception",
        "data.occurred_at": "an RFC 3339 date and time with its offset"}
    assert refusal(["not", "an", "object"]) == {"data": "must be an object"}


def test_texts_are_refused_above_their_limit_only():
    exact = {**GOOD, "order_number": "1" * 20, "carrier": "c" * 40, "tracking_number": "t" * 100}
    assert parse_tracking_update(exact).tracking_number == "t" * 100
    assert refusal({**exact, "order_number": "1" * 21, "carrier": "c" * 41,
                    "tracking_number": "t" * 101}) == {
        "data.order_number": "at most 20 characters", "data.carrier": "at most 40 characters",
        "data.tracking_number": "at most 100 characters"}


def test_rfc_3339_corners():
    assert parse_moment("2016-12-31T23:59:60Z") == datetime(
        2016, 12, 31, 23, 59, 59, 999999, tzinfo=timezone.utc)
    assert parse_moment("2026-07-14T10:00:00z") == datetime(2026, 7, 14, 10, tzinfo=timezone.utc)
    for value in (20260714, None):
        with pytest.raises(ValueError) as refused:
            parse_moment(value)
        assert refused.value.args == (value,)
    with pytest.raises(ValueError) as refused:
        parse_moment("now")
    assert refused.value.args == ("now",)
