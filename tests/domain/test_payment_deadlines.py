"""Payment deadlines: minutes for cards, business days (with public holidays) otherwise."""

from datetime import date, datetime, timedelta, timezone

from dashboard.domain.payments.deadlines import (
    DeadlinePolicy, add_business_days, cancellation_due_at, is_business_day,
    is_cancellable_unpaid, payment_deadline, reminder_due_at,
)
from dashboard.domain.retries import RetryPolicy

POLICY = DeadlinePolicy(card_minutes=60, bank_transfer_days=3, cheque_days=10,
                        reminder_lead=timedelta(hours=24), country="FR", timezone="Europe/Paris")
UTC = timezone.utc


def test_french_public_holidays_and_weekends_are_not_business_days():
    assert not is_business_day(date(2026, 11, 11), "FR")  # Armistice, a Wednesday
    assert not is_business_day(date(2026, 11, 14), "FR")  # Saturday
    assert is_business_day(date(2026, 11, 12), "FR")
    # Another country's calendar: 11 November is a working day in Germany.
    assert is_business_day(date(2026, 11, 11), "DE")


def test_business_days_skip_holidays_and_weekends():
    # Tuesday 10 Nov + 3 business days: 12 (Thu), 13 (Fri), 16 (Mon).
    assert add_business_days(date(2026, 11, 10), 3, "FR") == date(2026, 11, 16)
    # Christmas Eve (Thursday) + 1: Friday 25 is Christmas, so Monday 28.
    assert add_business_days(date(2026, 12, 24), 1, "FR") == date(2026, 12, 28)


def test_card_deadline_is_in_minutes():
    placed = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
    assert payment_deadline("card", placed, POLICY) == placed + timedelta(minutes=60)


def test_transfer_deadline_ends_at_midnight_shop_time_after_the_last_business_day():
    placed = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)  # 10:00 in Paris
    deadline = payment_deadline("bank_transfer", placed, POLICY)
    assert deadline == datetime(2026, 11, 16, 23, 0, tzinfo=UTC)  # 17 Nov 00:00 Paris (UTC+1)


def test_an_order_placed_late_evening_utc_counts_from_the_shop_day():
    # 23:30 UTC on Monday 9 Nov is already Tuesday 10 in Paris.
    placed = datetime(2026, 11, 9, 23, 30, tzinfo=UTC)
    assert payment_deadline("bank_transfer", placed, POLICY) == datetime(2026, 11, 16, 23, 0,
                                                                          tzinfo=UTC)


def test_cash_on_pickup_and_disabled_delays_are_never_cancelled():
    placed = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
    assert payment_deadline("cash_on_pickup", placed, POLICY) is None
    assert payment_deadline("card", placed, DeadlinePolicy(card_minutes=0)) is None
    assert payment_deadline("cheque", placed, DeadlinePolicy(cheque_days=0)) is None


def test_only_open_orders_with_nothing_paid_are_cancellable():
    assert is_cancellable_unpaid("open", "unpaid")
    assert not is_cancellable_unpaid("open", "partially_paid")
    assert not is_cancellable_unpaid("open", "paid")
    assert not is_cancellable_unpaid("on_hold", "unpaid")


def test_reminder_comes_a_lead_before_the_deadline_or_half_way():
    placed = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
    deadline = placed + timedelta(days=6)
    assert reminder_due_at(placed, deadline, timedelta(hours=24)) == deadline - timedelta(hours=24)
    card_deadline = placed + timedelta(minutes=60)
    assert reminder_due_at(placed, card_deadline, timedelta(hours=24)) == placed + timedelta(minutes=30)


def test_cancellation_waits_for_the_reminder_and_keeps_the_notice_when_it_was_late():
    placed = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
    deadline = placed + timedelta(days=6)
    lead = timedelta(hours=24)
    assert cancellation_due_at(placed, deadline, lead, None) is None
    on_time = deadline - lead
    assert cancellation_due_at(placed, deadline, lead, on_time) == deadline
    late = deadline + timedelta(hours=3)
    assert cancellation_due_at(placed, deadline, lead, late) == late + lead


def test_retry_delays_double_up_to_a_cap():
    policy = RetryPolicy(base=timedelta(seconds=1), cap=timedelta(seconds=10), give_up_after=5)
    assert [policy.delay(n).total_seconds() for n in (1, 2, 3, 4, 5, 60)] == [1, 2, 4, 8, 10, 10]
    assert not policy.gives_up(4) and policy.gives_up(5)
